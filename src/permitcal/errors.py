"""The library's exceptions: one small tree rooted in a ValueError subclass."""

from __future__ import annotations

from collections.abc import Mapping

__all__ = [
    "InvalidDateError",
    "InvalidInputError",
    "PermitcalError",
]


class PermitcalError(ValueError):
    """Base class of every error permitcal raises on bad input.

    ``field`` names the input that is wrong (``"issued"``, ``"cycles"``, …) so
    that a command line or a web form can point at it; ``str(error)`` is a
    sentence a person understands (``"<field>: <message>"``, in English).

    ``reason`` says what is wrong in a fixed snake_case word, and ``params``
    holds the values a sentence about it needs, so that an interface can say
    it in its own words and language (see :mod:`permitcal.web.words.messages`).
    Params are JSON values only: text, whole numbers and lists of text; dates
    are ISO ``YYYY-MM-DD`` text. ``text`` is always the value exactly as
    given, and is present only when that value was text.

    Reasons and their params:

    ``invalid``
        The default of an error raised without a reason; no params.
    ``required``
        Nothing was entered (an empty date, a missing identity); ``text`` if blank text.
    ``issued_or_expires``
        Neither the issue date nor the expiry date was given.
    ``both_anchors``
        Both the issue date and the expiry date were given.
    ``not_a_date``
        Not a date in the form YYYY-MM-DD (or a date with a time of day); ``text``.
    ``impossible_date``
        The YYYY-MM-DD shape, but no such day (2023-02-30); ``text``.
    ``date_out_of_range``
        A date outside the supported range; ``date``, ``earliest``, ``latest``.
    ``before_issued``
        The renewed card arrived too long before the permit took effect;
        ``date``, ``start`` (issue date, or expiry − 1 year), ``earliest``,
        ``days`` (how much earlier a card may arrive) and ``anchor``
        (``"issued"`` or ``"expires"``: which date ``start`` comes from).
    ``card_outside_renewal``
        The renewed card falls in no renewal span (E − 30 days … E + 90 days)
        of the expiry chain: a new permit, not a renewal; ``date``,
        ``expiry_before`` and ``late_until`` (the span before the card ends at
        this late-renewal limit), ``next_expiry`` and ``window_opens`` (the
        span after it opens then).
    ``after_last_renewal``
        The renewed card arrived after the last renewal shown; ``date``, ``latest``.
    ``later_than_today``
        A date of something that has happened is in the future; ``date``, ``today``.
    ``issued_too_far_ahead``, ``expires_too_far_ahead``
        A date typed on the page that no card can carry (an issue date more than
        30 days ahead, an expiry more than a year and 30 days ahead); ``date``,
        ``today``, ``latest``. Only the page checks these: the library computes
        for any date in range.
    ``not_whole_number``
        Not a whole number; ``text``.
    ``out_of_range``
        A whole number outside its bounds; ``value``, ``min``, ``max``.
    ``too_small``
        A whole number below its least value (no upper bound); ``value``, ``min``.
    ``too_many``
        A list longer than allowed; ``count``, ``max``.
    ``not_one_of``
        Not one of a fixed set of values; ``choices``, and ``text``.
    ``not_a_list``
        A list was expected (JSON and library calls).
    ``not_true_or_false``
        Neither true nor false; ``text``.
    ``not_confirmed``
        A confirmation box was not ticked.
    ``unknown_field``
        A field or parameter that does not exist (``field`` is its name); ``known``.
    ``not_an_object``
        The JSON body is not an object.
    ``not_json``
        The body is not valid JSON.
    ``too_deep``
        The JSON nests deeper than allowed; ``max``.
    ``bad_characters``
        Characters that cannot be used (an identity with ``@`` or spaces).
    ``no_timezone``
        A time without a time zone.
    ``no_holiday_data``
        A date in a year without holiday data; ``year``, ``first``, ``last``.
    ``bad_holiday_data``
        A holiday file or notice that cannot be used; ``source``.
    ``no_points``
        Points (积分) asked of a policy that has none; ``policy``.
    ``duplicate_track``
        Two tracks of one feed share a key (their UIDs would collide); ``text``.
    ``not_text``
        A value that must be text is not (a permit's label).
    ``control_characters``
        Text with line breaks or control characters where none may be (a label).
    ``label_too_long``
        A permit's label is longer than allowed; ``max``, ``text``.
    ``label_required``
        With several permits in one calendar, one has no label; ``max``.
    ``duplicate_label``
        Two permits of one calendar have the same label; ``text``.
    ``too_many_permits``
        More permits than one calendar holds; ``max``.
    ``unknown_permit``
        A permit id that is not one of this calendar's (or named twice).
    ``name_the_permit``
        A permit's field given at the top level of a calendar that holds several.
    ``inside_permits``
        A permit's field at the top level beside ``permits``.
    ``not_stage_year``
        A school step not in the form ``STAGE:YEAR`` (``primary:2027``); ``text``.
    ``no_school_data``
        No checkpoints for that stage and year (before the first year in the data);
        ``stage``, ``year`` and, where there is one, ``first``.
    ``school_twice``
        Two school steps of one calendar have the same stage and year; ``stage``,
        ``year``.
    ``unknown_track``
        A school track names a permit track the feed does not have; ``text``.
    ``wrong_city``
        A school track's city checks its own city's permit, and the named permit
        is under another policy; ``text``.
    ``bad_school_data``
        A school checkpoint file that cannot be used; ``source``.
    """

    def __init__(
        self,
        field: str,
        message: str,
        *,
        reason: str = "invalid",
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.reason = reason
        self.params: dict[str, object] = dict(params or {})

    def inside(self, container: str) -> PermitcalError:
        """The same error, about the field of one item of a list (``permits[1].issued``)."""
        self.field = f"{container}.{self.field}"
        self.args = (f"{self.field}: {self.message}",)
        return self


class InvalidDateError(PermitcalError):
    """A date that is malformed, impossible or outside the supported range."""

    def __init__(
        self,
        field: str,
        value: object,
        message: str,
        *,
        reason: str = "invalid",
        params: Mapping[str, object] | None = None,
    ) -> None:
        super().__init__(field, message, reason=reason, params=params)
        self.value = value


class InvalidInputError(PermitcalError):
    """Any other input the library cannot work with (missing, contradictory, out of range)."""
