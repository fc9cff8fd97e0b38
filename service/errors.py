"""Every error, whatever raised it, becomes one localized RFC 9457 problem+json response."""

import logging
from dataclasses import dataclass

from flask import Flask, Response, request
from flask_babel import force_locale, lazy_gettext
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from service.headers import PROBLEM_JSON
from service.payloads import current_store, serialize
from service.schemas import ProblemSchema

log = logging.getLogger(__name__)

PROBLEM_TYPE_PREFIX = "urn:patient-info:problem:"
_MAX_INSTANCE_LENGTH = 2048


@dataclass(frozen=True)
class ProblemType:
    """A kind of problem: its status, its URN and its (translatable) title and detail."""

    name: str
    status: int
    title: str
    detail: str

    @property
    def uri(self) -> str:
        return PROBLEM_TYPE_PREFIX + self.name


# Translators: "lang" is a parameter name, "es" and "pt-BR" are language tags and
# /v1/articles is an address: keep them exactly as they are.
INVALID_LANGUAGE = {
    "malformed": ProblemType(
        "invalid-language",
        400,
        lazy_gettext("Invalid language parameter"),
        lazy_gettext(
            'The "lang" parameter must be one well-formed BCP 47 language tag, '
            'such as "es" or "pt-BR".'
        ),
    ),
    "empty": ProblemType(
        "invalid-language",
        400,
        lazy_gettext("Invalid language parameter"),
        lazy_gettext(
            'The "lang" parameter is empty. Give a language tag such as "es", or leave it out.'
        ),
    ),
    "repeated": ProblemType(
        "invalid-language",
        400,
        lazy_gettext("Invalid language parameter"),
        lazy_gettext('The "lang" parameter was given more than once. Give it once.'),
    ),
}
ARTICLE_NOT_FOUND = ProblemType(
    "article-not-found",
    404,
    lazy_gettext("Article not found"),
    lazy_gettext("There is no article with this slug. The list of articles is at /v1/articles."),
)
SECTION_NOT_FOUND = ProblemType(
    "section-not-found",
    404,
    lazy_gettext("Section not found"),
    # Translators: %(sections_url)s is an address such as /v1/articles/some-article/sections.
    lazy_gettext(
        "This article has no section with this id. Its sections are listed at %(sections_url)s."
    ),
)
NOT_FOUND = ProblemType(
    "not-found",
    404,
    lazy_gettext("Not found"),
    lazy_gettext("There is nothing at this address. The list of articles is at /v1/articles."),
)
METHOD_NOT_ALLOWED = ProblemType(
    "method-not-allowed",
    405,
    lazy_gettext("Method not allowed"),
    # Translators: %(methods)s is a list of HTTP methods such as "GET, HEAD, OPTIONS".
    lazy_gettext("This address only answers these methods: %(methods)s."),
)
BAD_REQUEST = ProblemType(
    "bad-request",
    400,
    lazy_gettext("Bad request"),
    lazy_gettext("The request could not be understood."),
)
REQUEST_ERROR = ProblemType(
    "request-error",
    400,
    lazy_gettext("Request error"),
    # Translators: %(status)s is an HTTP status code such as 413.
    lazy_gettext("The request could not be processed (HTTP status %(status)s)."),
)
INTERNAL_ERROR = ProblemType(
    "internal-error",
    500,
    lazy_gettext("Internal server error"),
    lazy_gettext("Something went wrong on our side. Please try again later."),
)


class Problem(Exception):
    """Raise to answer with a problem+json of a given type."""

    def __init__(self, problem_type: ProblemType, headers=(), **detail_values):
        super().__init__(problem_type.name)
        self.problem_type = problem_type
        self.headers = tuple(headers)
        self.detail_values = detail_values


def _error_language() -> str:
    """The language errors are in: negotiated as usual, a bad `lang` simply ignored."""
    negotiation = current_store().negotiator.negotiate(
        tuple(request.args.getlist("lang")), request.headers.get("Accept-Language", "")
    )
    return negotiation.served


def problem_response(problem: Problem) -> Response:
    """Render a Problem in the request's language, with no-store and CORS headers."""
    problem_type, status = problem.problem_type, problem.problem_type.status
    language = _error_language()
    with force_locale(language.replace("-", "_")):
        title = str(problem_type.title)
        detail = str(problem_type.detail)
        if problem.detail_values:
            detail %= problem.detail_values
    body = serialize(
        ProblemSchema(),
        {
            "type": problem_type.uri,
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.path[:_MAX_INSTANCE_LENGTH],
            "language": language,
        },
        f"problem {problem_type.name}",
    )
    headers = (
        *current_store().policy.uncacheable(PROBLEM_JSON),
        ("Content-Language", language),
        *problem.headers,
    )
    return Response(body, status=status, headers=headers)


def _from_http_exception(error: HTTPException) -> Problem:
    if isinstance(error, MethodNotAllowed):
        allowed = ", ".join(sorted(error.valid_methods or ()))
        return Problem(METHOD_NOT_ALLOWED, headers=(("Allow", allowed),), methods=allowed)
    if error.code == 404:
        return Problem(NOT_FOUND)
    if error.code == 400:
        return Problem(BAD_REQUEST)
    generic = ProblemType(**{**vars(REQUEST_ERROR), "status": error.code or 500})
    return Problem(generic, status=generic.status)


def register_error_handlers(app: Flask):
    """Answer every error with problem+json; never let a stack trace reach a client."""

    @app.errorhandler(Problem)
    def handle_problem(problem: Problem):
        return problem_response(problem)

    @app.errorhandler(HTTPException)
    def handle_http_exception(error: HTTPException):
        return problem_response(_from_http_exception(error))

    @app.errorhandler(Exception)
    def handle_unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path[:200])
        return problem_response(Problem(INTERNAL_ERROR))
