"""The manage page's forms for a calendar's school steps (issue #20): add a child's step
(stage, year, the permits it depends on), change one, remove one.

Each writes ``Household.schools`` through the store as the API's PATCH does, with the
same parsing (``storage/schools.py``) and the same check that its events can be
computed; a refused form is shown again next to its field, nothing stored. Adding,
changing or removing a step changes no permit's events; a changed step keeps its key,
so its checkpoints that stay keep their UIDs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace
from typing import Any

from flask import Blueprint, Response, abort, request
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError
from werkzeug.datastructures import MultiDict

from permitcal.errors import InvalidInputError, PermitcalError
from permitcal.web.errors import error_page
from permitcal.web.feeds.service import retry_write, service
from permitcal.web.page.forms import FormError
from permitcal.web.page.manage import back_to_notice, manage_page, stored, subscription
from permitcal.web.page.school_parts import SchoolMistake, school_years
from permitcal.web.storage.household import Household
from permitcal.web.storage.schools import parse_schools
from permitcal.web.storage.store import Subscription
from permitcal.web.words.messages import explain
from permitcal.web.words.texts import ui_lang, ui_text

__all__ = ["bp"]

bp = Blueprint("schools", __name__)

_ONE_STEP = re.compile(r"schools\[[0-9]+\]\.?")
# The fields a step form shows an error next to (its inputs are named after them).
_INPUTS = ("stage", "year", "permits")


def _typed(
    form: MultiDict[str, str], household: Household, kept: int | None = None
) -> dict[str, Any]:
    """The step the form sends, as an API entry: its permits by key (the Shanghai ones
    when the calendar has one permit, or the form names none). ``kept``: the year of the
    step being changed, choosable even when it is no longer among the page's years."""
    text = form.get("year", "").strip()
    if not text.isdigit():
        raise InvalidInputError(
            "year",
            f"expected a whole number, not {text!r}",
            reason="not_whole_number",
            params={"text": text} if text else {},
        )
    years = school_years(service().today())
    year = int(text)
    if year not in years and year != kept:
        raise InvalidInputError(
            "year",
            f"the page offers {years[0]}–{years[-1]}, not {year}",
            reason="out_of_range",
            params={"min": years[0], "max": years[-1], "value": year},
        )
    entry: dict[str, Any] = {"stage": form.get("stage", ""), "year": year}
    if len(household.permits) > 1:
        entry["permits"] = form.getlist("permits")  # none ticked: refused as required
    return entry


def _with_step(household: Household, entry: dict[str, Any]) -> Household:
    """``household`` with one more step, or (an entry with an ``id``) that step changed,
    parsed and checked as the API's PATCH is."""
    stored = {s.key: s for s in household.schools if s.key}
    entries: list[dict[str, Any]] = [
        entry if key == entry.get("id") else {"id": key} for key in stored
    ]
    if "id" not in entry:
        entries.append(entry)
    schools = parse_schools(entries, household.permits, stored, household.permits)
    return service().checked(household.with_schools(schools))


def _form_error(error: PermitcalError) -> FormError:
    """The error next to its input, named as the form names it (not "school step 2")."""
    inner = _ONE_STEP.sub("", error.field, count=1)
    inner = re.sub(r"\[[0-9]+\]$", "", inner)  # permits[0]: the permits' checkboxes
    if inner != error.field:
        error.field = inner or "school"
    field = error.field if error.field in _INPUTS else None
    if error.reason == "no_school_data":
        field = "year"
    return FormError(field, explain(error, ui_lang()))


def _refused(sub: Subscription, token: str, mistake: SchoolMistake) -> Response:
    return manage_page(sub, token, "", school_mistake=mistake, status=400)


@bp.post("/m/<token>/schools")
def add(token: str) -> ResponseReturnValue:
    """孩子今年或明年要入学/升学吗？: one more school step."""
    sub = subscription(token)
    form = request.form
    try:
        entry = _typed(form, sub.household)
        if not _there(sub.household, entry):
            _with_step(sub.household, entry)
    except PermitcalError as error:
        return _refused(sub, token, SchoolMistake(_form_error(error), form))

    def write(current: Subscription) -> Subscription | None:
        if _there(current.household, entry):
            return current  # sent twice: the step is there
        household = _with_step(current.household, entry)
        return service().store.update(current, household, service().clock())

    return _written(sub, token, write, "school_added", SchoolMistake(_NONE, form))


@bp.post("/m/<token>/schools/<key>")
def edit(token: str, key: str) -> ResponseReturnValue:
    """修改 one school step (a wrong year, another stage, other permits): it keeps its key."""
    sub = subscription(token)
    before = next((s for s in sub.household.schools if s.key == key), None)
    if before is None:
        abort(404)
    form = request.form
    mistake = SchoolMistake(_NONE, form, key=key, what="edit")
    try:
        entry = {**_typed(form, sub.household, kept=before.year), "id": key}
        _with_step(sub.household, entry)
    except PermitcalError as error:
        return _refused(sub, token, replace(mistake, error=_form_error(error)))

    def write(current: Subscription) -> Subscription | None:
        if not any(s.key == key for s in current.household.schools):
            return current  # removed meanwhile: nothing to change
        household = _with_step(current.household, entry)
        if household.schools == current.household.schools:
            return current  # sent unchanged
        return service().store.update(current, household, service().clock())

    return _written(sub, token, write, "school_saved", mistake)


@bp.post("/m/<token>/schools/<key>/delete")
def remove(token: str, key: str) -> ResponseReturnValue:
    """删除 one school step: its events leave the calendar, the permits' stay."""
    sub = subscription(token)
    if not any(s.key == key for s in sub.household.schools):
        abort(404)

    def write(current: Subscription) -> Subscription | None:
        kept = tuple(s for s in current.household.schools if s.key != key)
        if kept == current.household.schools:
            return current  # removed meanwhile
        household = current.household.with_schools(kept)
        return service().store.update(current, household, service().clock())

    return _written(
        sub, token, write, "school_removed", SchoolMistake(_NONE, key=key, what="remove")
    )


_NONE = FormError(None, "")


def _there(household: Household, entry: dict[str, Any]) -> bool:
    """Whether the calendar has the step already (the add form sent twice)."""
    return any(
        (s.stage.value, s.year) == (entry["stage"], entry["year"]) for s in household.schools
    )


def _written(
    sub: Subscription,
    token: str,
    write: Callable[[Subscription], Subscription | None],
    done: str,
    mistake: SchoolMistake,
) -> ResponseReturnValue:
    """Write, then back to the notice; a household another form made impossible meanwhile
    (a fifth step) is refused like the form itself."""
    try:
        retry_write(lambda: subscription(token), write)
    except PermitcalError as error:
        refused = replace(mistake, error=_form_error(error))
        return _refused(subscription(token), token, refused)
    return back_to_notice(token, done)


@bp.errorhandler(CSRFError)
def session_lost(_error: CSRFError) -> Response:
    """A form sent without its session (expired, cookies cleared): the page, the form kept."""
    token = (request.view_args or {}).get("token", "")
    key = (request.view_args or {}).get("key")
    sub = stored(token)
    if sub is None:
        return error_page(404)
    lost = FormError(None, ui_text("csrf_lost", ui_lang()))
    if request.endpoint == "schools.remove":
        return _refused(sub, token, SchoolMistake(lost, key=key, what="remove"))
    if request.endpoint == "schools.edit":
        return _refused(sub, token, SchoolMistake(lost, request.form, key=key, what="edit"))
    return _refused(sub, token, SchoolMistake(lost, request.form))
