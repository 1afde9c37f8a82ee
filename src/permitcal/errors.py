"""The library's exceptions: one small tree rooted in a ValueError subclass."""

from __future__ import annotations

__all__ = [
    "InvalidDateError",
    "InvalidInputError",
    "PermitcalError",
]


class PermitcalError(ValueError):
    """Base class of every error permitcal raises on bad input.

    ``field`` names the input that is wrong (``"issued"``, ``"cycles"``, …) so
    that a command line or a web form can point at it; ``str(error)`` is a
    sentence a person understands.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class InvalidDateError(PermitcalError):
    """A date that is malformed, impossible or outside the supported range."""

    def __init__(self, field: str, value: object, message: str) -> None:
        super().__init__(field, message)
        self.value = value


class InvalidInputError(PermitcalError):
    """Any other input the library cannot work with (missing, contradictory, out of range)."""
