"""Commands of step 6, Publish: serve the dashboard, manage its users."""

from __future__ import annotations

import getpass
from pathlib import Path
from typing import Annotated

import typer

from workbench.cli._app import WorkbenchApp, WorkspacePath, app, fail, open_workspace, out

users_app = WorkbenchApp(help="The users file of a served dashboard (hashed passwords, roles).", no_args_is_help=True)
app.add_typer(users_app, name="users")


@app.command("serve")
def serve_cmd(
    path: WorkspacePath,
    port: Annotated[int, typer.Option(help="TCP port.")] = 5006,
    address: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for the whole network).")] = "127.0.0.1",
    prefix: Annotated[str, typer.Option(help="URL prefix when behind a proxy, e.g. /workbench.")] = "",
    users: Annotated[Path | None, typer.Option(help="Users file: sign in with a password; roles editor/viewer.")]
    = None,
    oauth_provider: Annotated[str | None, typer.Option(help="Sign in with OAuth (github, google, azure, "
                                                            "generic …) instead of a users file.")] = None,
    oauth_key: Annotated[str | None, typer.Option(help="OAuth client id.")] = None,
    oauth_secret: Annotated[str | None, typer.Option(help="OAuth client secret.")] = None,
    oauth_redirect_uri: Annotated[str | None, typer.Option(help="OAuth redirect URI.")] = None,
    editor: Annotated[list[str] | None, typer.Option(help="With OAuth: a user who may edit (repeatable).")] = None,
    allow_edit: Annotated[bool, typer.Option(help="Without login: let the (local) user edit. "
                                                  "Only on a loopback address.")] = False,
    cookie_secret: Annotated[str | None, typer.Option(help="Secret for login cookies; the same for every "
                                                           "process behind one proxy (or env "
                                                           "WORKBENCH_COOKIE_SECRET).")] = None,
    origin: Annotated[list[str] | None, typer.Option(help="Allowed browser origin host:port (repeatable).")] = None,
    allow_host: Annotated[list[str] | None, typer.Option(help="A host name the server answers, e.g. dash.example or "
                                                              "dash.example:443 (repeatable; default: the address "
                                                              "served on and localhost). Other Host headers get "
                                                              "403 (DNS rebinding).")] = None,
    secure_cookies: Annotated[bool, typer.Option(help="Mark the sign-in cookie Secure (served behind TLS).")] = False,
    trusted_proxy: Annotated[list[str] | None, typer.Option(help="Address of a reverse proxy whose X-Forwarded-For "
                                                                 "and X-Forwarded-Proto are believed "
                                                                 "(repeatable).")] = None,
    show: Annotated[bool, typer.Option(help="Open a browser.")] = False,
) -> None:
    """Serve the dashboard of a workspace: a page per step, filters, editing for editors."""
    from workbench.server import ServeError, serve

    open_workspace(path).close()
    try:
        serve(path, port=port, address=address, prefix=prefix, users=users, oauth_provider=oauth_provider,
              oauth_key=oauth_key, oauth_secret=oauth_secret, oauth_redirect_uri=oauth_redirect_uri,
              editors=tuple(editor or ()), allow_edit=allow_edit, cookie_secret=cookie_secret,
              origins=tuple(origin or ()), allowed_hosts=tuple(allow_host or ()), secure_cookies=secure_cookies,
              trusted_proxies=tuple(trusted_proxy or ()), show=show)
    except (ServeError, ValueError) as exc:
        raise fail(f"error: {exc}", 2) from None


@users_app.command("add")
def users_add(
    file: Annotated[Path, typer.Argument(help="The users file (YAML; created if missing).")],
    name: Annotated[str, typer.Argument(help="The user name to sign in with.")],
    role: Annotated[str, typer.Option(help="editor or viewer.")] = "viewer",
    password: Annotated[str | None, typer.Option(help="The password (asked for when left out).",
                                                 envvar="WORKBENCH_PASSWORD")] = None,
) -> None:
    """Add (or reset) a user with a salted password hash and a role."""
    from workbench.auth import add_user

    if password is None:
        password = getpass.getpass(f"password for {name}: ")
        if password != getpass.getpass("again: "):
            raise fail("error: the passwords differ", 2)
    if len(password) < 8:
        raise fail("error: use a password of at least 8 characters", 2)
    add_user(file, name, password, role)
    out.print(f"{name} ({role}) saved in {file}", markup=False)


@users_app.command("list")
def users_list(file: Annotated[Path, typer.Argument(help="The users file.")]) -> None:
    """The users of a users file and their roles."""
    from workbench.auth import read_users

    for user in read_users(file).values():
        out.print(f"{user.name}\t{user.role}", markup=False)


@app.command("kit")
def kit_cmd(
    out_dir: Annotated[Path, typer.Argument(help="Folder for the trainer kit (created if missing).")],
) -> None:
    """Write the trainer kit: workshop spreadsheets, exercise and solution notebooks, facilitator guide."""
    from workbench.kit import write_kit

    for path in write_kit(out_dir):
        out.print(str(path), markup=False)
