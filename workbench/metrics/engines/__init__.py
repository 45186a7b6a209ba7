"""Where the cube's cells are computed: Polars on this machine, or pushed down to the engine holding the data.

``local`` computes them with Polars; ``sql`` writes the same parts and repeat rule as one SQL query for
DuckDB, PostgreSQL, Spark or any dialect sqlglot knows, so only the cells come back. Every engine returns
the same two frames (see :func:`workbench.metrics.engines.local.cube_cells`).
"""
