"""The settings table against what reads it: FeedSettings, the store, the form and the CLI."""

from __future__ import annotations

import dataclasses

import click

from permitcal.cli import cli
from permitcal.settings_schema import BY_NAME, FEED_NAMES, NAMES, PERMIT_NAMES, SETTINGS
from permitcal.web.page.forms import form_limits
from permitcal.web.storage.settings import FIELDS, FeedSettings
from permitcal.web.storage.tables import permits, subscriptions
from permitcal.web.words.messages import FIELD_NAMES


def test_feed_settings_has_one_attribute_per_setting_with_its_default() -> None:
    fields = dataclasses.fields(FeedSettings)
    assert tuple(f.name for f in fields) == NAMES == FIELDS
    defaults = FeedSettings()
    for setting in SETTINGS:
        assert getattr(defaults, setting.name) == setting.default, setting.name


def test_the_store_has_a_column_per_setting_and_round_trips_them() -> None:
    # Each setting has exactly one home: the calendar's row or each permit's row.
    assert set(FEED_NAMES) <= set(subscriptions.c.keys())
    assert set(PERMIT_NAMES) <= set(permits.c.keys())
    assert not set(PERMIT_NAMES) & set(subscriptions.c.keys())
    assert set(FEED_NAMES) | set(PERMIT_NAMES) == set(NAMES)
    settings = FeedSettings.from_json(
        {"expires": "2025-03-01", "changes": ["spouse", "address"], "alarms": [3, 30]}
    )
    row = settings.to_row()
    assert row["changes"] == "address,spouse"
    assert row["alarms"] == "30,3"
    assert FeedSettings.from_row({**row, "source_rules": 1}) == settings


def test_form_limits_and_field_names_come_from_the_table() -> None:
    limits = form_limits()
    assert (limits["min_cycles"], limits["max_cycles"]) == (1, 10)
    assert (limits["max_alarms"], limits["max_alarm_days"]) == (5, 60)
    assert all(FIELD_NAMES[s.name] == s.label for s in SETTINGS)


def test_cli_options_take_choices_and_limits_from_the_table() -> None:
    show = cli.commands["show"]
    options = {p.name: p for p in show.params if isinstance(p, click.Option)}
    assert isinstance(options["changes"].type, click.Choice)
    assert tuple(options["changes"].type.choices) == BY_NAME["changes"].choices
    cycles = options["cycles"].type
    assert isinstance(cycles, click.IntRange)
    assert (cycles.min, cycles.max) == (BY_NAME["cycles"].minimum, BY_NAME["cycles"].maximum)
    assert options["lang"].default == BY_NAME["lang"].default
    assert "no_source_rules" in options
