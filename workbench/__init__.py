"""Journey Workbench."""
