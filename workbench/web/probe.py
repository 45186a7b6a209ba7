"""Open dashboard sessions the way a browser does, without a browser: GET the page (the server builds
the session's document), open its websocket with the page's token and pull the document. Used by the
sessions benchmark and the concurrency test; ``first_paint`` is the time until the document arrived,
``content`` until a text (e.g. the home page's ``wb-home-cards``) was in it or in a change sent after it.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from dataclasses import dataclass

from bokeh.protocol import Protocol
from bokeh.protocol.receiver import Receiver
from tornado.httpclient import AsyncHTTPClient, HTTPRequest
from tornado.websocket import websocket_connect

_TOKEN = re.compile(r'"token":\s*"([^"]+)"')
_DOCUMENT_READY = (json.dumps({"msgid": "probe-ready", "msgtype": "PATCH-DOC"}), "{}", json.dumps(
    {"events": [{"kind": "MessageSent", "msg_type": "bokeh_event",
                 "msg_data": {"type": "event", "name": "document_ready", "values": {"type": "map"}}}]}))


@dataclass
class Opened:
    """One session: seconds to its page and to its document, the document's size, and the open websocket."""

    page: float
    first_paint: float
    doc_bytes: int
    connection: object
    document: dict
    content: float | None = None


async def open_session(base: str, *, page: str = "/", headers: dict | None = None, timeout: float = 120,
                       until: str | None = None, ready_after: float = 0.0) -> Opened:
    """GET ``base + page`` and pull the session's document over its websocket (and with ``until``, read the
    changes the server sends after it until one holds that text); raises on any failure. ``ready_after``
    seconds pass between the document's arrival and saying it is drawn (a slow browser)."""
    began = time.perf_counter()
    client = AsyncHTTPClient(force_instance=True, max_clients=1)
    try:
        answer = await client.fetch(HTTPRequest(base + page, headers=headers, request_timeout=timeout,
                                                follow_redirects=False))
    finally:
        client.close()
    got_page = time.perf_counter() - began
    token = _TOKEN.search(answer.body.decode()).group(1)
    ws_url = base.replace("http", "ws", 1) + page.rstrip("/") + "/ws"
    conn = await websocket_connect(HTTPRequest(ws_url, headers=headers, request_timeout=timeout),
                                   subprotocols=["bokeh", token])
    receiver = Receiver(Protocol())

    async def message():
        while True:
            fragment = await asyncio.wait_for(conn.read_message(), timeout)
            if fragment is None:
                raise ConnectionError("the server closed the websocket")
            msg = await receiver.consume(fragment)
            if msg is not None:
                return msg

    ack = await message()
    assert ack.msgtype == "ACK", ack.msgtype
    request = Protocol().create("PULL-DOC-REQ")
    for part in (request.header_json, request.metadata_json, request.content_json):
        await conn.write_message(part)
    reply = await message()
    assert reply.msgtype == "PULL-DOC-REPLY", reply.msgtype
    text = json.dumps(reply.content)
    opened = Opened(got_page, time.perf_counter() - began, len(text), conn, reply.content)
    await asyncio.sleep(ready_after)
    for part in _DOCUMENT_READY:  # what BokehJS says once it has drawn the document; the server then sends changes
        await conn.write_message(part)
    if until is not None:
        while until not in text:
            text = json.dumps((await message()).content)
        opened.content = time.perf_counter() - began
    return opened


async def open_many(base: str, n: int, *, at_once: bool, headers: dict | None = None,
                    until: str | None = None) -> tuple[list[Opened], float]:
    """``n`` sessions all at once or one after another; (the sessions, seconds for all of them)."""
    began = time.perf_counter()
    if at_once:
        opened = list(await asyncio.gather(*(open_session(base, headers=headers, until=until) for _ in range(n))))
    else:
        opened = [await open_session(base, headers=headers, until=until) for _ in range(n)]
    return opened, time.perf_counter() - began


def close_all(opened: list[Opened]) -> None:
    for session in opened:
        session.connection.close()
