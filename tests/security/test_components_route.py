"""Panel's /components route imported any module the URL named, without login: one GET of
/components/certifi.__main__/… ended the server (the module's argument parser raised SystemExit)."""

from __future__ import annotations

import sys

from security_helpers import request

HOSTILE = [
    "/components/certifi.__main__/x/_css/y",
    "/components/panel.__main__/x/_css/y",
    "/components/pip.__main__/x/_css/y",
    "/components/json.tool/main/_css/y",
    "/components/this/x/_css/y",
    "/components/workbench.cli.__main__/x/_css/y",
    "/components/workbench.never_there/x/_css/y",
    "/components/os/system/_css/y",
    "/components/panel.io.server/ComponentResourceHandler/_css/../../../../../etc/passwd",
    "/components/panel.layout.base/Column/__file__/x",
    "/components/..%2f..%2fetc/passwd/_css/y",
    "/components/%00/x/_css/y",
    "/components/" + "a." * 500 + "b/x/_css/y",
    "/components/x",
    "/components/",
]


def test_no_url_ends_the_server_or_imports_a_module(start_server):
    port = start_server()
    before = set(sys.modules)
    for path in HOSTILE:
        answer = request(port, "GET", path)
        assert answer.status in (400, 403, 404), (path, answer.status)
        assert request(port, "GET", "/login").status in (200, 302, 404), f"server gone after {path}"
    assert request(port, "GET", "/").status == 200
    imported = {m for m in set(sys.modules) - before if m.split(".")[0] in ("certifi", "pip", "json", "this")}
    assert not imported, imported


def test_a_listed_resource_of_an_imported_component_is_still_served(start_server):
    from panel.template import FastListTemplate

    port = start_server()
    name = FastListTemplate._css[-1].name  # fast_list_template.css, listed on the (imported) template
    answer = request(port, "GET", f"/components/panel.template.fast.list/FastListTemplate/_css/{name}")
    assert answer.status == 200 and answer.body == FastListTemplate._css[-1].read_bytes()
