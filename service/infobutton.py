"""HL7 Infobutton knowledge responses that MedlinePlus Connect clients read unchanged.

A request names one code (mainSearchCriteria.v.c, its system in .v.cs) and the
patient's language (informationRecipient.languageCode.c: BCP 47, or MedlinePlus's
"sp"); the answer is an Atom 1.0 feed of the articles for the code (or for its nearest
ICD-10-CM ancestor), as XML or as MedlinePlus Connect's JSON. Both are built from one
dict, dumped and validated through InfobuttonFeedSchema, once per distinct request.
"""

import datetime
import html
import re
from dataclasses import astuple, dataclass
from urllib.parse import quote
from xml.etree import ElementTree

from werkzeug.datastructures import MultiDict

from service import schemas
from service.codes import CodeQuery
from service.content.model import CODE_SYSTEMS, Article
from service.content.render import blocks_html
from service.encoding import Payload, build_payload
from service.errors import INVALID_RESPONSE_TYPE, Problem
from service.headers import JSON
from service.i18n import N_, text_direction
from service.localization import DISCLAIMER, REVIEW_SUMMARIES, Localizer
from service.modified import language_modified
from service.payloads import PayloadStore, links_in
from service.urls import article_url, with_lang
from service.validation import serialize, validated_dump

CODE_PARAMETER = "mainSearchCriteria.v.c"
SYSTEM_PARAMETER = "mainSearchCriteria.v.cs"
DISPLAY_NAME_PARAMETER = "mainSearchCriteria.v.dn"
LANGUAGE_PARAMETER = "informationRecipient.languageCode.c"
RESPONSE_TYPE_PARAMETER = "knowledgeResponseType"
# Echoed in the feed's categories, as MedlinePlus Connect does.
ECHOED_PARAMETERS = (CODE_PARAMETER, SYSTEM_PARAMETER, DISPLAY_NAME_PARAMETER, LANGUAGE_PARAMETER)
# MedlinePlus Connect's clients send "sp" for Spanish.
LANGUAGE_ALIASES = {"sp": "es"}
ATOM_XML = "application/atom+xml; charset=utf-8"
RESPONSE_TYPES = {"text/xml": ATOM_XML, "application/json": JSON}
DEFAULT_RESPONSE_TYPE = "text/xml"
# MedlinePlus Connect answers with up to three topics; a bound keeps every feed small.
MAX_ENTRIES = 10
AUTHOR = "Patient-information API"

ATOM_NAMESPACE = "http://www.w3.org/2005/Atom"
# Atom as the default namespace (<feed xmlns="...">), as feed readers expect.
ElementTree.register_namespace("", ATOM_NAMESPACE)
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# Characters XML 1.0 cannot carry (client text is echoed): written as U+FFFD in Atom.
_NOT_XML_CHARACTERS = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

# Translators: the title of a list of articles shown to a patient.
FEED_TITLE = N_("Patient health information")
# Translators: %(system)s is a code system (ICD-10-CM), %(code)s a code.
FEED_SUBTITLE = N_("Articles for %(system)s code %(code)s")
# Translators: %(code)s is a medical code such as L90.6: keep it as it is.
FEED_SUBTITLE_ANY_SYSTEM = N_("Articles for code %(code)s")


def infobutton_language_values(args: MultiDict) -> tuple[str, ...]:
    """The recipient's language as `lang` values for the one negotiator ("sp" is "es")."""
    return tuple(
        LANGUAGE_ALIASES.get(value.lower(), value) for value in args.getlist(LANGUAGE_PARAMETER)[:1]
    )


def response_content_type(args: MultiDict, language: str) -> str:
    """The content type knowledgeResponseType asks for (Atom XML by default)."""
    values = args.getlist(RESPONSE_TYPE_PARAMETER) or [DEFAULT_RESPONSE_TYPE]
    if len(values) > 1 or values[0] not in RESPONSE_TYPES:
        raise Problem(INVALID_RESPONSE_TYPE, language=language)
    return RESPONSE_TYPES[values[0]]


@dataclass(frozen=True)
class KnowledgeRequest:
    """What a feed depends on besides its language: hashable, so feeds are memoized."""

    query: CodeQuery
    categories: tuple[tuple[str, str], ...]  # (scheme, term) echoed from the request
    content_type: str

    @classmethod
    def of(cls, query: CodeQuery, args: MultiDict, content_type: str) -> "KnowledgeRequest":
        categories = tuple(
            (name, value) for name in ECHOED_PARAMETERS for value in args.getlist(name)
        )
        return cls(query, categories, content_type)


def _atom_date(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _text(value: str, language: str, enclosing: str) -> dict:
    """An Atom text construct, with its own language when it differs from its parent's."""
    return {"value": value, "type": "text", **({"lang": language} if language != enclosing else {})}


def _paragraph(text: str, language: str, enclosing: str) -> str:
    attributes = (
        f' lang="{language}" dir="{text_direction(language)}"' if language != enclosing else ""
    )
    return f"<p{attributes}>{html.escape(text, quote=False)}</p>"


def summary_html(opening: str, notices: list[tuple[str, str]], language: str) -> str:
    """The opening's HTML (its blocks, rendered and escaped) and the notices as escaped
    paragraphs, in a block that says its language and direction."""
    body = opening + "".join(_paragraph(text, tag, language) for text, tag in notices)
    return f'<div lang="{language}" dir="{text_direction(language)}">{body}</div>'


@dataclass(frozen=True)
class _Entry:
    body: dict
    languages: tuple[str, ...]
    updated: datetime.datetime


def _entry(store: PayloadStore, candidates: tuple[str, ...], article: Article) -> _Entry:
    """One feed entry, in the first of `candidates` the article is available in: title,
    the article's opening, review status, disclaimer, link."""
    tag = store.served_language(candidates, article.slug)
    localizer = store.localizer(tag)
    title = localizer.title(article)
    opening = localizer.section(article, article.sections[0])
    notices = [
        astuple(localizer.interface(REVIEW_SUMMARIES[article.metadata.clinical_review])),
        astuple(localizer.interface(DISCLAIMER)),
    ]
    links = links_in(tag)
    opening_html = blocks_html(
        opening.blocks, lambda slug, section_id: store.public_url(links(slug, section_id))
    )
    updated = store.modified[article.slug, tag]
    body = {
        "lang": opening.language,
        "title": _text(title.text, title.language, opening.language),
        "link": [
            {
                "href": store.public_url(with_lang(article_url(article.slug), tag)),
                "rel": "alternate",
                "type": "application/json",
                "hreflang": tag,
                "title": title.text,
            }
        ],
        "id": {"value": f"urn:patient-info:article:{article.slug}:{tag}"},
        "updated": {"value": _atom_date(updated)},
        "summary": {
            "value": summary_html(opening_html, notices, opening.language),
            "type": "html",
        },
    }
    languages = (title.language, opening.language, *(language for _, language in notices))
    return _Entry(body, languages, updated)


def _subtitle(localizer: Localizer, query: CodeQuery) -> tuple[str, str]:
    if query.system is None:
        subtitle = localizer.interface(FEED_SUBTITLE_ANY_SYSTEM)
        return subtitle.text % {"code": query.code}, subtitle.language
    subtitle = localizer.interface(FEED_SUBTITLE)
    values = {"system": CODE_SYSTEMS[query.system][0], "code": query.code}
    return subtitle.text % values, subtitle.language


def feed_document(
    store: PayloadStore, candidates: tuple[str, ...], knowledge: KnowledgeRequest
) -> tuple[dict, list]:
    """The feed as MedlinePlus Connect's JSON shapes it (before dumping), and its languages:
    in the first candidate, each entry in the first the article is available in."""
    tag = candidates[0]
    localizer = store.localizer(tag)
    query = knowledge.query
    slugs = store.codes.nearest(query)[:MAX_ENTRIES]
    entries = [_entry(store, candidates, store.articles[slug]) for slug in slugs]
    title, title_language = astuple(localizer.interface(FEED_TITLE))
    subtitle, subtitle_language = _subtitle(localizer, query)
    text_updated = language_modified(store.catalogs.template, store.catalogs.interface.get(tag))
    updated = max([text_updated, *(entry.updated for entry in entries)])
    feed = {
        "lang": tag,
        "title": _text(title, title_language, tag),
        "subtitle": _text(subtitle, subtitle_language, tag),
        "author": {"name": {"value": AUTHOR}},
        "updated": {"value": _atom_date(updated)},
        "id": {
            "value": f"urn:patient-info:infobutton:{query.system or 'any'}:"
            f"{quote(query.code, safe='')}:{tag}"
        },
        "category": [{"scheme": scheme, "term": term} for scheme, term in knowledge.categories],
        "entry": [entry.body for entry in entries],
    }
    languages = [tag, title_language, subtitle_language]
    languages += [language for entry in entries for language in entry.languages]
    return {"feed": feed}, languages


def _xml_text(text: str) -> str:
    return _NOT_XML_CHARACTERS.sub("\ufffd", text)


def _atom_element(parent, name: str, text: str | None = None, **attributes) -> ElementTree.Element:
    """An Atom element; ElementTree escapes, and characters XML cannot carry are replaced."""
    element = ElementTree.SubElement(
        parent,
        f"{{{ATOM_NAMESPACE}}}{name}",
        {key: _xml_text(value) for key, value in attributes.items()},
    )
    element.text = text and _xml_text(text)
    return element


def _atom_text(parent, name: str, construct: dict) -> None:
    attributes = {"type": construct["type"]}
    if "lang" in construct:
        attributes[_XML_LANG] = construct["lang"]
    _atom_element(parent, name, construct["_value"], **attributes)


def atom_xml(document: dict) -> bytes:
    """The dumped feed as Atom 1.0 XML (RFC 4287), written by ElementTree."""
    feed = document["feed"]
    root = ElementTree.Element(f"{{{ATOM_NAMESPACE}}}feed", {_XML_LANG: feed["lang"]})
    _atom_text(root, "title", feed["title"])
    _atom_text(root, "subtitle", feed["subtitle"])
    author = _atom_element(root, "author")
    _atom_element(author, "name", feed["author"]["name"]["_value"])
    _atom_element(root, "updated", feed["updated"]["_value"])
    _atom_element(root, "id", feed["id"]["_value"])
    for category in feed["category"]:
        _atom_element(root, "category", scheme=category["scheme"], term=category["term"])
    for entry in feed["entry"]:
        element = _atom_element(root, "entry", **{_XML_LANG: entry["lang"]})
        _atom_text(element, "title", entry["title"])
        for link in entry["link"]:
            _atom_element(element, "link", **link)
        _atom_element(element, "id", entry["id"]["_value"])
        _atom_element(element, "updated", entry["updated"]["_value"])
        _atom_text(element, "summary", entry["summary"])
    return ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)


def build_feed(
    store: PayloadStore, candidates: tuple[str, ...], knowledge: KnowledgeRequest
) -> Payload:
    """The feed's bytes and headers, in the requested representation (a memoized builder:
    the store, the languages, then the query, as every builder of the store's memo)."""
    tag = candidates[0]
    schema, where = schemas.InfobuttonFeedSchema(), f"infobutton feed [{', '.join(candidates)}]"
    document, languages = feed_document(store, candidates, knowledge)
    if knowledge.content_type == ATOM_XML:
        body = atom_xml(validated_dump(schema, document, where))
    else:
        body = serialize(schema, document, where)
    present = ", ".join(dict.fromkeys(languages))
    return build_payload(
        body,
        tag,
        store.policy,
        knowledge.content_type,
        vary=("Accept-Language",),
        extra=(("Content-Language", present),),
    )
