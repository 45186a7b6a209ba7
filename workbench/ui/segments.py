"""Segment cards: each life-stage segment as the team described it (needs and wants, pain points, products,
risks …) beside what the data says about it (share of the base, money spent, churn, contacts per
customer, NPS with its n, the reasons it contacts about and the channels it uses).

Stated and computed figures sit side by side, so a card shows when the description has drifted from the
data ("money spent €95 stated, €72 in the customers table"). The sidebar's segment filter picks one
card; otherwise every segment is shown.
"""

from __future__ import annotations

import html

import panel as pn
import param

from workbench.display.formats import format_kpi
from workbench.settings import margin, min_responses
from workbench.ui.view import View

CSS = """
.wb-segments { display: grid; grid-template-columns: repeat(auto-fill, minmax(340px, 1fr)); gap: 12px; }
.wb-segment { background: #f7f8fa; border-radius: 8px; padding: 10px 14px; font-size: 13px; }
.wb-segment h3 { margin: 0 0 4px; font-size: 16px; }
.wb-segment dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; margin: 6px 0; }
.wb-segment dt { color: #555; } .wb-segment dd { margin: 0; }
.wb-segment .wb-data { border-top: 1px solid #dde1e6; margin-top: 6px; padding-top: 6px; }
.wb-segment .wb-muted { color: #8a8f98; }
"""
STATED = (("needs_and_wants", "Needs and wants"), ("pain_points", "Pain points"), ("products", "Products"),
          ("tenure", "Tenure"), ("risks", "Risks"), ("demographics", "Demographics"))


def _money(value) -> str:
    return "—" if value is None else f"€{value:,.0f}"


def _share(value) -> str:
    return "—" if value is None else f"{value:.0%}"


class SegmentCards(View):
    """A card per segment (see the module docstring)."""

    @param.depends("selection.filter", "session.data")
    def _view(self):
        store = self.data.workspace.store if self.data.workspace is not None else None
        enough = min_responses(store)
        profiles = self.data.segment_profiles(self.selection.filter, margin=margin(store))
        rows = {r["segment"]: r for r in profiles.iter_rows(named=True)}
        chosen = self.selection.filter.segment
        segments = [s for s in self.model.segments.values() if chosen in (None, s.id)]
        if not segments:
            return pn.pane.Markdown("No segments in the model yet: add them on *Frame › Edit the model*.")
        cards = "".join(self._card(s, rows.get(s.id, {}), enough) for s in segments)
        note = ("<p class='wb-muted'>Stated: what the team wrote on the segment. From the data: the contacts "
                "under the current filters, and the last month of the customers table when there is one.</p>")
        return pn.pane.HTML(f"{note}<div class='wb-segments'>{cards}</div>", stylesheets=[CSS],
                            sizing_mode="stretch_width", css_classes=["wb-segment-cards"])

    def _card(self, segment, row: dict, enough: int) -> str:
        e = html.escape
        stated = "".join(f"<dt>{e(label)}</dt><dd>{e(getattr(segment, field))}</dd>"
                         for field, label in STATED if getattr(segment, field))
        stated += "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in segment.extra)
        channels = self.model.channels
        favourite = ", ".join(e(channels[c].label if c in channels else c) for c in segment.favourite_channels)
        data = []
        if row.get("active") is not None:
            data.append(("Share of the base", f"{_share(row['share_of_base'])} ({row['active']:,} active)"
                         + (f" <span class='wb-muted'>stated {_share(segment.share_of_base)}</span>"
                            if segment.share_of_base is not None else "")))
            data.append(("Money spent a month", f"{_money(row['arpu'])} per customer"
                         + (f" <span class='wb-muted'>stated {_money(segment.money_spent)}</span>"
                            if segment.money_spent is not None else "")))
            data.append(("Churn a month", format_kpi("churn_rate", row["churn_rate"])))
        elif segment.money_spent is not None or segment.share_of_base is not None:
            data.append(("Money spent, share", f"{_money(segment.money_spent)}, {_share(segment.share_of_base)} "
                         "<span class='wb-muted'>(stated; no customers table)</span>"))
        if row.get("volume"):
            data.append(("Contacts", f"{row['volume']:,} from {row['customers']:,} customers "
                                     f"({row['contacts_per_customer']:.1f} each)"))
            n = row["nps_responses"] or 0
            nps = format_kpi("nps", row["nps"]) if n >= enough else "<span class='wb-muted'>too few answers</span>"
            data.append(("NPS", f"{nps} <span class='wb-muted'>n = {n:,}</span>"))
            data.append(("Digital share", format_kpi("digital_share", row["digital_share"])))
            reasons = self.model.reasons
            data.append(("Contacts about", "<br>".join(
                f"{e(reasons[t['id']].label if t['id'] in reasons else t['id'])} ({t['share']:.0%})"
                for t in row["top_reasons"] or [])))
            used = ", ".join(f"{e(channels[t['id']].label if t['id'] in channels else t['id'])} ({t['share']:.0%})"
                             for t in row["top_channels"] or [])
            data.append(("Channels used", used + (f" <span class='wb-muted'>stated: {favourite}</span>"
                                                  if favourite else "")))
        else:
            data.append(("Contacts", "<span class='wb-muted'>none under these filters</span>"))
        figures = "".join(f"<dt>{e(k)}</dt><dd>{v}</dd>" for k, v in data)
        return (f"<div class='wb-segment' data-segment='{e(segment.id)}'><h3>{e(segment.label)}</h3>"
                f"<div>{e(segment.description)}</div><dl>{stated}</dl>"
                f"<div class='wb-data'><b>From the data</b><dl>{figures}</dl></div></div>")

    def __panel__(self):
        return pn.panel(self._view, sizing_mode="stretch_width", loading_indicator=True)
