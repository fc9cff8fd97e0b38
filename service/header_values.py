"""Client-chosen header values, read with bounded work and memoized in bounded memory.

Accept, Accept-Encoding and If-None-Match are lists a client may make as long as its
header lines allow (gunicorn joins repeated lines: 50 of 8 KB made one 376 KB Accept,
300 ms to parse). Only their first MAX_ITEMS items are read, and only values up to
MEMO_CHARACTERS long are memoized, so a memo's size is bounded in bytes, not only in
entries (real clients send a few dozen characters).
"""

import functools
from collections.abc import Callable
from typing import TypeVar

MAX_ITEMS = 64
MEMO_CHARACTERS = 256

Result = TypeVar("Result")


def first_items(value: str, limit: int = MAX_ITEMS) -> str:
    """The first `limit` comma-separated items of a list header; the rest is ignored."""
    if value.count(",") < limit:
        return value
    return ",".join(value.split(",", limit)[:limit])


def memoized_for_short_values(
    maxsize: int,
) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """Memoize `function(value, *rest)` for values up to MEMO_CHARACTERS long; a longer
    value is read afresh each time, cut to its first MAX_ITEMS items."""

    def decorate(function: Callable[..., Result]) -> Callable[..., Result]:
        memoized = functools.lru_cache(maxsize=maxsize)(function)

        @functools.wraps(function)
        def read(value: str, *rest) -> Result:
            if len(value) <= MEMO_CHARACTERS:
                return memoized(value, *rest)
            return function(first_items(value), *rest)

        return read

    return decorate
