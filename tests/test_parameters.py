"""Numeric and date parameters: one ASCII grammar (service/parameters.py) for every
parameter of every endpoint. Other scripts' digits, superscripts, signs, spaces,
underscores and prefixes are a 400 problem+json, never a 500 or a silent match."""

import datetime
import random
import runpy
import sys
import unicodedata

import pytest

from service import create_app
from service.config import REPOSITORY_DIR
from service.parameters import (
    LARGER_THAN_ANY_COUNT,
    parse_rfc3339,
    positive_whole_number,
    whole_number,
)
from tests.helpers import ICD10CM_OID, SLUG

ARTICLES, LANGUAGES, INFOBUTTON = "/v1/articles", "/v1/languages", "/v1/infobutton"
INFOBUTTON_CODE = "mainSearchCriteria.v.c"
PROBLEM_JSON = "application/problem+json; charset=utf-8"

# Every numeric or date parameter: (path, name, a valid value, the problem type of a
# misspelt one, the other parameters the request needs).
PARAMETERS = {
    "articles page": (ARTICLES, "page", "1", "invalid-page", {}),
    "articles page, by code": (ARTICLES, "page", "1", "invalid-page", {"code": "L90"}),
    "languages page": (LANGUAGES, "page", "1", "invalid-page", {}),
    "modified_since": (ARTICLES, "modified_since", "2026-01-31T12:00:00Z", "invalid-timestamp", {}),
    "code": (ARTICLES, "code", "L90.6", "invalid-code", {"system": "icd10cm"}),
    "infobutton code": (
        INFOBUTTON,
        INFOBUTTON_CODE,
        "L90.6",
        "invalid-code",
        {"mainSearchCriteria.v.cs": ICD10CM_OID},
    ),
}
# The zero of scripts whose digits int() or \d read as ASCII ones.
ZEROS = {
    "Arabic-Indic": "\u0660",
    "Extended Arabic-Indic": "\u06f0",
    "Devanagari": "\u0966",
    "full-width": "\uff10",
    "mathematical bold": "\U0001d7ce",
}
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"  # isdigit() is true, int() refuses them: this was the 500


def _first_digit(text: str) -> int:
    return next(position for position, char in enumerate(text) if char in "0123456789")


def misspellings(valid: str) -> dict[str, str]:
    """The valid value misspelt in the ways Python would read as the same number or date."""
    first = _first_digit(valid)
    spelled = {
        f"{script} digits": "".join(
            chr(ord(zero) + int(char)) if char.isascii() and char.isdigit() else char
            for char in valid
        )
        for script, zero in ZEROS.items()
    }
    one_digit = {
        "superscript digit": SUPERSCRIPTS[int(valid[first])],
        "circled digit": "⓪①②③④⑤⑥⑦⑧⑨"[int(valid[first])],
        "Arabic-Indic digit": chr(ord(ZEROS["Arabic-Indic"]) + int(valid[first])),
    }
    for name, digit in one_digit.items():
        spelled[name] = valid[:first] + digit + valid[first + 1 :]
    spelled |= {
        "plus sign": f"+{valid}",
        "leading space": f" {valid}",
        "trailing space": f"{valid} ",
        "trailing newline": f"{valid}\n",
        "underscore": valid[: first + 1] + "_" + valid[first + 1 :],
        "hex prefix": f"0x{valid}",
        "zero-width space": valid[: first + 1] + "\u200b" + valid[first + 1 :],
    }
    return spelled


MISSPELT = [
    pytest.param(parameter, spelling, id=f"{parameter}: {how}")
    for parameter, (_, _, valid, _, _) in PARAMETERS.items()
    for how, spelling in misspellings(valid).items()
]


def _get(client, parameter: str, value: str, language: str = "en"):
    path, name, _, _, others = PARAMETERS[parameter]
    return client.get(path, query_string={**others, name: value, "lang": language})


def _assert_problem(response, problem_type: str):
    assert response.status_code == 400, response.data
    assert response.content_type == PROBLEM_JSON
    assert response.get_json()["type"] == f"urn:patient-info:problem:{problem_type}"


@pytest.mark.parametrize(("parameter", "spelling"), MISSPELT)
def test_misspelt_numbers_and_dates_are_400_problems(client, parameter, spelling):
    _assert_problem(_get(client, parameter, spelling, "es"), PARAMETERS[parameter][3])


@pytest.mark.parametrize("parameter", PARAMETERS)
def test_valid_ascii_values_still_work(client, parameter):
    assert _get(client, parameter, PARAMETERS[parameter][2]).status_code == 200


@pytest.mark.parametrize("path", [ARTICLES, LANGUAGES])
def test_the_reported_superscript_page(client, path):
    _assert_problem(client.get(f"{path}?page=%C2%B9"), "invalid-page")


@pytest.mark.parametrize(
    ("page", "status"),
    [("01", 200), ("2", 404), ("1" * 5000, 404), ("0" * 5000 + "1", 200), ("00", 400)],
)
@pytest.mark.parametrize("path", [ARTICLES, LANGUAGES])
def test_long_and_padded_pages(client, path, page, status):
    """int() refuses strings of over 4,300 digits: a page that long was a 500."""
    assert client.get(path, query_string={"page": page}).status_code == status


@pytest.mark.parametrize("path", [ARTICLES, INFOBUTTON])
def test_a_code_in_other_digits_matches_nothing_without_a_system(client, path):
    """As the README says: without a system, a code that is no ICD-10-CM code is looked up
    in the other systems, whose codes are ASCII too: no match, a 200 with nothing."""
    if path == ARTICLES:
        query = {"code": "L９0.6"}
    else:
        query = {INFOBUTTON_CODE: "L９0.6", "knowledgeResponseType": "application/json"}
    response = client.get(path, query_string=query)
    assert response.status_code == 200
    body = response.get_json()
    assert (body["articles"] if path == ARTICLES else body["feed"]["entry"]) == []


@pytest.fixture(scope="module")
def other_digits() -> str:
    """Every character Unicode calls a digit or number (Nd, No) but ASCII's 0-9."""
    return "".join(
        char
        for char in map(chr, range(sys.maxunicode + 1))
        if unicodedata.category(char) in ("Nd", "No") and not char.isascii()
    )


def test_the_grammar_refuses_every_other_digit(other_digits):
    assert len(other_digits) > 1000
    valid_date = "2026-01-31T12:00:00.5+01:00"
    for char in other_digits:
        assert whole_number(char) is None
        assert whole_number(f"1{char}") is None
        assert positive_whole_number(f"{char}1") is None
        for position in (0, 9, 12, 20, 22):  # year, day, hour, fraction, offset
            assert parse_rfc3339(valid_date[:position] + char + valid_date[position + 1 :]) is None


def test_the_grammar_reads_ascii():
    assert [whole_number(text) for text in ("0", "007", "18446744073709551616")] == [
        0,
        7,
        LARGER_THAN_ANY_COUNT,
    ]
    assert positive_whole_number("0") is None
    assert parse_rfc3339("2026-01-31T12:00:00.5+01:00") == datetime.datetime(
        2026, 1, 31, 11, 0, 0, 500000, tzinfo=datetime.UTC
    )


@pytest.mark.parametrize("parameter", PARAMETERS)
def test_random_unicode_digits_are_400_problems(client, other_digits, parameter):
    """Bounded fuzzing: 25 values per parameter, some ASCII digits of a valid value
    swapped for random Nd/No characters (seeded: a failure reproduces)."""
    valid, problem_type = PARAMETERS[parameter][2], PARAMETERS[parameter][3]
    chooser = random.Random(f"{parameter}-17")  # noqa: S311 - seeded fuzzing, not secrets
    positions = [position for position, char in enumerate(valid) if char in "0123456789"]
    for _ in range(25):
        value = list(valid)
        for position in chooser.sample(positions, chooser.randint(1, len(positions))):
            value[position] = chooser.choice(other_digits)
        _assert_problem(_get(client, parameter, "".join(value)), problem_type)


def test_gunicorn_settings_are_ascii_whole_numbers(monkeypatch):
    monkeypatch.setenv("THREADS", "¹")
    with pytest.raises(SystemExit, match="THREADS"):
        runpy.run_path(str(REPOSITORY_DIR / "gunicorn.conf.py"))


@pytest.mark.parametrize(
    ("path", "unknown", "taken"),
    [
        ("/v1/articles", "cod", "code, system, modified_since, page, lang"),
        ("/v1/articles", "Code", "code, system, modified_since, page, lang"),
        ("/v1/languages", "pagee", "page, lang"),
        ("/v1/languages", "code", "page, lang"),
    ],
)
def test_lists_refuse_a_parameter_they_do_not_take(client, path, unknown, taken):
    """A misspelt filter is a 400 naming it, never the unfiltered list."""
    response = client.get(
        path, query_string={unknown: "L90.6", "page": "1"}, headers={"Accept-Language": "es"}
    )
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == "urn:patient-info:problem:unknown-parameter"
    assert problem["language"] == "es"
    assert f'"{unknown}"' in problem["detail"] or f"«{unknown}»" in problem["detail"]
    assert taken in problem["detail"]


def test_a_long_unknown_parameter_is_shown_cut():
    client = create_app({"TESTING": True}).test_client()
    response = client.get("/v1/articles", query_string={"x" * 5000: "1"})
    assert response.status_code == 400
    assert "x" * 39 + "…" in response.get_json()["detail"]
    assert "x" * 41 not in response.get_json()["detail"]


@pytest.mark.parametrize(
    "path",
    [
        f"/v1/articles/{SLUG}?utm_source=portal",
        f"/v1/articles/{SLUG}/sections/pain?utm_source=portal",
        "/v1/infobutton?mainSearchCriteria.v.c=L90.6&patientPerson.administrativeGenderCode.c=F"
        "&age.v.v=40&age.v.u=a&taskContext.c.c=PROBLISTREV",
    ],
)
def test_single_resources_and_the_infobutton_ignore_other_parameters(client, path):
    assert client.get(path).status_code == 200
