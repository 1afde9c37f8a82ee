"""Clash warnings: a permit's expiry (or its points' lapse) inside a school season."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from permitcal.cycles import CycleDates, offset_day
from permitcal.policy import Text
from permitcal.school_data import FIRMNESS, Checkpoint
from permitcal.school_events import SchoolEvent
from permitcal.school_season import SEASON_LEAD, Season
from permitcal.school_wording import (
    W,
    checkpoint_text,
    day,
    day_weekday,
    estimate_mark,
    join,
    source_line,
)
from permitcal.tracks import Track
from permitcal.workdays import WorkCalendar, WorkdayAnswer

if TYPE_CHECKING:
    from permitcal.school import SchoolTrack

__all__ = ["warnings"]

# Days the points system may need to see an endorsement (RULES.md, R6 notes: 2–3).
_POINTS_SEES_RENEWAL = 3


def warnings(
    school: SchoolTrack, track: Track, found: Season, cal: WorkCalendar
) -> list[SchoolEvent]:
    """One warning per permit (and per points, where required) whose expiry is in season."""
    checked = found.checked
    if not checked:
        return []
    first = min(c.start for c in checked)
    last = max(c.end for c in checked)
    opens_season = first - SEASON_LEAD
    permit = track.permit
    renewed_cycle = permit.card_cycle()
    out: list[SchoolEvent] = []
    count = 0
    for cycle in permit.chain():
        if cycle.number == 0 or cycle.expiry < opens_season:
            continue
        if cycle.expiry > last:
            break
        affected = [c for c in checked if c.end > cycle.expiry]
        if not affected:
            continue
        count += 1
        slot = "" if count == 1 else f"-{count}"
        context = _Context(school, track, found, cycle, affected, opens_season, last, cal)
        if renewed_cycle != cycle.number:
            out.append(context.permit_warning(slot))
        points_checks = [c for c in affected if "points" in c.checks]
        if school.stage.points_required and permit.points and points_checks:
            out.append(context.points_warning(slot, points_checks[0]))
    return out


@dataclass(frozen=True, slots=True)
class _Context:
    """What both warnings of one expiry share."""

    school: SchoolTrack
    track: Track
    found: Season
    cycle: CycleDates
    affected: list[Checkpoint]
    opens_season: dt.date
    last: dt.date
    cal: WorkCalendar

    @property
    def who(self) -> Text:
        label = self.school.labels.get(self.track.key)
        if label is None and len(self.school.permits) > 1:
            label = self.track.key
        return Text("", "") if label is None else W.who_prefix.format(label=label)

    def _permit_name(self) -> Text:
        label = self.school.labels.get(self.track.key)
        if label is None and len(self.school.permits) > 1:
            label = self.track.key
        return W.the_permit if label is None else W.named_permit.format(label=label)

    def _window_opens(self) -> WorkdayAnswer:
        # The same window the permit's own R2 event opens: nobody can endorse earlier.
        opens = offset_day(self.track.policy.cycle.renewal_opens, self.cycle)
        return self.cal.first_working_day_on_or_after(opens)

    def _act_by(self, checkpoint: Checkpoint) -> WorkdayAnswer:
        # Renewed before the checkpoint opens, and never later than the expiry itself;
        # a rest day moves it earlier, by the rule every deadline uses.
        target = min(self.cycle.expiry, checkpoint.start - dt.timedelta(days=1))
        return self.cal.last_working_day_on_or_before(target)

    def permit_warning(self, slot: str) -> SchoolEvent:
        school, expiry = self.school, self.cycle.expiry
        first = self.affected[0]
        est = estimate_mark(self.found.estimated_from)
        act, opens = self._act_by(first), self._window_opens()
        tight = act.date < opens.date
        when = opens if tight else act
        values = {"what": first.what, "start": day(first.start), "est": est}
        lead = (
            W.warn_permit_tight.format(opens=day_weekday(opens.date), expiry=day(expiry), **values)
            if tight
            else W.warn_permit_lead.format(act_by=day_weekday(act.date), **values)
        )
        parts = [lead, self._why()]
        stage = school.stage.label
        if not school.stage.points_required:
            parts.append(W.points_priority.format(stage=stage))
        elif not self.track.permit.points:
            parts.append(W.no_points.format(stage=stage))
        return self._event(
            f"warn-permit.{self.track.key}{slot}",
            W.warn_permit_title.format(who=self.who, stage=stage),
            parts,
            when,
        )

    def points_warning(self, slot: str, checkpoint: Checkpoint) -> SchoolEvent:
        declare, opens = self._act_by(checkpoint), self._window_opens()
        endorse = declare
        for _ in range(_POINTS_SEES_RENEWAL):
            endorse = self.cal.last_working_day_before(endorse.date)
        years = tuple(sorted({*declare.unpublished_years, *endorse.unpublished_years}))
        endorse = WorkdayAnswer(endorse.date, bool(years), years)
        est = estimate_mark(self.found.estimated_from)
        values = {"what": checkpoint.what, "start": day(checkpoint.start), "est": est}
        tight = endorse.date < opens.date
        when = opens if tight else endorse
        lead = (
            W.warn_points_tight.format(opens=day_weekday(opens.date), **values)
            if tight
            else W.warn_points_lead.format(
                endorse_by=day_weekday(endorse.date), declare_by=day_weekday(declare.date), **values
            )
        )
        lapse = self.cycle.expiry + dt.timedelta(days=1)
        parts = [lead, W.warn_points_why.format(lapse=day(lapse)), self._why()]
        return self._event(
            f"warn-points.{self.track.key}{slot}",
            W.warn_points_title.format(who=self.who, stage=self.school.stage.label),
            parts,
            when,
        )

    def _why(self) -> Text:
        return W.warn_why.format(
            permit=self._permit_name(),
            expiry=day(self.cycle.expiry),
            stage=self.school.stage.label,
            opens=day(self.opens_season),
            last=day(self.last),
        )

    def _event(self, rule: str, title: Text, parts: list[Text], when: WorkdayAnswer) -> SchoolEvent:
        listed = [checkpoint_text(c, self.found.estimated_from) for c in self.affected]
        parts = [
            *parts,
            Text(
                W.checkpoints_heading.zh + "\n" + "\n".join(f"- {t.zh}" for t in listed),
                W.checkpoints_heading.en + "\n" + "\n".join(f"- {t.en}" for t in listed),
            ),
        ]
        if when.provisional:
            parts.append(W.provisional.format(years="/".join(map(str, when.unpublished_years))))
        parts.append(W.safe_rule)
        parts.append(W.check_notice)
        sources = tuple(dict.fromkeys((c.source_title, c.source_url) for c in self.affected))
        firmness = {c.firmness for c in self.affected}
        parts.extend(
            source_line(c.firmness, c.source_title, c.source_url)
            for c in {(c.source_title, c.source_url): c for c in self.affected}.values()
        )
        marker = estimate_mark(self.found.estimated_from)
        if when.provisional and self.found.estimated_from is None:
            marker = Text("（暂定）", " (prov.)")
        return SchoolEvent(
            track=self.school.key,
            rule=rule,
            kind="school_warning",
            date=when.date,
            end=when.date,
            year=self.school.year,
            stage=self.school.stage.value,
            title=Text(title.zh + marker.zh, title.en + marker.en),
            description=join(parts),
            estimated_from=self.found.estimated_from,
            firmness=_weakest(firmness),
            sources=sources,
            checks=("permit", "points") if rule.startswith("warn-points") else ("permit",),
            working_day=True,
            alarm_on=when.date,
            provisional=when.provisional,
            permit=self.track.key,
            expiry=self.cycle.expiry,
        )


def _weakest(labels: set[str]) -> str:
    """The least firm of several sources: a warning is no firmer than its weakest date."""
    order = list(FIRMNESS)
    return max(labels, key=order.index)
