"""The manage page's forms for the permits of a calendar: add a family member's permit,
change one, record one's renewed card, remove one.

Each form changes only its own permit: the store keeps every other permit's key,
so the other permits' events keep their UIDs (and their SEQUENCE, unless their
own text changes, as when the labels first appear in the titles).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from flask import Blueprint, Response, abort, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from permitcal.errors import InvalidInputError, PermitcalError
from permitcal.inputs import parse_date
from permitcal.settings_schema import FEED_NAMES
from permitcal.tracks import MAX_LABEL, check_label
from permitcal.web.errors import error_page
from permitcal.web.feeds.service import retry_write, service
from permitcal.web.page.forms import OPTION_FIELDS, FormError, merged_form, typed_date_problem
from permitcal.web.page.manage import (
    Mistake,
    back_to_notice,
    manage_page,
    stored,
    subscription,
    typed_settings,
)
from permitcal.web.storage.household import MAX_PERMITS, Household, Permit
from permitcal.web.storage.settings import FeedSettings
from permitcal.web.storage.store import Subscription
from permitcal.web.words.messages import explain
from permitcal.web.words.texts import ui_lang, ui_text

__all__ = ["bp"]

bp = Blueprint("permits", __name__)


def _label(form: MultiDict[str, str], field: str, others: list[str]) -> str:
    """A label typed on the page: whose permit it is, short, and not another's."""
    label = check_label(form.get(field, ""), field)
    if not label:
        raise InvalidInputError(
            field, "say whose permit it is", reason="label_required", params={"max": MAX_LABEL}
        )
    if label in others:
        raise InvalidInputError(
            field,
            f"another permit is labelled {label!r}",
            reason="duplicate_label",
            params={"text": label},
        )
    return label


def _calendar_wide(settings: FeedSettings, current: Subscription) -> FeedSettings:
    """``settings`` with the calendar's own options as stored now (a form for one permit
    sends none, and another form may have changed them meanwhile)."""
    return replace(settings, **{name: getattr(current.settings, name) for name in FEED_NAMES})


def _refused(sub: Subscription, token: str, mistake: Mistake) -> Response:
    return manage_page(sub, token, "", mistake=mistake, status=400)


@bp.post("/m/<token>/permits")
def add(token: str) -> ResponseReturnValue:
    """添加家人的居住证: one more permit, with its label; the first gets one if it has none."""
    sub = subscription(token)
    form = request.form
    permits = sub.household.permits
    try:
        if len(permits) >= MAX_PERMITS:
            raise InvalidInputError(
                "permits",
                "the calendar is full",
                reason="too_many_permits",
                params={"max": MAX_PERMITS},
            )
        first = permits[0].label or _label(form, "first_label", [])
        label = _label(form, "label", [first, *(p.label for p in permits[1:])])
        # The new permit is under the first one's policy (the page asks for none).
        settings = typed_settings(
            merged_form(form, sub.settings, OPTION_FIELDS), permits[0].settings.policy
        )
    except PermitcalError as error:
        return _refused(sub, token, Mistake("add", None, FormError.of(error, ui_lang()), form))

    def write(current: Subscription) -> Subscription | None:
        household = current.household
        if not household.permits[0].label:
            household = household.replaced(
                household.permits[0].key or "", replace(household.permits[0], label=first)
            )
        household = household.added(Permit(None, label, _calendar_wide(settings, current)))
        return service().store.update(current, household, service().clock())

    return _written(sub, token, write, "permit_added", Mistake("add", None, _NONE, form))


@bp.post("/m/<token>/permits/<key>")
def edit(token: str, key: str) -> ResponseReturnValue:
    """修改 one permit: its label and its own dates, changes and points."""
    sub = subscription(token)
    permit = sub.household.by_key(key) or abort(404)
    form = request.form
    try:
        others = [p.label for p in sub.household.permits if p.key != key]
        label = _label(form, "label", others)
        settings = typed_settings(
            merged_form(form, permit.settings, OPTION_FIELDS), permit.settings.policy
        )
    except PermitcalError as error:
        return _refused(sub, token, Mistake("edit", key, FormError.of(error, ui_lang()), form))

    def write(current: Subscription) -> Subscription | None:
        stored = current.household.by_key(key) or abort(404)
        changed = Permit(key, label, _calendar_wide(settings, current))
        if changed == stored:
            return current
        household = current.household.replaced(key, changed)
        return service().store.update(current, household, service().clock())

    return _written(sub, token, write, "saved", Mistake("edit", key, _NONE, form))


@bp.post("/m/<token>/permits/<key>/delete")
def remove(token: str, key: str) -> ResponseReturnValue:
    """删除这张: one permit of several; the last one is the calendar (delete that instead)."""
    sub = subscription(token)
    if sub.household.by_key(key) is None:
        abort(404)
    if not request.form.get("confirm"):
        error = InvalidInputError("confirm", "tick the box to confirm", reason="not_confirmed")
        return _refused(sub, token, Mistake("remove", key, FormError.of(error, ui_lang())))
    if len(sub.household.permits) == 1:
        text = ui_text("remove_last", ui_lang())
        return _refused(sub, token, Mistake("remove", key, FormError("confirm-delete", text)))

    def write(current: Subscription) -> Subscription | None:
        if current.household.by_key(key) is None or len(current.household.permits) == 1:
            return current  # removed meanwhile, or the last one left: nothing to do
        household = current.household.replaced(key, None)
        return service().store.update(current, household, service().clock())

    # A school step left without any permit refuses the removal: said next to the form.
    return _written(sub, token, write, "permit_removed", Mistake("remove", key, _NONE))


_NONE = FormError(None, "")


def _written(
    sub: Subscription,
    token: str,
    write: Callable[[Subscription], Subscription | None],
    done: str,
    mistake: Mistake,
) -> ResponseReturnValue:
    """Write, then back to the notice; a household another form made impossible meanwhile
    (a seventh permit, the same label twice) is refused like the form itself."""
    try:
        retry_write(lambda: subscription(token), write)
    except PermitcalError as error:
        refused = replace(mistake, error=FormError(None, explain(error, ui_lang())))
        return _refused(subscription(token), token, refused)
    return back_to_notice(token, done)


@bp.post("/m/<token>/renewed")
def renewed(token: str) -> ResponseReturnValue:
    """ "I got my renewed card": one step that records the day (default today), for the
    permit chosen (``permit``, a key) when the calendar holds several."""
    sub = subscription(token)
    key = request.form.get("permit") or sub.household.permits[0].key or ""
    permit = sub.household.by_key(key)
    if permit is None:
        abort(404)
    try:
        card = parse_date(request.form.get("card_received", ""), "card_received")
        problem = typed_date_problem(service().today(), card_received=card)
        if problem is not None:
            raise problem
        renewed = service().checked(replace(permit.settings, card_received=card))
    except PermitcalError as error:
        return manage_page(
            sub, token, "", renewed_error=explain(error, ui_lang()), card_for=key, status=400
        )
    # "Updated" only when the calendar is: a card of a renewal outside the cycles
    # shown (or the same date again) leaves every event as it was.
    changed = service().deadlines(renewed) != service().deadlines(permit.settings)

    def write(current: Subscription) -> Subscription | None:
        stored = current.household.by_key(key) or abort(404)
        if stored.settings.card_received == card:
            return current
        with_card = replace(stored, settings=replace(stored.settings, card_received=card))
        household: Household = current.household.replaced(key, with_card)
        return service().store.update(current, household, service().clock())

    retry_write(lambda: subscription(token), write)
    return back_to_notice(token, "renewed" if changed else "renewed_unchanged")


@bp.errorhandler(CSRFError)
def session_lost(_error: CSRFError) -> Response:
    """A form sent without its session (expired, cookies cleared): the page, the form kept."""
    token = (request.view_args or {}).get("token", "")
    key = (request.view_args or {}).get("key")
    sub = stored(token)
    if sub is None:
        return error_page(404)
    lost = FormError(None, ui_text("csrf_lost", ui_lang()))
    form = request.form
    if request.endpoint == "permits.renewed":
        return manage_page(sub, token, "", renewed_error=lost.text, status=400)
    if request.endpoint == "permits.add":
        return _refused(sub, token, Mistake("add", None, lost, form))
    if request.endpoint == "permits.edit":
        return _refused(sub, token, Mistake("edit", key, lost, form))
    return _refused(sub, token, Mistake("remove", key, FormError("confirm-delete", lost.text)))
