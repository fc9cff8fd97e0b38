"""An article as schema.org JSON-LD and as FHIR: the representations clinic systems expect.

Both are built from the same localized text as the JSON article, so they say the same
thing in the same languages: a section served in English inside another language says
so (`inLanguage` on its `WebPageElement`; `lang` on its FHIR narrative). What the source
does not state is left out, never invented: no `dateModified`, `license`,
`lastReviewed` or `reviewedBy` in JSON-LD, no FHIR `attester`, and a FHIR
data-absent-reason where FHIR requires a value (`Composition.date`, `author`).

FHIR: a `Composition` rather than a `DocumentReference`. A DocumentReference only
points at another document (our JSON article), so an EHR would need a second request
and our JSON schema to show anything; a Composition carries the text itself, one
`section` per article section with its XHTML narrative, which any FHIR client can
display. FHIR R4B (4.3), the version fhir.resources validates it with in the tests.

An article's "also called" terms are the `alternateName` of the MedicalCondition it is
`about` (they name the condition, not the page). FHIR gets none: a Composition has no
element for other names of its subject (no keyword or topic, unlike the knowledge
resources), and a narrative line would need a label of our own, in every language.
"""

from dataclasses import dataclass
from xml.etree import ElementTree

from service.catalogs import Provenance
from service.content.model import Article, Block
from service.content.render import LinkUrl, blocks_html, structured_text
from service.i18n import N_, SOURCE_LANGUAGE, text_direction
from service.localization import Localized, LocalizedTerms

SCHEMA_ORG_CONTEXT = "https://schema.org"
XHTML_NAMESPACE = "http://www.w3.org/1999/xhtml"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
# Translators: the kind of document an article is, for FHIR clients.
FHIR_DOCUMENT_TYPE = N_("Patient information article")


@dataclass(frozen=True)
class LocalizedArticle:
    """One article as served in one language: what every representation is built from."""

    language: str  # the negotiated language
    article: Article
    url: str  # the canonical URL of the article in this language
    title: str
    also_called: LocalizedTerms
    sections: list[dict]  # as the JSON article has them: heading, paragraphs, language...
    disclaimer: Localized
    review_summary: Localized
    document_type: Localized
    translation: Provenance | None  # of the article's catalog; None for the English
    link_url: LinkUrl  # where a link to another article or section points (absolute)


def _optional(**values) -> dict:
    """The given values that are known (not None): absent ones are left out."""
    return {name: value for name, value in values.items() if value is not None}


def medical_web_page(localized: LocalizedArticle) -> dict:
    """The article as a schema.org MedicalWebPage (fields named as MedicalWebPageSchema's)."""
    metadata = localized.article.metadata
    return {
        "context": SCHEMA_ORG_CONTEXT,
        "type": "MedicalWebPage",
        "url": localized.url,
        "in_language": localized.language,
        "name": localized.title,
        "about": {
            "type": "MedicalCondition",
            "code": [
                {
                    "type": "MedicalCode",
                    "code_value": code.code,
                    "coding_system": code.system_name,
                    "name": code.display,
                }
                for code in metadata.codes
            ],
            **(
                {"alternate_name": list(localized.also_called.terms)}
                if localized.also_called.terms
                else {}
            ),
        },
        "has_part": [
            {
                "type": "WebPageElement",
                "position": section["position"],
                "url": section["url"],
                "in_language": section["language"],
                **_optional(name=section["heading"]),
                "text": structured_text(section["tree"]),
            }
            for section in localized.sections
        ],
        "usage_info": [
            {"type": "CreativeWork", "in_language": notice.language, "text": notice.text}
            for notice in (localized.disclaimer, localized.review_summary)
        ],
        **_optional(
            credit_text=metadata.attribution,
            license=metadata.license,
            is_based_on=metadata.source_url,
            date_published=metadata.published,
            date_modified=metadata.modified,
        ),
        **(
            _optional(last_reviewed=metadata.last_reviewed, reviewed_by=metadata.reviewed_by)
            if metadata.clinical_review == "reviewed"
            else {}
        ),
        **(
            {"translator": {"type": "Organization", "name": localized.translation.translated_by}}
            if localized.translation and localized.translation.translated_by
            else {}
        ),
    }


def _narrative(language: str, paragraphs: list[Localized | str]) -> dict:
    """A FHIR Narrative: an XHTML div in `language`, a paragraph in another says so."""
    div = ElementTree.Element("div", {"xmlns": XHTML_NAMESPACE, **_language_attributes(language)})
    for paragraph in paragraphs:
        text, paragraph_language = (
            (paragraph.text, paragraph.language)
            if isinstance(paragraph, Localized)
            else (paragraph, language)
        )
        attributes = (
            _language_attributes(paragraph_language) if paragraph_language != language else {}
        )
        ElementTree.SubElement(div, "p", attributes).text = text
    return {"status": "additional", "div": ElementTree.tostring(div, encoding="unicode")}


def _blocks_narrative(language: str, blocks: tuple[Block, ...], localized) -> dict:
    """A FHIR Narrative of a section's blocks: XHTML lists, quotes, marks and links (a
    call-out as a div: FHIR's XHTML has no aside), every text escaped."""
    attributes = " ".join(
        f'{name}="{value}"' for name, value in _language_attributes(language).items()
    )
    body = blocks_html(blocks, localized.link_url, callout_tag="div")
    return {
        "status": "additional",
        "div": f'<div xmlns="{XHTML_NAMESPACE}" {attributes}>{body}</div>',
    }


def _language_attributes(language: str) -> dict:
    """XHTML's lang, xml:lang and dir (English inside Arabic must say ltr)."""
    return {"lang": language, "xml:lang": language, "dir": text_direction(language)}


def _absent(reason: str = "unknown") -> dict:
    """An element FHIR requires but the source does not state (data-absent-reason)."""
    return {"extension": [{"url": DATA_ABSENT_REASON, "value_code": reason}]}


def _attesters(localized: LocalizedArticle) -> list[dict]:
    """Who vouched for this text: a clinician for the article, and a qualified medical
    translator for its translation, each only when the review happened."""
    metadata = localized.article.metadata
    attesters = []
    if metadata.clinical_review == "reviewed" and metadata.reviewed_by:
        attesters.append(
            {
                "mode": "professional",
                "party": {"display": metadata.reviewed_by},
                **_optional(time=metadata.last_reviewed),
            }
        )
    review = localized.translation and localized.translation.medical_review
    if review and review.reviewed:
        qualification = f" ({review.qualification})" if review.qualification else ""
        attesters.append(
            {
                "mode": "professional",
                "party": {"display": f"{review.reviewer}{qualification}, translation review"},
                **_optional(time=review.date),
            }
        )
    return attesters


def fhir_composition(localized: LocalizedArticle) -> dict:
    """The article as a FHIR R4B Composition (fields named as FhirCompositionSchema's)."""
    metadata = localized.article.metadata
    notices = [localized.review_summary, localized.disclaimer]
    stated = [
        Localized(text, SOURCE_LANGUAGE)
        for text in (metadata.attribution, metadata.license)
        if text
    ]
    return {
        "resource_type": "Composition",
        "language": localized.language,
        "text": _narrative(localized.language, [*notices, *stated]),
        "status": "final",
        "type": {"text": localized.document_type.text},
        **({"date": metadata.modified} if metadata.modified else {"date_element": _absent()}),
        "author": [_absent()],
        "title": localized.title,
        **({"attester": attesters} if (attesters := _attesters(localized)) else {}),
        "section": [
            {
                **_optional(title=section["heading"]),
                "text": _blocks_narrative(section["language"], section["tree"], localized),
            }
            for section in localized.sections
        ],
    }
