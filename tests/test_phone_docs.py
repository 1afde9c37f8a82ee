"""docs/phones/*.md and the page's steps say the same: both come from permitcal.web.page.phones.

Each phone's doc holds its steps between markers, as ``steps_markdown`` renders them; after
changing a step, ``make phone-docs`` rewrites the blocks (review the diff). Each doc also
says what happens to that phone's reminders, quoting the sources its reminders step rests
on, or marking the step unconfirmed when there are none.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from permitcal.web.page.devices import _APPS
from permitcal.web.page.phone_steps import shown_steps, steps_markdown
from permitcal.web.page.phones import LINK_WIDGETS, PHONES, Phone
from permitcal.web.words.texts import APP_NAMES, UI

DOCS = Path(__file__).resolve().parents[1] / "docs" / "phones"
REGENERATE = os.environ.get("PERMITCAL_REGENERATE_PHONE_DOCS") == "1"


def block(lang: str) -> re.Pattern[str]:
    return re.compile(
        rf"(<!-- steps {lang}: generated from src/permitcal/web/page/phones.py \(make phone-docs\) -->\n)"
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
    for original, shown in zip(phone.all_steps, shown_steps(phone, lang, in_app=True), strict=True):
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


# The generic reminders step (no source says what the phone does with a feed's alarms).
GENERIC_ZH = re.compile(r"提醒：.+后，在日历的设置中确认“上海居住证提醒”的提醒（通知）是打开的。")
UNCONFIRMED = ("未经证实", "unconfirmed")


def reminders_section(text: str) -> str:
    """A phone doc's "## 提醒 / Reminders" section, up to the next heading of its level."""
    found = re.search(r"^## 提醒 / Reminders\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert found is not None, "no '## 提醒 / Reminders' section"
    return found.group(1)


@pytest.mark.parametrize("phone", PHONES, ids=[phone.key for phone in PHONES])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_phone_ends_with_its_reminders_step(phone: Phone, lang: str) -> None:
    for kwargs in ({}, {"in_app": True}, {"own_browser": phone.key}):
        last = shown_steps(phone, lang, **kwargs)[-1]  # type: ignore[arg-type]
        assert last.text == phone.reminders.step.text.get(lang)
        assert last.text.startswith("提醒：" if lang == "zh" else "Reminders: ")
        assert last.widget is None


def reminders_problems(phone: Phone, section: str) -> list[str]:
    """What a doc's reminders section lacks: a source the step rests on, or the word
    unconfirmed where no source was found."""
    if phone.reminders.confirmed:
        return [f"no {source}" for source in phone.reminders.sources if source not in section]
    return [f"not marked {word}" for word in UNCONFIRMED if word not in section]


@pytest.mark.parametrize("phone", PHONES, ids=[phone.key for phone in PHONES])
def test_the_doc_says_what_happens_to_reminders_and_where_that_comes_from(phone: Phone) -> None:
    section = reminders_section((DOCS / f"{phone.key}.md").read_text())
    assert reminders_problems(phone, section) == [], f"{phone.key}.md"
    if not phone.reminders.confirmed:
        # Nothing found: the page gives the generic check, never a claim about the phone.
        assert GENERIC_ZH.fullmatch(phone.reminders.step.text.zh), phone.reminders.step.text.zh


def test_the_readme_table_says_which_reminders_steps_are_confirmed() -> None:
    section = reminders_section((DOCS / "README.md").read_text())
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    for phone in PHONES:
        row = [line for line in rows if f"({phone.key}.md#" in line]
        assert len(row) == 1, f"README's reminders table has no single row for {phone.key}"
        unconfirmed = all(word in row[0] for word in UNCONFIRMED)
        assert unconfirmed == (not phone.reminders.confirmed), row[0]


def test_the_reminders_check_can_fail() -> None:
    """A section that drops a source, or an unconfirmed one that does not say so, is caught."""
    by_key = {phone.key: phone for phone in PHONES}
    iphone, xiaomi = by_key["iphone"], by_key["xiaomi"]
    section = reminders_section((DOCS / "iphone.md").read_text())
    assert reminders_problems(iphone, section.replace(iphone.reminders.sources[0], "")) != []
    section = reminders_section((DOCS / "xiaomi.md").read_text())
    assert reminders_problems(xiaomi, section.replace("未经证实", "")) != []
