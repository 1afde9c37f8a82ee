"""The subscription settings declared once: a table of fields every interface reads."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from dateutil.relativedelta import relativedelta

from permitcal.policy import DEFAULT_POLICY, POLICY_KEYS, Change, Lang, Text

__all__ = [
    "BY_NAME",
    "DATE_LIMITS",
    "DEFAULT_ALARMS",
    "DEFAULT_CYCLES",
    "DEFAULT_LANG",
    "EARLIEST_EXPIRY",
    "EARLIEST_ISSUED",
    "FEED_NAMES",
    "LANGS",
    "LATEST_EXPIRY",
    "LATEST_ISSUED",
    "MAX_ALARMS",
    "MAX_ALARM_DAYS",
    "MAX_CYCLES",
    "MIN_ALARM_DAYS",
    "MIN_CYCLES",
    "NAMES",
    "PERMIT_NAMES",
    "SETTINGS",
    "Kind",
    "Setting",
]

DEFAULT_CYCLES = 3
MIN_CYCLES = 1
MAX_CYCLES = 10
# The holiday data covers 2001–2100; these bounds keep every computed date,
# ten cycles and 90 days later included, inside it.
EARLIEST_EXPIRY = dt.date(2002, 1, 1)
LATEST_EXPIRY = dt.date(2080, 12, 31)
EARLIEST_ISSUED = EARLIEST_EXPIRY - relativedelta(years=1)
LATEST_ISSUED = LATEST_EXPIRY - relativedelta(years=1)
DATE_LIMITS: Mapping[str, tuple[dt.date, dt.date]] = MappingProxyType(
    {"issued": (EARLIEST_ISSUED, LATEST_ISSUED), "expires": (EARLIEST_EXPIRY, LATEST_EXPIRY)}
)
"""The first and last date accepted for each anchor; forms and schemas show these same limits."""

LANGS: tuple[Lang, ...] = ("zh", "en", "both")
DEFAULT_LANG: Lang = "zh"
DEFAULT_ALARMS: tuple[int, ...] = (7, 1)
MAX_ALARMS = 5
MIN_ALARM_DAYS = 0
MAX_ALARM_DAYS = 60

Kind = Literal["date", "names", "whole", "choice", "days", "flag"]
"""How a setting is written everywhere; each interface has one small codec per kind.

``date``: a ``date`` or None (JSON text or null, a DATE column).
``names``: a set of names from ``choices`` (a JSON list, comma-separated text).
``whole``: a whole number from ``minimum`` to ``maximum``.
``choice``: one name from ``choices`` (the calendar's language, the policy's key).
``days``: whole numbers of days, each ``minimum``…``maximum``, at most ``max_items``
(a JSON list, comma-separated text; empty text means none).
``flag``: true or false (in text: 1/0, yes/no, on/off; empty is false, an unticked box).
"""


@dataclass(frozen=True, slots=True)
class Setting:
    """One subscription setting: its type, default, limits, names and help."""

    name: str
    kind: Kind
    label: Text
    """Chinese and English name in a sentence, as the page form's label says it."""
    help: str
    """One English sentence: the CLI option's help and the OpenAPI description."""
    default: object = None
    choices: tuple[str, ...] = ()
    minimum: int | dt.date | None = None
    maximum: int | dt.date | None = None
    max_items: int | None = None
    cli: str | None = None
    """The command-line option (``--change``); None when it is not an option of its own."""
    metavar: str | None = None

    @property
    def is_list(self) -> bool:
        return self.kind in ("names", "days")


SETTINGS: tuple[Setting, ...] = (
    Setting(
        "issued",
        "date",
        Text("签发日期", "Date issued"),
        "Date the permit (or its last endorsement) took effect.",
        minimum=EARLIEST_ISSUED,
        maximum=LATEST_ISSUED,
        cli="--issued",
        metavar="YYYY-MM-DD",
    ),
    Setting(
        "expires",
        "date",
        Text("到期日", "Expiry date"),
        "Expiry date printed on the card (instead of issued).",
        minimum=EARLIEST_EXPIRY,
        maximum=LATEST_EXPIRY,
        cli="--expires",
        metavar="YYYY-MM-DD",
    ),
    Setting(
        "card_received",
        "date",
        Text("拿到新证的日期", "Day you got the new card"),
        # Its limits depend on the other dates: the library checks them together.
        "Date the renewed card was received (makes R6 exact); within 30 days before to "
        "90 days after an expiry of the chain (the permit date counts as one).",
        cli="--card-received",
        metavar="YYYY-MM-DD",
    ),
    Setting(
        "changes",
        "names",
        Text("变更事项", "Changes"),
        "A material change since the last renewal; a name given twice counts once.",
        default=frozenset(),
        choices=tuple(c.value for c in Change),
        cli="--change",
    ),
    Setting(
        "cycles",
        "whole",
        Text("显示几年", "Years to show"),
        "How many yearly cycles to project.",
        default=DEFAULT_CYCLES,
        minimum=MIN_CYCLES,
        maximum=MAX_CYCLES,
        cli="--cycles",
    ),
    Setting(
        "lang",
        "choice",
        Text("日历语言", "Calendar language"),
        "Language of the events: Chinese, English or both.",
        default=DEFAULT_LANG,
        choices=LANGS,
        cli="--lang",
    ),
    Setting(
        "alarms",
        "days",
        Text("提前提醒天数", "Reminder days"),
        "Days before R1, R3 and R6 that get reminder events; none turns alarms off; "
        "a day given twice counts once.",
        default=DEFAULT_ALARMS,
        minimum=MIN_ALARM_DAYS,
        maximum=MAX_ALARM_DAYS,
        max_items=MAX_ALARMS,
        # Only `ics` writes alarms; it declares -a/--alarm and --no-alarms itself.
    ),
    Setting(
        "source_rules",
        "flag",
        # The page asks the opposite question ("official rules only"), so says it so.
        Text("只显示官方规定", "Official rules only"),
        "Show rules found only in the source guide, not only official ones.",
        default=True,
        # A flag that is on by default is turned off on the command line.
        cli="--no-source-rules",
    ),
    Setting(
        "points",
        "flag",
        Text("我有居住证积分", "I have points (积分)"),
        "Include the points (积分) events (R6 to R9 and the points items of the checklist); "
        "off for a holder without points.",
        default=True,
        # Asked both ways on the command line: --points (the default) or --no-points.
        cli="--points/--no-points",
    ),
    Setting(
        "policy",
        "choice",
        Text("适用规定", "Rules"),
        "Whose rules count the deadlines: a city's policy, or the national rules chosen "
        "explicitly (`permitcal policies` lists them).",
        default=DEFAULT_POLICY,
        choices=POLICY_KEYS,
        cli="--policy",
        metavar="KEY",
    ),
)

NAMES: tuple[str, ...] = tuple(s.name for s in SETTINGS)
BY_NAME: Mapping[str, Setting] = MappingProxyType({s.name: s for s in SETTINGS})
PERMIT_NAMES: tuple[str, ...] = (
    "issued",
    "expires",
    "card_received",
    "changes",
    "points",
    "policy",
)
"""Each permit's own settings: in a household (several permits, one calendar) each has its own."""
FEED_NAMES: tuple[str, ...] = tuple(n for n in NAMES if n not in PERMIT_NAMES)
"""The settings of the calendar as a whole (how many cycles, language, reminders, source rules)."""
