"""The home page a manager reads in a minute: headline figures with their change and a sparkline, the top
priorities and why, the biggest movers, busy reasons no journey covers, and stages × metric families.

Every survey figure shows its number of responses; below the workspace's minimum (default 30) it is
greyed and never judged against its target. Everything is plain HTML (numbers and escaped labels): the
first page of the dashboard waits for no plotting library.
"""

from __future__ import annotations

import html

import panel as pn
import param

from workbench.analysis.overview import FAMILIES
from workbench.dataset import ALL_CUSTOMERS
from workbench.display.formats import format_kpi
from workbench.metrics import CATALOGUE
from workbench.metrics.customers import UNITS as CUSTOMER_UNITS
from workbench.ui.view import View

GOOD, BAD, GREYED = "#1a7f37", "#b42318", "#8a8f98"
CSS = """
.wb-table { border-collapse: collapse; font-size: 13px; width: 100%; }
.wb-table th, .wb-table td { padding: 4px 8px; border-bottom: 1px solid #e1e4e8; text-align: left;
                             vertical-align: top; }
.wb-grid td { text-align: right; }
h3 { margin: 12px 0 6px; font-size: 15px; }
"""
LABELS = {"churn_rate": "Churn rate", "mrr": "MRR"}


def kpi_label(kpi: str) -> str:
    return CATALOGUE[kpi].label if kpi in CATALOGUE else LABELS.get(kpi, kpi)


def change_text(kpi: str, change: float | None) -> str:
    """"+4.1 %" for counts and money, "+3 points" / "+0.4 pp" for scores and rates; "" without a change."""
    if change is None:
        return ""
    unit = CATALOGUE[kpi].unit if kpi in CATALOGUE else CUSTOMER_UNITS.get(kpi, "fraction")
    if kpi in ("volume", "cost", "customers", "mrr"):
        return f"{change:+.1%}"
    if unit == "fraction":
        return f"{100 * change:+.1f} pp"
    if unit == "points":
        return f"{change:+.0f} points"
    return f"{change:+.2f}"


def sparkline(values: list[float | None], width: int = 120, height: int = 28) -> str:
    """A small inline SVG line of ``values`` (gaps where a value is missing)."""
    present = [v for v in values if v is not None]
    if len(present) < 2:
        return ""
    lo, hi = min(present), max(present)
    span = (hi - lo) or 1.0
    step = width / max(len(values) - 1, 1)
    points = " ".join(f"{i * step:.1f},{height - 2 - (v - lo) / span * (height - 4):.1f}"
                      for i, v in enumerate(values) if v is not None)
    return (f'<svg width="{width}" height="{height}" viewBox="0 0 {width} {height}" aria-hidden="true">'
            f'<polyline fill="none" stroke="#2c5d8f" stroke-width="1.5" points="{points}"/></svg>')


def card_html(row: dict) -> str:
    """One headline card: label, value (greyed with its n when too few responses), change, target, sparkline."""
    kpi = row["kpi"]
    better = CATALOGUE[kpi].higher_is_better if kpi in CATALOGUE else {"churn_rate": False, "mrr": True}.get(kpi)
    change = row["change"]
    colour = "#555" if change in (None, 0) or better is None else (GOOD if (change > 0) == better else BAD)
    value = format_kpi(kpi, row["value"])
    sample = "" if row["n"] is None else f"<span style='color:{GREYED}'> · n = {row['n']:,.0f}</span>"
    greyed = "" if row["reliable"] else f";color:{GREYED}"
    target = ""
    if row["target"] is not None:
        status = {True: ("on track", GOOD), False: ("off track", BAD), None: ("not judged", GREYED)}[row["on_track"]]
        target = (f"<div style='font-size:11px;color:{status[1]}'>target {format_kpi(kpi, row['target'])} · "
                  f"{status[0]}</div>")
    return ("<div class='wb-card' style='background:#f4f5f7;border-radius:8px;padding:10px 14px;min-width:150px'>"
            f"<div style='font-size:12px;color:#555'>{html.escape(kpi_label(kpi))}{sample}</div>"
            f"<div style='font-size:24px;font-weight:700{greyed}'>{value}</div>"
            f"<div style='font-size:12px;color:{colour}'>{change_text(kpi, change)} "
            f"<span style='color:#777'>vs the month before</span></div>{target}"
            f"<div>{sparkline(row['spark'])}</div></div>")


class HomePage(View):
    """The dashboard's first page (see the module docstring)."""

    top = param.Integer(default=5, bounds=(1, 20), doc="How many priorities, movers and uncovered reasons")

    def overview(self):
        return self.data.overview(self.selection.filter, top=self.top)

    @param.depends("selection.filter", "session.data", "top")
    def _view(self):
        o = self.overview()
        model = self.model
        month = f"{o.current:%B %Y}" if o.current else "no data"
        against = f", compared with {o.previous:%B %Y}" if o.previous else ""
        head = pn.pane.HTML(f"<h2 style='margin:4px 0'>{html.escape(model.name)}</h2>"
                            f"<div style='color:#555'>{month}{against}</div>", sizing_mode="stretch_width")
        cards = pn.pane.HTML("<div style='display:flex;gap:10px;flex-wrap:wrap'>"
                             + "".join(card_html(r) for r in o.headline.iter_rows(named=True)) + "</div>",
                             sizing_mode="stretch_width", css_classes=["wb-home-cards"], stylesheets=[CSS])
        return pn.Column(
            head, cards,
            pn.Row(_html(self._priorities_html(o.priorities)), _html(self._movers_html(o.movers)),
                   sizing_mode="stretch_width"),
            pn.Row(_html(self._grid_html(o.grid), css_classes=["wb-home-grid"]),
                   _html(self._uncovered_html(o.uncovered), max_width=420), sizing_mode="stretch_width"),
            sizing_mode="stretch_width")

    def _reason(self, reason: str) -> str:
        r = self.model.reasons.get(reason)
        return html.escape(r.label if r else reason)

    def _priorities_html(self, ranked) -> str:
        items = "".join(f"<li><b>{html.escape(r['label'])}</b> <span style='color:#555'>({r['score']:.0f})</span>"
                        f"<br><small>{html.escape(r['why'])}</small></li>" for r in ranked.iter_rows(named=True))
        return f"<h3>Tackle first</h3><ol>{items or '<li>no contact data yet</li>'}</ol>"

    def _movers_html(self, movers) -> str:
        rows = []
        for r in movers.iter_rows(named=True):
            what = "contacts" if r["figure"] == "volume" else "NPS"
            before, now = (f"{r['before']:,.0f}", f"{r['now']:,.0f}") if r["figure"] == "volume" else (
                format_kpi("nps", r["before"]), format_kpi("nps", r["now"]))
            flag = "" if r["significant"] else " <small style='color:#8a8f98'>(within chance)</small>"
            rows.append(f"<tr><td>{self._reason(r['reason'])}</td><td>{what}</td><td>{before} → {now}</td>"
                        f"<td>{r['z']:+.1f} σ{flag}</td></tr>")
        body = "".join(rows) or "<tr><td colspan='4'>needs two months of data</td></tr>"
        return ("<h3>Biggest movers</h3><table class='wb-table'><tr><th>Contact reason</th><th>Figure</th>"
                f"<th>Month before → this month</th><th>Change</th></tr>{body}</table>")

    def _uncovered_html(self, uncovered) -> str:
        items = "".join(f"<li>{self._reason(r['reason'])} — {r['volume']:,} contacts ({r['share']:.0%})</li>"
                        for r in uncovered.iter_rows(named=True))
        return ("<h3>Busy, but on no journey</h3><p style='color:#555'>Reasons with many contacts that no current "
                f"journey has a step on: map them or link them.</p><ul>{items or '<li>none</li>'}</ul>")

    def _grid_html(self, cells) -> str:
        stages = self.model.stages
        kpis = [(family, kpi) for family, ks in FAMILIES.items() for kpi in ks]
        head = "".join(f"<th>{html.escape(kpi_label(k))}</th>" for _, k in kpis)
        families = "".join(f"<th colspan='{len(ks)}'>{html.escape(f)}</th>" for f, ks in FAMILIES.items())
        rows = []
        items = [(s.id, s.label) for s in stages.values()]
        if (cells["item"] == ALL_CUSTOMERS).any():
            items.insert(0, (ALL_CUSTOMERS, "All customers"))
        for item, label in items:
            mine = {r["kpi"]: r for r in cells.filter(cells["item"] == item).iter_rows(named=True)}
            tds = []
            for _, kpi in kpis:
                r = mine.get(kpi)
                if r is None or r["value"] is None:
                    tds.append("<td style='color:#8a8f98'>—</td>")
                    continue
                colour = {True: GOOD, False: BAD, None: "inherit"}[r["on_track"]] if r["reliable"] else GREYED
                n = "" if r["n"] is None else f"<br><small style='color:#8a8f98'>n = {r['n']:,.0f}</small>"
                tds.append(f"<td style='color:{colour}'>{format_kpi(kpi, r['value'])}{n}</td>")
            rows.append(f"<tr><th style='text-align:left'>{html.escape(label)}</th>{''.join(tds)}</tr>")
        return ("<h3>Stages × what we steer on</h3><table class='wb-table wb-grid'>"
                f"<tr><th></th>{families}</tr><tr><th></th>{head}</tr>{''.join(rows)}</table>"
                "<small style='color:#555'>Financial figures need a customers table (workbench sources add … "
                "--content customers). Grey: too few survey responses to judge.</small>")

    def __panel__(self):
        return pn.panel(self._view, sizing_mode="stretch_width", loading_indicator=True)


def _html(text: str, **options) -> pn.pane.HTML:
    return pn.pane.HTML(text, sizing_mode="stretch_width", stylesheets=[CSS], **options)
