"""Issue 16 on the service: a card in no renewal span is refused, and a stored one is left out."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.ics_checks import events
from tests.web.conftest import Clock, create_subscription, path_of, service

NEW_PERMIT_ZH = "补签截止以后才拿到的证是一张新办的居住证：请把它的日期填作签发日期。"
NEW_PERMIT_EN = "A card received more than 90 days after an expiry is a new permit"


@pytest.mark.parametrize(
    ("how", "status"),
    [
        ("api", 400),
        ("feed", 400),
        ("deadlines", 400),
    ],
)
def test_issue_16_every_door_refuses_a_card_between_spans(
    client: FlaskClient, how: str, status: int
) -> None:
    query = "issued=2023-06-01&card_received=2024-12-01"
    if how == "api":
        answer = client.post(
            "/api/subscriptions", json={"issued": "2023-06-01", "card_received": "2024-12-01"}
        )
        assert answer.get_json()["error"]["field"] == "card_received"
        assert "enter its date as the issue date" in answer.get_json()["error"]["message"]
    elif how == "feed":
        answer = client.get(f"/feed.ics?{query}")
        text = answer.get_data(as_text=True)
        assert NEW_PERMIT_ZH in text
        assert NEW_PERMIT_EN in text
    else:
        answer = client.get(f"/api/deadlines?{query}")
    assert answer.status_code == status


def test_issue_16_the_renewed_form_refuses_a_card_between_spans(
    client: FlaskClient, clock: Clock
) -> None:
    clock.now = dt.datetime(2026, 11, 20, 2, 0, tzinfo=dt.UTC)
    sub = create_subscription(client, issued="2025-06-01")
    manage = path_of(sub["manage_url"])
    answer = client.post(manage + "/renewed", data={"card_received": "2025-11-01"})
    assert answer.status_code == 400
    assert NEW_PERMIT_ZH in answer.get_data(as_text=True)
    assert client.get(path_of(sub["api_url"])).get_json()["revision"] == 0


def test_issue_16_a_stored_card_in_no_span_is_left_out_and_the_page_asks_to_correct_it(
    app: Flask, client: FlaskClient
) -> None:
    sub = create_subscription(client, issued="2026-06-01")
    feed = path_of(sub["feed_url"])
    without_card = client.get(feed).data
    # Written as an older version would have stored it, before the span rule.
    store = service(app).store
    stored = store.by_manage_token(sub["manage_token"])
    assert stored is not None
    store.update(
        stored, replace(stored.settings, card_received=dt.date(2026, 10, 1)), stored.updated_at
    )
    answer = client.get(feed)
    assert answer.status_code == 200
    assert [e["UID"] for e in events(answer.data)] == [e["UID"] for e in events(without_card)]
    page = client.get(path_of(sub["manage_url"]))
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'id="card-problem"' in html
    assert NEW_PERMIT_ZH in html
    api = client.get(path_of(sub["api_url"]))
    assert api.status_code == 200
    assert not any(d["rule"] == "R6" and not d["estimate"] for d in api.get_json()["deadlines"])


@pytest.mark.parametrize(
    ("issued", "cards", "done", "notice"),
    [
        # A card of the cycle shown: the calendar changes.
        ("2025-12-10", ["2026-12-20"], "renewed", "已保存拿到新证的日期，日历已更新。"),
        # A card of an earlier renewal, outside the cycles shown: nothing changes.
        (
            "2024-12-10",
            ["2025-12-20"],
            "renewed_unchanged",
            "日历没有变化：你填写的新证（2025年12月20日）属于2025年12月10日到期那次的签注，"
            "日历里没有因此改变的日期。",
        ),
        # The same date recorded again.
        (
            "2025-12-10",
            ["2026-12-20", "2026-12-20"],
            "renewed_unchanged",
            "日历没有变化：你填写的新证（2026年12月20日）属于2026年12月10日到期那次的签注，"
            "日历里没有因此改变的日期。",
        ),
    ],
)
def test_issue_16_the_page_says_updated_only_when_the_feed_changed(
    client: FlaskClient, clock: Clock, issued: str, cards: list[str], done: str, notice: str
) -> None:
    clock.now = dt.datetime(2026, 12, 22, 2, 0, tzinfo=dt.UTC)
    sub = create_subscription(client, issued=issued)
    manage, feed = path_of(sub["manage_url"]), path_of(sub["feed_url"])
    for card in cards:
        before = client.get(feed).data
        answer = client.post(manage + "/renewed", data={"card_received": card})
        assert answer.status_code == 303
    # Back at the notice, which the form's #renewed would otherwise leave screens below.
    assert answer.headers["Location"].endswith(f"done={done}#notice")
    assert (client.get(feed).data == before) is (done == "renewed_unchanged")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert f'<p class="notice" role="status" id="notice">{notice}</p>' in page


@pytest.mark.parametrize(
    ("query", "has_r6"), [("", True), ("&points=1", True), ("&points=0", False)]
)
def test_issue_16_the_stateless_feed_takes_points(
    client: FlaskClient, query: str, has_r6: bool
) -> None:
    answer = client.get(f"/feed.ics?issued=2023-06-01{query}")
    assert answer.status_code == 200
    assert (b"-R6@" in answer.data) is has_r6
    if has_r6:  # the default renders the very bytes it rendered before
        assert answer.data == client.get("/feed.ics?issued=2023-06-01").data


def test_issue_16_the_api_and_the_page_store_points(client: FlaskClient) -> None:
    sub = create_subscription(client, issued="2025-06-01", points=False)
    assert sub["settings"]["points"] is False
    assert not {d["rule"] for d in sub["deadlines"]} & {"R6", "R7", "R8", "R9"}
    manage = path_of(sub["manage_url"])
    page = client.get(manage).get_data(as_text=True)
    assert 'id="points-no" checked' in page
    saved = client.post(
        manage, data={"date_kind": "issued", "date": "2025-06-01", "alarms": "7,1", "points": "1"}
    )
    assert saved.status_code == 303
    assert client.get(path_of(sub["api_url"])).get_json()["settings"]["points"] is True
