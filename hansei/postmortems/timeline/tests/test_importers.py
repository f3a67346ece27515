"""The chat history readers, on real-looking exports and logs (plain Python, no database)."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hansei.postmortems.timeline.importers import (
    ParseError,
    Window,
    apply_roles,
    parse,
    suggest_roles,
)
from hansei.postmortems.timeline.importers.common import replace_names
from hansei.postmortems.timeline.importers.reading import detect

SAMPLES = Path(__file__).parent / "samples"
PARIS = ZoneInfo("Europe/Paris")
INCIDENT_START = datetime(2024, 3, 4, 9, 0, tzinfo=UTC)


def _sample(name: str) -> str:
    return (SAMPLES / name).read_text()


def _read(text: str | bytes, fmt: str = "auto", zone=UTC, **kwargs):
    return parse(text, fmt=fmt, zone=zone, reference=INCIDENT_START, **kwargs)


def test_it_reads_a_slack_day_file_with_users_json():
    lines = _read(_sample("slack_2024-03-04.json"), users_json=_sample("slack_users.json"))

    assert [line.at.replace(microsecond=0) for line in lines][:2] == [
        datetime(2024, 3, 4, 10, 0, tzinfo=UTC),
        datetime(2024, 3, 4, 10, 2, tzinfo=UTC),
    ]
    assert [line.author for line in lines] == [
        "PagerDuty",
        "Alice Martin",
        "Bob Okafor",
        "Alice Martin",
        "Bob Okafor",
    ]
    assert lines[0].text == (
        "Triggered: checkout-api 5xx rate above 5% > #4242 "
        "(https://acme.pagerduty.com/incidents/Q1W2E3)"
    )
    assert lines[2].text.startswith("@Alice Martin the gateway config was pushed at 10:02")
    assert "the graph (https://grafana.acme.io/d/checkout)" in lines[2].text
    assert "@here please hold deploys" in lines[3].text


def test_it_reads_a_slack_day_file_without_users_json_from_the_profiles():
    lines = _read(_sample("slack_2024-03-04.json"), fmt="slack")

    assert lines[1].author == "Alice Martin"  # from user_profile
    assert lines[2].author == "U04BOB0002"  # no profile, no users.json: the id
    assert lines[2].text.startswith("@U04ALICE01 the gateway")


def test_it_reads_a_whole_slack_export_zip():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("users.json", _sample("slack_users.json"))
        archive.writestr("channels.json", "[]")
        archive.writestr("incident-4242/2024-03-04.json", _sample("slack_2024-03-04.json"))
        archive.writestr(
            "incident-4242/2024-03-05.json",
            json.dumps(
                [
                    {
                        "type": "message",
                        "user": "U04BOB0002",
                        "text": "follow-up",
                        "ts": "1709640000.0",
                    }
                ]
            ),
        )

    lines = _read(buffer.getvalue())

    assert len(lines) == 6
    assert lines[-1].author == "Bob Okafor"
    assert lines[-1].text == "follow-up"


@pytest.mark.parametrize(
    "name", ["chat_bracketed.log", "chat_irc.log", "chat_weechat.log", "chat_iso.log"]
)
def test_it_reads_chat_logs_in_each_common_shape(name):
    lines = _read(_sample(name))

    assert [line.author for line in lines[:4]] == ["pagerbot", "alice", "bob", "alice"]
    assert lines[1].text == "ack, looking at the checkout dashboards"
    assert lines[2].text == "alice the gateway config was pushed at 10:02"


def test_chat_lines_without_a_zone_are_in_the_users_zone_and_time_only_lines_on_the_incident_day():
    lines = _read(_sample("chat_irc.log"), zone=PARIS)

    assert lines[0].at == datetime(2024, 3, 4, 10, 0, 12, tzinfo=PARIS)
    assert lines[0].at.astimezone(UTC) == datetime(2024, 3, 4, 9, 0, 12, tzinfo=UTC)


def test_chat_lines_with_a_zone_keep_it():
    lines = _read(_sample("chat_iso.log"), zone=PARIS)

    assert lines[0].at == datetime(2024, 3, 4, 9, 0, tzinfo=UTC)
    assert [line.at.astimezone(UTC).hour for line in lines] == [9, 9, 9, 9]
    assert lines[2].author == "bob"  # 10:05+01:00 is 09:05Z: sorted by time, before 09:10Z
    assert lines[3].text == "rolling back the gateway config"


def test_indented_lines_continue_the_message_and_irc_status_lines_are_skipped():
    bracketed = _read(_sample("chat_bracketed.log"))
    weechat = _read(_sample("chat_weechat.log"))

    assert bracketed[3].text == "rolling back the gateway config\n(rollback job #881 started)"
    assert len(weechat) == 5


def test_time_only_lines_roll_over_midnight():
    text = "23:50 <alice> still degraded\n00:10 <bob> recovered\n"
    reference = datetime(2024, 3, 4, 23, 30, tzinfo=UTC)

    lines = parse(text, zone=UTC, reference=reference)

    assert [line.at for line in lines] == [
        datetime(2024, 3, 4, 23, 50, tzinfo=UTC),
        datetime(2024, 3, 5, 0, 10, tzinfo=UTC),
    ]


def test_it_reads_csv_with_any_case_of_the_column_names():
    lines = _read(_sample("timeline.csv"), zone=PARIS)

    assert detect(_sample("timeline.csv")) == "csv"
    assert len(lines) == 5
    assert lines[0].at == datetime(2024, 3, 4, 10, 0, tzinfo=PARIS)
    assert lines[1].text == "ack, looking at the checkout dashboards"
    assert lines[3].at == datetime(2024, 3, 4, 9, 10, tzinfo=UTC)  # the Z is kept


def test_csv_without_the_author_column_and_with_semicolons():
    lines = _read("time;text\n10:00;alert fired\n10:05;rolled back\n", fmt="csv")

    assert [(line.author, line.text) for line in lines] == [
        ("", "alert fired"),
        ("", "rolled back"),
    ]
    assert lines[0].at == datetime(2024, 3, 4, 10, 0, tzinfo=UTC)


def test_csv_with_the_wrong_columns_lists_the_expected_ones():
    with pytest.raises(ParseError) as excinfo:
        _read("when,who,what\n10:00,alice,hi\n", fmt="csv")

    assert "time (or timestamp), text (or message)" in excinfo.value.message
    assert "found: when, who, what" in excinfo.value.message


def test_unparseable_lines_are_listed_by_number():
    text = "[10:00] alice: fine\nthis is not a message\n[10:02] bob: fine\n10h03 carol said hi\n"

    with pytest.raises(ParseError) as excinfo:
        _read(text, fmt="chat")

    assert excinfo.value.lines == [2, 4]
    assert "Lines that failed: 2, 4." in excinfo.value.message


def test_bad_csv_rows_are_listed_by_line():
    with pytest.raises(ParseError) as excinfo:
        _read("time,text\n10:00,ok\nyesterday,bad\n10:05,\n", fmt="csv")

    assert excinfo.value.lines == [3, 4]


@pytest.mark.parametrize(
    "text", ["[", '{"not": "a list"}', '[{"type": "message", "text": "x", "ts": "soon"}]']
)
def test_bad_slack_files_are_refused(text):
    with pytest.raises(ParseError):
        _read(text, fmt="slack")


def test_oversized_and_empty_input_is_refused():
    with pytest.raises(ParseError, match="too large"):
        _read("[10:00] a: b\n" * 200_000)
    with pytest.raises(ParseError, match="No messages"):
        _read("\n\n", fmt="chat")


def test_a_time_window_keeps_only_what_is_inside():
    lines = _read(_sample("chat_bracketed.log"))
    window = Window(INCIDENT_START + timedelta(hours=1), INCIDENT_START + timedelta(hours=2))

    inside = [line for line in lines if window.contains(line.at)]

    assert [line.text for line in inside][-1] == "error rate back to normal"
    assert len(inside) == 5  # 14:00 is out


def test_it_suggests_roles_and_replaces_names_in_authors_and_texts():
    lines = _read(_sample("slack_2024-03-04.json"), users_json=_sample("slack_users.json"))
    roles = suggest_roles([line.author for line in lines], commanders=["Bob Okafor"])

    assert roles == {
        "PagerDuty": "the alerting bot",
        "Alice Martin": "the on-call engineer",
        "Bob Okafor": "the incident commander",
    }
    cleaned = apply_roles(lines, roles)

    assert cleaned[2].author == "the incident commander"
    assert cleaned[2].text.startswith("the on-call engineer the gateway config")
    assert (
        cleaned[4].text
        == "Error rate back under 0.1%, the on-call engineer confirms checkout works"
    )
    assert not any("Alice" in line.text or "Bob" in line.text for line in cleaned)


def test_name_replacement_matches_whole_words_only():
    roles = {"al": "responder 1", "Alice Martin": "the on-call engineer"}

    assert replace_names("Alice and al restarted the alerting", roles) == (
        "the on-call engineer and responder 1 restarted the alerting"
    )


def test_more_speakers_become_numbered_responders():
    assert list(suggest_roles(["ann", "ben", "cy", "ann"]).values()) == [
        "the on-call engineer",
        "responder 1",
        "responder 2",
    ]
