"""What the manage page and the phone page share: rendering, and the "add it to this phone" part."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import segno
from flask import Response, render_template, request, url_for

from permitcal.policy.model import Text
from permitcal.web.feeds.caldav_account import caldav_account
from permitcal.web.feeds.views import subscription_links
from permitcal.web.page.devices import (
    ACCEPT_CH,
    VARY,
    InApp,
    guess_phone,
    in_app_browser,
    own_browser,
)
from permitcal.web.page.phone_steps import shown_steps
from permitcal.web.page.phones import PHONES, Phone, phone_by_key
from permitcal.web.storage.store import Subscription
from permitcal.web.words.texts import APP_NAMES, UiLang, ui_lang

__all__ = ["add_to_phone", "phone_page_url", "render", "with_ui"]


def render(template: str, status: int = 200, **context: Any) -> Response:
    """A page as HTML, knowing the in-app browser it is shown in."""
    context.setdefault("in_app", in_app_browser(request.headers))
    context.setdefault("in_app_name", _app_name(context["in_app"], ui_lang()))
    body = render_template(template, **context)
    response = Response(body, status=status, content_type="text/html; charset=utf-8")
    # Chrome on Android names only "Android 10; K" in its User-Agent; these hints
    # (sent from the next request on) name the model, so the result page knows the phone.
    response.headers["Accept-CH"] = ACCEPT_CH
    response.vary.update(v.strip() for v in VARY.split(","))
    return response


def with_ui(url: str) -> str:
    """Keep the page language across links and redirects."""
    if ui_lang() != "en":
        return url
    return f"{url}{'&' if '?' in url else '?'}ui=en"


def phone_page_url(feed_token: str) -> str:
    """The https page a phone opens from the QR code: keyed by the feed token, which
    only reads the dates, never by the manage token (a photo of the screen would hand
    that over)."""
    return with_ui(url_for("phone.page", token=feed_token, _external=True))


def add_to_phone(
    sub: Subscription, feed_token: str, page_link: str, picker_href: Callable[[str], str]
) -> dict[str, Any]:
    """The template context of the "add it to this phone" section (templates/_add.html).

    ``page_link`` is the address an in-app browser is told to open elsewhere (the page
    itself); ``picker_href`` gives the link of each phone's chip (the page, that phone).
    """
    lang = ui_lang()
    in_app = in_app_browser(request.headers)
    browser = own_browser(request.headers)
    links = subscription_links(sub, feed_token)
    return {
        "links": links,
        "qr_src": segno.make(phone_page_url(feed_token), error="m").svg_data_uri(scale=4, border=2),
        "page_link_url": page_link,
        "caldav": caldav_account(sub, feed_token),
        "phones": [
            (phone, shown_steps(phone, lang, in_app=in_app is not None, own_browser=browser))
            for phone in PHONES
        ],
        "chosen": _chosen_phone(in_app),
        "in_app": in_app,
        "picker_href": picker_href,
    }


def _chosen_phone(in_app: InApp | None) -> Phone | None:
    """The picker's choice (``?phone=``), else the phone the headers name, else none: ask."""
    chosen = phone_by_key(request.args.get("phone")) or phone_by_key(guess_phone(request.headers))
    if chosen is None and in_app is not None and in_app.os == "ios":
        chosen = phone_by_key("iphone")
    return chosen


def _app_name(in_app: InApp | None, lang: UiLang) -> str:
    if in_app is None:
        return ""
    # Every app devices.py recognises has a name (tests/web/test_devices.py holds them
    # together); the fallback is for an app added there and not here.
    return APP_NAMES.get(in_app.app, Text("这个 App ", "this app")).get(lang)
