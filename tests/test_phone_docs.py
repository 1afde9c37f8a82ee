"""docs/phones/*.md and the page's steps say the same: both come from permitcal.web.phones.

Each phone's doc holds its steps between markers, as ``steps_markdown`` renders them; after
changing a step, ``make phone-docs`` rewrites the blocks (review the diff).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from permitcal.web.devices import _APPS
from permitcal.web.phones import LINK_WIDGETS, PHONES, Phone, shown_steps, steps_markdown
from permitcal.web.texts import APP_NAMES, UI

DOCS = Path(__file__).resolve().parents[1] / "docs" / "phones"
REGENERATE = os.environ.get("PERMITCAL_REGENERATE_PHONE_DOCS") == "1"


def block(lang: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- steps {lang}: generated from src/permitcal/web/phones.py \(make phone-docs\) -->\n)"
        rf"(.*?)(<!-- /steps {lang} -->)",
        re.S,
    )


@pytest.mark.parametrize("phone", PHONES, ids=[phone.key for phone in PHONES])
def test_the_doc_carries_the_page_steps(phone: Phone) -> None:
    path = DOCS / f"{phone.key}.md"
    text = path.read_text()
    for lang in ("zh", "en"):
        expected = steps_markdown(phone, lang)
        found = block(lang).search(text)
        assert found is not None, f"{path.name} has no generated {lang} steps block"
        if REGENERATE:
            text = block(lang).sub(lambda m, e=expected: m.group(1) + e + m.group(3), text)
            path.write_text(text)
        else:
            assert found.group(2) == expected, f"{path.name} ({lang}): run make phone-docs"
    assert f"({phone.key}.md)" in (DOCS / "README.md").read_text()


def test_the_check_can_fail() -> None:
    """A doc whose steps differ from the page's is caught (here: Huawei's old wording)."""
    huawei = next(phone for phone in PHONES if phone.key == "huawei")
    stale = steps_markdown(huawei, "zh").replace("勾选", "打开")
    assert stale != steps_markdown(huawei, "zh")


@pytest.mark.parametrize("phone", PHONES, ids=[phone.key for phone in PHONES])
def test_steps_name_what_they_point_at(phone: Phone) -> None:
    for step in phone.steps:
        for lang in ("zh", "en"):
            text = step.text.get(lang)
            # "This button" points at something an in-app browser may not draw.
            assert not re.search(r"这个按钮|this button", text, re.I), text
            if step.widget is not None:
                assert text.endswith(("：", ":")), text  # the widget follows the words
            if step.widget in LINK_WIDGETS:
                assert "{button}" in text, text


@pytest.mark.parametrize("phone", PHONES, ids=[phone.key for phone in PHONES])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_in_app_steps_say_to_open_the_browser_before_a_link(phone: Phone, lang: str) -> None:
    before = UI["in_app_step"].get(lang)
    for original, shown in zip(phone.steps, shown_steps(phone, lang, in_app=True), strict=True):
        if original.widget in LINK_WIDGETS:
            assert shown.widget is None
            assert shown.text.startswith(before), shown.text
            assert not shown.text.endswith(("：", ":")), shown.text  # nothing follows
        else:
            assert shown.widget == original.widget
        assert not shown.main  # the in-app block's own link is the main action there


def test_xiaomis_own_browser_is_not_sent_to_itself() -> None:
    xiaomi = next(phone for phone in PHONES if phone.key == "xiaomi")
    elsewhere = [step.text for step in shown_steps(xiaomi, "zh")]
    inside = [step.text for step in shown_steps(xiaomi, "zh", own_browser="xiaomi")]
    assert any("小米自带的“浏览器”中打开" in text for text in elsewhere)
    assert not any("浏览器”中打开" in text for text in inside)
    assert inside == elsewhere[1:]
    # Another maker's browser changes nothing for Xiaomi's steps.
    assert [s.text for s in shown_steps(xiaomi, "zh", own_browser="huawei")] == elsewhere


@pytest.mark.parametrize("key", ["huawei", "honor", "vivo"])
def test_caldav_phones_end_by_ticking_the_calendar(key: str) -> None:
    phone = next(phone for phone in PHONES if phone.key == key)
    last = phone.steps[-1].text
    assert "显示的日历" in last.zh
    assert "勾选“上海居住证提醒”" in last.zh
    assert "tick" in last.en


def test_every_recognised_app_has_its_name() -> None:
    assert {name for name, _ in _APPS} == set(APP_NAMES)


@pytest.mark.parametrize("phone", PHONES, ids=[phone.key for phone in PHONES])
def test_steps_spell_accounts_one_way_and_say_where_davx5_comes_from(phone: Phone) -> None:
    """PAGE-WORDING W20 and W25: 帐户 only as a menu's other spelling, and DAVx⁵, which
    most Chinese app stores lack, only with where to get it."""
    for step in phone.steps:
        for lang in ("zh", "en"):
            text = step.text.get(lang)
            assert "帐" not in re.sub(r"写作“帐户”|write 帐户", "", text), text
            if "DAVx⁵" in text:
                assert "F-Droid" in text, text
