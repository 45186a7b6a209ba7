"""The XES fast path (xes_scan) against the XML parser: same frame where it accepts, fallback elsewhere."""

import gzip
from pathlib import Path

import polars as pl
import pytest
from polars.testing import assert_frame_equal
from real_logs import real_log

import workbench.sources.xes as xes
import workbench.sources.xes_scan as xes_scan
from workbench.sources.xes import read_xes

HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n<!-- a comment -->\n<log xmlns="http://www.xes-standard.org/">'
EVENT = '<event><string key="concept:name" value="{a}"/><date key="time:timestamp" value="{t}"/></event>'


def doc(*traces: str, head: str = HEAD, tail: str = "</log>\n") -> str:
    return head + "".join(traces) + tail


def trace(case: str, *events: str) -> str:
    return f'<trace><string key="concept:name" value="{case}"/>' + "".join(events) + "</trace>"


def event(activity: str, hour: int = 1, extra: str = "") -> str:
    return EVENT.format(a=activity, t=f"2024-01-01T{hour:02d}:00:00+00:00").replace("</event>", extra + "</event>")


def scanned(path: Path) -> bool:
    with xes._open(path) as stream:
        return xes_scan.scan(stream, ["concept:name"]) is not None


def parsed(path: Path, **options) -> pl.DataFrame:
    """read_xes through the XML parser only."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xes, "scan", lambda stream, keys: None)
        return read_xes(path, **options)


PLAIN = {
    "entities and white space in values": doc(trace("c&amp;1", event("a &lt;b&gt; &quot;q&quot; &apos;s&apos;"),
                                                    event("tab\there\nnew\r\nline", 2))),
    "nested meta-attributes, containers, duplicate keys (last wins), empty values": doc(trace(
        "c1",
        event("x", 1, '<string key="org:resource" value="r1"><string key="concept:name" value="meta"/>'
                      '</string><list key="items"><string key="concept:name" value="inner"/></list>'
                      '<string key="org:resource" value=""/>'),
        event("first", 2, '<string key="concept:name" value="last"/>'),
    ) + '<trace><event><string key="concept:name" value="e"/><date key="time:timestamp" '
        'value="2024-01-02T00:00:00Z"/></event><string key="concept:name" value="c2"/>'
        '<int key="amount" value="7"/><string key="amount" value="8"/></trace>'),
    "odd but plain spacing": doc('<trace >\n\t<string  key = "concept:name"\tvalue= "c1" />'
                                 '<event\n><string key="concept:name" value="a"/><date key="time:timestamp" '
                                 'value=" 2024-01-01T00:00:00 "/></event ></trace>'),
    "log attributes and traces after globals": doc(
        trace("c1", event("a")), head=HEAD + '<global scope="event"><string key="concept:name" value="?"/>'
        '</global><float key="meta" value="1.5"><float key="inner" value="2"/></float>'),
}


@pytest.mark.parametrize("name", PLAIN)
@pytest.mark.parametrize("block", [xes_scan.BLOCK, 7])
def test_plain_files_scan_to_the_parsers_frame(tmp_path, monkeypatch, name, block):
    monkeypatch.setattr(xes_scan, "BLOCK", block)  # 7 bytes: tags cut across many blocks
    path = tmp_path / "log.xes"
    path.write_text(PLAIN[name], encoding="utf-8")
    assert scanned(path)
    options = {"attributes": ["org:resource", "case:amount", "items"]}
    assert_frame_equal(read_xes(path, **options), parsed(path, **options))


def test_values_by_hand(tmp_path):
    path = tmp_path / "log.xes"
    path.write_text(PLAIN["entities and white space in values"])
    log = read_xes(path)
    assert log["case_id"].to_list() == ["c&1", "c&1"]
    assert log["activity"].to_list() == ["a <b> \"q\" 's'", "tab here new line"]  # as XML normalises
    path.write_text(PLAIN["nested meta-attributes, containers, duplicate keys (last wins), empty values"])
    log = read_xes(path, attributes=["org:resource", "case:amount"])
    assert log.select("case_id", "activity", "org:resource", "case:amount").rows() == [
        ("c1", "x", "", None), ("c1", "last", None, None), ("c2", "e", None, "8")]


FALLBACK = {  # well-formed files outside the plain layout: the XML parser reads them
    "a '>' in a value": doc(trace("c1", event("a > b"))),
    "single quotes": doc(trace("c1", event("a").replace('"a"', "'a'"))),
    "value before key": doc(trace("c1", '<event><string value="a" key="concept:name"/><date '
                                        'key="time:timestamp" value="2024-01-01T00:00:00Z"/></event>')),
    "a comment between events": doc(trace("c1", event("a"), "<!-- note -->", event("b"))),
    "text in an element": doc(trace("c1", event("a").replace("<event>", "<event>words"))),
    "a numeric reference": doc(trace("c1", event("a&#10;b"))),
    "a prefixed namespace": doc(trace("c1", event("a")).replace("<", "<x:").replace("<x:/", "</x:"),
                                head='<x:log xmlns:x="http://www.xes-standard.org/">', tail="</x:log>"),
    "an attribute on a trace": doc(trace("c1", event("a")).replace("<trace>", '<trace id="7">')),
}


@pytest.mark.parametrize("name", FALLBACK)
def test_other_well_formed_files_fall_back_to_the_parser(tmp_path, name):
    path = tmp_path / "log.xes"
    path.write_text(FALLBACK[name])
    assert not scanned(path)
    log = read_xes(path)
    assert log.height == (1 if name != "a comment between events" else 2)
    assert log["case_id"].to_list() == ["c1"] * log.height


def test_a_dtd_falls_back_to_the_parser_which_applies_its_defaults(tmp_path):
    head = HEAD.replace("<log", '<!DOCTYPE log [<!ATTLIST string value CDATA "from the DTD">]>\n<log')
    path = tmp_path / "log.xes"
    path.write_text(doc(trace("c1", event("a", extra='<string key="org:resource"/>')), head=head))
    assert not scanned(path)
    assert read_xes(path, attributes=["org:resource"])["org:resource"].to_list() == ["from the DTD"]


def test_latin1_file_falls_back_and_is_decoded(tmp_path):
    path = tmp_path / "log.xes"
    path.write_bytes(doc(trace("c1", event("café")), head=HEAD.replace("UTF-8", "ISO-8859-1"))
                     .encode("latin-1"))
    assert not scanned(path)
    assert read_xes(path)["activity"].to_list() == ["café"]


BROKEN = {
    "mismatched close tag": doc(trace("c1", event("a")).replace("</event>", "</trace>", 1)),
    "no end of log": doc(trace("c1", event("a")), tail=""),
    "a '<' in a value": doc(trace("c1", event("a<b"))),
    "a control character": doc(trace("c1", event("a\x01b"))),
    "an unknown entity": doc(trace("c1", event("a&nbsp;b"))),
    "junk after the log": doc(trace("c1", event("a")), tail="</log><trace>"),
    "a second root": doc(trace("c1", event("a")), tail="</log><log></log>"),
}


@pytest.mark.parametrize("name", BROKEN)
def test_broken_files_are_refused_with_the_parsers_message(tmp_path, name):
    path = tmp_path / "bad.xes"
    path.write_bytes(gzip.compress(BROKEN[name].encode()))
    assert not scanned(path)
    with pytest.raises(ValueError, match=r"bad\.xes: not a well-formed XML file"):
        read_xes(path)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (trace("c1", event("a"), EVENT.format(a="b", t="2024").replace('<date key="time:timestamp" '
                                                                     'value="2024"/>', "")),
         r"trace 1, event 2 \(case 'c1'\): the event has no 'time:timestamp' attribute"),
        (trace("c1", event("a")) + "<trace>" + event("b") + "</trace>",
         r"trace 2: the trace has no 'concept:name' attribute"),
        (trace("c1", event("a")) + trace("c2", event("b").replace("2024-01-01T01", "yesterday")),
         r"trace 2, event 1: unreadable timestamp 'yesterday:00:00\+00:00'"),
    ],
)
def test_scan_and_parser_locate_missing_and_bad_values_alike(tmp_path, body, message):
    path = tmp_path / "log.xes"
    path.write_text(doc(body))
    assert scanned(path)
    for read in (read_xes, parsed):
        with pytest.raises(ValueError, match=message):
            read(path)


@pytest.mark.parametrize("name", ["helpdesk.xes.gz", "bpic2012.xes.gz"])
def test_real_logs_scan_to_the_parsers_frame(name):
    path = real_log(name)
    assert scanned(path)
    options = {"attributes": ["org:resource", "case:concept:name", "case:AMOUNT_REQ", "customer"]}
    assert_frame_equal(read_xes(path, **options), parsed(path, **options))
