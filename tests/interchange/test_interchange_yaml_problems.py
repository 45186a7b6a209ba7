"""Broken YAML: every problem is reported at once, located by line and key path."""

from __future__ import annotations

import pytest

from workbench.interchange import ImportRejected, Problem, model_to_yaml, read_yaml

BROKEN = """\
format: journey-workbench/1
name: Broken
language: english
stages:
  - id: Being A Customer
    label: Being a customer
    phases:
      - id: using
        label: Using
        reasons:
          - id: pay-bill
            label: I pay my bill
            strategic_weight: 5
          - id: pay-bill
            label: I pay again
          - id: change-details
            lable: I change my details
channels:
  - {id: phone, label: Phone, digital: maybe}
segments:
  - {id: families, label: Families}
processes:
  - id: billing
    label: Billing
    reasons: [pay-bil]
journeys:
  - id: i-move
    label: I move
    state: draft
    segment: famlies
    episodes:
      - {id: move-a, label: I prepare, emotion: 3}
    steps:
      - id: move-1
        episode: move-b
        label: Checks
        channel: Phone
        emotion: very happy
        satisfaction: 6
        reason: pay-bill
      - id: move-2
        label: Pays
        episode: other-a
        moment_of_truth: 2
  - id: i-other
    label: Other
    episodes:
      - {id: other-a, label: Other episode}
    steps: []
"""


def rejected(path) -> list[Problem]:
    with pytest.raises(ImportRejected) as caught:
        read_yaml(path)
    return caught.value.problems


def test_every_problem_is_reported_with_line_and_key_path(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    f = str(path)
    expected = [
        (3, "language", "'english' is not a two-letter ISO 639-1 language code such as 'en' or 'nl'"),
        (5, "stages[0].id", "id 'Being A Customer' is not a slug (lowercase letters, digits and '-'); "
                            "use 'being-a-customer'"),
        (13, "stages[0].phases[0].reasons[0].strategic_weight", "5 is not a number from 0 to 3"),
        (14, "stages[0].phases[0].reasons[1].id",
         "duplicate id 'pay-bill' (also on line 11, stages[0].phases[0].reasons[0].id)"),
        (16, "stages[0].phases[0].reasons[2].label", "label is required: the key is empty or missing"),
        (17, "stages[0].phases[0].reasons[2].lable", "unknown key 'lable' (did you mean 'label'?)"),
        (19, "channels[0].digital", "'maybe' is not true or false"),
        (25, "processes[0].reasons[0]", "unknown reason 'pay-bil' (did you mean 'pay-bill'?)"),
        (29, "journeys[0].state", "'draft' is not a journey state: use current or future"),
        (30, "journeys[0].segment", "unknown segment 'famlies' (did you mean 'families'?)"),
        (32, "journeys[0].episodes[0].emotion", "3 is not a whole number from -2 to 2"),
        (35, "journeys[0].steps[0].episode", "unknown episode 'move-b' (did you mean 'move-a'?)"),
        # line 37, channel: Phone, is the channel phone's label: accepted now (it was a problem)
        (38, "journeys[0].steps[0].emotion", "'very happy' is not a whole number from -2 to 2"),
        (39, "journeys[0].steps[0].satisfaction", "6 is not a whole number from 1 to 5"),
        (43, "journeys[0].steps[1].episode",
         "episode 'other-a' belongs to journey 'i-other', not to this step's journey 'i-move'"),
        (44, "journeys[0].steps[1].moment_of_truth", "2 is not true or false"),
    ]
    assert rejected(path) == [Problem(f, None, line, key, message) for line, key, message in expected]


def test_the_message_lists_every_problem_with_its_location(tmp_path):
    path = tmp_path / "broken.yaml"
    path.write_text(BROKEN, encoding="utf-8")
    with pytest.raises(ImportRejected) as caught:
        read_yaml(path)
    text = str(caught.value)
    assert text.startswith("16 problem(s); nothing was imported:\n")  # channel: Phone is a label, accepted now
    assert f"  {path}:line 38:journeys[0].steps[0].emotion: 'very happy' is not a whole number from -2 to 2\n" in text


@pytest.mark.parametrize(("content", "line", "message"), [
    (b"", None, "the file is empty"),
    (b"# only a comment\n", None, "the file is empty"),
    (b"name: Caf\xe9\nlanguage: en\n", 1,
     "the text is not UTF-8: byte 9 (0xe9) on line 1 cannot be read; save the file with the UTF-8 encoding"),
    (b"name: ok\ndescription: \xff\xfe\n", 2,
     "the text is not UTF-8: byte 22 (0xff) on line 2 cannot be read; save the file with the UTF-8 encoding"),
    (b"name: [unclosed\nlanguage: en\n", 2, "this is not valid YAML: did not find expected ',' or ']'"),
    (b"- a\n- b\n", 1, "expected a mapping of keys (format, name, description, language \u2026), found a list"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", 1, None),
])
def test_unreadable_files_get_one_clear_problem(tmp_path, content, line, message):
    path = tmp_path / "model.yaml"
    path.write_bytes(content)
    problems = rejected(path)
    assert len(problems) == 1
    assert (problems[0].file, problems[0].row) == (str(path), line)
    if message:
        assert problems[0].message == message


def test_structure_problems_and_value_problems_come_together(tmp_path):
    path = tmp_path / "shape.yaml"
    path.write_text("name: x\nformat: journey-workbench/9\nstages: {a: 1}\nchannels:\n  - just text\n"
                    "  - {id: Web, label: Web}\n", encoding="utf-8")
    assert [(p.row, p.column, p.message) for p in rejected(path)] == [
        (2, "format", "unsupported format 'journey-workbench/9': this workbench reads 'journey-workbench/1'"),
        (3, "stages", "expected a list, found a mapping"),
        (5, "channels[0]", "expected a mapping of keys (id, label, digital \u2026), found a single value"),
        (6, "channels[1].id", "id 'Web' is not a slug (lowercase letters, digits and '-'); use 'web'"),
    ]


def test_lenient_where_the_meaning_is_clear(tmp_path, model):
    """Quoted numbers, 2.0 for 2, yes/no booleans and a BOM are read; 'label: No' stays the text 'No'."""
    text = model_to_yaml(model)
    text = text.replace("emotion: -2", "emotion: '-2'").replace("satisfaction: 2", "satisfaction: 2.0")
    text = text.replace("digital: true", "digital: yes").replace("label: Phone", "label: No")
    path = tmp_path / "lenient.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    m = read_yaml(path)
    assert m.steps["move-3"].emotion == -2 and m.steps["move-3"].satisfaction == 2
    assert m.channels["web"].digital is True and m.channels["phone"].label == "No"
