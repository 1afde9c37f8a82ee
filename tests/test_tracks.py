"""Tracks (DESIGN.md, "Many permits, many cities"): a feed merges tracks that never touch."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from permitcal import (
    InvalidInputError,
    PermitInput,
    RenderOptions,
    Track,
    WorkCalendar,
    compute,
    compute_tracks,
    to_ical,
)
from tests.ics_checks import assert_well_formed, events

CALENDAR = WorkCalendar(published_through=2026)
STAMP = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def uids(data: bytes) -> list[bytes]:
    return re.findall(rb"\r\nUID:([^\r]+)", data.replace(b"\r\n ", b""))


def test_issue_18_two_permits_in_one_feed_get_distinct_uids() -> None:
    """The probe of the issue: two permits of one subscription gave 14 of 14 equal UIDs."""
    me = Track.create("s-abc", issued="2023-06-01")
    wife = Track.create("s-abc.2", issued="2023-06-01")
    data = to_ical(compute_tracks([me, wife], CALENDAR), RenderOptions(identity="s-abc"))
    found = uids(data)
    assert len(found) == 2 * len(uids(to_ical(compute(me.permit, None, CALENDAR), options())))
    assert len(set(found)) == len(found)
    assert_well_formed(data)


def options(identity: str = "feed") -> RenderOptions:
    return RenderOptions(identity=identity, stamp=STAMP)


def test_a_single_track_keyed_as_the_identity_renders_the_same_bytes() -> None:
    """A subscription made before tracks keeps every UID: its key is its old identity."""
    permit = PermitInput.create(issued="2023-06-01", card_received="2024-05-20")
    alone = to_ical(compute(permit, None, CALENDAR), options("s-0123456789ab"))
    tracked = to_ical(
        compute_tracks([Track("s-0123456789ab", permit)], CALENDAR), options("anything")
    )
    assert alone == tracked


def test_tracks_of_different_policies_merge_in_date_order() -> None:
    tracks = [
        Track.create("me", issued="2024-03-31", cycles=1),
        Track.create("child", policy="beijing", issued="2024-03-31", cycles=1),
        Track.create("parent", policy="national", issued="2024-03-31", cycles=1),
    ]
    merged = compute_tracks(tracks, CALENDAR)
    assert [x.date for x in merged] == sorted(x.date for x in merged)
    assert {x.track: x.rule[0] for x in merged} == {"me": "R", "child": "B", "parent": "N"}
    data = to_ical(merged, options())
    assert_well_formed(data)
    # Each event is worded by its own policy: a Beijing reminder names no Shanghai centre.
    for event in events(data):
        if str(event["UID"]).startswith("child-"):
            assert "社区事务受理服务中心" not in str(event["DESCRIPTION"])


def test_two_tracks_may_not_share_a_key() -> None:
    with pytest.raises(InvalidInputError) as raised:
        compute_tracks([Track.create("me", issued="2023-06-01")] * 2)
    assert (raised.value.field, raised.value.reason) == ("track", "duplicate_track")


@pytest.mark.parametrize("key", ["", "a b", "a@b", "a;b", "a,b", "a\nb"])
def test_a_track_key_must_fit_in_a_uid(key: str) -> None:
    with pytest.raises(InvalidInputError) as raised:
        Track.create(key, issued="2023-06-01")
    assert raised.value.field == "track"


# (policy, issued, cycles) per track: small examples, small reprs.
SPECS = st.lists(
    st.tuples(
        st.sampled_from(["shanghai", "beijing", "national"]),
        st.dates(min_value=dt.date(2015, 1, 1), max_value=dt.date(2030, 12, 31)),
        st.integers(1, 2),
    ),
    min_size=2,
    max_size=4,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(SPECS, st.dates(min_value=dt.date(2016, 1, 1), max_value=dt.date(2032, 1, 1)))
def test_a_tracks_events_never_depend_on_the_other_tracks(
    specs: list[tuple[str, dt.date, int]], today: dt.date
) -> None:
    found = [
        Track.create(f"t{i}", policy=policy, issued=issued, cycles=cycles)
        for i, (policy, issued, cycles) in enumerate(specs)
    ]
    merged = compute_tracks(found, CALENDAR, today)
    merged_events = {e["UID"]: e for e in events(to_ical(merged, options()))}
    for track in found:
        alone = compute_tracks([track], CALENDAR, today)
        assert [x for x in merged if x.track == track.key] == alone
        own = {e["UID"]: e for e in events(to_ical(alone, options()))}
        assert all(uid.startswith(f"{track.key}-") for uid in own)
        assert {u: merged_events[u] for u in own} == own  # same UIDs, same content
        # Without this track, the others' events are exactly theirs as before.
        rest = compute_tracks([t for t in found if t is not track], CALENDAR, today)
        assert rest == [x for x in merged if x.track != track.key]
