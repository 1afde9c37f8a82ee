"""Bad input sent the three ways the service reads it (query string, page form, JSON), and the error it raises."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

import permitcal
from permitcal.errors import PermitcalError
from permitcal.web.page.forms import settings_from_form
from permitcal.web.storage.settings import FeedSettings

SRC = Path(permitcal.__file__).parent
GOOD = {"issued": "2024-06-01"}
FORM = {"date_kind": "issued", "date": "2024-06-01", "lang": "zh", "alarms": "7,1", "cycles": "3"}


def from_strings(data: dict[str, str]) -> PermitcalError:
    with pytest.raises(PermitcalError) as caught:
        FeedSettings.from_strings(data)
    return caught.value


def from_form(data: dict[str, str]) -> PermitcalError:
    form = MultiDict(list(data.items()))
    with pytest.raises(PermitcalError) as caught:
        settings_from_form(form)
    return caught.value


def from_json(data: object) -> PermitcalError:
    with pytest.raises(PermitcalError) as caught:
        FeedSettings.from_json(data)
    return caught.value


SOURCES: dict[str, Callable[[Any], PermitcalError]] = {
    "strings": from_strings,
    "form": from_form,
    "json": from_json,
}
