"""Publishing without a browser: the static snapshot, the users file, who may edit, the serve options."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from typer.testing import CliRunner

from workbench.auth import UsersFileError, add_user, read_users, verify_password
from workbench.cli import app
from workbench.server import Access, ServeError, serve

runner = CliRunner()


@pytest.fixture(scope="module")
def small_demo(tmp_path_factory):
    from workbench.demo import build_demo

    path = tmp_path_factory.mktemp("publish") / "ws"
    ws = build_demo(path, events=5_000, seed=2)
    base = ws.load()
    new = base.copy()
    new.reasons["report-fault"] = replace(new.reasons["report-fault"], label="I report <script>alert(1)</script>")
    ws.commit(new, base=base)
    ws.close()
    return path


def test_the_snapshot_is_one_self_contained_file(small_demo, tmp_path):
    out = tmp_path / "snapshot.html"
    result = runner.invoke(app, ["export", str(small_demo), "--html", str(out)])
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    loads = re.findall(r"""<(?:script|link|img)\b[^>]*\b(?:src|href)\s*=\s*["'](https?://[^"']+)""", page)
    assert loads == [], loads[:5]  # nothing fetched from a network: scripts and styles are inlined
    assert "cdn.holoviz.org" not in page and "cdn.bokeh.org" not in page
    assert "<script>alert(1)</script>" not in page  # the label travels escaped
    assert "I report &lt;script&gt;alert(1)&lt;/script&gt;" in page or "I report \\u003cscript" in page
    assert "Telecom provider" in page
    assert not list(tmp_path.glob(".*partial*"))


def test_users_file_hashes_passwords_and_knows_roles(tmp_path):
    users = tmp_path / "users.yaml"
    result = runner.invoke(app, ["users", "add", str(users), "anna", "--role", "editor", "--password", "s3cret-pass"])
    assert result.exit_code == 0, result.output
    add_user(users, "ben", "another-pass", "viewer")
    text = users.read_text(encoding="utf-8")
    assert "s3cret-pass" not in text and "pbkdf2_sha256$" in text
    found = read_users(users)
    assert {u.name: u.role for u in found.values()} == {"anna": "editor", "ben": "viewer"}
    assert verify_password("s3cret-pass", found["anna"].password)
    assert not verify_password("s3cret-pass", found["ben"].password)
    assert re.search(r"anna\s+editor", runner.invoke(app, ["users", "list", str(users)]).output)
    assert runner.invoke(app, ["users", "add", str(users), "carl", "--password", "short"]).exit_code == 2
    assert runner.invoke(app, ["users", "add", str(users), "carl", "--role", "boss",
                               "--password", "long-enough"]).exit_code == 2


def test_a_broken_users_file_is_named(tmp_path):
    users = tmp_path / "users.yaml"
    users.write_text("users:\n  anna: {role: admin, password: x}\n  ben: hello\n", encoding="utf-8")
    with pytest.raises(UsersFileError) as problem:
        read_users(users)
    assert "user 'anna': role must be one of viewer, editor" in str(problem.value)
    assert "user 'ben': needs a password hash" in str(problem.value)


def test_who_may_edit(tmp_path):
    users = tmp_path / "users.yaml"
    add_user(users, "anna", "password-1", "editor")
    add_user(users, "ben", "password-2", "viewer")
    by_file = Access(users_file=users)
    assert by_file.can_edit("anna") and not by_file.can_edit("ben") and not by_file.can_edit(None)
    by_oauth = Access(editors=frozenset({"anna@example.org"}))
    assert by_oauth.can_edit("anna@example.org") and not by_oauth.can_edit("ben@example.org")
    assert not Access().can_edit(None) and Access(allow_edit=True).can_edit(None)


def test_editing_without_login_only_on_loopback(small_demo):
    with pytest.raises(ServeError, match="only allowed on a loopback address"):
        serve(small_demo, address="0.0.0.0", allow_edit=True, threaded=True)
    with pytest.raises(ServeError, match="--allow-edit is for a server without login"):
        serve(small_demo, oauth_provider="github", allow_edit=True, threaded=True)
    with pytest.raises(ServeError, match="one way to sign in"):
        serve(small_demo, users="u.yaml", oauth_provider="github", threaded=True)
    result = runner.invoke(app, ["serve", str(small_demo), "--address", "0.0.0.0", "--allow-edit"])
    assert result.exit_code == 2 and "loopback" in result.output


def test_kit_command_writes_the_kit(tmp_path):
    result = runner.invoke(app, ["kit", str(tmp_path / "kit")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "kit" / "journey-mapping.xlsx").stat().st_size > 5_000
    assert (tmp_path / "kit" / "FACILITATOR.md").exists()


def test_the_publish_page_downloads_a_snapshot_and_the_model_workbook(small_demo):
    import fastexcel
    import panel as pn

    from workbench.app import _publish_page
    from workbench.ui.session import Session
    from workbench.workspace import Workspace

    ws = Workspace.open(small_demo)
    try:
        page = _publish_page(Session.of_workspace(ws))
        buttons = {b.filename: b for b in page.select(pn.widgets.FileDownload)}
        assert sorted(buttons) == ["snapshot.html", "workspace.xlsx"]
        snapshot = buttons["snapshot.html"].callback().read().decode()
        assert snapshot.lstrip().lower().startswith("<!doctype html") and "I report &lt;script&gt;" in snapshot
        assert "<script>alert(1)</script>" not in snapshot
        workbook = fastexcel.read_excel(buttons["workspace.xlsx"].callback().read())
        reasons = workbook.load_sheet_by_name("Reasons").to_polars()
        assert "I report <script>alert(1)</script>" in reasons["label"].to_list()  # kept as text, not run
    finally:
        ws.close()
