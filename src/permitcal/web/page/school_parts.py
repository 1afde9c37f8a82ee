"""What the manage page shows of a calendar's school steps (issue #20): the clash warnings
above the calendar buttons, the steps with their remove buttons, and the form adding one."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from werkzeug.datastructures import MultiDict

from permitcal.school_data import Stage
from permitcal.school_events import SchoolEvent
from permitcal.web.page.forms import FormError
from permitcal.web.storage.household import Household, Permit
from permitcal.web.storage.schools import MAX_SCHOOLS, SCHOOL_CITY
from permitcal.web.words.texts import UiLang, format_day, ui_text

__all__ = ["SchoolMistake", "school_view", "school_warnings", "school_years"]


@dataclass(frozen=True, slots=True)
class SchoolMistake:
    """A refused school form (adding, changing or removing a step), to show again next to
    its field."""

    error: FormError
    form: MultiDict[str, str] | None = None
    key: str | None = None
    """The step whose change or removal was refused (None: the form adding one)."""
    what: Literal["add", "edit", "remove"] = "add"


def school_years(today: dt.date) -> tuple[int, ...]:
    """The years the page offers: this year and the next two."""
    return (today.year, today.year + 1, today.year + 2)


def school_warnings(
    household: Household, events: list[Any], today: dt.date, lang: UiLang
) -> list[dict[str, Any]]:
    """The clash warnings still ahead, as the manage page lists them above the calendar
    buttons: the title (its estimate label included, as the event says), what to do by
    when (the description's first paragraph, which carries the same label), and whose
    permit it is."""
    labels = {p.key: p.label for p in household.permits if p.key}
    found = []
    for event in events:
        if not isinstance(event, SchoolEvent) or event.kind != "school_warning":
            continue
        if event.end < today:
            continue
        label = labels.get(event.permit or "", "")
        whose = (
            ui_text("school_warning_whose", lang).format(label=label)
            if len(household.permits) > 1 and label
            else ui_text("school_warning_yours", lang)
        )
        if event.expiry is not None:
            day = format_day(event.expiry, lang, weekday=False)
            whose += ("" if lang == "zh" else " ") + ui_text("school_warning_expires", lang).format(
                date=day
            )
        found.append(
            {
                "uid": event.uid(),
                "title": event.title.get(lang, " / "),
                "act": event.description.get(lang).split("\n\n")[0],
                "whose": whose,
                "estimate": event.estimate,
                "provisional": event.provisional,
            }
        )
    return found


def school_view(
    household: Household, today: dt.date, mistake: SchoolMistake | None, lang: UiLang
) -> dict[str, Any]:
    """The school section's steps (each with its change and remove forms), choices and
    the form adding one; a refused form shows what was typed, next to its error."""
    adding = mistake if mistake is not None and mistake.what == "add" else None
    years = school_years(today)
    shanghai = [p for p in household.permits if p.key and p.settings.policy == SCHOOL_CITY]
    steps = []
    for number, school in enumerate(household.schools, start=1):
        stage = school.stage.label.get(lang)
        refused = mistake if mistake is not None and mistake.key == school.key else None
        editing = refused if refused is not None and refused.what == "edit" else None
        depends = [household.permits[i] for i in school.permits]
        stored = {"stage": school.stage.value, "year": str(school.year)}
        steps.append(
            {
                "key": school.key,
                "number": number,
                "text": ui_text("school_step", lang).format(year=school.year, stage=stage),
                "remove": ui_text("school_remove_label", lang).format(
                    year=school.year, stage=stage
                ),
                "edit_label": ui_text("school_edit_label", lang).format(
                    year=school.year, stage=stage
                ),
                "whose": [p.label for p in depends if p.label]
                if len(household.permits) > 1
                else [],
                "error": refused.error.text if refused is not None and editing is None else None,
                # A past year stays choosable in its own form: changing the permits of a
                # step whose year went by must not force a new year on it.
                "fields": _fields(
                    editing.form if editing is not None else None,
                    stored,
                    [p.key for p in depends if p.key],
                    shanghai,
                    sorted({*years, school.year}),
                ),
                "edit_error": editing.error if editing is not None else None,
            }
        )
    return {
        "steps": steps,
        "full": len(household.schools) >= MAX_SCHOOLS,
        "max": MAX_SCHOOLS,
        "stages": [(s.value, s.label.get(lang)) for s in Stage],
        "fields": _fields(
            adding.form if adding is not None else None,
            {"stage": Stage.PRIMARY.value, "year": str(years[1])},
            [p.key for p in shanghai],
            shanghai,
            list(years),
        ),
        "ask_permits": len(household.permits) > 1,
        "no_shanghai": not shanghai,
        "error": adding.error if adding is not None else None,
    }


def _fields(
    typed: MultiDict[str, str] | None,
    stored: dict[str, str],
    chosen: list[str | None],
    shanghai: list[Permit],
    years: list[int],
) -> dict[str, Any]:
    """One step form's values: what was typed when it was refused, else ``stored``."""
    if typed is not None:
        stored = {"stage": typed.get("stage", ""), "year": typed.get("year", "")}
        chosen = list(typed.getlist("permits"))
    return {
        **stored,
        "years": [(str(y), str(y)) for y in years],
        "permits": [{"key": p.key, "label": p.label, "checked": p.key in chosen} for p in shanghai],
    }
