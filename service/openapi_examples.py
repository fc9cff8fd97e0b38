"""The OpenAPI document's response examples: the app's own answers to real requests.

Each example is what the app answers to the request listed here, made through Flask's
test client when the document is rendered, so an example cannot drift from what is
served: a changed payload changes openapi.yaml, and `make openapi-check` says so.
Content examples are in English, the source language, so a translation's progress does
not change them (bar `languages_available` when a language is added or leaves).

A request that does not get the answer its example is for (content without the example
article, say) leaves that example out; tests/test_openapi.py checks the shipped content
gives every one.
"""

import datetime
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.http import parse_options_header

from service.api.serving import withdrawn_problem
from service.content.model import Withdrawal
from service.errors import (
    ARTICLE_NOT_FOUND,
    BUNDLE_NOT_FOUND,
    CODE_REQUIRED,
    ENCODING_NOT_ACCEPTABLE,
    INTERNAL_ERROR,
    INVALID_CODE,
    INVALID_HOST,
    INVALID_LANGUAGE,
    INVALID_PAGE,
    INVALID_QUERY,
    INVALID_RESPONSE_TYPE,
    INVALID_TIMESTAMP,
    NOT_ACCEPTABLE,
    PAGE_NOT_FOUND,
    SECTION_NOT_FOUND,
    UNKNOWN_CODE_SYSTEM,
    UNKNOWN_PARAMETER,
    Problem,
    ProblemType,
    problem_response,
)
from service.media_types import FHIR_JSON, HTML_FRAGMENT, JSON_LD
from service.observability import REQUEST_ID

EXAMPLE_SLUG = "laser-treatment-for-stretch-marks"
EXAMPLE_SECTION = "pain"
EXAMPLE_CODE = "L90.6"
# Sent as X-Request-ID with every example request, so the examples' request_id is fixed.
EXAMPLE_REQUEST_ID = "5f0c6a4e9b8d2c170000000000000001"
PROBLEM_MEDIA_TYPE = "application/problem+json"

_ARTICLE = f"/v1/articles/{EXAMPLE_SLUG}"
_SECTION = f"{_ARTICLE}/sections/{EXAMPLE_SECTION}"
_INFOBUTTON = f"/v1/infobutton?mainSearchCriteria.v.c={EXAMPLE_CODE}"


@dataclass(frozen=True)
class ExampleRequest:
    """A request whose answer is an example: its name in the document, and the request."""

    name: str
    target: str  # path and query
    headers: tuple[tuple[str, str], ...] = ()
    method: str = "GET"

    @property
    def summary(self) -> str:
        sent = "".join(f" ({name}: {value})" for name, value in self.headers)
        return f"{self.method} {self.target}{sent}"


def _accepting(name: str, target: str, media_type: str) -> ExampleRequest:
    return ExampleRequest(name, target, (("Accept", parse_options_header(media_type)[0]),))


# The 200 examples, by operationId, then media type.
CONTENT_EXAMPLES: dict[str, dict[str, ExampleRequest]] = {
    "getHealth": {"application/json": ExampleRequest("alive", "/healthz")},
    "listArticles": {
        "application/json": ExampleRequest("codeLookup", f"/v1/articles?code={EXAMPLE_CODE}")
    },
    "getArticle": {
        "application/json": ExampleRequest("article", _ARTICLE),
        "application/ld+json": _accepting("medicalWebPage", _ARTICLE, JSON_LD),
        "application/fhir+json": _accepting("fhirComposition", _ARTICLE, FHIR_JSON),
    },
    "listSections": {"application/json": ExampleRequest("sections", f"{_ARTICLE}/sections")},
    "getSection": {
        "application/json": ExampleRequest("section", _SECTION),
        "text/html": _accepting("htmlFragment", _SECTION, HTML_FRAGMENT),
    },
    "searchArticles": {"application/json": ExampleRequest("search", "/v1/search?q=laser&lang=en")},
    "getInfobuttonFeed": {
        "application/atom+xml": ExampleRequest("atomFeed", _INFOBUTTON),
        "application/json": ExampleRequest(
            "jsonFeed", f"{_INFOBUTTON}&knowledgeResponseType=application/json"
        ),
    },
}

ProblemExample = tuple[ProblemType, ExampleRequest]


def _problem(
    problem_type: ProblemType, target: str, *headers: tuple[str, str], method="GET", variant=""
) -> ProblemExample:
    """A request answered with this problem type (the example's name, plus `variant`)."""
    name = f"{problem_type.name}-{variant}" if variant else problem_type.name
    return problem_type, ExampleRequest(name, target, headers, method)


_LOOKUP = "/v1/articles?code="
_ICD10CM_OID = "2.16.840.1.113883.6.90"
# The problem examples, by response component.
PROBLEM_EXAMPLES: dict[str, tuple[ProblemExample, ...]] = {
    "BadRequest": (_problem(INVALID_HOST, "/healthz", ("Host", "bad host")),),
    "InvalidLanguage": (
        _problem(INVALID_LANGUAGE["malformed"], f"{_ARTICLE}?lang=es--MX"),
        _problem(INVALID_LANGUAGE["empty"], f"{_ARTICLE}?lang=", variant="empty"),
        _problem(INVALID_LANGUAGE["repeated"], f"{_ARTICLE}?lang=es&lang=fr", variant="repeated"),
    ),
    "InvalidParameter": (
        _problem(UNKNOWN_PARAMETER, "/v1/articles?colour=red"),
        _problem(INVALID_PAGE, "/v1/articles?page=0"),
        _problem(INVALID_TIMESTAMP, "/v1/articles?modified_since=yesterday"),
        _problem(INVALID_CODE, f"{_LOOKUP}Q&system=icd10cm"),
        _problem(UNKNOWN_CODE_SYSTEM, f"{_LOOKUP}L90&system=loinc"),
        _problem(CODE_REQUIRED, "/v1/articles?system=icd10cm"),
        _problem(INVALID_LANGUAGE["malformed"], "/v1/articles?lang=es--MX"),
        _problem(INVALID_QUERY["missing"], "/v1/search?q=", variant="missing"),
        _problem(INVALID_QUERY["too-long"], f"/v1/search?q={'word+' * 40}", variant="too-long"),
    ),
    "InvalidInfobuttonRequest": (
        _problem(CODE_REQUIRED, "/v1/infobutton"),
        _problem(
            INVALID_CODE,
            f"/v1/infobutton?mainSearchCriteria.v.c=Q&mainSearchCriteria.v.cs={_ICD10CM_OID}",
        ),
        _problem(UNKNOWN_CODE_SYSTEM, f"{_INFOBUTTON}&mainSearchCriteria.v.cs=loinc"),
        _problem(INVALID_RESPONSE_TYPE, f"{_INFOBUTTON}&knowledgeResponseType=text/csv"),
    ),
    "NotFound": (
        _problem(ARTICLE_NOT_FOUND, "/v1/articles/no-such-article"),
        _problem(SECTION_NOT_FOUND, f"{_ARTICLE}/sections/no-such-section"),
        _problem(PAGE_NOT_FOUND, "/v1/articles?page=999"),
    ),
    "BundleNotFound": (_problem(BUNDLE_NOT_FOUND, "/v1/bundles/tlh"),),
    "NotAcceptable": (
        _problem(NOT_ACCEPTABLE, _ARTICLE, ("Accept", "image/png")),
        # A body under 1 KB has no gzip twin, so refusing identity leaves no coding.
        _problem(
            ENCODING_NOT_ACCEPTABLE,
            _SECTION,
            ("Accept", "text/html"),
            ("Accept-Encoding", "identity;q=0"),
        ),
    ),
}
# Problems no request to the shipped content can bring, rendered by the error handler
# as it would answer them, by response component: a 500 (a request that could make one
# is a bug), and a 410 (the shipped content withdraws no article).
RENDERED_PROBLEMS: dict[str, tuple[str, str, Callable[[], Problem]]] = {
    "InternalError": (_ARTICLE, "on a fault of ours", lambda: Problem(INTERNAL_ERROR)),
    "Gone": (
        "/v1/articles/old-advice",
        "once that article is withdrawn",
        lambda: withdrawn_problem(
            Withdrawal(datetime.date(2026, 11, 30), "Superseded by current guidance.")
        ),
    ),
}


def _value(body: bytes, media_type: str):
    """A JSON body as its value, any other as its text."""
    essence = parse_options_header(media_type)[0]
    is_json = essence.endswith(("/json", "+json"))
    return json.loads(body) if is_json else body.decode()


def _answer(client: FlaskClient, request: ExampleRequest, status: int, media_type: str):
    """The body the app answers `request` with, or None when it is not the `status` and
    `media_type` (compared without parameters) the example is for."""
    response = client.open(
        request.target,
        method=request.method,
        headers=[*request.headers, ("X-Request-ID", EXAMPLE_REQUEST_ID)],
        environ_overrides={REQUEST_ID: EXAMPLE_REQUEST_ID},  # when not via the middleware
    )
    if response.status_code != status or response.mimetype != parse_options_header(media_type)[0]:
        return None
    return _value(response.data, media_type)


@contextmanager
def _example_client(app: Flask) -> Iterator[FlaskClient]:
    """A test client whose requests do not count as the app's first: create_app renders
    the document, and Flask refuses setup (a route, a hook) after a first request."""
    first_request_seen = app._got_first_request
    try:
        yield app.test_client()
    finally:
        app._got_first_request = first_request_seen


def _example(request: ExampleRequest, value) -> dict:
    return {request.name: {"summary": request.summary, "value": value}}


def _rendered_example(app: Flask, path: str, when: str, problem: Problem) -> dict:
    with app.test_request_context(path, environ_overrides={REQUEST_ID: EXAMPLE_REQUEST_ID}):
        body = problem_response(problem).get_data()
    value = json.loads(body)
    return {value["type"].rsplit(":", 1)[-1]: {"summary": f"GET {path}, {when}", "value": value}}


def add_examples(app: Flask, document: dict) -> None:
    """Put the examples into the document (a dict, as APISpec.to_dict gives it)."""
    responses = document["components"]["responses"]
    with _example_client(app) as client:
        for operations in document["paths"].values():
            get = operations["get"]
            content = get["responses"]["200"].get("content", {})
            for media_type, request in CONTENT_EXAMPLES.get(get["operationId"], {}).items():
                if media_type not in content:
                    raise ValueError(f"{get['operationId']} documents no {media_type}")
                value = _answer(client, request, 200, media_type)
                if value is not None:
                    content[media_type]["examples"] = _example(request, value)
        for name, problems in PROBLEM_EXAMPLES.items():
            examples: dict[str, dict] = {}
            for problem_type, request in problems:
                value = _answer(client, request, problem_type.status, PROBLEM_MEDIA_TYPE)
                if value is not None and value["type"] == problem_type.uri:
                    examples |= _example(request, value)
            if examples:
                responses[name]["content"][PROBLEM_MEDIA_TYPE]["examples"] = examples
    for name, (path, when, problem) in RENDERED_PROBLEMS.items():
        content = responses[name]["content"][PROBLEM_MEDIA_TYPE]
        content["examples"] = _rendered_example(app, path, when, problem())
