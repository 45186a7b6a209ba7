"""Panel components of the workbench, one file per concern, sharing one ``WorkbenchState``.

Import the components from their modules (``from workbench.ui.lifecycle_map import LifeCycleMap``);
this package does not import Panel until a component is used.
"""
