"""The directly written bytes (ical_write) are icalendar's bytes, for any feed (Hypothesis)."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from icalendar import vDuration, vText
from icalendar.parser import Contentline

from permitcal import PermitInput, WorkCalendar, compute, policies
from permitcal.ical import RenderOptions, to_ical, to_vcalendar
from permitcal.ical_write import duration, fold, text
from tests.test_properties import permits

CALENDAR = WorkCalendar(published_through=2026)
# Characters that escaping and folding treat specially, and some of several bytes.
TRICKY = st.text(st.sampled_from(list('ab,;:\\^N\r\n \t"é中𝄞')), max_size=200)


@given(TRICKY)
def test_text_escapes_as_icalendar_does(value: str) -> None:
    assert text(value) == vText(value).to_ical().decode()


@given(st.text(st.sampled_from(list("a\\^,é中𝄞")), max_size=400))
def test_fold_folds_as_icalendar_does(value: str) -> None:
    line = "DESCRIPTION:" + value
    assert fold(line) == Contentline(line).to_ical()


@given(st.timedeltas(min_value=dt.timedelta(days=-400), max_value=dt.timedelta(days=400)))
def test_duration_as_icalendar_writes_it(value: dt.timedelta) -> None:
    value = dt.timedelta(days=value.days, seconds=value.seconds)  # whole seconds
    assert duration(value) == vDuration(value).to_ical().decode()


@given(
    permits(),
    st.sampled_from(["zh", "en", "both"]),
    st.sets(st.integers(0, 60), max_size=3),
    st.sampled_from(list(policies())),
    st.one_of(
        st.none(), st.sampled_from(["https://p.example/m/x,y;z", "https://p.example/" + "u" * 90])
    ),
    st.one_of(st.none(), st.timedeltas(dt.timedelta(hours=1), dt.timedelta(days=3))),
    st.sampled_from(["-//permitcal//test//ZH", "-//a,b;c\\d//" + "长" * 40]),
    st.integers(0, 3),
    st.one_of(st.none(), st.datetimes(dt.datetime(2020, 1, 1), dt.datetime(2030, 1, 1))),
)
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_written_bytes_are_the_objects_bytes(
    permit: PermitInput,
    lang: str,
    alarms: set[int],
    feed_policy: str,
    url: str | None,
    refresh: dt.timedelta | None,
    prodid: str,
    sequence: int,
    stamp: dt.datetime | None,
) -> None:
    options = RenderOptions(
        identity="prop-test",
        lang=lang,  # type: ignore[arg-type]
        alarms=tuple(alarms),
        url=url,
        refresh_interval=refresh,
        prodid=prodid,
        sequence=sequence,
        stamp=None if stamp is None else stamp.replace(tzinfo=dt.UTC),
        policy=feed_policy,
    )
    deadlines = compute(permit, calendar=CALENDAR)
    assert to_ical(deadlines, options) == to_vcalendar(deadlines, options).to_ical()


def test_a_control_character_in_the_url_is_left_to_icalendar() -> None:
    permit = PermitInput.create(issued="2023-06-01", cycles=1)
    options = RenderOptions(identity="x", url="https://p.example/\x7f")
    deadlines = compute(permit, calendar=CALENDAR)
    assert to_ical(deadlines, options) == to_vcalendar(deadlines, options).to_ical()
