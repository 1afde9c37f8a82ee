"""The command line's table: one line per event, columns aligned for Chinese text too."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence

from permitcal.deadlines import Deadline
from permitcal.policy import Lang
from permitcal.school_events import SchoolEvent

__all__ = ["table"]

_HEADINGS = {
    "zh": ("日期", "规则", "所属到期日", "事项", "说明"),
    "en": ("date", "rule", "cycle expiry", "event", "notes"),
}


def table(
    deadlines: Sequence[Deadline | SchoolEvent], lang: Lang, labels: Mapping[str, str]
) -> str:
    """A plain-text table whose columns line up with Chinese (double-width) text; with
    ``labels`` (a household), each permit's events start with whose permit it is."""
    text_lang = "en" if lang == "en" else "zh"
    rows: list[tuple[str, ...]] = [_HEADINGS[text_lang]]
    rows.extend(_whose(_row(d, lang, text_lang), d, labels, text_lang) for d in deadlines)
    widths = [max(_width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [
            cell + " " * (width - _width(cell)) for cell, width in zip(row, widths, strict=False)
        ]
        lines.append("  ".join([*cells, row[-1]]).rstrip())
    return "\n".join(lines)


def _row(d: Deadline | SchoolEvent, lang: Lang, text_lang: str) -> tuple[str, ...]:
    if isinstance(d, Deadline):
        return (
            d.date.isoformat(),
            d.rule,
            d.expiry.isoformat(),
            d.title.get(lang, " / "),
            _notes(d, text_lang),
        )
    # A school event: its range in the date column, the warned permit's expiry if any.
    span = d.date.isoformat() if d.end == d.date else f"{d.date}–{d.end:%m-%d}"
    zh = text_lang == "zh"
    notes = []
    if d.estimated_from is not None:
        notes.append(f"按{d.estimated_from}年估计" if zh else f"est. from {d.estimated_from}")
    if d.provisional:
        notes.append("暂定" if zh else "provisional")
    expiry = "" if d.expiry is None else d.expiry.isoformat()
    # A warning's slot names the permit's key ("warn-permit.<key>"); its title names whose.
    rule = d.rule.split(".", 1)[0]
    return (span, rule, expiry, d.title.get(lang, " / "), ", ".join(notes))


def _whose(
    row: tuple[str, ...], d: Deadline | SchoolEvent, labels: Mapping[str, str], lang: str
) -> tuple[str, ...]:
    label = labels.get(d.track or "") if isinstance(d, Deadline) else None
    if not label:
        return row
    whose = f"[{label}] " if lang == "en" else f"【{label}】"
    return (*row[:3], whose + row[3], *row[4:])


def _notes(d: Deadline, lang: str) -> str:
    notes = []
    zh = lang == "zh"
    # A consequence names no day to act by: the deadline before it does.
    if not d.working_day and d.kind.names_day_to_act:
        notes.append(
            f"休息日→{d.nearest_working_day}" if zh else f"rest day → {d.nearest_working_day}"
        )
    if d.estimate:
        notes.append("估计" if zh else "estimate")
    if d.provisional:
        notes.append("暂定" if zh else "provisional")
    if d.basis.value == "source":
        notes.append("来源指南" if zh else "source guide")
    return ", ".join(notes)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)
