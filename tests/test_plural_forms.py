"""Plural-Forms held to CLDR (service/plural_forms.py): checked by what the expression
does with whole numbers, for every language we ship and some we do not."""

import gettext

import pytest

from service.plural_forms import plural_forms, problem
from tests.helpers import OFFERED_LANGUAGES

BABEL_NAMES = [tag.replace("-", "_") for tag in OFFERED_LANGUAGES]


def forms(babel_name: str, *numbers: int) -> list[int]:
    header = plural_forms(babel_name)
    expression = header.partition("plural=")[2].rstrip(";")
    plural = gettext.c2py(expression)
    return [plural(n) for n in numbers]


@pytest.mark.parametrize("babel_name", [*BABEL_NAMES, "cs", "lt", "ga", "cy", "sl"])
def test_the_header_a_new_catalog_gets_passes_the_check(babel_name):
    assert problem(babel_name, plural_forms(babel_name)) is None


@pytest.mark.parametrize(
    ("babel_name", "count"),
    [
        *((name, 1) for name in ("zh_Hans", "zh_Hant", "ja", "ko", "vi")),
        *((name, 2) for name in ("en", "de", "fa", "hi", "bn", "ur", "fil")),
        *((name, 3) for name in ("es", "fr", "it", "pt_BR", "ht", "pl", "ru", "uk")),
        ("ar", 6),
    ],
)
def test_each_language_has_as_many_forms_as_cldr_has_categories(babel_name, count):
    assert plural_forms(babel_name).startswith(f"nplurals={count};")


@pytest.mark.parametrize(
    ("babel_name", "same", "different"),
    [
        ("fa", (0, 1), (1, 2)),  # CLDR: 0 and 1 are "one" (Babel's old table: one form)
        ("hi", (0, 1), (1, 2)),
        ("bn", (0, 1), (1, 5)),
        ("ht", (0, 1), (1, 2)),
        ("fr", (0, 1), (1, 1_000_000)),  # "un million de": its own form
        ("es", (2, 5), (5, 1_000_000)),
        ("es", (2, 1_000_001), (1, 0)),
        ("fil", (1, 3), (3, 4)),  # one: 1, 2, 3 and numbers not ending in 4, 6, 9
        ("fil", (5, 11), (11, 14)),
        ("ur", (0, 2), (1, 2)),
        ("pl", (2, 22), (12, 22)),
    ],
)
def test_numbers_take_the_forms_cldr_gives_them(babel_name, same, different):
    first, second = forms(babel_name, *same)
    assert first == second
    first, second = forms(babel_name, *different)
    assert first != second


@pytest.mark.parametrize(
    ("babel_name", "header", "message"),
    [
        ("fa", "nplurals=1; plural=0;", "must have 2 forms"),  # Babel's gettext table
        ("hi", "nplurals=2; plural=(n != 1);", "does not group numbers"),
        ("es", "nplurals=2; plural=(n != 1);", "must have 3 forms"),
        ("de", "nplurals=2; plural=(n == 1 ? 1 : 2);", "must have 2 forms"),  # form 2 of 2
        ("de", "nplurals=2; plural=(n +* 1);", "cannot be evaluated"),
        ("de", "plural=(n != 1);", "is not `nplurals=N; plural=EXPRESSION;`"),
    ],
)
def test_a_header_that_groups_numbers_otherwise_is_refused(babel_name, header, message):
    assert message in (problem(babel_name, header) or "")


def test_any_expression_that_groups_numbers_as_cldr_does_is_accepted():
    assert problem("fa", "nplurals=2; plural=(n > 1);") is None
    assert problem("de", "nplurals=2; plural=n!=1;") is None
    assert problem("de", "nplurals=2; plural=(n == 1 ? 1 : 0);") is None  # forms in any order
