"""The grammars of numeric and date parameters, in ASCII only: one place reads them.

Python reads numbers in more spellings than the API documents: str.isdigit() is true
for superscripts (which int() then refuses: a 500), int() takes Arabic-Indic and
full-width digits, "+1", " 1" and "1_0", and a regex's \\d matches any script's digits.
Every numeric or date parameter (and setting) is read here instead, so that any other
spelling is a 400 problem, never a 500 or a silent match.
"""

import datetime
import re

# More significant digits than this name no page or setting: such a number reads as
# LARGER_THAN_ANY_COUNT, unconverted (int() of a long string costs quadratic time, and
# refuses over 4,300 digits).
MAX_DIGITS = 18
LARGER_THAN_ANY_COUNT = 10**MAX_DIGITS

# RFC 3339 section 5.6 (date-time), spelled with [0-9]: its DIGIT is ASCII.
_RFC3339 = re.compile(
    r"(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2})[Tt](?P<time>[0-9]{2}:[0-9]{2}):(?P<second>[0-9]{2})"
    r"(?P<fraction>\.[0-9]+)?(?P<offset>[Zz]|[+-][0-9]{2}:[0-9]{2})"
)
_EARLIEST = datetime.datetime.min.replace(tzinfo=datetime.UTC)
_LATEST = datetime.datetime.max.replace(tzinfo=datetime.UTC)


def whole_number(text: str) -> int | None:
    """The value of a whole number written in ASCII digits 0-9 only (leading zeros
    allowed), or None for any other spelling: no sign, space, underscore or other script."""
    if not (text.isascii() and text.isdigit()):
        return None
    significant = text.lstrip("0")
    return int(significant or "0") if len(significant) <= MAX_DIGITS else LARGER_THAN_ANY_COUNT


def positive_whole_number(text: str) -> int | None:
    """A whole number from 1, in ASCII digits (a page), or None."""
    number = whole_number(text)
    return number if number else None


def parse_rfc3339(text: str) -> datetime.datetime | None:
    """An RFC 3339 date-time with its offset, in UTC; None if it is not one.

    Python cannot hold every RFC 3339 value: a leap second counts as the second before
    it, and a moment outside years 1-9999 in UTC as the earliest or latest one.
    """
    match = _RFC3339.fullmatch(text)
    if not match:
        return None
    second = min(int(match["second"]), 59)
    offset = "+00:00" if match["offset"] in "Zz" else match["offset"]
    year = int(match["date"][:4])
    if year == 0:
        return _EARLIEST
    try:
        moment = datetime.datetime.fromisoformat(
            f"{match['date']}T{match['time']}:{second:02}{(match['fraction'] or '')[:7]}{offset}"
        )
    except ValueError:  # no such day, hour or minute
        return None
    try:
        return moment.astimezone(datetime.UTC)
    except OverflowError:
        return _EARLIEST if year == 1 else _LATEST


def format_rfc3339(moment: datetime.datetime) -> str:
    """A UTC moment as RFC 3339, as canonical URLs spell it."""
    return moment.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z")
