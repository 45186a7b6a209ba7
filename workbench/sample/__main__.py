"""``python -m workbench.sample OUT --events N``: write demo contact data and report time and memory."""

from __future__ import annotations

import argparse
import resource
import time
from datetime import date

from workbench.sample.generator import generate


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m workbench.sample", description=__doc__)
    parser.add_argument("out", help="folder to write month=YYYY-MM/part-0.parquet into")
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--start", type=date.fromisoformat, default=date(2026, 1, 1))
    parser.add_argument("--template", default="telecom", help="a template name or a YAML file")
    parser.add_argument("--overwrite", action="store_true")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    args = parser.parse_args(argv)
    began = time.perf_counter()
    result = generate(_model(args.template), args.out, events=args.events, seed=args.seed,
                      start=args.start, progress=not args.quiet, overwrite=args.overwrite)
    seconds = time.perf_counter() - began
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    broken = ", ".join(result.broken_processes)
    print(f"{result.events:,} contacts in {len(result.paths)} files under {args.out}: "
          f"{seconds:.1f} s, peak RSS {peak_mb:,.0f} MB; broken processes: {broken}")


def _model(template: str):
    """A template by name (telecom, energy …) or a workspace YAML file."""
    if template.endswith((".yaml", ".yml")):
        from workbench.interchange import read_yaml

        return read_yaml(template)
    from workbench.templates import load_template

    return load_template(template)


if __name__ == "__main__":
    main()
