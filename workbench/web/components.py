"""The only route that serves component resources (``/components/<module>/<class>/<attr>/<file>``).

Panel's own ``ComponentResourceHandler`` imports whatever module the URL names before any check and
without login: ``/components/certifi.__main__/x/_css/y`` runs that module's argument parser, whose
``SystemExit`` ends the server, and other ``__main__`` modules run code on import. This handler is
mounted ahead of Panel's (Tornado takes the first matching route): it answers only for modules of the
allowed packages that this process has *already imported* (it never imports anything), and any
exception, even ``SystemExit``, becomes an HTTP error rather than leaving the handler.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sys

from panel.io.resources import COMPONENT_PATH
from panel.io.server import ComponentResourceHandler
from tornado.web import HTTPError

log = logging.getLogger(__name__)

ALLOWED_PACKAGES = ("panel", "workbench")
_MODULE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$")


def module_allowed(name: str, packages: tuple[str, ...] = ALLOWED_PACKAGES) -> bool:
    """Whether ``name`` is an already imported module of ``packages`` (no dunder part such as ``__main__``).

    Examples
    --------
    >>> module_allowed("panel.layout.base"), module_allowed("certifi.__main__"), module_allowed("panel.__main__")
    (True, False, False)
    >>> module_allowed("workbench.never_imported_module"), module_allowed("panelx"), module_allowed("../etc")
    (False, False, False)
    """
    if not _MODULE.match(name) or any(part.startswith("__") for part in name.split(".")):
        return False
    if name.split(".")[0] not in packages:
        return False
    return name in sys.modules


class SafeComponentHandler(ComponentResourceHandler):
    """Panel's component resource handler behind the checks of the module docstring."""

    def parse_url_path(self, path: str) -> str:
        module = path.split("/", 1)[0]
        if not module_allowed(module):
            raise HTTPError(404, "Not found")
        return super().parse_url_path(path)

    async def get(self, path: str, include_body: bool = True) -> None:
        try:
            await super().get(path, include_body)
        except HTTPError:
            raise
        except (asyncio.CancelledError, KeyboardInterrupt):
            raise
        except BaseException as exc:  # noqa: BLE001 - a component's import must never end the server
            log.warning("component resource %r refused: %s", path[:200], type(exc).__name__)
            raise HTTPError(404, "Not found") from None


def component_route() -> tuple[str, type, dict]:
    """The route to pass in ``extra_patterns``, matched before Panel's own."""
    return (rf"/{COMPONENT_PATH}(.*)", SafeComponentHandler, {})
