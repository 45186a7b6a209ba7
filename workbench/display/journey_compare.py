"""Current against future as HTML: the summary of differences, then both versions side by side, aligned
by episode (a row per episode, the current steps left, the future steps right), each step marked with
its change. Panel-free; every label escaped. Today's contacts appear only on the current side and on
the reasons the future no longer uses: a future design is never credited with today's contacts.
"""

from __future__ import annotations

import html

from workbench.analysis.journey_compare import Comparison
from workbench.display.journey_grid import NO_EPISODE
from workbench.model import Model

BADGES = {"removed": ("removed", "#b2182b", "#fde0dd"), "added": ("added", "#1a7837", "#e5f5e0"),
          "channel changed": ("new channel", "#8a5a00", "#fff1cc"), "kept": ("kept", "#555", "#f0f0f0")}

_CSS = """
.jc{font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;font-size:13px;color:#1a1a1a}
.jc-cards{display:flex;flex-wrap:wrap;gap:8px;margin:4px 0 10px}
.jc-card{border:1px solid #d0d5dd;border-radius:6px;padding:6px 10px;min-width:120px;background:#f8f9fb}
.jc-card b{display:block;font-size:20px}
.jc-list{margin:4px 0 10px 18px;padding:0}
.jc-grid{display:grid;grid-template-columns:170px 1fr 1fr;border-top:1px solid #d0d5dd;border-left:1px solid #d0d5dd}
.jc-grid>div{border-right:1px solid #d0d5dd;border-bottom:1px solid #d0d5dd;padding:6px;min-width:0;
 overflow-wrap:anywhere}
.jc-h{background:#2c5d8f;color:#fff;font-weight:600}
.jc-ep{background:#eef1f5;font-weight:600}
.jc-step{display:block;margin:0 0 5px;padding:4px 6px;border-radius:4px;border-left:4px solid}
.jc-badge{font-size:11px;font-weight:600;margin-right:4px}
.jc-meta{color:#555;font-size:12px}
"""


def _channel(model: Model, channel: str | None) -> str:
    return model.channels[channel].label if channel in model.channels else (channel or "no channel")


def _emotion(value: int | None) -> str:
    return "–" if value is None else (f"{value:+d}" if value else "0")


def summary_lines(model: Model, comparison: Comparison) -> list[str]:
    """The differences in plain sentences (raw text), for the page and notebooks."""
    s = comparison.summary.row(0, named=True)
    out = [f"{s['current_steps']} steps today, {s['future_steps']} in the future design: "
           f"{s['removed']} removed, {s['added']} added, {s['channel_changes']} in another channel.",
           f"{s['gaps_closed']} of {s['emotion_gaps']} emotion gaps closed (today's experience below its "
           "target, and the future step designed to reach it)."]
    changed = comparison.steps.filter(comparison.steps["change"] == "channel changed")
    for label, a, b in changed.select("label", "current_channel", "future_channel").iter_rows():
        out.append(f"“{label}”: {_channel(model, a)} → {_channel(model, b)}.")
    if "contacts_no_longer_needed" in s:
        out.append(f"{s['reasons_dropped']} contact reason(s) the future no longer uses, with "
                   f"{s['contacts_no_longer_needed']:,} contacts today.")
    else:
        out.append(f"{s['reasons_dropped']} contact reason(s) the future no longer uses.")
    return out


def compare_html(model: Model, current: str, future: str, comparison: Comparison) -> str:
    """The comparison of ``current`` with ``future`` as one HTML fragment (see the module docstring)."""
    s = comparison.summary.row(0, named=True)
    cards = [("steps today → future", f"{s['current_steps']} → {s['future_steps']}"), ("removed", s["removed"]),
             ("added", s["added"]), ("channel changes", s["channel_changes"]),
             ("emotion gaps closed", f"{s['gaps_closed']} of {s['emotion_gaps']}"),
             ("reasons no longer used", s["reasons_dropped"])]
    if "contacts_no_longer_needed" in s:
        cards.append(("contacts today on those reasons", f"{s['contacts_no_longer_needed']:,}"))
    out = [f"<div class='jc'><style>{_CSS}</style><div class='jc-summary'><b>What the future design changes</b>",
           "<div class='jc-cards'>"]
    out += [f"<div class='jc-card'><b>{html.escape(str(v))}</b>{html.escape(k)}</div>" for k, v in cards]
    out.append("</div><ul class='jc-list'>")
    out += [f"<li>{html.escape(line)}</li>" for line in summary_lines(model, comparison)]
    for _reason, label, contacts in comparison.dropped_reasons.iter_rows():
        count = "" if contacts is None else f": {contacts:,} contacts today"
        out.append(f"<li>no longer used: {html.escape(label)}{html.escape(count)}</li>")
    out.append("</ul></div>")
    out.append(_aligned(model, current, future, comparison))
    out.append("</div>")
    return "".join(out)


def _aligned(model: Model, current: str, future: str, comparison: Comparison) -> str:
    changes = {"current": comparison.changes("current"), "future": comparison.changes("future")}
    by_episode: dict[str, dict[str, list]] = {}
    labels: dict[str, str] = {}
    for side, journey in (("current", current), ("future", future)):
        for order, step in enumerate(model.steps_of(journey), start=1):
            label = model.episodes[step.episode].label if step.episode in model.episodes else NO_EPISODE
            key = label.strip().casefold()
            labels.setdefault(key, label)
            by_episode.setdefault(key, {"current": [], "future": []})[side].append((order, step))
    out = ["<div class='jc-grid'><div class='jc-h'>Episode</div>",
           f"<div class='jc-h'>Today: {html.escape(model.journey_title(current))}</div>",
           f"<div class='jc-h'>Future design: {html.escape(model.journey_title(future))}</div>"]
    for key, sides in by_episode.items():
        out.append(f"<div class='jc-ep'>{html.escape(labels[key])}</div>")
        for side in ("current", "future"):
            chips = []
            for order, step in sides[side]:
                text, colour, background = BADGES[changes[side].get(step.id, "kept")]
                mot = " · ★ moment of truth" if step.moment_of_truth else ""
                meta = f"{_channel(model, step.channel)} · emotion {_emotion(step.emotion)} (target " \
                       f"{_emotion(step.target_emotion)}){mot}"
                chips.append(f"<span class='jc-step' data-change='{html.escape(text)}' style='border-color:{colour};"
                             f"background:{background}'><span class='jc-badge' style='color:{colour}'>"
                             f"{html.escape(text)}</span>{order}. {html.escape(step.label)}<br>"
                             f"<span class='jc-meta'>{html.escape(meta)}</span></span>")
            out.append(f"<div data-side='{side}'>{''.join(chips) or '<span class=jc-meta>no steps</span>'}</div>")
    out.append("</div>")
    return "".join(out)
