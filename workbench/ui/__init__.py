"""Panel components of the workbench, one file per concern: each is a :class:`~workbench.ui.view.View` over
one user's :class:`~workbench.ui.session.Session` (its Selection and the workspace's Dataset).

Import the components from their modules (``from workbench.ui.lifecycle_map import LifeCycleMap``);
this package does not import Panel until a component is used.
"""
