"""Every error, whatever raised it, becomes one localized RFC 9457 problem+json response."""

import logging
from dataclasses import dataclass

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from service.headers import PROBLEM_JSON
from service.i18n import N_
from service.observability import REQUEST_ID
from service.payloads import current_store
from service.schemas import ProblemSchema
from service.validation import serialize

log = logging.getLogger(__name__)
# (language, English detail) pairs whose translation failed to format, logged once each.
_formatting_failures: set[tuple[str, str]] = set()

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
        N_("Invalid language parameter"),
        N_(
            'The "lang" parameter must be one well-formed BCP 47 language tag, '
            'such as "es" or "pt-BR".'
        ),
    ),
    "empty": ProblemType(
        "invalid-language",
        400,
        N_("Invalid language parameter"),
        N_('The "lang" parameter is empty. Give a language tag such as "es", or leave it out.'),
    ),
    "repeated": ProblemType(
        "invalid-language",
        400,
        N_("Invalid language parameter"),
        N_('The "lang" parameter was given more than once. Give it once.'),
    ),
}
# Translators: "page" is a parameter name: keep it as it is.
PAGE_RULE = N_('The "page" parameter must be given once, as a whole number from 1 to %(pages)s.')
INVALID_PAGE = ProblemType("invalid-page", 400, N_("Invalid page parameter"), PAGE_RULE)
PAGE_NOT_FOUND = ProblemType("page-not-found", 404, N_("Page not found"), PAGE_RULE)
ARTICLE_NOT_FOUND = ProblemType(
    "article-not-found",
    404,
    N_("Article not found"),
    N_("There is no article with this slug. The list of articles is at /v1/articles."),
)
ARTICLE_WITHDRAWN = ProblemType(
    "article-withdrawn",
    410,
    N_("Article withdrawn"),
    # Translators: %(date)s is a date such as 2026-11-30.
    N_(
        "This article was withdrawn on %(date)s and is no longer published. "
        "The list of articles is at /v1/articles."
    ),
)
SECTION_NOT_FOUND = ProblemType(
    "section-not-found",
    404,
    N_("Section not found"),
    # Translators: %(sections_url)s is an address such as /v1/articles/some-article/sections.
    N_("This article has no section with this id. Its sections are listed at %(sections_url)s."),
)
BUNDLE_NOT_FOUND = ProblemType(
    "bundle-not-found",
    404,
    N_("Bundle not found"),
    N_(
        "There is no bundle for this language. Bundles exist for the languages "
        "listed at /v1/languages."
    ),
)
NOT_FOUND = ProblemType(
    "not-found",
    404,
    N_("Not found"),
    N_("There is nothing at this address. The list of articles is at /v1/articles."),
)
METHOD_NOT_ALLOWED = ProblemType(
    "method-not-allowed",
    405,
    N_("Method not allowed"),
    # Translators: %(methods)s is a list of HTTP methods such as "GET, HEAD, OPTIONS".
    N_("This address only answers these methods: %(methods)s."),
)
NOT_ACCEPTABLE = ProblemType(
    "not-acceptable",
    406,
    N_("Format not available"),
    # Translators: %(media_types)s is a list of media types; keep it, and
    # Accept (an HTTP header) and JSON, exactly as they are.
    N_(
        "This address can only answer in these formats: %(media_types)s. Ask for one of "
        "them in the Accept header, or leave the header out to get JSON."
    ),
)
INVALID_TIMESTAMP = ProblemType(
    "invalid-timestamp",
    400,
    N_("Invalid date and time"),
    # Translators: "modified_since" is a parameter name and
    # "2026-01-31T12:00:00Z" an example value: keep both as they are.
    N_(
        'The "modified_since" parameter must be given once, as an RFC 3339 date and time '
        'with a time zone, such as "2026-01-31T12:00:00Z".'
    ),
)
BAD_REQUEST = ProblemType(
    "bad-request",
    400,
    N_("Bad request"),
    N_("The request could not be understood."),
)
# RFC 9112 section 3.2 (service/host_header.py); bad-request's texts, translated everywhere.
INVALID_HOST = ProblemType("invalid-host", 400, BAD_REQUEST.title, BAD_REQUEST.detail)
REQUEST_ERROR = ProblemType(
    "request-error",
    400,
    N_("Request error"),
    # Translators: %(status)s is an HTTP status code such as 413.
    N_("The request could not be processed (HTTP status %(status)s)."),
)
INVALID_CODE = ProblemType(
    "invalid-code",
    400,
    N_("Invalid medical code"),
    # Translators: keep ICD-10-CM and the codes "L90" and "L90.6" as they are.
    N_(
        'This is not a valid ICD-10-CM code. ICD-10-CM codes look like "L90" or "L90.6": '
        "three characters, then optionally a dot and up to four more."
    ),
)
CODE_REQUIRED = ProblemType(
    "code-required",
    400,
    N_("Missing medical code"),
    # Translators: keep %(parameter)s (a parameter) and "L90.6" as they are.
    N_('Give the "%(parameter)s" parameter once, with the code to look up, such as "L90.6".'),
)
UNKNOWN_CODE_SYSTEM = ProblemType(
    "unknown-code-system",
    400,
    N_("Unknown code system"),
    # Translators: %(parameter)s is a parameter, %(systems)s code systems.
    N_(
        'The "%(parameter)s" parameter must be given at most once and name a code system '
        "we know: %(systems)s."
    ),
)
INVALID_RESPONSE_TYPE = ProblemType(
    "invalid-response-type",
    400,
    N_("Unsupported response type"),
    # Translators: keep knowledgeResponseType and its values as they are.
    N_(
        'The "knowledgeResponseType" parameter must be given at most once, as "text/xml" '
        '(an Atom feed, the default) or "application/json".'
    ),
)
UNKNOWN_PARAMETER = ProblemType(
    "unknown-parameter",
    400,
    N_("Unknown parameter"),
    # Translators: %(parameter)s is the parameter name the client sent.
    # %(parameters)s lists parameter names, such as "code, page, lang". Keep both as they are.
    N_('This address takes no "%(parameter)s" parameter. It takes: %(parameters)s.'),
)
INVALID_QUERY = {
    "missing": ProblemType(
        "invalid-query",
        400,
        N_("Invalid search query"),
        # Translators: "q" is a parameter name: keep it as it is.
        N_('Give the words to search for once, in the "q" parameter.'),
    ),
    "too-long": ProblemType(
        "invalid-query",
        400,
        N_("Invalid search query"),
        # Translators: keep "q" as it is; %(characters)s and %(words)s are numbers.
        N_('The "q" parameter may hold at most %(characters)s characters and %(words)s words.'),
    ),
}
# Its own type, in the words of REQUEST_ERROR (already translated everywhere).
ENCODING_NOT_ACCEPTABLE = ProblemType(
    "encoding-not-acceptable", 406, REQUEST_ERROR.title, REQUEST_ERROR.detail
)
INTERNAL_ERROR = ProblemType(
    "internal-error",
    500,
    N_("Internal server error"),
    N_("Something went wrong on our side. Please try again later."),
)

# Every problem type the service answers with, in the order the README lists them
# (service/readme.py writes that list; tests/test_errors.py fails when a type defined
# anywhere in the service is missing here). A name may have several details
# (INVALID_LANGUAGE), never two statuses or titles.
PROBLEM_TYPES: tuple[ProblemType, ...] = (
    *INVALID_LANGUAGE.values(),
    INVALID_PAGE,
    INVALID_TIMESTAMP,
    INVALID_CODE,
    CODE_REQUIRED,
    UNKNOWN_CODE_SYSTEM,
    INVALID_RESPONSE_TYPE,
    UNKNOWN_PARAMETER,
    *INVALID_QUERY.values(),
    BAD_REQUEST,
    INVALID_HOST,
    REQUEST_ERROR,
    PAGE_NOT_FOUND,
    ARTICLE_NOT_FOUND,
    SECTION_NOT_FOUND,
    BUNDLE_NOT_FOUND,
    NOT_FOUND,
    ARTICLE_WITHDRAWN,
    METHOD_NOT_ALLOWED,
    NOT_ACCEPTABLE,
    ENCODING_NOT_ACCEPTABLE,
    INTERNAL_ERROR,
)


def documented_problem_types() -> tuple[tuple[ProblemType, str], ...]:
    """One (type, its status as documented) per name, in PROBLEM_TYPES' order: the list the
    README and the OpenAPI document give. request-error answers with the status of the
    error it stands for (_from_http_exception)."""
    shown = {
        problem_type.name: (
            problem_type,
            "another 4xx (e.g. 413)" if problem_type == REQUEST_ERROR else str(problem_type.status),
        )
        for problem_type in PROBLEM_TYPES
    }
    return tuple(shown.values())


class Problem(Exception):
    """Raise to answer with a problem+json of a given type."""

    def __init__(
        self, problem_type: ProblemType, headers=(), language=None, members=None, **detail_values
    ):
        super().__init__(problem_type.name)
        self.problem_type = problem_type
        self.headers = tuple(headers)
        self.language = language  # set by views that negotiate from other parameters
        self.members = members or {}  # RFC 9457 extension members (ProblemSchema's)
        self.detail_values = detail_values


def _error_language() -> str:
    """The language errors are in: negotiated as usual, a bad `lang` simply ignored."""
    negotiation = current_store().negotiator.negotiate(
        tuple(request.args.getlist("lang")), request.headers.get("Accept-Language", "")
    )
    return negotiation.served


def _formatted(translated: str, english: str, problem: Problem, language: str) -> str:
    """Fill in the detail's values; English for this entry if the translation can't."""
    if not problem.detail_values:
        return translated
    try:
        return translated % problem.detail_values
    except (KeyError, ValueError, TypeError) as error:
        if (language, english) not in _formatting_failures:
            _formatting_failures.add((language, english))
            log.warning(
                "translation of %r in %s fails to format (%s); English served",
                english,
                language,
                error,
            )
        return english % problem.detail_values


def problem_response(problem: Problem) -> Response:
    """Render a Problem in the request's language, with no-store and CORS headers."""
    problem_type, status = problem.problem_type, problem.problem_type.status
    language = problem.language or _error_language()
    localizer = current_store().localizer(language)
    title = localizer.interface(problem_type.title).text
    detail_template = localizer.interface(problem_type.detail).text
    detail = _formatted(detail_template, problem_type.detail, problem, language)
    body = serialize(
        ProblemSchema(),
        {
            "type": problem_type.uri,
            "title": title,
            "status": status,
            "detail": detail,
            "instance": request.path[:_MAX_INSTANCE_LENGTH],
            "language": language,
            "request_id": request.environ.get(REQUEST_ID, ""),
            **problem.members,
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
        log.exception(
            "unhandled error on %s %s",
            request.method,
            request.path[:200],
            extra={"request_id": request.environ.get(REQUEST_ID)},
        )
        return problem_response(Problem(INTERNAL_ERROR))
