"""A child's school steps on the manage page, without a browser (issue #20, item 4): the
optional step adds one, the clash warnings show above the calendar buttons, the feed has
the step's events; refusals next to their field, nothing stored; removal; CSRF."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from tests.web.conftest import make_app, service
from tests.web.test_household_page import FORM, add, create, feed, keys, page

APRIL = {"date": "2027-04-20"}  # SCHOOL.md's case: on top of the 2027 primary season
SEPTEMBER = {"date": "2027-09-30"}  # after it


def schools(app: Flask, manage: str) -> list[tuple[str, int, tuple[int, ...]]]:
    sub = service(app).store.by_manage_token(manage.rsplit("/", 1)[1])
    assert sub is not None
    return [(s.stage.value, s.year, s.permits) for s in sub.household.schools]


def add_school(client: FlaskClient, manage: str, **fields: object) -> str:
    answer = client.post(manage + "/schools", data=fields)
    assert answer.status_code == 303, answer.get_data(as_text=True)
    location = answer.headers["Location"]
    assert location.endswith("?done=school_added#notice")
    return page(client, location.split("#")[0])


def test_primary_2027_warns_above_the_calendar_buttons(app: Flask, client: FlaskClient) -> None:
    manage = create(client, **APRIL)
    before = feed(client, manage)
    html = page(client, manage)
    assert '<details id="school-details">' in html  # closed
    assert 'id="school-warnings"' not in html
    html = add_school(client, manage, stage="primary", year="2027")
    assert schools(app, manage) == [("primary", 2027, (0,))]
    assert "已把入学/升学的日子加入日历" in html
    warnings = html.index('id="school-warnings"')
    assert warnings < html.index('id="add"')  # above 添加到手机日历
    section = html[warnings : html.index('id="add"')]
    assert "小学入学前先签注" in section
    assert "最迟2027年4月16日（星期五）完成签注" in section
    assert "按往年估计" in section  # as firm as its source: an estimate says so
    assert "你的居住证" in section
    assert "2027年4月20日到期" in section
    # Listed with its remove button, below the fold.
    assert html.index('id="school-steps"') > html.index('id="family"')
    assert "2027年 小学入学" in html
    # The feed: the permit's events as they were, and the step's.
    after = feed(client, manage)
    assert set(before) < set(after)
    for uid, event in before.items():
        assert after[uid]["SEQUENCE"] == event["SEQUENCE"], uid
    added = [after[uid] for uid in set(after) - set(before)]
    assert any("小学入学前先签注" in e["SUMMARY"] for e in added)
    assert any("小学入学信息登记" in e["SUMMARY"] for e in added)


def phone_page(app: Flask, client: FlaskClient, manage: str, ui: str = "zh") -> str:
    """The page the QR code opens (keyed by the feed token, which only reads)."""
    token = manage.rsplit("/", 1)[1]
    sub = service(app).store.by_manage_token(token)
    assert sub is not None
    answer = client.get(f"/p/{sub.feed_token(token)}?ui={ui}")
    assert answer.status_code == 200
    return answer.get_data(as_text=True)


def test_the_phone_page_warns_above_its_steps_too(app: Flask, client: FlaskClient) -> None:
    manage = create(client, **APRIL)
    assert 'id="school-warnings"' not in phone_page(app, client, manage)
    add_school(client, manage, stage="primary", year="2027")
    for ui, words in (
        ("zh", ("最迟2027年4月16日（星期五）完成签注", "按往年估计", "2027年4月20日到期")),
        ("en", ("Endorse by 2027-04-16 (Friday)", "est. from 2024", "expires 20 April 2027")),
    ):
        html = phone_page(app, client, manage, ui)
        warnings = html.index('id="school-warnings"')
        assert html.index('id="next-deadline"') < warnings < html.index('id="add"')
        section = html[warnings : html.index('id="add"')]
        for word in words:
            assert word in section, (ui, word)
        assert "/m/" not in html  # still read-only: no manage link, no form
        assert "<form" not in html


def test_a_permit_expiring_in_september_gets_no_warning(app: Flask, client: FlaskClient) -> None:
    manage = create(client, **SEPTEMBER)
    html = add_school(client, manage, stage="primary", year="2027")
    assert schools(app, manage) == [("primary", 2027, (0,))]
    assert 'id="school-warnings"' not in html
    assert "2027年 小学入学" in html
    assert any("小学入学信息登记" in e["SUMMARY"] for e in feed(client, manage).values())


def test_the_english_page(app: Flask, client: FlaskClient) -> None:
    manage = create(client, **APRIL)
    answer = client.post(manage + "/schools?ui=en", data={"stage": "primary", "year": "2027"})
    assert answer.status_code == 303
    html = client.get(manage + "?ui=en").get_data(as_text=True)
    assert "Before the child&#39;s school steps" in html
    assert "est. from 2024" in html
    assert "Your permit expires" in html


def test_bad_stage_or_year_is_refused_next_to_its_field(app: Flask, client: FlaskClient) -> None:
    manage = create(client, **APRIL)
    for fields, field in (
        ({"stage": "university", "year": "2027"}, "school-stage"),
        ({"stage": "", "year": "2027"}, "school-stage"),
        ({"stage": "primary", "year": "2031"}, "school-year"),
        ({"stage": "primary", "year": "next"}, "school-year"),
        ({"stage": "primary"}, "school-year"),
    ):
        answer = client.post(manage + "/schools", data=fields)
        assert answer.status_code == 400, fields
        html = answer.get_data(as_text=True)
        assert f'id="{field}-error"' in html, (fields, html[html.find('id="school"') :][:3000])
        assert '<details id="school-details" open>' in html
        assert "第1个入学步骤" not in html  # named as the form names it
        assert schools(app, manage) == []
    # A refused form keeps what was chosen.
    refused = client.post(manage + "/schools", data={"stage": "zhongkao", "year": "2031"})
    assert '<option value="zhongkao" selected>' in refused.get_data(as_text=True)


def test_the_same_step_sent_twice_is_stored_once(app: Flask, client: FlaskClient) -> None:
    manage = create(client, **APRIL)
    add_school(client, manage, stage="primary", year="2027")
    html = add_school(client, manage, stage="primary", year="2027")
    assert schools(app, manage) == [("primary", 2027, (0,))]
    assert html.count('class="school-remove-form"') == 1


def test_several_permits_choose_which_the_step_depends_on(app: Flask, client: FlaskClient) -> None:
    manage = create(client, **SEPTEMBER)
    answer = add(
        client,
        manage,
        first_label="爸爸",
        label="妈妈",
        date_kind="expires",
        date="2027-04-20",
        points="0",
    )
    assert answer.status_code == 303
    dad, mom = keys(client, manage)
    html = page(client, manage)
    assert f'name="permits" value="{dad}" id="school-permit-1" checked' in html
    assert f'name="permits" value="{mom}" id="school-permit-2" checked' in html
    refused = client.post(manage + "/schools", data={"stage": "primary", "year": "2027"})
    assert refused.status_code == 400
    assert 'id="school-permits-error"' in refused.get_data(as_text=True)
    assert schools(app, manage) == []
    data = {"stage": "primary", "year": "2027", "permits": [dad, mom]}
    html = add_school(client, manage, **data)
    assert schools(app, manage) == [("primary", 2027, (0, 1))]
    section = html[html.index('id="school-warnings"') : html.index('id="add"')]
    assert "【妈妈】小学入学前先签注" in section
    assert "妈妈的居住证" in section
    assert "爸爸" not in section


def test_remove_a_step(app: Flask, client: FlaskClient) -> None:
    manage = create(client, **APRIL)
    before = feed(client, manage)
    html = add_school(client, manage, stage="primary", year="2027")
    action = re.search(r'action="(/m/[^"]+/schools/([^/"]+)/delete)[^"]*"', html)
    assert action
    answer = client.post(action.group(1))
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("?done=school_removed#notice")
    assert schools(app, manage) == []
    html = page(client, manage)
    assert 'id="school-warnings"' not in html
    assert 'id="school-steps"' not in html
    assert feed(client, manage).keys() == before.keys()
    assert client.post(action.group(1)).status_code == 404


def step_keys(app: Flask, manage: str) -> list[str | None]:
    sub = service(app).store.by_manage_token(manage.rsplit("/", 1)[1])
    assert sub is not None
    return [s.key for s in sub.household.schools]


def test_change_a_steps_year_keeps_its_key(app: Flask, client: FlaskClient) -> None:
    manage = create(client, **APRIL)
    html = add_school(client, manage, stage="primary", year="2027")
    [key] = step_keys(app, manage)
    assert '<details class="school-edit" id="school-1-edit">' in html  # closed
    assert 'aria-label="修改2027年 小学入学"' in html
    assert 'id="school-1-year"' in html
    assert '<option value="2027" selected>' in html
    answer = client.post(f"{manage}/schools/{key}", data={"stage": "kindergarten", "year": "2028"})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("?done=school_saved#notice")
    assert schools(app, manage) == [("kindergarten", 2028, (0,))]
    assert step_keys(app, manage) == [key]
    html = page(client, answer.headers["Location"].split("#")[0])
    assert "已修改这个入学/升学步骤" in html
    assert "2028年 幼儿园入园" in html or "2028年 幼儿园" in html
    uids = [uid for uid in feed(client, manage) if uid.startswith(key + "-")]
    assert uids  # the step's events, under its kept key
    # The same form sent again changes nothing and is still answered as saved.
    again = client.post(f"{manage}/schools/{key}", data={"stage": "kindergarten", "year": "2028"})
    assert again.status_code == 303
    assert schools(app, manage) == [("kindergarten", 2028, (0,))]


def test_a_refused_change_shows_its_own_form_open_and_changes_nothing(
    app: Flask, client: FlaskClient
) -> None:
    manage = create(client, **APRIL)
    add_school(client, manage, stage="primary", year="2027")
    add_school(client, manage, stage="zhongkao", year="2028")
    first, second = step_keys(app, manage)
    before = feed(client, manage)
    for data, field, words in (
        ({"stage": "university", "year": "2028"}, "school-2-stage", "入学阶段"),
        ({"stage": "zhongkao", "year": "1999"}, "school-2-year", "1999"),
        ({"stage": "primary", "year": "2027"}, None, "已经有2027年的“小学"),
    ):
        refused = client.post(f"{manage}/schools/{second}", data=data)
        assert refused.status_code == 400, data
        html = refused.get_data(as_text=True)
        form = html[
            html.index('id="school-2-edit"') : html.index(
                "</details>", html.index('id="school-2-edit"')
            )
        ]
        assert '<details class="school-edit" id="school-2-edit" open>' in html
        if field is not None:
            assert f'id="{field}-error"' in form, data
            assert f'id="{field}" aria-invalid="true"' in form
        else:
            assert 'id="school-2-form-error"' in form, data
        assert words in form, (data, form)
        assert 'id="school-1-edit" open' not in html  # the other step's form stays closed
        assert schools(app, manage) == [("primary", 2027, (0,)), ("zhongkao", 2028, (0,))]
        assert step_keys(app, manage) == [first, second]
    assert feed(client, manage) == before
    assert client.post(f"{manage}/schools/s-nothing-kabcde", data=data).status_code == 404


def test_change_which_permits_a_step_depends_on(app: Flask, client: FlaskClient) -> None:
    manage = create(client, **SEPTEMBER)
    add(client, manage, first_label="爸爸", label="妈妈", date_kind="expires", date="2027-04-20")
    dad, mom = keys(client, manage)
    add_school(client, manage, stage="primary", year="2027", permits=[dad])
    assert 'id="school-warnings"' not in page(client, manage)  # 爸爸's permit: September
    [key] = step_keys(app, manage)
    html = page(client, manage)
    assert f'value="{dad}" id="school-1-permit-1" checked' in html
    assert f'value="{mom}" id="school-1-permit-2">' in html
    refused = client.post(f"{manage}/schools/{key}", data={"stage": "primary", "year": "2027"})
    assert refused.status_code == 400
    assert 'id="school-1-permits-error"' in refused.get_data(as_text=True)
    assert "第1个入学步骤" not in refused.get_data(as_text=True)  # named as the form names it
    data = {"stage": "primary", "year": "2027", "permits": [mom]}
    assert client.post(f"{manage}/schools/{key}", data=data).status_code == 303
    assert schools(app, manage) == [("primary", 2027, (1,))]
    section = page(client, manage)
    section = section[section.index('id="school-warnings"') : section.index('id="add"')]
    assert "妈妈的居住证" in section


def test_csrf_guards_the_school_forms(tmp_path: Path) -> None:
    app = make_app(tmp_path, WTF_CSRF_ENABLED=True)
    client = app.test_client()
    html = client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert token
    answer = client.post("/", data={**FORM, **APRIL, "csrf_token": token.group(1)})
    manage = answer.headers["Location"].split("?")[0]
    refused = client.post(manage + "/schools", data={"stage": "primary", "year": "2027"})
    assert refused.status_code == 400
    assert 'id="school-form-error"' in refused.get_data(as_text=True)
    assert schools(app, manage) == []
    page_token = re.search(r'name="csrf_token" value="([^"]+)"', page(client, manage))
    assert page_token
    fields = {"stage": "primary", "year": "2027", "csrf_token": page_token.group(1)}
    assert client.post(manage + "/schools", data=fields).status_code == 303
    [(_, _, _)] = schools(app, manage)
    action = re.search(r'action="(/m/[^"]+/schools/[^/"]+/delete)', page(client, manage))
    assert action
    refused = client.post(action.group(1))
    assert refused.status_code == 400
    assert 'role="alert"' in refused.get_data(as_text=True)
    assert len(schools(app, manage)) == 1
    edit = action.group(1).removesuffix("/delete")
    refused = client.post(edit, data={"stage": "junior", "year": "2028"})
    assert refused.status_code == 400
    assert 'id="school-1-edit" open' in refused.get_data(as_text=True)
    assert schools(app, manage) == [("primary", 2027, (0,))]
    service(app).store.dispose()
