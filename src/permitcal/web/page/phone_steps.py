"""Each phone's steps as one visitor sees them (in an app's browser or not) and as the docs."""

from __future__ import annotations

from dataclasses import dataclass

from permitcal.policy import Text
from permitcal.web.page.phones import LINK_WIDGETS, Phone, Step, Widget
from permitcal.web.words.texts import UI, UiLang

__all__ = ["ShownStep", "shown_steps", "steps_markdown"]


@dataclass(frozen=True, slots=True)
class ShownStep:
    """A step as one visitor sees it: its words, and the widget drawn after them, if any."""

    text: str
    widget: Widget | None
    main: bool
    """Whether the widget is drawn as the phone's main action (the primary button)."""


def _label(widget: Widget, main: bool) -> Text:
    """The words a widget is drawn with: what a step calls it."""
    if widget is Widget.WEBCAL:
        return UI["webcal_button" if main else "webcal"]
    if widget is Widget.CALDAV:
        server, user, password = (
            UI[k] for k in ("caldav_server", "caldav_username", "caldav_password")
        )
        return Text(
            f"{server.zh}、{user.zh}、{password.zh}", f"{server.en}, {user.en}, {password.en}"
        )
    if widget is Widget.QR:
        return Text("二维码", "the QR code")
    return UI[widget.value]


def _words(step: Step, main: bool, lang: UiLang) -> str:
    text = step.text.get(lang)
    if step.widget is not None and "{button}" in text:
        text = text.replace("{button}", _label(step.widget, main).get(lang))
    return text


def _closed(text: str, lang: UiLang) -> str:
    """A step that announced a widget with a colon, ended as a sentence (no widget follows)."""
    return text.removesuffix("：" if lang == "zh" else ":") + ("。" if lang == "zh" else ".")


def shown_steps(
    phone: Phone, lang: UiLang, *, in_app: bool = False, own_browser: str | None = None
) -> list[ShownStep]:
    """The steps for one visitor: what an in-app browser cannot draw is named, not pointed at.

    In an app's built-in browser (WeChat, Alipay, …) links to other apps do nothing and are
    not drawn: a step about one says to open the page in the browser first. In the phone
    maker's own browser, the step that only says to go there is left out.
    """
    shown = []
    for step in phone.all_steps:
        if step.only_elsewhere and own_browser == phone.key:
            continue
        drawn = step.widget is not None and not (in_app and step.widget in LINK_WIDGETS)
        # Named as it is drawn in a real browser, where the visitor is sent to tap it.
        text = _words(step, step.widget == phone.main, lang)
        main = step.widget == phone.main and not in_app
        if step.widget is not None and not drawn:
            before = UI["in_app_step"].get(lang)
            text = before + (text[:1].lower() + text[1:] if lang == "en" else text)
            text = _closed(text, lang)
        shown.append(ShownStep(text, step.widget if drawn else None, main and drawn))
    return shown


def steps_markdown(phone: Phone, lang: UiLang) -> str:
    """The steps as docs/phones/<key>.md carries them: every step, widgets named in bold."""
    lines = []
    if phone.intro is not None:
        lines += [phone.intro.get(lang), ""]
    for number, step in enumerate(shown_steps(phone, lang), start=1):
        text = step.text
        if step.widget is not None:
            label = _label(step.widget, step.main).get(lang)
            if step.widget in LINK_WIDGETS:
                text = _closed(text, lang)  # a button the text names already
            else:
                sep = "、" if lang == "zh" else ", "
                text += " " * (lang == "en") + sep.join(f"**{part}**" for part in label.split(sep))
        lines.append(f"{number}. {text}")
    return "\n".join(lines) + "\n"
