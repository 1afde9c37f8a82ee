"""iCalendar output: structure, stable identity, languages, alarms, well-formed bytes."""

from __future__ import annotations

import datetime as dt

import pytest

import permitcal
from permitcal import (
    InvalidInputError,
    PermitInput,
    RenderOptions,
    compute,
    default_identity,
    ics_bytes,
    to_ical,
)
from tests.ics_checks import assert_well_formed, events, unfold

STAMP = dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC)


def render(**options: object) -> bytes:
    permit = PermitInput.create(issued="2023-06-01")
    settings: dict[str, object] = {"identity": "sub1", "stamp": STAMP}
    settings.update(options)
    return to_ical(compute(permit), RenderOptions(**settings))  # type: ignore[arg-type]


def calendar_props(data: bytes) -> dict[str, str]:
    props: dict[str, str] = {}
    for line in unfold(data):
        if line.startswith("BEGIN:VEVENT"):
            break
        name, _, value = line.partition(":")
        props[name] = value
    return props


@pytest.mark.parametrize("lang", ["zh", "en", "both"])
def test_well_formed_in_every_language(lang: str) -> None:
    assert_well_formed(render(lang=lang))


def test_calendar_properties_come_first() -> None:
    data = render()
    props = calendar_props(data)
    assert props["VERSION"] == "2.0"
    assert props["CALSCALE"] == "GREGORIAN"
    assert props["METHOD"] == "PUBLISH"
    assert props["X-WR-CALNAME"] == props["NAME"] == "上海居住证提醒"
    assert props["X-WR-TIMEZONE"] == "Asia/Shanghai"
    assert props["X-PUBLISHED-TTL"] == "PT12H"
    assert "REFRESH-INTERVAL;VALUE=DURATION" not in props  # off by default
    assert all(c not in props["X-WR-CALNAME"] for c in ",;\\")


def test_refresh_interval_carries_value_duration() -> None:
    props = calendar_props(render(refresh_interval=dt.timedelta(days=1)))
    assert props["REFRESH-INTERVAL;VALUE=DURATION"] == "P1D"


def test_events_are_all_day_transparent_confirmed() -> None:
    for event in events(render()):
        start = dt.datetime.strptime(event["DTSTART;VALUE=DATE"], "%Y%m%d").date()
        end = dt.datetime.strptime(event["DTEND;VALUE=DATE"], "%Y%m%d").date()
        assert end - start == dt.timedelta(days=1)
        assert event["TRANSP"] == "TRANSPARENT"
        assert event["STATUS"] == "CONFIRMED"
        assert event["DTSTAMP"] == event["LAST-MODIFIED"] == "20260102T030405Z"
        assert event["SEQUENCE"] == "0"
        assert event["CATEGORIES"] == "居住证"
        assert event["DESCRIPTION"]


def test_uids_are_stable_per_identity_cycle_and_rule() -> None:
    uids = {event["UID"] for event in events(render())}
    # A cycle is named by its expiry: the UID survives the window moving on.
    assert "sub1-20240601-R1@permitcal" in uids
    assert "sub1-20260601-R5@permitcal" in uids
    assert "sub1-20240601-R1-r7@permitcal" in uids  # reminder event, 7 days before
    changed = render(lang="en", sequence=4, stamp=STAMP + dt.timedelta(days=9))
    assert {event["UID"] for event in events(changed)} == uids


def test_a_change_bumps_sequence_and_stamps() -> None:
    later = STAMP + dt.timedelta(days=30)
    for event in events(render(sequence=2, stamp=later)):
        assert event["SEQUENCE"] == "2"
        assert event["DTSTAMP"] == event["LAST-MODIFIED"] == "20260201T030405Z"


def test_rendering_twice_gives_identical_bytes() -> None:
    assert render() == render()
    assert ics_bytes(issued="2023-06-01") == ics_bytes(issued="2023-06-01")


def test_default_identity_follows_the_inputs() -> None:
    one = PermitInput.create(issued="2023-06-01")
    two = PermitInput.create(issued="2023-06-01", card_received="2024-05-20")
    assert default_identity(one) == default_identity(PermitInput.create(issued="2023-06-01"))
    assert default_identity(one) != default_identity(two)
    data = ics_bytes(issued="2023-06-01")
    assert f"UID:{default_identity(one)}-20240601-R1@permitcal" in unfold(data)


def test_default_stamp_is_the_policy_date_not_now() -> None:
    first = events(ics_bytes(issued="2023-06-01"))[0]
    assert first["DTSTAMP"] == "20261203T000000Z"


def test_languages() -> None:
    zh = {e["UID"]: e for e in events(render(lang="zh"))}
    en = {e["UID"]: e for e in events(render(lang="en"))}
    both = {e["UID"]: e for e in events(render(lang="both"))}
    uid = "sub1-20240601-R1@permitcal"
    assert zh[uid]["SUMMARY"] == "居住证及积分到期"
    assert en[uid]["SUMMARY"] == "Permit & points expire"
    assert both[uid]["SUMMARY"] == "居住证及积分到期 Permit & points expire"
    assert both[uid]["DESCRIPTION"].startswith(zh[uid]["DESCRIPTION"][:20])
    assert "Act by 2024-05-31 (Friday): 2024-06-01 is a rest day" in both[uid]["DESCRIPTION"]


def test_summaries_are_short() -> None:
    for event in events(render(alarms=())):
        assert len(event["SUMMARY"]) <= 14, event["SUMMARY"]


def test_estimates_and_provisional_dates_are_marked_in_the_title() -> None:
    titles = {e["UID"]: e["SUMMARY"] for e in events(render())}
    assert titles["sub1-20240601-R6@permitcal"] == "积分申报截止（估）"
    # A reminder keeps its deadline's marker.
    assert titles["sub1-20240601-R6-r7@permitcal"] == "还有7天：积分申报截止（估）"
    assert titles["sub1-20240601-R6-r1@permitcal"] == "还有1天：积分申报截止（估）"
    english = {e["UID"]: e["SUMMARY"] for e in events(render(lang="en"))}
    assert english["sub1-20240601-R1-r1@permitcal"] == "1 day left: Permit & points expire"


def test_each_event_has_one_display_alarm_on_its_day_to_act() -> None:
    triggers = {}
    for block in "\n".join(unfold(render())).split("BEGIN:VEVENT")[1:]:
        uid = block.split("UID:")[1].split("\n")[0]
        if uid.split("-")[2].split("@")[0] in (
            "R4",
            "R7",
        ):  # consequences: the deadline before them rang
            assert "VALARM" not in block
            continue
        assert block.count("BEGIN:VALARM") == 1
        assert "ACTION:DISPLAY" in block
        triggers[uid] = block.split("TRIGGER:")[1].split("\n")[0]
    assert triggers["sub1-20240601-R3@permitcal"] == "PT9H"  # 09:00 on a working day
    # 2024-06-01 is a Saturday: the alarm rings at 09:00 on Friday 05-31, the day to act.
    assert triggers["sub1-20240601-R1@permitcal"] == "-PT15H"
    # An opening rings on its own day, even a rest day: nothing is lost by waiting.
    assert triggers["sub1-20240601-R2@permitcal"] == "PT9H"


def test_reminder_events_come_before_key_deadlines() -> None:
    reminders = [e for e in events(render(alarms=(7, 1))) if "-r" in e["UID"]]
    rules = {e["UID"].split("-")[2] for e in reminders}
    assert rules == {"R1", "R3", "R6"}
    r1_week = next(e for e in reminders if e["UID"] == "sub1-20240601-R1-r7@permitcal")
    # Seven days before the day to act (Friday 05-31), not before the Saturday expiry.
    assert r1_week["DTSTART;VALUE=DATE"] == "20240524"
    assert r1_week["SUMMARY"] == "还有7天：居住证及积分到期"
    assert "最迟在2024-05-31（星期五）办理，还有7天" in r1_week["DESCRIPTION"]
    assert "2024-06-01是休息日" in r1_week["DESCRIPTION"]
    assert len(reminders) == 3 * 3 * 2  # three rules, three cycles, two offsets


def test_no_alarms_means_no_valarm_and_no_reminders() -> None:
    data = render(alarms=())
    assert b"VALARM" not in data
    assert not [e for e in events(data) if "-r" in e["UID"]]


def test_url_is_added_to_every_event() -> None:
    for event in events(render(url="https://example.org/m/abc")):
        assert event["URL"] == "https://example.org/m/abc"


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"identity": ""}, "identity"),
        ({"identity": "a@b"}, "identity"),
        ({"identity": " "}, "identity"),
        ({"identity": "\t"}, "identity"),
        ({"identity": "a\u3000b"}, "identity"),  # ideographic space
        ({"identity": "a\x00b"}, "identity"),
        ({"stamp": dt.datetime(2026, 1, 1)}, "stamp"),
        ({"sequence": -1}, "sequence"),
        ({"alarms": (61,)}, "alarms"),
        ({"alarms": ("7",)}, "alarms"),
        ({"alarms": (1, 2, 3, 4, 5, 6)}, "alarms"),
        ({"alarms": (7, 7, 7, 7, 7, 7)}, "alarms"),  # six entries, even if one day
        ({"lang": "fr"}, "lang"),
    ],
)
def test_bad_render_options(options: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        render(**options)
    assert caught.value.field == field


def test_text_is_escaped_not_written_raw() -> None:
    data = render(lang="en")
    descriptions = [e["DESCRIPTION"] for e in events(data)]
    assert any("\\," in text for text in descriptions)
    assert any("\\n" in text for text in descriptions)
    assert not any(", " in text.replace("\\,", "") for text in descriptions)


@pytest.mark.parametrize(
    ("old", "new"), [("calendar_bytes", "ics_bytes"), ("to_calendar", "to_vcalendar")]
)
def test_the_old_names_still_work_and_warn(old: str, new: str) -> None:
    with pytest.warns(DeprecationWarning, match=f"permitcal.{old} is now permitcal.{new}"):
        found = getattr(permitcal, old)
    assert found is getattr(permitcal, new)
    with pytest.raises(AttributeError):
        _ = permitcal.no_such_name  # type: ignore[attr-defined]
