"""The phone page: what a phone opens from the QR code, its own steps to add the calendar.

Keyed by the feed token, which only reads the dates (as the feed and the CalDAV
account do); the manage token never appears in a QR code, since a photo of the
screen would hand over the power to change or delete the calendar.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, url_for

from permitcal.web.feeds.service import service
from permitcal.web.page.next_step import household_next_step
from permitcal.web.page.parts import add_to_phone, phone_page_url, render, with_ui
from permitcal.web.page.school_parts import school_warnings
from permitcal.web.storage.tokens import looks_like_token
from permitcal.web.words.texts import ui_lang

__all__ = ["bp"]

bp = Blueprint("phone", __name__)


@bp.get("/p/<token>")
def page(token: str) -> Response:
    if not looks_like_token(token):
        abort(404)
    found = service()
    sub = found.store.by_feed_token(token)
    if sub is None:
        abort(404)  # an old address after "new feed address", or never one
    today = found.today()
    household = sub.household
    lang = ui_lang()
    # A school step's clash warnings here too: the phone page is often the only page a
    # family member sees (the manage link stays with whoever made the calendar).
    events = found.household_feed(household) if household.schools else []
    return render(
        "phone.html",
        # Every permit's next step: a family's calendar names whose it is.
        next=household_next_step(household, found.household_deadlines(household), today, lang),
        school_warnings=school_warnings(household, events, today, lang),
        **add_to_phone(
            sub,
            token,
            page_link=phone_page_url(token),
            picker_href=lambda key: with_ui(url_for("phone.page", token=token, phone=key)),
        ),
    )
