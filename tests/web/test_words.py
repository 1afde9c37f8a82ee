"""The page's and the feed's words (#17 item 8): one term per act, one calendar name, whom
to ask, the about page, and the delete page's reminder to remove the phone's copy."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from permitcal.policy import SHANGHAI
from permitcal.web.words.sentences import SENTENCES
from permitcal.web.words.texts import UI
from tests.web.conftest import make_app, path_of, service
from tests.web.test_pages import FORM, plain, submit

# Words a holder should never meet: 续签 and 续办 name the endorsement in two more ways
# (签注 is the one term), and "窗口" is translationese for the day one can start.
NEVER = ("续签", "签注窗口", "窗口开启")


def words(html: str) -> str:
    """What the reader sees, spaces squeezed."""
    return re.sub(r"\s+", " ", unescape(plain(html)))


def test_no_text_of_the_page_or_the_policy_says_the_words_we_dropped() -> None:
    # Every string at once: a dataclass's repr holds all its Text fields.
    for name, found in (
        ("UI", repr(UI)),
        ("policy", repr(SHANGHAI)),
        ("messages", repr(SENTENCES)),
    ):
        for word in NEVER:
            assert word not in found, (name, word)


def test_no_rendered_page_or_feed_says_them(app: Flask, client: FlaskClient) -> None:
    seen: dict[str, str] = {}
    for ui in ("", "?ui=en"):
        seen["start" + ui] = client.get("/" + ui).get_data(as_text=True)
        seen["about" + ui] = client.get("/about" + ui).get_data(as_text=True)
    manage = submit(client, lang="both", card_received="2024-05-20", changes="education")
    for ui in ("", "?ui=en"):
        seen["manage" + ui] = client.get(manage + ui).get_data(as_text=True)
    # A card that fits no endorsement: its error sentence is about the endorsement too.
    bad = client.post("/", data={**FORM, "card_received": "2025-01-01"})
    assert bad.status_code == 400
    seen["card error"] = bad.get_data(as_text=True)
    assert "不在任何一次签注的办理期内" in words(seen["card error"])
    feed = re.search(r'id="feed-url" value="([^"]+)"', seen["manage"])
    assert feed is not None
    seen["feed"] = client.get(path_of(feed.group(1))).get_data(as_text=True).replace("\r\n ", "")
    assert "SUMMARY:可以开始办理签注 Endorsement can start" in seen["feed"]
    seen["deleted"] = client.post(manage + "/delete", data={"confirm": "1"}).get_data(as_text=True)
    for name, text in seen.items():
        for word in NEVER:
            assert word not in text, (name, word)


def test_one_name_for_the_calendar(client: FlaskClient) -> None:
    """Header, page title, start page heading and the feed's own name are the same name."""
    name = SHANGHAI.feed_name
    for ui, lang in (("", "zh"), ("?ui=en", "en")):
        page = client.get("/" + ui).get_data(as_text=True)
        header = re.search(r'<a class="home"[^>]*>([^<]+)</a>', page)
        title = re.search(r"<title>([^<]+)</title>", page)
        h1 = re.search(r"<h1>([^<]+)</h1>", page)
        assert header is not None
        assert title is not None
        assert h1 is not None
        assert header.group(1) == title.group(1) == name.get(lang)
        assert name.get(lang) in h1.group(1).replace("&#8220;", "“")
    manage = submit(client)
    feed = re.search(r'id="feed-url" value="([^"]+)"', client.get(manage).get_data(as_text=True))
    assert feed is not None
    ics = client.get(path_of(feed.group(1))).get_data(as_text=True)
    assert f"X-WR-CALNAME:{name.zh}\r\n" in ics
    h1 = re.search(r'<h1 id="page-title">([^<]+)</h1>', client.get(manage).get_data(as_text=True))
    assert h1 is not None
    assert name.zh in h1.group(1)


def next_box(html: str) -> str:
    box = re.search(r'<p class="next" id="next-deadline"[^>]*>.*?</p>', html, re.S)
    assert box is not None, "no next-deadline box"
    return words(box.group(0))


@pytest.mark.parametrize(
    ("form", "rule", "title"),
    [
        # The service's today is 2026-11-20: the expiry is next ...
        ({"date": "2023-06-01"}, "R1", "居住证及积分到期"),
        # ... or, with an expiry just past and no card, the late endorsement, whose
        # title has a colon of its own.
        ({"date_kind": "expires", "date": "2026-10-15"}, "R3", "如仍未签注：补签截止"),
    ],
)
def test_the_next_deadline_box_reads_as_one_sentence(
    client: FlaskClient, form: dict[str, str], rule: str, title: str
) -> None:
    page = client.get(submit(client, **form)).get_data(as_text=True)
    assert f'data-rule="{rule}"' in re.search(r'id="next-deadline"[^>]*>', page).group(0)  # type: ignore[union-attr]
    box = next_box(page)
    assert box.count("：") + box.count(":") <= 1, box  # never "下一个截止日：…：…"
    # The date, then what happens on it; then where to do it.
    assert re.search(r"下一个截止日 ?\d{4}年\d{1,2}月\d{1,2}日（星期.）" + title, box), box
    assert "社区事务受理服务中心" in box
    assert "随申办" in box
    assert "前办理" not in box  # "在…前" reads as the day before


def test_rest_days_say_by_when_not_before_when(client: FlaskClient) -> None:
    text = words(client.get(submit(client)).get_data(as_text=True))
    assert "稳妥起见最迟2027年7月30日（星期五）办理" in text
    assert "前办理" not in text


def test_source_rules_say_whom_to_ask_and_link_their_source(client: FlaskClient) -> None:
    page = client.get(submit(client)).get_data(as_text=True)
    for rule, ask in (("R5", "请拨打12345或到社区事务受理服务中心核实"), ("R6", "请拨打12333核实")):
        row = re.search(rf'<tr[^>]*data-rule="{rule}"[^>]*>.*?</tr>', page, re.S)
        assert row is not None
        assert "非官方文件所载" in words(row.group(0)), rule
        assert ask in words(row.group(0)), rule
    official = re.search(r'<tr[^>]*data-rule="R3"[^>]*>.*?</tr>', page, re.S)
    assert official is not None
    assert "核实" not in official.group(0)
    link = re.search(r'<a href="([^"]+)" id="sources-link">规则出处</a>', page)
    assert link is not None
    assert link.group(1) == "/about#sources"
    about = client.get("/about").get_data(as_text=True)
    assert 'id="sources"' in about
    for reference in (r for rule in SHANGHAI.rules for r in rule.references if r.url):
        assert f'<a href="{reference.url}">' in about


def test_the_points_lapse_says_how_it_fits_the_declaration(client: FlaskClient) -> None:
    page = client.get(submit(client)).get_data(as_text=True)
    lapse = re.search(r'<tr[^>]*data-rule="R7"[^>]*>.*?</tr>', page, re.S)
    assert lapse is not None
    assert "直到续办完成" in words(lapse.group(0))
    assert "积分申报截止" in words(lapse.group(0))


def test_without_points_the_card_note_does_not_speak_of_points(client: FlaskClient) -> None:
    text = words(client.get(submit(client, points="0")).get_data(as_text=True))
    assert "填写拿到新证的日期：已用不上的补签提醒会从日历中删除。" in text
    assert "积分申报截止日会按它算准" not in text


# --- the about page ------------------------------------------------------------------


def test_the_about_page_without_operator_settings(client: FlaskClient) -> None:
    zh = words(client.get("/about").get_data(as_text=True))
    assert "运行本站的人没有留下联系方式。" in zh
    assert "源代码和问题反馈" not in zh
    assert "觉得本站算错了" not in zh  # nobody to tell: the page does not pretend
    en = words(client.get("/about?ui=en").get_data(as_text=True))
    assert "Whoever runs this site has given no contact." in en


@pytest.mark.parametrize("ui", ["", "?ui=en"])
def test_the_about_page_says_what_is_stored_and_for_how_long(client: FlaskClient, ui: str) -> None:
    page = client.get("/about" + ui)
    assert page.status_code == 200
    text = words(page.get_data(as_text=True))
    if ui:
        expected = [
            "stores the permit dates you entered",
            "No name, phone number or ID number is stored",
            "stored only as digests",
            "with the secrets in addresses blanked out",
            "kept until you delete it",
            "removes its record from the database at once",
            "Anyone who has your feed address",
            "Change the feed address",
            "cannot be recovered",
            "12345",
            "12333",
        ]
    else:
        expected = [
            "你填写的居住证日期和拿到新证的日期、勾选的变更事项",
            "不保存姓名、电话或证件号",
            "只以无法还原的摘要保存",
            "网址中的密钥已隐去",
            "直到你删除它；本站不会自动删除",
            "数据库中的记录立即删除",
            "任何拿到你的订阅地址",
            "更换订阅地址",
            "在手机日历中手动移除已订阅的日历",
            "拨打12345（上海市民服务热线），或到任一社区事务受理服务中心",
            "积分的问题：拨打12333",
            "随申办",
        ]
    for sentence in expected:
        assert sentence in text, sentence


def test_the_about_page_with_operator_settings(tmp_path: Path) -> None:
    app = make_app(
        tmp_path,
        OPERATOR_NAME="上海某社区志愿者",
        OPERATOR_CONTACT="permit@example.org",
        PROJECT_URL="https://git.example.org/permitcal/issues",
    )
    try:
        page = app.test_client().get("/about").get_data(as_text=True)
    finally:
        service(app).store.dispose()
    assert "本站由上海某社区志愿者运行。" in words(page)
    assert '<a href="mailto:permit@example.org">permit@example.org</a>' in page
    assert 'href="https://git.example.org/permitcal/issues"' in page
    assert "没有留下联系方式" not in page
    assert "觉得本站算错了：请告诉本站的运行者" in words(page)


@pytest.mark.parametrize(
    ("contact", "link"),
    [
        ("https://example.org/contact", 'href="https://example.org/contact"'),
        ("微信 permitcal-sh", None),  # text, not a link
        ("13800000000", None),  # read as a number by from_prefixed_env: still shown
        ("javascript:alert(1)", None),  # never a link of another scheme
    ],
)
def test_a_contact_is_a_link_only_when_it_is_an_address(
    tmp_path: Path, contact: str, link: str | None
) -> None:
    app = make_app(tmp_path, OPERATOR_CONTACT=int(contact) if contact.isdigit() else contact)
    try:
        page = app.test_client().get("/about").get_data(as_text=True)
    finally:
        service(app).store.dispose()
    shown = re.search(r'<p id="operator-contact">(.*?)</p>', page, re.S)
    assert shown is not None
    assert contact in shown.group(1)
    if link is None:
        assert "<a" not in shown.group(1)
    else:
        assert link in shown.group(1)
    # Without a project address the page still says who to tell: the contact.
    assert "觉得本站算错了：请告诉本站的运行者" in words(page)


def test_a_project_url_must_be_http(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="PERMITCAL_PROJECT_URL"):
        make_app(tmp_path, PROJECT_URL="javascript:alert(1)")


def test_every_page_links_the_about_page_from_its_footer(client: FlaskClient) -> None:
    manage = submit(client)
    pages = {
        "start": client.get("/"),
        "start (en)": client.get("/?ui=en"),
        "manage": client.get(manage),
        "about": client.get("/about"),
        "not found": client.get("/nowhere"),
        "deleted": client.post(manage + "/delete", data={"confirm": "1"}),
    }
    for name, page in pages.items():
        footer = re.search(r"<footer>.*?</footer>", page.get_data(as_text=True), re.S)
        assert footer is not None, name
        expected = "/about?ui=en" if name.endswith("(en)") else "/about"
        assert f'<a href="{expected}" id="about-link">' in footer.group(0), name
        assert f'<a href="{expected}#sources" id="footer-sources-link">' in footer.group(0), name
        # Chinese sentences follow each other without a half-width space.
        assert "。 " not in footer.group(0), name


@pytest.mark.parametrize(
    ("ui", "sentence"),
    [
        ("", "删除后，手机上已订阅的日历不再更新，请在手机日历中手动移除"),
        ("?ui=en", "remove it in the phone's calendar yourself"),
    ],
)
def test_deleting_says_to_remove_the_phones_copy(
    client: FlaskClient, ui: str, sentence: str
) -> None:
    manage = submit(client)
    # Before: next to the button; after: on the page that confirms it.
    assert sentence in words(client.get(manage + ui).get_data(as_text=True))
    done = client.post(manage + "/delete" + ui, data={"confirm": "1"})
    assert done.status_code == 200
    text = words(done.get_data(as_text=True))
    assert sentence in text
    assert client.get(manage).status_code == 404  # the row is gone, as the about page says
