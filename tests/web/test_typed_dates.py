"""Dates a real card cannot carry, typed on the page: refused next to their field, the
issue date offered as the expiry in one tap, and the entered date repeated (issue #17)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from permitcal.web.page.forms import typed_date_problem
from permitcal.web.words.messages import browser_messages, explain
from permitcal.web.words.texts import format_day
from tests.web.conftest import Clock, service

FORM = {"lang": "zh", "alarms": "7,1", "cycles": "3", "points": "1"}


def error_of(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" role="alert" id="{field}-error">(.*?)</p>', html, re.S)
    assert found, html
    return found.group(1)


def created(response: object) -> str:
    location = response.headers["Location"]  # type: ignore[attr-defined]
    assert re.fullmatch(r"/m/[A-Za-z0-9_-]{32}\?done=created", location), location
    return str(location)


@pytest.mark.parametrize(
    ("kind", "after_today", "accepted"),
    [
        # An issue date at most 30 days ahead: an endorsement made early takes effect
        # at the old expiry, up to 30 days from now.
        ("issued", dt.timedelta(days=30), True),
        ("issued", dt.timedelta(days=31), False),
        ("issued", dt.timedelta(days=60), False),
        ("issued", dt.timedelta(days=400), False),
        ("expires", dt.timedelta(days=365 + 30), True),  # 2027-12-20, today being 2026-11-20
        ("expires", dt.timedelta(days=365 + 31), False),
        ("expires", dt.timedelta(days=800), False),
    ],
)
def test_dates_no_card_carries_are_refused_next_to_their_field(
    app: Flask,
    client: FlaskClient,
    clock: Clock,
    kind: str,
    after_today: dt.timedelta,
    accepted: bool,
) -> None:
    today = clock.now.date()
    day = today + after_today
    response = client.post("/", data={**FORM, "date_kind": kind, "date": day.isoformat()})
    if accepted:
        created(response)
        return
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    text = error_of(html, "date")
    assert format_day(day, "zh", weekday=False) in text
    assert format_day(today, "zh", weekday=False) in text
    # Only an issue date is offered as the expiry; nothing was stored either way.
    assert ('id="use-as-expiry"' in html) is (kind == "issued")
    assert service(app).store.count() == 0
    # What was typed stays in the field, for correcting.
    assert f'value="{day.isoformat()}"' in html


def test_the_offer_takes_the_date_as_the_expiry_and_the_page_says_so(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    """The issue's case: the expiry 2027-02-08, typed as the issue date."""
    clock.now = dt.datetime(2026, 12, 3, 4, 0, tzinfo=dt.UTC)
    sent = {**FORM, "date_kind": "issued", "date": "2027-02-08"}
    refused = client.post("/", data=sent)
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert "证上和随申办里显示的是到期日" in error_of(html, "date")
    button = re.search(
        r'<button type="submit" name="use_as_expiry" value="1"[^>]*>(.*?)</button>', html
    )
    assert button
    assert "2027年2月8日" in button.group(1)
    assert "&lt;" not in button.group(1)  # a <time> element, not its escaped markup
    # The tap sends the same form with the button's name: the date is the expiry.
    manage = created(client.post("/", data={**sent, "use_as_expiry": "1"}))
    sub = service(app).store.by_manage_token(manage.split("/m/")[1].split("?")[0])
    assert sub is not None
    assert (sub.settings.issued, sub.settings.expires) == (None, dt.date(2027, 2, 8))
    page = client.get(manage).get_data(as_text=True)
    entered = re.search(r'<p class="entered" id="entered">(.*?)<a', page, re.S)
    assert entered
    assert entered.group(1).strip() == "按你填写的到期日2027年2月8日计算。"
    # The next deadline is the one before the Spring Festival, not a year later.
    next_box = re.search(r'<p class="next" id="next-deadline"[^>]*>(.*?)</p>', page, re.S)
    assert next_box
    assert "2027年2月3日" in next_box.group(1)
    assert "2028" not in next_box.group(1)


def test_a_card_not_yet_received_is_refused_on_both_forms(
    app: Flask, client: FlaskClient, clock: Clock
) -> None:
    tomorrow = (clock.now.date() + dt.timedelta(days=1)).isoformat()
    html = client.post(
        "/", data={**FORM, "date_kind": "expires", "date": "2026-12-10", "card_received": tomorrow}
    ).get_data(as_text=True)
    assert "晚于今天" in error_of(html, "card_received")
    # The browser refuses it too: the field's max is today.
    assert re.search(rf'id="card_received"[^>]* max="{clock.now.date().isoformat()}"', html)
    manage = created(client.post("/", data={**FORM, "date_kind": "expires", "date": "2026-12-10"}))
    answer = client.post(manage.split("?")[0] + "/renewed", data={"card_received": tomorrow})
    assert answer.status_code == 400
    assert "晚于今天" in error_of(answer.get_data(as_text=True), "renewed")


@pytest.mark.parametrize(
    ("sent", "says"),
    [
        (
            {"date_kind": "issued", "date": "2026-06-01"},
            "按你填写的签发（或签注生效）日期2026年6月1日计算",
        ),
        (
            {"date_kind": "expires", "date": "2026-12-10", "card_received": "2026-11-19"},
            "按你填写的到期日2026年12月10日和拿到新证的日期2026年11月19日计算",
        ),
    ],
)
def test_the_result_page_repeats_what_was_entered(
    client: FlaskClient, sent: dict[str, str], says: str
) -> None:
    manage = created(client.post("/", data={**FORM, **sent}))
    for ui, expected in (("", says), ("&ui=en", None)):
        page = client.get(manage + ui).get_data(as_text=True)
        entered = re.search(r'<p class="entered" id="entered">(.*?)<a', page, re.S)
        assert entered, page
        if expected:
            assert entered.group(1).strip() == expected + "。"
        else:
            assert "you entered" in entered.group(1)


def test_the_next_step_and_the_notice_come_first(client: FlaskClient) -> None:
    manage = created(client.post("/", data={**FORM, "date_kind": "expires", "date": "2026-12-10"}))
    path = manage.split("?")[0]
    page = client.get(manage).get_data(as_text=True)
    # Before the long list of steps and dates: the way to record the new card (beside
    # the title), the next deadline and what it was computed from.
    order = [
        page.index(f'id="{id_}"')
        for id_ in ("jump-renewed", "next-deadline", "entered", "add", "deadlines", "renewed")
    ]
    assert order == sorted(order)
    assert 'href="#renewed"' in page
    # Each form comes back to its notice, not to the section it was sent from.
    for action, data, done in (
        ("/renewed", {"card_received": "2026-11-19"}, "renewed"),
        ("", {**FORM, "date_kind": "expires", "date": "2026-12-11"}, "saved"),
        ("/rotate", {}, "rotated"),
    ):
        answer = client.post(path + action, data=data)
        assert answer.status_code == 303
        assert answer.headers["Location"] == f"{path}?done={done}#notice"
        back = client.get(answer.headers["Location"]).get_data(as_text=True)
        assert back.index('id="notice"') < back.index('id="next-deadline"')
    english = client.post(
        path, data={**FORM, "date_kind": "expires", "date": "2026-12-12"}, query_string={"ui": "en"}
    )
    assert english.headers["Location"] == f"{path}?done=saved&ui=en#notice"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_browser_says_what_the_server_says_about_dates_no_card_carries(lang: str) -> None:
    """app.js fills the server's own sentences: an expiry past the field's max, and a
    card date past today (its max)."""
    today, late = dt.date(2026, 12, 3), dt.date(2029, 2, 8)
    messages = browser_messages(lang)  # type: ignore[arg-type]
    for key, error in (
        ("expires.expires_too_far_ahead", typed_date_problem(today, expires=late)),
        ("card_received.later_than_today", typed_date_problem(today, card_received=late)),
    ):
        assert error is not None
        assert key == f"{error.field}.{error.reason}"
        filled = messages[key]
        for name, day in (("date", late), ("today", today)):
            filled = filled.replace("{" + name + "}", format_day(day, lang, weekday=False))  # type: ignore[arg-type]
        assert filled == explain(error, lang)  # type: ignore[arg-type]
