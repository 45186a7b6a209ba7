"""Import and export time of a whole workspace model as YAML and Excel, of a workshop sheet, and of
saving imported journeys to the store.

Run by hand:
    python benchmarks/bench_interchange.py [--reasons 80 --journeys 50 --steps 20 --repeat 3]
    python benchmarks/bench_interchange.py --part commit [--repeat 3 --baseline-repeat 1]

The model has 5 stages, 80 contact reasons, 50 journeys of 20 steps (6 episodes each). Each figure is
the best of ``--repeat`` runs, next to a baseline in the same process: plain ``yaml.safe_load`` /
``yaml.dump`` of the same document, and fastexcel reading every sheet without any checking.

The commit part saves 20,000 steps to a fresh SQLite store (as ``workbench import WS sheet --journeys``
does): 200 journeys × 100 steps and 1 journey × 20,000 steps, new; then one step edited and every step
edited in a store that holds them. The baseline is the store's commit as it was before rows were built
once per model (``baseline_store_commit.py``), run on the same models in the same process.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import fastexcel
import yaml

from workbench.interchange import (
    read_excel,
    read_workshop,
    read_yaml,
    write_excel,
    write_workshop,
    write_yaml,
)
from workbench.model import Channel, ContactReason, Episode, Journey, Model, Phase, Stage, Step
from workbench.store import Store

sys.path.insert(0, str(Path(__file__).parent))
from baseline_store_commit import old_commit  # noqa: E402


def build(reasons: int, journeys: int, steps: int) -> Model:
    m = Model(name="Benchmark", language="en")
    for s in range(5):
        m.stages[f"stage-{s}"] = Stage(f"stage-{s}", f"Stage {s}", "A stage of the life cycle")
        for p in range(4):
            m.phases[f"phase-{s}-{p}"] = Phase(f"phase-{s}-{p}", f"stage-{s}", f"Phase {s}.{p}")
    phases = list(m.phases)
    for r in range(reasons):
        m.reasons[f"reason-{r}"] = ContactReason(f"reason-{r}", phases[r * len(phases) // reasons],
                                                 f"I do thing number {r}", "What the customer wants.", "Owner")
    for c, name in enumerate(["phone", "web", "app", "shop", "chat"]):
        m.channels[name] = Channel(name, name.title(), c % 2 == 1)
    for j in range(journeys):
        jid = f"journey-{j}"
        m.journeys[jid] = Journey(jid, f"I do journey {j}", scope="From start to end.")
        for e in range(6):
            m.episodes[f"{jid}-ep-{e}"] = Episode(f"{jid}-ep-{e}", jid, f"I do episode {e}", emotion=e % 5 - 2)
        for n in range(1, steps + 1):
            m.steps[f"{jid}-{n}"] = Step(
                f"{jid}-{n}", jid, f"The customer does step {n}", episode=f"{jid}-ep-{n * 6 // (steps + 1)}",
                channel=list(m.channels)[n % 5], touchpoint="A page", need="I want it to work",
                emotion=n % 5 - 2, target_emotion=2, satisfaction=n % 5 + 1, importance_to_customer=4,
                importance_to_organisation=3, moment_of_truth=n % 7 == 0, reason=f"reason-{(j * 7 + n) % reasons}")
    return m


def best(repeat: int, fn) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def without_journeys(model: Model) -> Model:
    bare = model.copy()
    bare.journeys, bare.episodes, bare.steps = {}, {}, {}
    return bare


def commit_cases(reasons: int) -> list[tuple[str, Model, Model]]:
    """(name, what the store holds before, what is saved) for the commit benchmark."""
    wide, long = build(reasons, 200, 100), build(reasons, 1, 20_000)
    one_edit = wide.copy()
    first = next(iter(one_edit.steps))
    one_edit.steps[first] = replace(one_edit.steps[first], notes="edited")
    all_edits = wide.copy()
    all_edits.steps = {k: replace(v, notes="re-imported") for k, v in wide.steps.items()}
    return [("200 journeys × 100 steps, new", without_journeys(wide), wide),
            ("1 journey × 20,000 steps, new", without_journeys(long), long),
            ("1 step edited of 20,000", wide, one_edit),
            ("20,000 steps edited", wide, all_edits)]


def time_commit(folder: Path, before: Model, after: Model, commit, repeat: int) -> float:
    """Best time of ``commit(store, new, base=…)`` saving ``after`` over a fresh store holding ``before``."""
    times = []
    for i in range(repeat):
        url = f"sqlite:///{folder / f'c{time.monotonic_ns()}-{i}.db'}"
        store = Store.create(url, before)
        base = store.load()
        new = after.copy()
        new.revision = base.revision
        new.journeys = {k: replace(v, revision=base.journeys[k].revision) if k in base.journeys else v
                        for k, v in new.journeys.items()}
        start = time.perf_counter()
        commit(store, new, base=base)
        times.append(time.perf_counter() - start)
        assert len(store.load().steps) == len(after.steps)
        store.close()
    return min(times)


def commit_part(reasons: int, repeat: int, baseline_repeat: int) -> None:
    print("store commit (SQLite file, best of runs):")
    with tempfile.TemporaryDirectory() as tmp:
        for name, before, after in commit_cases(reasons):
            ours = time_commit(Path(tmp), before, after, lambda st, new, base: st.commit(new, base=base), repeat)
            line = f"  {name:32} {ours:7.2f} s"
            if baseline_repeat:
                old = time_commit(Path(tmp), before, after, old_commit, baseline_repeat)
                line += f"   baseline (old commit) {old:7.2f} s, {old / ours:5.1f}x faster"
            print(line, flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reasons", type=int, default=80)
    parser.add_argument("--journeys", type=int, default=50)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--baseline-repeat", type=int, default=1, help="Runs of the old commit (0: skip it).")
    parser.add_argument("--part", choices=("all", "files", "commit"), default="all")
    args = parser.parse_args()
    if args.part in ("all", "files"):
        files_part(args)
    if args.part in ("all", "commit"):
        commit_part(args.reasons, args.repeat, args.baseline_repeat)


def files_part(args) -> None:
    model = build(args.reasons, args.journeys, args.steps)
    base = model.copy()
    base.journeys, base.episodes, base.steps = {}, {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        y, x, w = Path(tmp) / "m.yaml", Path(tmp) / "m.xlsx", Path(tmp) / "w.xlsx"
        write_yaml(model, y)
        write_excel(model, x)
        write_workshop(w, model)
        document = yaml.safe_load(y.read_text(encoding="utf-8"))
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

        def raw_excel():
            reader = fastexcel.read_excel(str(x))
            for name in reader.sheet_names:
                reader.load_sheet(name, header_row=None, dtypes="string").to_polars()

        rows = [
            ("YAML export", best(args.repeat, lambda: write_yaml(model, y)),
             best(args.repeat, lambda: yaml.dump(document, allow_unicode=True, sort_keys=False)), "yaml.dump"),
            ("YAML import", best(args.repeat, lambda: read_yaml(y)),
             best(args.repeat, lambda: yaml.load(y.read_text(encoding="utf-8"), Loader=loader)), "yaml C load"),
            ("Excel export", best(args.repeat, lambda: write_excel(model, x)), None, ""),
            ("Excel import", best(args.repeat, lambda: read_excel(x)), best(args.repeat, raw_excel),
             "fastexcel, all sheets"),
            ("Workshop export", best(args.repeat, lambda: write_workshop(w, model)), None, ""),
            ("Workshop import", best(args.repeat, lambda: read_workshop(w, base)), None, ""),
        ]
        sizes = {"YAML": y.stat().st_size, "Excel": x.stat().st_size, "Workshop": w.stat().st_size}
    print(f"model: {len(model.reasons)} reasons, {len(model.journeys)} journeys, {len(model.episodes)} episodes, "
          f"{len(model.steps)} steps; files: " + ", ".join(f"{k} {v / 1024:.0f} KiB" for k, v in sizes.items()))
    for name, seconds, baseline, what in rows:
        extra = f"   baseline {baseline * 1000:7.1f} ms ({what}), ratio {seconds / baseline:4.1f}x" if baseline else ""
        print(f"{name:16} {seconds * 1000:8.1f} ms{extra}")


if __name__ == "__main__":
    main()
