"""The KPI catalogue as Polars expressions; grouping by model and data dimensions; roll-ups; a cache."""

from workbench.metrics.cache import MetricsCache, fingerprint
from workbench.metrics.custom import CustomKpi, CustomKpiError, parse_custom_kpis
from workbench.metrics.dimensions import Dimensions
from workbench.metrics.kpis import CATALOGUE, DEFAULT_KPIS, KpiDef, mark_repeats
from workbench.metrics.measure import PERIODS, measure, measure_lazy, rollup

__all__ = [
    "CATALOGUE", "DEFAULT_KPIS", "PERIODS", "CustomKpi", "CustomKpiError", "Dimensions", "KpiDef",
    "MetricsCache", "fingerprint", "mark_repeats", "measure", "measure_lazy", "parse_custom_kpis", "rollup",
]
