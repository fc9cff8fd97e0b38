"""Reading a medical code from a request: the code filter of GET /v1/articles
(?code=&system=) and the code of an Infobutton request share these rules.

The filter is its own small function so that other filters of the list compose with
it (ArticleSelection supports `&`).
"""

from werkzeug.datastructures import MultiDict

from service.codes import SYSTEM_SPELLINGS, CodeQuery, MalformedCode, UnknownCodeSystem
from service.errors import CODE_REQUIRED, INVALID_CODE, UNKNOWN_CODE_SYSTEM, Problem
from service.payloads import ArticleSelection, current_store

CODE_PARAMETER = "code"
SYSTEM_PARAMETER = "system"
SYSTEM_LIST = ", ".join(
    spelling for spellings in SYSTEM_SPELLINGS.values() for spelling in spellings
)


def read_code_query(
    args: MultiDict, code_parameter: str, system_parameter: str, language: str | None = None
) -> CodeQuery:
    """The code (and system) a request names; a problem+json 400 if it names none or a bad one.

    `language` is the language of the problem when the view has negotiated it itself.
    """
    codes = args.getlist(code_parameter)
    if len(codes) != 1 or not codes[0]:
        raise Problem(CODE_REQUIRED, language=language, parameter=code_parameter)
    systems = args.getlist(system_parameter)
    unknown_system = Problem(
        UNKNOWN_CODE_SYSTEM, language=language, parameter=system_parameter, systems=SYSTEM_LIST
    )
    if len(systems) > 1:
        raise unknown_system
    try:
        return CodeQuery.parse(codes[0], systems[0] if systems else None)
    except UnknownCodeSystem:
        raise unknown_system from None
    except MalformedCode:
        raise Problem(INVALID_CODE, language=language) from None


def code_selection(args: MultiDict) -> ArticleSelection | None:
    """The articles `code` and `system` select (descendants included), or None without them."""
    if CODE_PARAMETER not in args and SYSTEM_PARAMETER not in args:
        return None
    query = read_code_query(args, CODE_PARAMETER, SYSTEM_PARAMETER)
    parameters: tuple[tuple[str, str], ...] = ((CODE_PARAMETER, query.code),)
    if query.system:
        parameters += ((SYSTEM_PARAMETER, query.system),)
    return ArticleSelection(current_store().codes.search(query), parameters)
