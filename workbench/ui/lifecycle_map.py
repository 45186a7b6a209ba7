"""The life cycle model drawn as a map: stages as columns, phases inside, reason tiles coloured by a KPI.

Clicking a tile selects its reason (``state.reason``). The tiles are drawn in the browser by one small
component from a compact list of dicts (a few dozen KB for 80 reasons), not one widget per tile.
"""

from __future__ import annotations

import html

import panel as pn
import param
import polars as pl
from panel.custom import JSComponent

from workbench.model import Model
from workbench.ui.format import colour_scale, format_kpi, legend_html, text_colour
from workbench.ui.state import WorkbenchState

FILTER_PARAMS = ("state.kpi", "state.period", "state.segment", "state.channel", "state.model")


def tile_frame(model: Model, measured: pl.DataFrame, kpi: str) -> pl.DataFrame:
    """One row per reason of the model, in model order (stage, then phase, then reason).

    Columns: stage, stage_label, phase, phase_label, reason, label (raw text), value (the KPI, null when
    the reason has no data), volume (0 when none), text (the formatted value) and colour (the KPI's
    scale over the reasons shown; grey for null).
    """
    rows = [(s.id, s.label, p.id, p.label, r.id, r.label)
            for s in model.stages.values() for p in model.phases_of(s.id) for r in model.reasons_of(p.id)]
    frame = pl.DataFrame(rows, schema=["stage", "stage_label", "phase", "phase_label", "reason", "label"],
                         orient="row")
    values = measured.select("reason", pl.col(kpi).cast(pl.Float64).alias("value"), "volume")
    frame = frame.join(values, on="reason", how="left", maintain_order="left").with_columns(
        pl.col("volume").fill_null(0))
    scale = colour_scale(kpi, frame["value"].to_list())
    return frame.with_columns(
        pl.Series("text", [format_kpi(kpi, v) for v in frame["value"]], pl.String),
        pl.Series("colour", [scale.colour(v) for v in frame["value"]], pl.String),
    )


def map_data(tiles: pl.DataFrame) -> list[dict]:
    """The nested stage → phase → tile structure the browser draws; every label HTML-escaped."""
    stages: list[dict] = []
    for row in tiles.iter_rows(named=True):
        if not stages or stages[-1]["id"] != row["stage"]:
            stages.append({"id": row["stage"], "label": html.escape(row["stage_label"]), "phases": []})
        phases = stages[-1]["phases"]
        if not phases or phases[-1]["id"] != row["phase"]:
            phases.append({"id": row["phase"], "label": html.escape(row["phase_label"]), "tiles": []})
        phases[-1]["tiles"].append({"reason": row["reason"], "label": html.escape(row["label"]),
                                    "text": row["text"], "bg": row["colour"], "fg": text_colour(row["colour"])})
    return stages


class TileGrid(JSComponent):
    """Stage columns of phase boxes of clickable reason tiles (``div.wb-tile[data-reason]``)."""

    stages = param.List(default=[], doc="map_data(...) output: labels already HTML-escaped")
    selected = param.String(default=None, allow_None=True, doc="The reason id of the clicked tile")

    _esm = """
    export function render({ model, el }) {
      const root = document.createElement("div");
      root.className = "wb-map";
      el.appendChild(root);
      const mark = () => {
        for (const t of root.querySelectorAll(".wb-tile")) {
          t.classList.toggle("wb-selected", t.dataset.reason === model.selected);
        }
      };
      const draw = () => {
        root.innerHTML = "";
        for (const s of model.stages) {
          const col = document.createElement("div");
          col.className = "wb-stage";
          const n = s.phases.reduce((a, p) => a + p.tiles.length, 0);
          col.innerHTML = `<div class="wb-stage-head">${s.label}<span>${n}</span></div>`;
          for (const p of s.phases) {
            const box = document.createElement("div");
            box.className = "wb-phase";
            box.innerHTML = `<div class="wb-phase-head">${p.label}</div>`;
            const grid = document.createElement("div");
            grid.className = "wb-tiles";
            for (const t of p.tiles) {
              const d = document.createElement("div");
              d.className = "wb-tile";
              d.dataset.reason = t.reason;
              d.style.background = t.bg;
              d.style.color = t.fg;
              d.innerHTML = `<div class="wb-tile-label">${t.label}</div><div class="wb-tile-value">${t.text}</div>`;
              d.title = d.textContent;
              d.onclick = () => { model.selected = t.reason; };
              grid.appendChild(d);
            }
            box.appendChild(grid);
            col.appendChild(box);
          }
          root.appendChild(col);
        }
        mark();
      };
      draw();
      model.on("stages", draw);
      model.on("selected", mark);
    }
    """
    _stylesheets = ["""
    .wb-map { display: flex; gap: 8px; align-items: stretch; font-family: system-ui, sans-serif; }
    .wb-stage { flex: 1 1 0; min-width: 150px; background: #f4f5f7; border-radius: 6px; padding: 6px; }
    .wb-stage-head { font-weight: 600; font-size: 13px; padding: 2px 4px 6px; display: flex;
                     justify-content: space-between; gap: 6px; }
    .wb-stage-head span { color: #666; font-weight: 400; }
    .wb-phase { background: #fff; border: 1px solid #e1e4e8; border-radius: 5px; padding: 4px; margin-bottom: 6px; }
    .wb-phase-head { font-size: 11px; color: #555; text-transform: uppercase; letter-spacing: .03em;
                     padding: 0 2px 4px; }
    .wb-tiles { display: grid; grid-template-columns: repeat(auto-fill, minmax(104px, 1fr)); gap: 4px; }
    .wb-tile { border-radius: 4px; padding: 4px 5px; cursor: pointer; font-size: 11.5px; line-height: 1.25;
               min-height: 44px; display: flex; flex-direction: column; justify-content: space-between;
               border: 2px solid transparent; overflow-wrap: anywhere; }
    .wb-tile:hover { border-color: #333; }
    .wb-tile.wb-selected { border-color: #111; box-shadow: 0 0 0 2px #ffbf00; }
    .wb-tile-value { font-weight: 700; font-size: 12.5px; margin-top: 2px; }
    """]


def summary_html(model: Model, state: WorkbenchState) -> str:
    filters = state.filters()
    shown = ", ".join(f"{k} {html.escape(v)}" for k, v in filters.items()) or "all contacts"
    return (f"<b>{len(model.reasons)}</b> contact reasons in <b>{len(model.phases)}</b> phases across "
            f"<b>{len(model.stages)}</b> stages · {shown} · click a tile to select a reason")


class LifeCycleMap(pn.viewable.Viewer):
    """The life cycle model as a map of reason tiles coloured by ``state.kpi``; a click sets ``state.reason``."""

    state = param.ClassSelector(class_=WorkbenchState)

    def __init__(self, **params):
        super().__init__(**params)
        self._summary = pn.pane.HTML(sizing_mode="stretch_width")
        self._legend = pn.pane.HTML(sizing_mode="stretch_width")
        self._grid = TileGrid(sizing_mode="stretch_width", selected=self.state.reason)
        self._grid.param.watch(self._on_click, "selected")
        self._refresh()

    def tiles(self) -> pl.DataFrame:
        """The tile frame for the current KPI and filters (see :func:`tile_frame`)."""
        kpi = self.state.kpi
        measured = self.state.measure(["reason"], list(dict.fromkeys([kpi, "volume"])))
        return tile_frame(self.state.model, measured, kpi)

    @param.depends(*FILTER_PARAMS, watch=True)
    def _refresh(self) -> None:
        tiles = self.tiles()
        self._summary.object = summary_html(self.state.model, self.state)
        self._legend.object = legend_html(self.state.kpi, tiles["value"].to_list())
        self._grid.stages = map_data(tiles)

    @param.depends("state.reason", watch=True)
    def _follow_selection(self) -> None:
        self._grid.selected = self.state.reason

    def _on_click(self, event) -> None:
        self.state.reason = event.new

    def __panel__(self):
        return pn.Column(self._summary, self._legend, self._grid, sizing_mode="stretch_width")
