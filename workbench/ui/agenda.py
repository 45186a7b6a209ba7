"""The improvement agenda: opportunities valued from the data on a value/effort matrix and in a ranked table
(each value explained), a what-if panel for a contact reason, and the monitoring of solutions that went
live (the reasons' monthly figures with the go-live marked, realised against expected).

Selecting points in the matrix filters the table. Editors add and change opportunities through the
command line or the workspace file for now; this page reads them.
"""

from __future__ import annotations

import html

import holoviews as hv
import holoviews.plotting.bokeh  # noqa: F401  (registers the Bokeh backend for .opts)
import panel as pn
import param
import polars as pl
from bokeh.models.widgets.tables import NumberFormatter

from workbench.analysis.value import explain_value
from workbench.analysis.whatif import Scenario, Shift
from workbench.display.choices import choices
from workbench.display.formats import format_kpi
from workbench.ui.format import kpi_formatters
from workbench.ui.view import View

TABLE = {"rank": "#", "title": "Opportunity", "status": "Status", "value": "Value", "customer_value": "Customer",
         "business_value": "Business", "effort": "Effort", "eur_per_period": "Avoidable €", "customers": "Customers",
         "volume": "Contacts"}
MONITORED = {"volume": "Contacts", "cost": "Cost", "repeats": "Repeat contacts", "repeat_rate": "Repeat-contact rate",
             "nps": "NPS"}
FIGURES = {"volume": "Contacts", "cost": "Cost", "repeat_rate": "Repeat rate", "digital_share": "Digital share",
           "nps": "NPS"}


class AgendaView(View):
    """Opportunities (matrix, table, why), what-if for a reason, monitoring of live solutions."""

    picked = param.List(default=[], doc="Opportunity ids selected in the matrix (all when empty)")
    shift_from = param.Selector(default=None, objects=[], allow_None=True, doc="Channel contacts move from")
    shift_to = param.Selector(default=None, objects=[], allow_None=True, doc="Channel contacts move to")
    shift = param.Number(default=0.3, bounds=(0, 1), step=0.05, doc="Share of the contacts that move")
    deflection = param.Number(default=0.0, bounds=(0, 1), step=0.05, doc="Share of contacts that no longer happen")
    repeat_change = param.Number(default=0.0, bounds=(-1, 1), step=0.05, doc="Change of the repeat contacts")

    def __init__(self, **params):
        super().__init__(**params)
        self._stream = None
        self._channels()

    @param.depends("session.data", watch=True)
    def _channels(self) -> None:
        options = choices(self.model, "channel")
        for name in ("shift_from", "shift_to"):
            self.param[name].objects = options
        values = list(options.values())
        if values and self.shift_from not in values:
            self.shift_from = values[0]
        if len(values) > 1 and self.shift_to not in values:
            self.shift_to = values[-1]

    def ranked(self) -> pl.DataFrame:
        return self.data.agenda(self.selection.filter)

    # -- the matrix and the table -------------------------------------------------------------------------
    @param.depends("selection.filter", "session.data")
    def matrix(self):
        ranked = self.ranked()
        if ranked.is_empty():
            return pn.pane.Markdown("No opportunities yet: add them with `workbench opportunities WORKSPACE --add "
                                    "opportunities.yaml`.")
        frame = ranked.select("id", "title", "value", "customer_value", "business_value",
                              pl.col("effort").fill_null(0.0), "eur_per_period").to_pandas()
        frame["title"] = frame["title"].map(html.escape)
        points = hv.Points(frame, ["effort", "value"], ["title", "customer_value", "business_value",
                                                         "eur_per_period", "id"]).opts(
            size=14, color="value", cmap="Blues", line_color="#333", tools=["tap", "box_select", "hover"],
            hover_tooltips=[("Opportunity", "@title"), ("Value", "@value{0}"), ("Effort", "@effort"),
                            ("Avoidable", "€@eur_per_period{0,0}")],
            xlabel="Effort (1–5 or person-days)", ylabel="Value (0–100, from the data)", responsive=True,
            min_height=340, title="Value against effort: top left first", active_tools=["box_select"],
            nonselection_alpha=0.25, padding=0.15)
        labels = hv.Labels(frame, ["effort", "value"], "title").opts(text_font_size="9pt", yoffset=4)
        self._stream = hv.streams.Selection1D(source=points)
        ids = frame["id"].tolist()
        self._stream.add_subscriber(lambda index: setattr(self, "picked", [ids[i] for i in index if i < len(ids)]))
        return pn.pane.HoloViews(points * labels, sizing_mode="stretch_width", min_height=360)

    @param.depends("selection.filter", "session.data", "picked")
    def table(self):
        ranked = self.ranked()
        if self.picked:
            ranked = ranked.filter(pl.col("id").is_in(self.picked))
        if ranked.is_empty():
            return pn.Spacer(height=0)
        shown = ranked.select(*TABLE)
        why = "".join(f"<li>{html.escape(explain_value(r))}</li>" for r in ranked.head(5).iter_rows(named=True))
        return pn.Column(
            pn.widgets.Tabulator(shown.to_pandas(), titles=TABLE, show_index=False, disabled=True,
                                 formatters={**kpi_formatters({"volume": "volume", "customers": "volume"}),
                                             **dict.fromkeys(("value", "customer_value", "business_value"),
                                                             NumberFormatter(format="0", text_align="right")),
                                             "effort": NumberFormatter(format="0.[0]", text_align="right"),
                                             "eur_per_period": {"type": "money", "symbol": "€", "precision": 0,
                                                                "thousand": ","}},
                                 widths={"rank": 55, "title": 290, "status": 110, "volume": 100},
                                 sizing_mode="stretch_width",
                                 layout="fit_data_stretch", css_classes=["wb-agenda-table"]),
            pn.pane.HTML(f"<b>Why</b><ul>{why}</ul>", sizing_mode="stretch_width"), sizing_mode="stretch_width")

    # -- what-if ------------------------------------------------------------------------------------------
    @param.depends("selection.reason", "selection.filter", "session.data", "shift_from", "shift_to", "shift",
                   "deflection", "repeat_change")
    def whatif(self):
        reason = self.selection.reason
        if reason not in self.model.reasons:
            return pn.pane.Markdown("Select a contact reason (on the map, or in the priorities) to try a what-if.")
        shifts = ((Shift(self.shift_from, self.shift_to, self.shift),)
                  if self.shift and self.shift_from and self.shift_to and self.shift_from != self.shift_to else ())
        result = self.data.whatif(Scenario((reason,), shifts, deflection=self.deflection,
                                           repeat_change=self.repeat_change), self.selection.filter)
        rows = result.by_reason.row(0, named=True) if result.by_reason.height else {}
        total = result.total.row(0, named=True)
        cells = "".join(
            f"<tr><th>{name}</th><td>{format_kpi(k, rows.get(k))}</td>"
            f"<td>{format_kpi(k, rows.get(f'{k}_after'))}</td>"
            f"<td>{format_kpi(k, total[k])} → {format_kpi(k, total[f'{k}_after'])}</td></tr>"
            for k, name in FIGURES.items())
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
        label = html.escape(self.model.reasons[reason].label)
        return pn.pane.HTML(f"<h4>What if — {label}</h4><table class='wb-table'><tr><th></th><th>Today</th>"
                            f"<th>Then</th><th>All contacts</th></tr>{cells}</table><ul>{notes}</ul>",
                            sizing_mode="stretch_width", css_classes=["wb-whatif"])

    def whatif_controls(self) -> pn.Column:
        return pn.Column(
            pn.widgets.Select.from_param(self.param.shift_from, name="Move contacts from", width=220),
            pn.widgets.Select.from_param(self.param.shift_to, name="to", width=220),
            pn.widgets.FloatSlider.from_param(self.param.shift, name="Share moved", format="0%", width=220),
            pn.widgets.FloatSlider.from_param(self.param.deflection, name="Contacts avoided", format="0%", width=220),
            pn.widgets.FloatSlider.from_param(self.param.repeat_change, name="Change of repeats", format="0%",
                                              width=220), width=240)

    # -- monitoring ---------------------------------------------------------------------------------------
    @param.depends("selection.filter", "session.data")
    def monitoring(self):
        live = [s for s in self.model.solutions.values() if s.go_live is not None]
        if not live:
            return pn.pane.Markdown("No solution with a go-live date yet: give one a `go_live` to monitor it.")
        panels = []
        for solution in live:
            reasons = self.data.opportunity_reasons(solution.opportunity)
            try:
                check = self.data.check_effect(reasons, solution.go_live, self.selection.filter,
                                               expected=dict(solution.expected))
            except ValueError as exc:
                panels.append(pn.pane.HTML(f"<b>{html.escape(solution.title)}</b>: {html.escape(str(exc))}"))
                continue
            panels.append(self._monitor_panel(solution, check))
        return pn.Column(*panels, sizing_mode="stretch_width")

    def _monitor_panel(self, solution, check) -> pn.Column:
        series = check.series.select(pl.col("period").cast(pl.Datetime("ms")), "volume").to_pandas()
        go_live = pl.Series([solution.go_live]).cast(pl.Datetime("ms"))[0]
        curve = hv.Curve(series, "period", "volume").opts(color="#2c5d8f", line_width=2, tools=["hover"])
        plot = (curve * hv.VLine(go_live).opts(color="#ffbf00", line_width=2)).opts(
            responsive=True, height=220, xlabel="", ylabel="Contacts per month", toolbar=None, framewise=True,
            axiswise=True, shared_axes=False,
            title=f"{solution.title}: contacts on its reasons (go-live marked)")
        rows = "".join(f"<tr><td>{MONITORED.get(r['figure'], html.escape(r['figure']))}</td>"
                       f"<td>{_effect(r['figure'], r['effect'], r['unit'])}</td>"
                       f"<td>{_effect(r['figure'], r['expected'], r['unit'])}</td><td>{_share(r['realised'])}</td></tr>"
                       for r in check.figures.iter_rows(named=True))
        return pn.Column(pn.pane.HoloViews(plot, sizing_mode="stretch_width"),
                         pn.pane.HTML(f"<small>Corrected by {html.escape(check.method)}.</small><table "
                                      "class='wb-table'><tr><th>Figure</th><th>Realised</th><th>Expected</th>"
                                      f"<th></th></tr>{rows}</table>", sizing_mode="stretch_width"),
                         sizing_mode="stretch_width", css_classes=["wb-monitor"])

    def __panel__(self):
        return pn.Tabs(
            ("Opportunities", pn.Column(pn.panel(self.matrix, loading_indicator=True),
                                        pn.panel(self.table, loading_indicator=True), sizing_mode="stretch_width")),
            ("What if", pn.Row(self.whatif_controls(), pn.panel(self.whatif, loading_indicator=True),
                               sizing_mode="stretch_width")),
            ("Monitoring", pn.panel(self.monitoring, loading_indicator=True)),
            dynamic=True, sizing_mode="stretch_width")


def _share(realised: float | None) -> str:
    return "" if realised is None else f"{realised:.0%} of what was expected"


def _effect(figure: str, value: float | None, unit: str) -> str:
    """-19% for counts and money, -4.2 pp for a rate, +6.5 points for NPS."""
    if value is None:
        return "–"
    if unit == "relative":
        return f"{value:+.0%}"
    return f"{value * 100:+.1f} pp" if figure.endswith("_rate") else f"{value:+.1f} points"
