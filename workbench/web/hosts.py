"""Which Host headers the server answers: a page on another name that resolves to this machine (DNS
rebinding) must not reach it, whatever its Origin says (Tornado skips the websocket origin check when
Origin equals Host).

Entries are host names or addresses, optionally with a port (``dash.example:443``); an entry without
a port allows every port. ``0.0.0.0``/``::`` is not a name anyone types: serving on them allows this
machine's own names and addresses.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")
_ANY = ("0.0.0.0", "::", "")


def default_hosts(address: str) -> tuple[str, ...]:
    """The hosts allowed when none are given: the address served on, plus the loopback names.

    Examples
    --------
    >>> default_hosts("127.0.0.1")
    ('127.0.0.1', 'localhost', '::1')
    """
    hosts = [address] if address not in _ANY else _own_names()
    return tuple(dict.fromkeys([*hosts, *LOOPBACK_NAMES]))


def _own_names() -> list[str]:
    name = socket.gethostname()
    names = [name, socket.getfqdn()]
    try:
        names += socket.gethostbyname_ex(name)[2]
    except OSError:
        pass
    return names


def split_host(host: str) -> tuple[str, str | None]:
    """A Host header (or allowlist entry) as (lower-case name, port or None); IPv6 brackets removed.

    Examples
    --------
    >>> split_host("LocalHost:5006"), split_host("[::1]:80"), split_host("::1"), split_host("a.example")
    (('localhost', '5006'), ('::1', '80'), ('::1', None), ('a.example', None))
    """
    host = host.strip().lower()
    if host.startswith("["):
        name, _, rest = host[1:].partition("]")
        return name, rest[1:] if rest.startswith(":") and rest[1:] else None
    if host.count(":") == 1:
        name, port = host.split(":")
        return name, port or None
    return host, None


class HostAllowlist:
    """The Host headers a server answers (see the module docstring)."""

    def __init__(self, hosts: Iterable[str]):
        self.entries = tuple(split_host(h) for h in hosts if h.strip())

    def allows(self, host: str | None) -> bool:
        """Whether a request with this Host header may be answered (no Host header: refused).

        Examples
        --------
        >>> hosts = HostAllowlist(["127.0.0.1", "localhost", "dash.example:443"])
        >>> [hosts.allows(h) for h in ("127.0.0.1:5006", "LOCALHOST", "dash.example:443", "dash.example:80",
        ...                            "evil.example", "evil.example:5006", None)]
        [True, True, True, False, False, False, False]
        """
        if not host:
            return False
        name, port = split_host(host)
        return any(name == n and (p is None or p == port) for n, p in self.entries)

    def origins(self, port: int) -> list[str]:
        """The entries as Bokeh's websocket origin allowlist (``host:port``; Bokeh cannot write IPv6
        addresses, whose same-origin websockets Tornado lets through without asking it)."""
        return list(dict.fromkeys(f"{n}:{p or port}" for n, p in self.entries if ":" not in n))


def is_loopback(address: str) -> bool:
    """Whether ``address`` is this machine only (``localhost`` or a loopback IP)."""
    if address == "localhost":
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False
