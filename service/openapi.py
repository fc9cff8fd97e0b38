"""Generate the OpenAPI 3.1 document from the routes, their docstrings and the schemas.

Each view documents its GET in its docstring, with a stable `operationId` (the method
name generated clients get); this module adds what every route shares (the response
headers, each defined once as a component; the 400 and 500 any request can get), lists
the problem types from errors.PROBLEM_TYPES, and takes the examples from the app's own
answers (service/openapi_examples.py), so no view repeats it and nothing drifts.

HEAD and OPTIONS answer on every path (HEAD: the GET's headers, no body; OPTIONS: 204,
`Allow` and the CORS preflight), as the document's description says. They are left out
of the published document, where each would become a generated client method nobody
calls; the schema fuzzing test (tests/test_fuzzing.py) renders the document with them
(`every_method=True`) so they are still exercised.
"""

import copy
from itertools import chain

import yaml
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec.yaml_utils import load_operations_from_docstring
from apispec_webframeworks.flask import FlaskPlugin
from flask import Flask

from service.api.search import MAX_QUERY_CHARACTERS, MAX_QUERY_WORDS
from service.codes import ICD10CM, SYSTEM_OIDS, SYSTEM_SPELLINGS
from service.config import REPOSITORY_DIR, SERVICE_VERSION
from service.content.model import CODE_SYSTEMS
from service.errors import documented_problem_types
from service.headers import (
    ALLOWED_METHODS,
    CORS_EXPOSED_HEADERS,
    CORS_REQUEST_HEADERS,
    PREFLIGHT_MAX_AGE,
)
from service.i18n import LANGUAGE_TAG_PATTERN, MAX_TAG_LENGTH
from service.observability import REQUEST_ID_PATTERN
from service.openapi_examples import EXAMPLE_REQUEST_ID, EXAMPLE_SECTION, EXAMPLE_SLUG, add_examples
from service.validation import register_schemas

# Blueprints of HTML pages for people, not API: left out of the document, so it is
# the same whether or not they are enabled (service/preview.py, PREVIEW_ENABLED).
PAGE_BLUEPRINTS = ("preview",)


DESCRIPTION = f"""\
Health articles for patients, section by section, in many languages.

**Language.** Give `lang` (one BCP 47 tag) or `Accept-Language`. `lang` wins when it
names a language we offer; otherwise `Accept-Language` is looked up range by range
(RFC 4647, with likely scripts: `zh-CN` gets `zh-Hans`, `zh-TW` and `yue` `zh-Hant`,
`pt-PT` `pt-BR`); then English. `GET /v1/languages` lists the languages offered, each
with its text direction. Every response says what it is in:
`Content-Language`, and `language`, `direction` and (when it differs)
`requested_language` in the body. A section that is
not completely translated is served whole in English, with its own `language: "en"`.

**Representations.** JSON by default. An article is also served as schema.org JSON-LD
(`Accept: application/ld+json`, a `MedicalWebPage`) and as a FHIR R4B `Composition`
(`Accept: application/fhir+json`), built from the same text: a section served in
English says so there too. `Accept` q-values are honoured; a type a resource does not
have is a 406 listing those it has. These two carry no `requested_language`. A section
is also a sanitized HTML fragment (`Accept: text/html`), rendered from its `blocks`,
with `lang` and `dir` on its root. The Infobutton answers Atom XML unless
`knowledgeResponseType=application/json` asks for JSON (it does not read `Accept`).

**Caching.** Every representation has a strong `ETag`; send it back in
`If-None-Match` for a 304. Responses carry `Cache-Control: public, max-age=...` and
`Vary: Accept-Language` (articles and sections: `Vary: Accept, Accept-Language`).

**HEAD and OPTIONS** answer on every path, and are not listed per path: HEAD gives the
GET's status and headers without a body; OPTIONS answers 204 with `Allow: {ALLOWED_METHODS}`
and the CORS preflight headers.

**CORS.** Responses carry `Access-Control-Allow-Origin` (`*`, or the request's origin
when it is on the operator's list, then with `Vary: Origin`) and
`Access-Control-Expose-Headers: {CORS_EXPOSED_HEADERS}`, so a browser portal can
revalidate, page and quote a request id.

**Errors** are RFC 9457 `application/problem+json`, in the negotiated language, never
stored by caches (`Cache-Control: no-store`). Their `type` is one of the URIs the
`Problem` schema lists (tell them apart by `type`, not by `title` or `detail`, which are
translated). Every operation may answer 500 (`internal-error`), and 400 `invalid-host`
for a malformed `Host` header. Any method other than GET, HEAD and OPTIONS, on any path,
is a 405 `method-not-allowed` problem with an `Allow` header; no operation lists it, as
none can get it (an unused response component would break client generators). Every response
carries `X-Request-ID` (yours when you send a well-formed one, else a new one): quote it
when you report a problem.
"""

# Each operation's tag must be one of these (build_spec refuses another).
TAGS = {
    "articles": "The articles, whole, and their list (with the code lookup and the change feed).",
    "sections": "An article's sections, one at a time.",
    "languages": "The languages served and how complete each is.",
    "search": "Sections matching a patient's words, in the patient's language.",
    "bundles": "Every article of a language in one download, for apps that read offline.",
    "infobutton": "HL7 Infobutton (Context-Aware Knowledge Retrieval), as MedlinePlus "
    "Connect answers it.",
    "operations": "Probes and this document.",
}


def _header(description: str, example: str, *, required: bool = False, **schema) -> dict:
    return {
        "description": description,
        **({"required": True} if required else {}),
        "schema": {"type": "string", **schema},
        "example": example,
    }


# Response headers, each defined once as a component (named as sent, but NoStore, a
# Cache-Control). `required` where the document lists one, it is always sent.
_HEADERS = {
    "ETag": _header(
        "Strong validator of this representation (language and media type included): "
        "send it back in If-None-Match.",
        '"0a600e65b1cd17f5dd2fb1747e826ff5"',
        required=True,
        pattern='^"[!#-~]*"$',
    ),
    "Cache-Control": _header(
        "public, max-age=N (CACHE_MAX_AGE, default 3600).",
        "public, max-age=3600",
        required=True,
        pattern="^public, max-age=[0-9]+$",
    ),
    "NoStore": _header("Never stored by a cache.", "no-store", required=True, enum=["no-store"]),
    "Vary": _header(
        "Accept-Language (articles and sections: Accept, Accept-Language); Accept-Encoding "
        "when a gzip twin exists (bodies over 1 KB); Origin when CORS origins are a list.",
        "Accept, Accept-Language, Accept-Encoding",
    ),
    "Content-Language": _header(
        "The languages present in the body, the served one first.",
        "es, en",
        required=True,
    ),
    "Content-Location": _header(
        "The canonical URL of this content in the served language (?lang=).",
        f"/v1/articles/{EXAMPLE_SLUG}?lang=es",
    ),
    "Content-Encoding": _header(
        "gzip when the client accepts it and the body is over 1 KB.", "gzip", enum=["gzip"]
    ),
    "Link": _header(
        "RFC 8288 links to the first, prev, next and last pages.",
        '</v1/articles?page=1&lang=es>; rel="first", </v1/articles?page=2&lang=es>; '
        'rel="next", </v1/articles?page=20&lang=es>; rel="last"',
    ),
    "X-Request-ID": _header(
        "This request's id, also in logs and in a problem's request_id: the client's "
        f"X-Request-ID when it matches {REQUEST_ID_PATTERN}, else a new one.",
        EXAMPLE_REQUEST_ID,
        required=True,
        pattern=f"^{REQUEST_ID_PATTERN}$",
    ),
    "Access-Control-Allow-Origin": _header(
        "CORS: * by default; with a list of origins (CORS_ALLOWED_ORIGINS), the request's "
        "Origin when listed (with Vary: Origin), else absent.",
        "*",
    ),
    "Access-Control-Expose-Headers": _header(
        "CORS: the response headers a browser portal's script may read.",
        CORS_EXPOSED_HEADERS,
        required=True,
        enum=[CORS_EXPOSED_HEADERS],
    ),
}
# Every response carries these.
_COMMON_HEADERS = ("X-Request-ID", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers")
# An OPTIONS answer's, in the document with every method only (where OPTIONS is).
_PREFLIGHT_HEADERS = {
    "Allow": _header(
        "The methods this resource answers.",
        ALLOWED_METHODS,
        required=True,
        enum=[ALLOWED_METHODS],
    ),
    "Access-Control-Allow-Methods": _header(
        "CORS preflight: the methods allowed.",
        ALLOWED_METHODS,
        required=True,
        enum=[ALLOWED_METHODS],
    ),
    "Access-Control-Allow-Headers": _header(
        "CORS preflight: the request headers a portal may send.",
        CORS_REQUEST_HEADERS,
        required=True,
        enum=[CORS_REQUEST_HEADERS],
    ),
    "Access-Control-Max-Age": _header(
        "CORS preflight: seconds a browser may keep this answer.",
        PREFLIGHT_MAX_AGE,
        required=True,
        enum=[PREFLIGHT_MAX_AGE],
    ),
}
# The headers of a cacheable 200 (a list's: Link too), unless its docstring lists its own.
_CONTENT_HEADERS = (
    "ETag",
    "Cache-Control",
    "Vary",
    "Content-Language",
    "Content-Location",
    "Content-Encoding",
)


def _headers(*names: str, **renamed: str) -> dict:
    """References to header components, then those every response carries; `renamed`
    sends a component under another name (Cache-Control="NoStore")."""
    references = {name: name for name in names} | renamed
    references |= {name: name for name in _COMMON_HEADERS}
    return {
        name: {"$ref": f"#/components/headers/{component}"}
        for name, component in references.items()
    }


def _problem(description: str, *headers: str) -> dict:
    return {
        "description": description,
        "headers": _headers("Content-Language", *headers, **{"Cache-Control": "NoStore"}),
        "content": {"application/problem+json": {"schema": "Problem"}},
    }


_INVALID_HOST = " Any request: a malformed Host header (invalid-host)."


def _register_components(spec: APISpec, *, every_method: bool):
    register_schemas(spec)
    for name, header in (_HEADERS | (_PREFLIGHT_HEADERS if every_method else {})).items():
        spec.components.header(name, header)
    string = {"type": "string"}
    spec.components.parameter(
        "slug",
        "path",
        {
            "description": "Article slug (any other value: 404).",
            "schema": string,
            "example": EXAMPLE_SLUG,
        },
    )
    spec.components.parameter(
        "section_id",
        "path",
        {"description": "Section id.", "schema": string, "example": EXAMPLE_SECTION},
    )
    spec.components.parameter(
        "lang",
        "query",
        {
            "description": "One BCP 47 tag (an underscore is accepted as a hyphen; "
            "private-use tags such as x-private and RFC 5646's grandfathered tags are "
            "well-formed). Empty, repeated or malformed: 400. Well-formed but not offered: "
            "Accept-Language decides.",
            "schema": {**string, "pattern": LANGUAGE_TAG_PATTERN, "maxLength": MAX_TAG_LENGTH},
            "example": "es",
        },
    )
    spec.components.parameter(
        "page",
        "query",
        {
            "description": "Page of the article list (in the language list: the articles "
            "whose completeness is given), from 1 (default) to pagination.total_pages, in "
            "ASCII digits 0-9 only (no sign, space or other script's digits: 400).",
            "schema": {"type": "integer", "minimum": 1},
            "example": 1,
        },
    )
    spec.components.parameter(
        "q",
        "query",
        {
            "description": "The words to search for, in any of our languages, as a patient "
            f"types them: given once, not blank (else 400), at most {MAX_QUERY_CHARACTERS} "
            f"characters and {MAX_QUERY_WORDS} words (else 400). Characters with a meaning "
            "elsewhere (quotes, *, ?, regular expression signs) are only word separators here.",
            "required": True,
            "schema": {**string, "minLength": 1, "maxLength": MAX_QUERY_CHARACTERS},
            "example": "estrías",
        },
    )
    spec.components.parameter(
        "article",
        "query",
        {
            "description": "Search within this article only (its slug; no such article: 404).",
            "schema": string,
            "example": EXAMPLE_SLUG,
        },
    )
    spec.components.parameter(
        "modified_since",
        "query",
        {
            "description": "The change feed: only articles whose text in the response's "
            "language changed at or after this RFC 3339 date-time (with its offset). "
            "Poll with the latest `modified` seen. Repeated or invalid: 400.",
            "schema": {"type": "string", "format": "date-time"},
            "example": "2026-01-31T12:00:00Z",
        },
    )
    spec.components.parameter(
        "accept_encoding",
        "header",
        {
            "name": "Accept-Encoding",
            "description": "gzip is served for bodies over 1 KB when accepted. When "
            "identity is refused (identity;q=0, or *;q=0) and the body has no accepted "
            "coding (no gzip twin under 1 KB): 406.",
            "schema": string,
            "example": "gzip",
        },
    )
    spec.components.parameter(
        "accept_language",
        "header",
        {
            "name": "Accept-Language",
            "description": "Language preferences (RFC 9110); never an error.",
            "schema": string,
            "example": "es-MX,es;q=0.9",
        },
    )
    spec.components.parameter(
        "if_none_match",
        "header",
        {
            "name": "If-None-Match",
            "description": "ETags (weak comparison), a list, or *: 304 when one matches.",
            "schema": string,
        },
    )
    spec.components.response(
        "NotModified",
        {
            "description": "The representation matches If-None-Match.",
            "headers": _headers("ETag", "Cache-Control", "Vary", "Content-Location"),
        },
    )
    spec.components.response(
        "BadRequest", _problem("The request cannot be served as sent." + _INVALID_HOST)
    )
    spec.components.response(
        "InvalidLanguage",
        _problem("The lang parameter is empty, repeated or malformed." + _INVALID_HOST),
    )
    spec.components.response(
        "InvalidParameter",
        _problem(
            "The lang, page, code, system, modified_since, q or article parameter is empty, "
            "repeated, malformed or out of range (q: invalid-query), or system names no "
            "system we know; or, on the article and language lists and search, a parameter "
            "they do not take (a misspelt filter "
            "is an error, never the unfiltered list). Other addresses ignore parameters "
            "they do not take; the Infobutton takes HL7's context parameters and ignores "
            "them." + _INVALID_HOST
        ),
    )
    spec.components.response(
        "NotFound",
        _problem(
            "No article, no section, or no such page at this address. A withdrawn article and "
            "everything under it answer 410 instead."
        ),
    )
    spec.components.response(
        "Gone",
        _problem(
            "The article was withdrawn (article-withdrawn): `withdrawn_at` says when and "
            "`reason` why. Delete any copy of it."
        ),
    )
    spec.components.response(
        "BundleNotFound", _problem("No bundle for this language: it is not offered.")
    )
    spec.components.parameter(
        "language",  # named as the path's argument, as the OPTIONS operations need
        "path",
        {
            "description": "An offered language's BCP 47 tag, as GET /v1/languages lists it "
            "(any case; an underscore is read as a hyphen). Any other: 404.",
            "schema": string,
            "example": "es",
        },
    )
    spec.components.response(
        "NotAcceptable",
        _problem(
            "Accept allows none of this resource's media types (the detail lists them), or "
            "Accept-Encoding refuses every coding this body has (encoding-not-acceptable)."
        ),
    )
    spec.components.response(
        "InternalError", _problem("A fault of ours (logged with the request id).")
    )
    _register_code_components(spec)


def _code_parameters(
    spec: APISpec, code: tuple[str, str], system: tuple[str, str], *, infobutton: bool
) -> None:
    """A code and its system as two plain query parameters (component name, query name).

    JSON Schema cannot say across two parameters that a code must look like ICD-10-CM
    when the system is ICD-10-CM, so the descriptions say it; the schema fuzzing config
    (schemathesis.toml) knows such a schema-valid request may be refused with a 400."""
    (code_component, code_name), (system_component, system_name) = code, system
    systems = "; ".join(
        f"{CODE_SYSTEMS[each][0]}: {', '.join(spellings)}"
        for each, spellings in SYSTEM_SPELLINGS.items()
    )
    icd10cm = ", ".join(f"`{spelling}`" for spelling in SYSTEM_SPELLINGS[ICD10CM])
    shape = (
        f"When `{system_name}` names ICD-10-CM ({icd10cm}), `{code_name}` must look like an "
        "ICD-10-CM code (a letter, a digit, a digit or letter, then optionally up to four "
        "letters or digits after an optional dot: L90, l90.6, L9062), else 400; this rule "
        "ties the two parameters, so their schemas cannot state it. ICD-10-CM codes match "
        "in any case, with or without the dot."
    )
    if infobutton:
        code_description = (
            "The code (required). A code with no article walks up its ICD-10-CM hierarchy "
            f"to the nearest ancestor that has one (L90.62 finds L90.6), in every system "
            f"unless `{system_name}` names one. Missing, empty or repeated: 400. {shape}"
        )
        system_description = (
            f"The system of `{code_name}` (any system when absent), by short name, URI or "
            f"OID ({systems}). Any other value, or repeated: 400. {shape}"
        )
        examples = ("L90.62", SYSTEM_OIDS[ICD10CM])
    else:
        code_description = (
            "Only the articles with this code or, for ICD-10-CM, a descendant (L90 finds "
            f"L90.6), in every system unless `{system_name}` names one; no match: an empty "
            f"list. Empty or repeated: 400. {shape}"
        )
        system_description = (
            f"The system of `{code_name}`, by short name, URI or OID ({systems}). Any other "
            f"value, or repeated: 400. Only with `{code_name}`: `{system_name}` alone is a "
            f"400. {shape}"
        )
        examples = ("L90.6", ICD10CM)
    spec.components.parameter(
        code_component,
        "query",
        {
            "name": code_name,
            "description": code_description,
            **({"required": True} if infobutton else {}),
            "schema": {"type": "string", "minLength": 1},
            "example": examples[0],
        },
    )
    spec.components.parameter(
        system_component,
        "query",
        {
            "name": system_name,
            "description": system_description,
            "schema": {"type": "string", "enum": list(chain(*SYSTEM_SPELLINGS.values()))},
            "example": examples[1],
        },
    )


def _register_code_components(spec: APISpec):
    """Parameters and responses of the code lookup and the Infobutton endpoint."""
    _code_parameters(spec, ("code", "code"), ("system", "system"), infobutton=False)
    _code_parameters(
        spec,
        ("infobutton_code", "mainSearchCriteria.v.c"),
        ("infobutton_system", "mainSearchCriteria.v.cs"),
        infobutton=True,
    )
    spec.components.parameter(
        "infobutton_display_name",
        "query",
        {
            "name": "mainSearchCriteria.v.dn",
            "description": "The code's display name: echoed in the feed's categories only.",
            "schema": {"type": "string"},
            "example": "Striae atrophicae",
        },
    )
    spec.components.parameter(
        "infobutton_language",
        "query",
        {
            "name": "informationRecipient.languageCode.c",
            "description": "The patient's language: a BCP 47 tag, or `sp` (Spanish, as "
            "MedlinePlus Connect clients send it), negotiated like `lang`. Absent, not "
            "offered or malformed: Accept-Language decides, then English.",
            "schema": {"type": "string"},
            "example": "sp",
        },
    )
    spec.components.parameter(
        "knowledge_response_type",
        "query",
        {
            "name": "knowledgeResponseType",
            "description": "`text/xml` (default): an Atom 1.0 feed (application/atom+xml); "
            "`application/json`: the same feed in MedlinePlus Connect's JSON shape.",
            "schema": {"type": "string", "enum": ["text/xml", "application/json"]},
            "example": "application/json",
        },
    )
    spec.components.response(
        "InvalidInfobuttonRequest",
        _problem(
            "mainSearchCriteria.v.c is missing, empty or repeated, or is not an ICD-10-CM "
            "code while mainSearchCriteria.v.cs names ICD-10-CM; mainSearchCriteria.v.cs "
            "names no system we know; or knowledgeResponseType is neither text/xml nor "
            "application/json. In the recipient's language." + _INVALID_HOST
        ),
    )


def _complete_operations(
    operations: dict, path_parameters: set[str], *, every_method: bool
) -> dict:
    """Add what every GET shares: its 200's headers, a 400 for a bad Host when it lists
    none, a 500; with `every_method`, a HEAD twin of the GET and OPTIONS."""
    get = operations["get"]
    responses = get["responses"]
    ok = responses["200"]
    content_headers = [*_CONTENT_HEADERS]
    if "page" in get.get("parameters", []):
        content_headers.insert(-1, "Link")
    listed = ok.get("headers")
    ok["headers"] = _headers(*content_headers) if listed is None else {**listed, **_headers()}
    responses.setdefault("400", "BadRequest")
    responses.setdefault("500", "InternalError")
    get["responses"] = dict(sorted(responses.items()))
    if unknown := set(get.get("tags", [])) - set(TAGS):
        raise ValueError(f"{get['operationId']}: tag {unknown} is not in openapi.TAGS")
    if not every_method:
        return {"get": get}
    head = copy.deepcopy(get)
    head["operationId"] = f"{get['operationId']}Head"
    head["summary"] = f"{get['summary']} (headers only)"
    head["responses"] = {
        status: {key: value for key, value in response.items() if key != "content"}
        if isinstance(response, dict)
        else response
        for status, response in head["responses"].items()
    }
    preflight = _headers("Allow", "Cache-Control", "Vary", *_PREFLIGHT_HEADERS)
    options = {
        "operationId": f"{get['operationId']}Options",
        "summary": "Allowed methods; CORS preflight",
        "tags": get.get("tags", []),
        "responses": {
            "204": {"description": "No content.", "headers": preflight},
            "400": "BadRequest",
            "500": "InternalError",
        },
    }
    if in_path := [name for name in get.get("parameters", []) if name in path_parameters]:
        options["parameters"] = in_path
    return {"get": get, "head": head, "options": options}


def build_spec(app: Flask, *, every_method: bool = False) -> APISpec:
    """Build the document from the app's URL map (with HEAD and OPTIONS: `every_method`)."""
    spec = APISpec(
        title="Patient-information API",
        version=SERVICE_VERSION,
        openapi_version="3.1.0",
        plugins=[MarshmallowPlugin()],
        info={
            "description": DESCRIPTION,
            "license": {"name": "MIT (code)", "identifier": "MIT"},
        },
        servers=[{"url": "/"}],
        # Public content: no operation needs credentials.
        security=[],
        tags=[{"name": name, "description": text} for name, text in TAGS.items()],
    )
    _register_components(spec, every_method=every_method)
    rules = sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)
    operation_ids: set[str] = set()
    for rule in rules:
        if rule.endpoint == "static" or rule.endpoint.split(".")[0] in PAGE_BLUEPRINTS:
            continue
        docstring = app.view_functions[rule.endpoint].__doc__ or ""
        operations = load_operations_from_docstring(docstring)
        if "get" not in operations or set(rule.methods or ()) - set(ALLOWED_METHODS.split(", ")):
            raise ValueError(f"{rule.rule}: every route is a documented GET")
        operation_id = operations["get"].get("operationId")
        if not operation_id or operation_id in operation_ids:
            raise ValueError(f"{rule.rule}: its GET needs an operationId of its own")
        operation_ids.add(operation_id)
        spec.path(
            path=FlaskPlugin.flaskpath2openapi(rule.rule),
            operations=_complete_operations(
                operations, set(rule.arguments), every_method=every_method
            ),
        )
    return spec


def _list_problem_types(document: dict) -> None:
    """The Problem schema's `type` lists every type (errors.PROBLEM_TYPES), not as an
    enum: a type added later must not break a client generated today."""
    listed = "\n".join(
        f"- `{problem_type.uri}`: {status}, {problem_type.title}"
        for problem_type, status in documented_problem_types()
    )
    document["components"]["schemas"]["Problem"]["properties"]["type"]["description"] = (
        "What went wrong, as a URI; one of these (more may be added: treat an unknown one "
        f"by its status):\n\n{listed}\n"
    )


class _ReadableDumper(yaml.CSafeDumper):
    """Write multi-line strings (descriptions) as YAML block literals, and no aliases.

    libyaml's emitter (PyYAML's wheels carry it) writes the same bytes as PyYAML's own,
    in a third of the time: every create_app renders the document."""

    def ignore_aliases(self, data):
        return True


_ReadableDumper.add_representer(
    str,
    lambda dumper, text: dumper.represent_scalar(
        "tag:yaml.org,2002:str", text, style="|" if "\n" in text else None
    ),
)


# Served at /openapi.yaml as it is committed (service/__init__.py).
COMMITTED_DOCUMENT = REPOSITORY_DIR / "openapi.yaml"


def render_document(app: Flask, *, every_method: bool = False) -> bytes:
    """The YAML document, as served at /openapi.yaml and committed as openapi.yaml (with
    HEAD and OPTIONS operations too: `every_method`, for the fuzzing test)."""
    document = build_spec(app, every_method=every_method).to_dict()
    _list_problem_types(document)
    add_examples(app, document)
    ordered = {
        key: document.pop(key) for key in ("openapi", "info", "servers", "security", "tags")
    } | document
    return yaml.dump(
        ordered, Dumper=_ReadableDumper, allow_unicode=True, width=100, sort_keys=False
    ).encode()
