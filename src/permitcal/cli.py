"""Layer 4 (command line): ``permitcal show`` and ``permitcal ics``; service commands join here."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn, TypeVar

import click
from click.core import ParameterSource

from permitcal._version import __version__
from permitcal.cli_household import read_household
from permitcal.cli_table import table
from permitcal.cli_web import service_commands
from permitcal.deadlines import Deadline, compute
from permitcal.errors import PermitcalError
from permitcal.holiday_files import load_calendar
from permitcal.ical import RenderOptions, default_identity, to_ical
from permitcal.inputs import PermitInput, parse_date, shanghai_today
from permitcal.policy import Lang, Policy, policies
from permitcal.school import SchoolTrack, compute_feed, parse_school, school_feed, school_key
from permitcal.school_data import SCHOOL_DATA_ENV, SchoolData, load_school_data
from permitcal.school_events import SchoolEvent
from permitcal.settings_schema import BY_NAME, DEFAULT_ALARMS, SETTINGS, Setting
from permitcal.workdays import WorkCalendar

__all__ = ["cli", "main"]

USAGE_ERROR = 2
F = TypeVar("F", bound=Callable[..., Any])


def _fail(message: str) -> NoReturn:
    click.echo(f"permitcal: error: {message}", err=True)
    sys.exit(USAGE_ERROR)


class _OneLineErrors(click.Group):
    """Reports every usage or input error as one line on stderr, exit status 2."""

    def main(self, *args: Any, **kwargs: Any) -> Any:
        kwargs["standalone_mode"] = False
        try:
            result = super().main(*args, **kwargs)
        except click.exceptions.Abort:
            click.echo("permitcal: aborted", err=True)
            sys.exit(1)
        except click.ClickException as error:
            _fail(error.format_message().replace("\n", " "))
        except PermitcalError as error:
            _fail(f"--{error.field.replace('_', '-')}: {error.message}")
        sys.exit(result if isinstance(result, int) else 0)


@click.group(cls=_OneLineErrors, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="permitcal")
def cli() -> None:
    """Residence permit (居住证) deadlines under a city's policy, as a table, JSON or iCalendar."""


def _permit_options(command: F) -> F:
    """The options shared by every command that computes deadlines."""
    decorators = [
        *(_setting_option(s) for s in SETTINGS if s.cli is not None),
        click.option(
            "--holiday-data",
            "holiday_data",
            multiple=True,
            metavar="FILE",
            help="A holiday-cn notice file (or folder of them) to apply; repeat for several.",
        ),
        click.option(
            "--permits",
            "permits_file",
            metavar="FILE",
            help="A household in one calendar: a JSON file of up to 6 permits, each with its "
            "label, dates and policy (see docs/cli.md); replaces the permit's own options.",
        ),
        click.option(
            "--school",
            "school",
            multiple=True,
            metavar="STAGE:YEAR",
            help="Add a child's school step that depends on this permit: kindergarten, "
            "primary, junior, zhongkao or gaokao, and the year (primary:2027). Repeat for several.",
        ),
        click.option(
            "--school-data",
            "school_data",
            metavar="FILE",
            help="A school checkpoint file to use instead of the packaged one "
            f"(default: ${SCHOOL_DATA_ENV}, if set).",
        ),
        click.option(
            "--today",
            metavar="YYYY-MM-DD",
            help="Start at the cycle still live on this day (default: today in Shanghai).",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


def _setting_option(setting: Setting) -> Callable[[F], F]:
    """A setting's option, its choices, limits, default and help from the settings table."""
    assert setting.cli is not None
    match setting.kind:
        case "names":
            return click.option(
                setting.cli,
                setting.name,
                multiple=True,
                type=click.Choice(setting.choices),
                help=f"{setting.help} Repeat for several.",
            )
        case "whole":
            assert isinstance(setting.minimum, int)
            assert isinstance(setting.maximum, int)
            return click.option(
                setting.cli,
                type=click.IntRange(setting.minimum, setting.maximum),
                default=setting.default,
                show_default=True,
                help=setting.help,
            )
        case "choice":
            return click.option(
                setting.cli,
                type=click.Choice(setting.choices),
                default=setting.default,
                show_default=True,
                metavar=setting.metavar,
                help=setting.help,
            )
        case "flag" if "/" in setting.cli:
            # None when not given: the default is the policy's (no points where it has none).
            return click.option(
                setting.cli,
                default=None,
                help=f"{setting.help} Default: on where the policy has points.",
            )
        case "flag":
            # On by default, so the option turns it off (--no-source-rules).
            text = setting.help[0].lower() + setting.help[1:]
            return click.option(setting.cli, is_flag=True, help=f"Turn off: {text}")
    return click.option(setting.cli, metavar=setting.metavar, help=setting.help)


def _permit(
    issued: str | None,
    expires: str | None,
    card_received: str | None,
    changes: Sequence[str],
    cycles: int,
    no_source_rules: bool,
    points: bool | None,
    policy: str,
) -> PermitInput:
    return PermitInput.create(
        policy=policy,
        issued=issued,
        expires=expires,
        card_received=card_received,
        changes=changes,
        cycles=cycles,
        source_rules=not no_source_rules,
        points=points,
    )


def _calendar(paths: Sequence[str]) -> WorkCalendar | None:
    """The installed holiday data, plus any notice files given (checked; exit 2 if bad)."""
    return load_calendar(paths) if paths else None


def _school_data(path: str | None) -> SchoolData | None:
    """--school-data, checked (exit 2 if bad); None: the environment's or the packaged file."""
    return None if path is None else load_school_data(path)


@dataclass(frozen=True, slots=True)
class _Feed:
    """What a command computes from: the events, the first track's key and policy, labels."""

    events: list[Deadline | SchoolEvent]
    identity: str
    policy: Policy
    labels: dict[str, str]


def _feed(
    values: dict[str, Any], identity: str | None, calendar: WorkCalendar | None, today: dt.date
) -> _Feed:
    """One permit from its options, or a household from --permits; with --school, the
    school tracks' events too (depending on every Shanghai permit), by date."""
    school, data = values["school"], _school_data(values["school_data"])
    if values["permits_file"] is None:
        permit = _permit(*(values[name] for name in _PERMIT_OPTIONS))
        key = default_identity(permit) if identity is None else identity
        events: list[Deadline | SchoolEvent] = (
            school_feed(permit, key, school, calendar, today, data)
            if school
            else list(compute(permit, calendar=calendar, today=today))
        )
        return _Feed(events, key, permit.policy, {})
    # The calendar-wide options (--cycles, --no-source-rules) apply to every permit.
    own = ("issued", "expires", "card_received", "changes", "points")
    given = [name for name in own if values[name] not in (None, ())]
    if click.get_current_context().get_parameter_source("policy") is ParameterSource.COMMANDLINE:
        given.append("policy")
    if identity is not None:
        given.append("identity")
    if given:
        _fail(f"--permits: the file gives each permit; leave out --{given[0].replace('_', '-')}")
    household = read_household(
        values["permits_file"],
        cycles=values["cycles"],
        source_rules=not values["no_source_rules"],
    )
    tracks = household.tracks
    shanghai = [t.key for t in tracks if t.policy.id == "shanghai"]
    schools = [
        SchoolTrack.create(
            school_key(tracks[0].key, *parse_school(value)),
            value,
            shanghai,
            labels=household.labels,
        )
        for value in dict.fromkeys(school)
    ]
    events = compute_feed(tracks, schools, calendar, today, data)
    return _Feed(events, tracks[0].key, tracks[0].policy, household.labels)


_PERMIT_OPTIONS = (
    "issued",
    "expires",
    "card_received",
    "changes",
    "cycles",
    "no_source_rules",
    "points",
    "policy",
)


def _today(value: str | None) -> dt.date:
    """--today, or the date in Shanghai now: a calendar that starts at the live cycle."""
    return shanghai_today() if value is None else parse_date(value, "today")


@cli.command()
@_permit_options
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of a table.")
def show(
    issued: str | None,
    expires: str | None,
    card_received: str | None,
    changes: tuple[str, ...],
    cycles: int,
    lang: Lang,
    no_source_rules: bool,
    points: bool | None,
    policy: str,
    holiday_data: tuple[str, ...],
    permits_file: str | None,
    school: tuple[str, ...],
    school_data: str | None,
    today: str | None,
    as_json: bool,
) -> None:
    """Print every deadline, nearest first."""
    values = locals()
    feed = _feed(values, None, _calendar(holiday_data), _today(today))
    if as_json:
        rows = [
            {**d.to_dict(lang), "track": d.track, "label": feed.labels[d.track]}
            if isinstance(d, Deadline) and d.track in feed.labels
            else d.to_dict(lang)
            for d in feed.events
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    else:
        click.echo(table(feed.events, lang, feed.labels))


@cli.command()
@_permit_options
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to this file instead of standard output.",
)
@click.option(
    "-a",
    "--alarm",
    "alarms",
    type=int,
    multiple=True,
    help=f"{BY_NAME['alarms'].help} Repeat for several (default "
    f"{' and '.join(map(str, DEFAULT_ALARMS))}).",
)
@click.option("--no-alarms", is_flag=True, help="No reminders and no alarms at all.")
@click.option("--identity", help="Stable UID prefix (default: derived from the inputs).")
def ics(
    issued: str | None,
    expires: str | None,
    card_received: str | None,
    changes: tuple[str, ...],
    cycles: int,
    lang: Lang,
    no_source_rules: bool,
    points: bool | None,
    policy: str,
    holiday_data: tuple[str, ...],
    permits_file: str | None,
    school: tuple[str, ...],
    school_data: str | None,
    today: str | None,
    output: Path | None,
    alarms: tuple[int, ...],
    no_alarms: bool,
    identity: str | None,
) -> None:
    """Write the deadlines as an iCalendar (.ics) file."""
    if no_alarms and alarms:
        _fail("--alarm and --no-alarms contradict each other")
    # Everything is computed before the file is opened, so bad input writes nothing.
    feed = _feed(locals(), identity, _calendar(holiday_data), _today(today))
    options = RenderOptions(
        # An empty --identity is an error for RenderOptions to report, not "use the default".
        identity=feed.identity,
        lang=lang,
        alarms=() if no_alarms else (alarms or DEFAULT_ALARMS),
        policy=feed.policy,
        labels=feed.labels,
    )
    deadlines = feed.events
    data = to_ical(deadlines, options)
    if output is None:
        sys.stdout.flush()
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
    else:
        _write_file(output, data)


@cli.command("policies")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array instead of lines.")
def list_policies(as_json: bool) -> None:
    """List the policies --policy accepts: key, name, and where the rules come from."""
    found = policies()
    if as_json:
        rows = [
            {
                "key": key,
                "name": {"zh": p.name.zh, "en": p.name.en},
                "feed_name": {"zh": p.feed_name.zh, "en": p.feed_name.en},
                "points": p.points,
                "rules": [{"id": r.id, "basis": r.basis.value} for r in p.rules],
                "sources": [{"title": r.title, "url": r.url} for r in p.references],
            }
            for key, p in found.items()
        ]
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    width = max(map(len, found))
    for key, p in found.items():
        click.echo(f"{key.ljust(width)}  {p.name.zh} / {p.name.en}")


def _write_file(path: Path, data: bytes) -> None:
    """Write the .ics file or fail with one line, removing a file this call created."""
    created = False
    try:
        created = not path.exists()
        with path.open("wb") as file:
            file.write(data)
    except OSError as error:
        if created:
            # A half-written calendar imported by mistake would look complete.
            with contextlib.suppress(OSError):
                path.unlink()
        _fail(f"--output: cannot write {path}: {error.strerror or error}")


# The service's commands (serve, db upgrade) live beside the web layer's needs.
for _command in service_commands():
    cli.add_command(_command)


def main() -> None:
    """Console-script entry point."""
    cli()
