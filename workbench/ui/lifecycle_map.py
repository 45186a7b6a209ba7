"""The life cycle model drawn as a map: stages as columns, phases inside, reason tiles coloured by a KPI.

Clicking a tile selects its reason (``selection.reason``). The tiles are drawn in the browser by one small
component from a compact list of dicts (a few dozen KB for 80 reasons), not one widget per tile.
"""

from __future__ import annotations

import html

import panel as pn
import param
import polars as pl
from panel.custom import JSComponent

from workbench.analysis.overview import RESPONSES
from workbench.dataset import Filters
from workbench.display.formats import text_colour
from workbench.display.lifecycle import tile_frame
from workbench.model import Model
from workbench.ui.format import legend_html
from workbench.ui.view import View


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


def summary_html(model: Model, filters: Filters) -> str:
    shown = filters_text(model, filters)
    return (f"<b>{len(model.reasons)}</b> contact reasons in <b>{len(model.phases)}</b> phases across "
            f"<b>{len(model.stages)}</b> stages · {shown} · click a tile to select a reason")


def filters_text(model: Model, filters: Filters) -> str:
    """The filters in words with labels (escaped), e.g. "segment Families, channel Phone"; "all contacts"."""
    kinds = {"segment": model.segments, "channel": model.channels}
    words = [f"{name} {html.escape(kinds[name][value].label if value in kinds.get(name, {}) else value)}"
             for name, value in filters.items()]
    return ", ".join(words) or "all contacts"


class LifeCycleMap(View):
    """The life cycle model as a map of reason tiles coloured by the chosen KPI; a click selects the reason."""

    def __init__(self, **params):
        super().__init__(**params)
        self._summary = pn.pane.HTML(sizing_mode="stretch_width")
        self._legend = pn.pane.HTML(sizing_mode="stretch_width")
        self._grid = TileGrid(sizing_mode="stretch_width", selected=self.selection.reason)
        self._grid.param.watch(self._on_click, "selected")
        self._refresh()

    def tiles(self) -> pl.DataFrame:
        """The tile frame for the current KPI and filters (see :func:`workbench.display.lifecycle.tile_frame`)."""
        kpi = self.selection.kpi
        kpis = [kpi, "volume", *([RESPONSES[kpi]] if kpi in RESPONSES else [])]
        measured = self.data.measure(["reason"], list(dict.fromkeys(kpis)), self.selection.filter)
        return tile_frame(self.model, measured, kpi)

    @param.depends("selection.kpi", "selection.filter", "session.data", watch=True)
    def _refresh(self) -> None:
        tiles = self.tiles()
        self._summary.object = summary_html(self.model, self.selection.filter)
        self._legend.object = legend_html(self.selection.kpi, tiles["value"].to_list())
        self._grid.stages = map_data(tiles)

    @param.depends("selection.reason", watch=True)
    def _follow_selection(self) -> None:
        self._grid.selected = self.selection.reason

    def _on_click(self, event) -> None:
        self.selection.reason = event.new

    def __panel__(self):
        return pn.Column(self._summary, self._legend, self._grid, sizing_mode="stretch_width")
