"""A household on the manage page, without a browser: add a family member's permit, change
one, record one's new card, remove one; refusals next to their field, nothing stored; the
other permits' events keep their UIDs and SEQUENCE in the feed (issue #18, item 4)."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from permitcal.web.words.messages import browser_messages
from tests.ics_checks import assert_well_formed, events
from tests.web.conftest import make_app, service

FORM = {"date_kind": "expires", "date": "2027-03-15", "lang": "zh", "alarms": "7,1", "cycles": "3"}
CHILD = {"label": "孩子", "date_kind": "expires", "date": "2027-05-20", "points": "0"}


def create(client: FlaskClient, **changes: str) -> str:
    """A one-permit calendar from the start page; its manage page's path."""
    answer = client.post("/", data={**FORM, **changes})
    assert answer.status_code == 303, answer.get_data(as_text=True)
    return answer.headers["Location"].split("?")[0]


def page(client: FlaskClient, manage: str) -> str:
    answer = client.get(manage)
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def add(client: FlaskClient, manage: str, **fields: str) -> Any:
    return client.post(manage + "/permits", data=fields)


def added(client: FlaskClient, manage: str, **fields: str) -> None:
    answer = add(client, manage, **fields)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    assert answer.headers["Location"].endswith("?done=permit_added#notice")


def feed(client: FlaskClient, manage: str) -> dict[str, dict[str, str]]:
    """UID -> the event's properties, from the calendar's feed (its link on the page)."""
    url = re.search(r'id="feed-url" value="([^"]+)"', page(client, manage))
    assert url
    answer = client.get("/" + unescape(url.group(1)).split("/", 3)[3])
    assert answer.status_code == 200
    assert_well_formed(answer.data)
    return {e["UID"]: e for e in events(answer.data)}


def keys(client: FlaskClient, manage: str) -> list[str]:
    """The permits' keys, in the page's order (each permit's card carries its key)."""
    return re.findall(
        r'<article class="permit" id="permit-\d" data-permit="([^"]+)"', page(client, manage)
    )


def whose(found: dict[str, dict[str, str]], key: str) -> dict[str, dict[str, str]]:
    """One permit's events: its key, then its expiry's digits (the first key starts the others')."""
    return {u: e for u, e in found.items() if u.startswith(key + "-") and u[len(key) + 1].isdigit()}


def stored(app: Flask, manage: str) -> list[tuple[str, str | None]]:
    sub = service(app).store.by_manage_token(manage.rsplit("/", 1)[1])
    assert sub is not None
    return [
        (p.label, (p.settings.expires or p.settings.issued or "").__str__())
        for p in sub.household.permits
    ]


def error_next_to(html: str, field_id: str) -> str:
    """The error sentence drawn right after the input ``field_id``, which points at it."""
    found = re.search(
        rf'<input[^>]*id="{field_id}"[^>]*aria-invalid="true"[^>]*>\s*'
        rf'<p class="error" role="alert" id="{field_id}-error">([^<]+)</p>',
        html,
    )
    assert found, f"no error next to #{field_id}"
    return unescape(found.group(1))


def test_one_permit_page_offers_to_add_a_family_members_permit(client: FlaskClient) -> None:
    html = page(client, create(client))
    assert "添加家人的居住证" in html
    assert 'id="add-first-label" value="我"' in html  # the first permit has no label yet
    assert "这张居住证是谁的" in html
    assert 'id="permits"' not in html  # no list of permits with one permit
    assert "data-permit=" not in html
    english = client.get(create(client) + "?ui=en").get_data(as_text=True)
    assert 'id="add-first-label" value="Me"' in english
    assert "Add a family member&#39;s permit" in english


def test_a_second_permit_is_added_with_labels_in_the_page_and_the_feed(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client)
    first = whose(feed(client, manage), keys_or_first(client, manage))
    added(client, manage, first_label="我", **CHILD)
    html = page(client, manage)
    assert "已添加这张居住证" in page(client, manage + "?done=permit_added")
    assert stored(app, manage) == [("我", "2027-03-15"), ("孩子", "2027-05-20")]
    mine, child = keys(client, manage)
    # The list of permits, each with what its dates were computed from.
    for number, (label, day) in enumerate([("我", "2027年3月15日"), ("孩子", "2027年5月20日")], 1):
        card = html.split(f'id="permit-{number}"')[1].split("</article>")[0]
        assert f">{label}</h3>" in card
        assert f"按你填写的到期日{day}计算" in card
    # Every row of the deadlines names whose permit it is; the next deadline box too.
    rows = re.findall(
        r'data-permit="([^"]+)">\s*<td class="date">.*?<span class="who">([^<]+)</span>', html, re.S
    )
    assert set(rows) == {(mine, "我"), (child, "孩子")}
    assert re.search(r'id="next-deadline".*?<span class="nowrap who">【我】</span>', html, re.S)
    # The feed: every title starts with its label; the first permit keeps its UIDs.
    found = feed(client, manage)
    assert set(whose(found, mine)) == set(first)
    assert all(e["SUMMARY"].startswith("【我】") for e in whose(found, mine).values())
    assert all(e["SUMMARY"].startswith("【孩子】") for e in whose(found, child).values())
    assert whose(found, child)
    assert len(whose(found, mine)) + len(whose(found, child)) == len(found)
    # The add form no longer asks for the first permit's label.
    assert 'id="add-first-label"' not in html


def keys_or_first(client: FlaskClient, manage: str) -> str:
    """The first permit's key before there is a list: the UIDs' common start."""
    uids = list(feed(client, manage))
    return uids[0].split("-2")[0]


def test_the_add_form_starts_empty_not_with_the_first_permits_dates(
    app: Flask, client: FlaskClient
) -> None:
    """A family member's permit is not the first one's: its date, new card and changes
    start empty (the first's card date, carried over, was refused as the new permit's)."""
    manage = create(
        client,
        date_kind="issued",
        date="2023-06-01",
        card_received="2024-05-20",
        changes="employer",
    )
    html = page(client, manage)
    family = html[html.index('<section id="family"') :]
    family = family[: family.index("</section>")]
    assert 'id="add-date" required value=""' in family
    assert 'id="add-card_received" value=""' in family
    assert "2023-06-01" not in family
    assert "2024-05-20" not in family
    assert 'value="employer" checked' not in family
    assert 'name="date_kind" value="expires" checked' in family  # as on the start page
    # Only the label and the date typed: added, with no card and no changes of its own.
    added(client, manage, first_label="我", label="孩子", date="2027-05-20", points="0")
    sub = service(app).store.by_manage_token(manage.rsplit("/", 1)[1])
    assert sub is not None
    mine, child = (p.settings for p in sub.household.permits)
    assert (mine.card_received, mine.issued) == (dt.date(2024, 5, 20), dt.date(2023, 6, 1))
    assert (child.card_received, child.changes, child.expires) == (
        None,
        frozenset(),
        dt.date(2027, 5, 20),
    )


def test_six_permits_at_most_then_a_sentence_instead_of_the_form(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client)
    added(client, manage, first_label="我", **CHILD)
    for n in range(4):
        added(client, manage, label=f"家人{n}", date_kind="expires", date=f"2027-0{n + 1}-10")
    assert len(stored(app, manage)) == 6
    html = page(client, manage)
    assert 'id="add-permit-form"' not in html
    assert "这个日历已有6张居住证，是一个日历能放的最多数量" in html
    refused = add(client, manage, label="多余", date_kind="expires", date="2027-06-10")
    assert refused.status_code == 400
    assert "是一个日历能放的最多数量" in refused.get_data(as_text=True)
    assert len(stored(app, manage)) == 6
    found = feed(client, manage)
    assert len({uid.split("-R")[0].rsplit("-", 1)[0] for uid in found}) >= 6


def test_bad_labels_are_refused_next_to_their_field_and_nothing_is_stored(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client)
    added(client, manage, first_label="我", **CHILD)
    before = stored(app, manage)
    cases = [
        ({"label": "孩子"}, "add-label", "两张居住证都叫“孩子”，请换一个名字"),
        ({"label": "我"}, "add-label", "两张居住证都叫“我”"),
        ({"label": "一二三四五六七八九"}, "add-label", "超过8个字，请写短一些"),
        ({"label": "  "}, "add-label", "每张都要写上是谁的"),
        ({"label": "a\tb"}, "add-label", "不能含有换行或控制字符"),
    ]
    for fields, field_id, sentence in cases:
        answer = add(client, manage, **{**CHILD, **fields})
        assert answer.status_code == 400, fields
        html = answer.get_data(as_text=True)
        assert sentence in error_next_to(html, field_id), fields
        assert 'id="family-details" open' in html  # the form shown again, as typed
        assert stored(app, manage) == before


def test_the_first_label_is_asked_and_checked_with_the_first_addition(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client)
    answer = add(client, manage, first_label="", **CHILD)
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "每张都要写上是谁的" in error_next_to(html, "add-first-label")
    assert 'id="add-label" value="孩子"' in html  # what was typed stays
    answer = add(client, manage, first_label="孩子", **CHILD)
    assert "两张居住证都叫“孩子”" in error_next_to(answer.get_data(as_text=True), "add-label")
    assert stored(app, manage) == [("", "2027-03-15")]


def test_a_date_no_card_carries_is_refused_in_the_add_form_with_the_offer(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client)
    answer = add(
        client, manage, first_label="我", label="孩子", date_kind="issued", date="2027-03-01"
    )
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "不会是签发或签注生效的日期" in error_next_to(html, "add-date")
    assert 'id="add-use-as-expiry"' in html
    assert len(stored(app, manage)) == 1
    taken = add(
        client,
        manage,
        first_label="我",
        label="孩子",
        date_kind="issued",
        date="2027-03-01",
        use_as_expiry="1",
    )
    assert taken.status_code == 303
    assert stored(app, manage)[1] == ("孩子", "2027-03-01")


def test_editing_one_permit_leaves_the_others_events_as_they_were(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client)
    added(client, manage, first_label="我", **CHILD)
    added(client, manage, label="妻子", date_kind="expires", date="2027-08-01")
    mine, child, wife = keys(client, manage)
    before = feed(client, manage)
    answer = client.post(
        f"{manage}/permits/{child}",
        data={"label": "女儿", "date_kind": "expires", "date": "2027-06-30", "points": "0"},
    )
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("?done=saved#notice")
    assert stored(app, manage) == [
        ("我", "2027-03-15"),
        ("女儿", "2027-06-30"),
        ("妻子", "2027-08-01"),
    ]
    after = feed(client, manage)
    for key in (mine, wife):
        assert whose(after, key) == whose(before, key)  # same UIDs, SEQUENCE, texts, dates
    assert all(e["SUMMARY"].startswith("【女儿】") for e in whose(after, child).values())
    assert any(e["DTSTART;VALUE=DATE"] == "20270630" for e in whose(after, child).values())
    # The calendar's options stay as they were (the permit's form sends none).
    assert service(app).store.by_manage_token(manage.rsplit("/", 1)[1]).settings.alarms == (7, 1)  # type: ignore[union-attr]


def test_a_refused_edit_shows_its_own_form_open_and_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client)
    added(client, manage, first_label="我", **CHILD)
    _, child = keys(client, manage)
    before = feed(client, manage)
    answer = client.post(
        f"{manage}/permits/{child}",
        data={"label": "我", "date_kind": "expires", "date": "2027-06-30"},
    )
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "两张居住证都叫“我”" in error_next_to(html, "p2-label")
    assert 'id="p2-edit" open' in html
    assert 'id="p1-edit" open' not in html
    answer = client.post(
        f"{manage}/permits/{child}",
        data={"label": "孩子", "date_kind": "expires", "date": "2031-01-01"},
    )
    assert answer.status_code == 400
    assert "p2-date" in answer.get_data(as_text=True)
    error_next_to(answer.get_data(as_text=True), "p2-date")
    assert feed(client, manage) == before
    assert client.post(f"{manage}/permits/s-nope", data=CHILD).status_code == 404


def test_the_second_permits_renewed_card_is_recorded_for_it_alone(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client, date="2026-12-10")
    added(client, manage, first_label="我", label="孩子", date_kind="expires", date="2026-12-05")
    mine, child = keys(client, manage)
    html = page(client, manage + f"?card={child}")
    assert f'name="permit" value="{child}" id="renewed-permit-2" checked' in html
    before = feed(client, manage)
    answer = client.post(f"{manage}/renewed", data={"permit": child, "card_received": "2026-11-15"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("?done=renewed#notice")
    sub = service(app).store.by_manage_token(manage.rsplit("/", 1)[1])
    assert sub is not None
    assert [str(p.settings.card_received) for p in sub.household.permits] == ["None", "2026-11-15"]
    after = feed(client, manage)
    assert whose(after, mine) == whose(before, mine)
    assert whose(after, child) != whose(before, child)
    # A refused card names its field and keeps the chosen permit.
    refused = client.post(
        f"{manage}/renewed", data={"permit": child, "card_received": "2026-12-01"}
    )
    assert refused.status_code == 400
    assert f'value="{child}" id="renewed-permit-2" checked' in refused.get_data(as_text=True)


def test_removing_one_of_three_keeps_the_other_two_uids_and_sequence(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client)
    added(client, manage, first_label="我", **CHILD)
    added(client, manage, label="妻子", date_kind="expires", date="2027-08-01")
    mine, child, wife = keys(client, manage)
    before = feed(client, manage)
    unconfirmed = client.post(f"{manage}/permits/{child}/delete", data={})
    assert unconfirmed.status_code == 400
    assert 'id="p2-remove" open' in unconfirmed.get_data(as_text=True)
    assert len(stored(app, manage)) == 3
    answer = client.post(f"{manage}/permits/{child}/delete", data={"confirm": "1"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("?done=permit_removed#notice")
    assert stored(app, manage) == [("我", "2027-03-15"), ("妻子", "2027-08-01")]
    after = feed(client, manage)
    assert not whose(after, child)
    for key in (mine, wife):
        assert whose(after, key) == whose(before, key)
        assert {e["SEQUENCE"] for e in whose(after, key).values()} == {"0"}


def test_the_last_permit_cannot_be_removed_as_a_permit(app: Flask, client: FlaskClient) -> None:
    manage = create(client)
    added(client, manage, first_label="我", **CHILD)
    mine, child = keys(client, manage)
    assert client.post(f"{manage}/permits/{child}/delete", data={"confirm": "1"}).status_code == 303
    html = page(client, manage)
    assert 'id="permits"' not in html
    assert "删除这张" not in html
    refused = client.post(f"{manage}/permits/{mine}/delete", data={"confirm": "1"})
    assert refused.status_code == 400
    assert len(stored(app, manage)) == 1


def test_with_several_permits_the_edit_form_holds_the_options_only(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client)
    added(client, manage, first_label="我", **CHILD)
    html = page(client, manage)
    form = html.split('id="edit-form"')[1].split("</form>")[0]
    assert 'name="date"' not in form
    assert 'name="alarms"' in form
    answer = client.post(manage, data={"lang": "en", "alarms": "14", "cycles": "2"})
    assert answer.status_code == 303
    sub = service(app).store.by_manage_token(manage.rsplit("/", 1)[1])
    assert sub is not None
    assert [p.settings.alarms for p in sub.household.permits] == [(14,), (14,)]
    assert stored(app, manage) == [("我", "2027-03-15"), ("孩子", "2027-05-20")]
    assert any(e["SUMMARY"].startswith("[孩子] ") for e in feed(client, manage).values())


def test_the_phone_page_names_whose_next_deadline_it_is(client: FlaskClient) -> None:
    manage = create(client, date="2027-09-01")
    added(client, manage, first_label="我", label="孩子", date_kind="expires", date="2027-01-10")
    # The CalDAV password is the feed token, which keys the phone page.
    feed_token = re.search(
        r'id="[a-z]*-?caldav-password" value="([A-Za-z0-9_-]+)"', page(client, manage)
    )
    assert feed_token
    html = client.get(f"/p/{feed_token.group(1)}").get_data(as_text=True)
    assert re.search(r'id="next-deadline".*?【孩子】</span><span class="nowrap">居住证', html, re.S)


def test_the_label_field_speaks_the_servers_words_in_the_browser() -> None:
    for lang in ("zh", "en"):
        messages = browser_messages(lang)  # type: ignore[arg-type]
        assert "8" in messages["label.label_required"]
        assert messages["first_label.label_required"] != messages["label.label_required"]


def test_csrf_still_guards_every_permit_form(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    answer = client.post("/", data={**FORM, "csrf_token": token.group(1)})
    manage = answer.headers["Location"].split("?")[0]
    refused = client.post(manage + "/permits", data={"first_label": "我", **CHILD})
    assert refused.status_code == 400
    html = refused.get_data(as_text=True)
    assert 'id="add-form-error"' in html
    assert 'id="add-label" value="孩子"' in html
    assert stored(app, manage) == [("", "2027-03-15")]
    page_token = re.search(r'name="csrf_token" value="([^"]+)"', page(client, manage))
    assert page_token
    fields = {"first_label": "我", **CHILD, "csrf_token": page_token.group(1)}
    assert client.post(manage + "/permits", data=fields).status_code == 303
    _, child = keys(client, manage)
    for path, data in (
        (f"{manage}/permits/{child}", CHILD),
        (f"{manage}/permits/{child}/delete", {"confirm": "1"}),
        (f"{manage}/renewed", {"permit": child, "card_received": "2026-11-15"}),
    ):
        assert client.post(path, data=data).status_code == 400, path
    assert stored(app, manage) == [("我", "2027-03-15"), ("孩子", "2027-05-20")]
    service(app).store.dispose()
