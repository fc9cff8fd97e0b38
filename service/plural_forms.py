"""A catalog's Plural-Forms header, held to CLDR's plural rules for whole numbers.

gettext's `n` is a whole number, and CLDR (Babel's copy) says which plural category
each whole number takes in a language. Babel's gettext table predates some of those
rules (it gives Persian one form, Hindi and Bengali "one" for 1 but not 0, Spanish and
French no form for a million), so the header is checked by what it does, not by its
spelling: evaluated on whole numbers, it must group them exactly as CLDR's categories
do, one form per category. A translator may write any expression that does.
"""

import functools
import gettext
import re

from babel import Locale
from babel.messages.plurals import get_plural
from babel.plural import to_gettext

_HEADER = re.compile(r"^\s*nplurals\s*=\s*(\d+)\s*;\s*plural\s*=\s*(.+?)\s*;?\s*$")
# The whole numbers the check evaluates: every pattern the rules of our languages (and
# CLDR's others) key on repeats within 0-1199 (n % 10, n % 100, n % 1000), plus the
# millions that French, Spanish, Italian and Portuguese treat apart.
SAMPLE = (*range(1200), 1_000_000, 1_000_001, 2_000_000, 1_500_000, 10**9, 10**9 + 1)


@functools.cache
def _categories(babel_name: str) -> tuple[str, ...]:
    """CLDR's category for each sampled whole number (written without an exponent)."""
    rule = Locale.parse(babel_name).plural_form
    return tuple(rule(n) for n in SAMPLE)


def _groups(labels) -> tuple[int, ...]:
    """The partition the labels make, as each label's first position (label-blind)."""
    first: dict = {}
    return tuple(first.setdefault(label, index) for index, label in enumerate(labels))


@functools.lru_cache(maxsize=256)
def problem(babel_name: str, header: str) -> str | None:
    """Why `header` is not the language's CLDR plural rule; None when it is. Cached: every
    catalog of a language has the same header, and evaluating it takes ~0.5 ms."""
    match = _HEADER.match(header)
    if not match:
        return "Plural-Forms header is not `nplurals=N; plural=EXPRESSION;`"
    try:
        plural = gettext.c2py(match[2])
        forms = tuple(plural(n) for n in SAMPLE)
    except (ValueError, SyntaxError, RecursionError, ZeroDivisionError):
        return f"Plural-Forms expression {match[2]!r} cannot be evaluated"
    categories = _categories(babel_name)
    if int(match[1]) != len(set(categories)) or any(form >= int(match[1]) for form in forms):
        return f"Plural-Forms must have {len(set(categories))} forms, as CLDR's rule has"
    if _groups(forms) != _groups(categories):
        return "Plural-Forms does not group numbers as CLDR's rule does"
    return None


def form_count(babel_name: str) -> int:
    """How many forms a plural entry has in the language (CLDR's categories)."""
    return len(set(_categories(babel_name)))


@functools.cache
def plural_forms(babel_name: str) -> str:
    """The header a new catalog gets: Babel's gettext table where it agrees with CLDR
    (it is the readable one), else the expression Babel compiles from CLDR's rule."""
    table = str(get_plural(babel_name))
    if problem(babel_name, table) is None:
        return table
    compiled = to_gettext(Locale.parse(babel_name).plural_form)
    # `e` is CLDR's compact-exponent operand: 0 for a number written in full, as n is.
    compiled = re.sub(r"\be\b", "0", compiled)
    if problem(babel_name, compiled):
        raise ValueError(f"{babel_name}: Babel cannot write CLDR's plural rule for gettext")
    return compiled
