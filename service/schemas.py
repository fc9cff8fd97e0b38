"""Every response shape, as a marshmallow schema: payloads are dumped and validated here,
and the OpenAPI document is generated from these classes."""

from marshmallow import Schema, fields, validate

from service.catalogs import MEDICAL_REVIEW_STATUSES

DIRECTIONS = ("ltr", "rtl")
REVIEW_STATUSES = ("not_reviewed", "reviewed")
LANGUAGE_STATUSES = ("source", "complete", "in_progress")
TAG = {"example": "es"}


class LocalizedSchema(Schema):
    """Fields every negotiated response starts with: what it is in."""

    language = fields.String(
        required=True, metadata={"description": "BCP 47 tag of the language served.", **TAG}
    )
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    requested_language = fields.String(
        metadata={
            "description": "The tag the client asked for (lang parameter, else its first "
            "Accept-Language range), present only when it differs from `language`.",
            "example": "es-MX",
        }
    )


class CodeSchema(Schema):
    system = fields.String(required=True, metadata={"example": "http://hl7.org/fhir/sid/icd-10-cm"})
    system_name = fields.String(required=True, metadata={"example": "ICD-10-CM"})
    code = fields.String(required=True, metadata={"example": "L90.6"})
    display = fields.String(required=True, metadata={"example": "Striae atrophicae"})


class OutdatedReviewSchema(Schema):
    """A medical review recorded for a translation whose text has changed since."""

    reviewer = fields.String(required=True)
    qualification = fields.String(required=True)
    date = fields.Date(required=True)


class MedicalReviewSchema(Schema):
    """A qualified medical translator's sign-off of a translation as it is served;
    `reviewer`, `qualification` and `date` are null unless `reviewed`."""

    reviewed = fields.Boolean(
        required=True,
        metadata={"description": "A review covers the text as served (status reviewed)."},
    )
    reviewer = fields.String(required=True, allow_none=True)
    qualification = fields.String(required=True, allow_none=True)
    date = fields.Date(required=True, allow_none=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(MEDICAL_REVIEW_STATUSES),
        metadata={
            "description": "reviewed; outdated: a review was recorded, but the text changed "
            "since (or the review records no digest of the text it covered), so it counts "
            "as not reviewed; none: no review."
        },
    )
    outdated_review = fields.Nested(
        OutdatedReviewSchema,
        required=True,
        allow_none=True,
        metadata={
            "description": "The review that no longer covers the text; null unless outdated."
        },
    )


class TranslationSchema(Schema):
    """Who translated this text and who checked it, from its article catalog's headers."""

    language = fields.String(required=True, metadata=TAG)
    translated_by = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "Who translated it, and how (for example AI-assisted)."},
    )
    last_translator = fields.String(required=True, allow_none=True)
    revised = fields.AwareDateTime(
        required=True,
        allow_none=True,
        metadata={"description": "The catalog's last revision (PO-Revision-Date)."},
    )
    medical_review = fields.Nested(MedicalReviewSchema, required=True)


class Prebuilt(fields.Nested):
    """A nested value the payload builder makes in its documented JSON form once and
    shares (a catalog's provenance, dumped through its schema; a section's blocks,
    rendered from its tree): thousands of payloads carry them, and a marshmallow dump of
    each was a tenth of start-up. Every payload is still validated against the schema's
    JSON Schema, so a value not in that form cannot be served."""

    # Named as Nested names it (marshmallow's Nested renames Field's `value`).
    def _serialize(self, nested_obj, attr, obj, **kwargs):  # type: ignore[override]
        return nested_obj


def _translation_field(what: str) -> fields.Nested:
    return Prebuilt(
        TranslationSchema,
        required=True,
        allow_none=True,
        metadata={"description": f"Provenance of {what}'s translation; null for the English."},
    )


MARKS = ("emphasis", "strong")
BLOCK_TYPES = ("paragraph", "list", "quote", "callout")
CALLOUT_KINDS = ("note", "tip", "important", "warning", "caution")


class SpanSchema(Schema):
    """A run of text with the same marks; a link when it has `href`."""

    text = fields.String(required=True)
    marks = fields.List(
        fields.String(validate=validate.OneOf(MARKS)),
        metadata={"description": "Absent when the text is plain."},
    )
    href = fields.String(
        metadata={
            "description": "A link: an https:// address, or the API URL of another article "
            "or section in this article's language (?lang=); absent when not a link.",
            "example": "/v1/articles/laser-treatment-for-stretch-marks?lang=es",
        }
    )
    article = fields.String(metadata={"description": "An internal link's article slug."})
    section = fields.String(
        allow_none=True,
        metadata={"description": "An internal link's section id (null: the whole article)."},
    )


class ListItemSchema(Schema):
    text = fields.List(fields.Nested(SpanSchema), required=True)
    ordered = fields.Boolean(metadata={"description": "Whether `items` is numbered."})
    items = fields.List(
        fields.Nested(lambda: ListItemSchema()),  # noqa: PLW0108 - defined below
        metadata={"description": "A nested list (one level), when the item has one."},
    )


class BlockSchema(Schema):
    """One block of a section: `paragraph` (`text`), `list` (`ordered`, `items`), `quote`
    (`blocks`) or `callout` (`kind`, `blocks`: a note, tip or warning set apart)."""

    type = fields.String(required=True, validate=validate.OneOf(BLOCK_TYPES))
    text = fields.List(fields.Nested(SpanSchema), metadata={"description": "paragraph"})
    ordered = fields.Boolean(metadata={"description": "list"})
    items = fields.List(fields.Nested(ListItemSchema), metadata={"description": "list"})
    kind = fields.String(
        validate=validate.OneOf(CALLOUT_KINDS), metadata={"description": "callout"}
    )
    blocks = fields.List(
        fields.Nested(lambda: BlockSchema()),  # noqa: PLW0108 - defined below
        metadata={"description": "quote, callout"},
    )


def _blocks_field() -> Prebuilt:
    return Prebuilt(
        BlockSchema,
        many=True,
        required=True,
        metadata={
            "description": "The section's text as typed blocks with inline marks and "
            "links: what `paragraphs` flattens (one string per paragraph or list item)."
        },
    )


class SectionEntrySchema(Schema):
    """A section as listed in an index: where it is, not what it says."""

    id = fields.String(required=True, metadata={"example": "pain"})
    heading = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "null for a section with no heading in the source."},
    )
    position = fields.Integer(required=True, validate=validate.Range(min=1))
    language = fields.String(
        required=True,
        metadata={"description": "Language of this section (English when untranslated)."},
    )
    url = fields.String(required=True)


class SectionBodySchema(SectionEntrySchema):
    """A section inside the whole article: translated by whoever the article's
    `translation` names when its `language` is the article's, else the English."""

    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    paragraphs = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    blocks = _blocks_field()


class ArticleBaseSchema(Schema):
    """What identifies an article, in lists and in full."""

    slug = fields.String(required=True, metadata={"example": "laser-treatment-for-stretch-marks"})
    title = fields.String(required=True)
    url = fields.String(required=True)
    languages_available = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "The languages this article is served in: its own catalog meets "
            "the completeness threshold (English always).",
            "example": ["en", "es"],
        },
    )
    codes = fields.List(fields.Nested(CodeSchema), required=True)
    modified = fields.AwareDateTime(
        required=True,
        metadata={
            "description": "When this article's text in this language last changed, at the "
            "latest: its catalog's revision (PO-Revision-Date) or the last extraction of "
            "the English (POT-Creation-Date), or a later dates.modified or "
            "dates.published. What GET /v1/articles?modified_since= compares.",
            "example": "2026-11-24T10:00:00+00:00",
        },
    )


class ArticleSummarySchema(ArticleBaseSchema):
    language = fields.String(
        required=True,
        metadata={
            "description": "The language this article is given in: the first the request "
            "accepts among its languages_available (English when none).",
            **TAG,
        },
    )
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    sections = fields.List(fields.Nested(SectionEntrySchema), required=True)


class PaginationSchema(Schema):
    page = fields.Integer(required=True, validate=validate.Range(min=1))
    per_page = fields.Integer(required=True, validate=validate.Range(min=1))
    total_articles = fields.Integer(required=True, validate=validate.Range(min=0))
    total_pages = fields.Integer(required=True, validate=validate.Range(min=1))


class RemovedArticleSchema(Schema):
    """A withdrawn article: delete any copy of it (its URL answers 410)."""

    slug = fields.String(required=True, metadata={"example": "an-outdated-article"})
    url = fields.String(required=True, metadata={"example": "/v1/articles/an-outdated-article"})
    removed_at = fields.AwareDateTime(
        required=True,
        metadata={
            "description": "When it was withdrawn (the start of that day, UTC).",
            "example": "2026-11-30T00:00:00+00:00",
        },
    )
    reason = fields.String(
        required=True, metadata={"description": "Why, as the editors wrote it (English)."}
    )


def _removed_field(description: str) -> fields.List:
    return fields.List(fields.Nested(RemovedArticleSchema), metadata={"description": description})


class ArticleListSchema(LocalizedSchema):
    articles = fields.List(fields.Nested(ArticleSummarySchema), required=True)
    pagination = fields.Nested(PaginationSchema, required=True)
    removed = _removed_field(
        "The change feed only (with modified_since): every article withdrawn at or after "
        "that moment, whatever the other filters, on every page (not paged). Delete your "
        "copies of them."
    )


class HighlightSchema(Schema):
    """One matched word in a snippet: [start, end) in code points of the snippet's text."""

    start = fields.Integer(required=True, validate=validate.Range(min=0))
    end = fields.Integer(required=True, validate=validate.Range(min=1))


class SnippetSchema(Schema):
    text = fields.String(
        required=True,
        metadata={
            "description": "Up to about 160 characters of the section's text around the "
            "matched words, with an ellipsis (…) where it was cut. Plain text, not HTML.",
            "example": "…eliminar las estrías es exactamente lo que su nombre indica…",
        },
    )
    highlights = fields.List(
        fields.Nested(HighlightSchema),
        required=True,
        metadata={
            "description": "The matched words in `text`, in order, not overlapping: each a "
            "half-open range [start, end) of code points (Python string indices; in "
            "JavaScript, positions in Array.from(text), not UTF-16 units), ellipses "
            "counted. Empty when only the title, heading or also-called names matched.",
            "example": [{"start": 11, "end": 18}],
        },
    )


class SearchArticleSchema(Schema):
    slug = fields.String(required=True, metadata={"example": "laser-treatment-for-stretch-marks"})
    title = fields.String(required=True)
    language = fields.String(
        required=True,
        metadata={
            "description": "The language the article is given in: the response's, or "
            "English for an article not available in it.",
            **TAG,
        },
    )
    url = fields.String(required=True, metadata={"description": "The article, in `language`."})


class SearchSectionSchema(Schema):
    id = fields.String(required=True, metadata={"example": "pain"})
    heading = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "null for a section with no heading in the source."},
    )
    position = fields.Integer(required=True, validate=validate.Range(min=1))


class SearchHitSchema(Schema):
    article = fields.Nested(SearchArticleSchema, required=True)
    section = fields.Nested(SearchSectionSchema, required=True)
    language = fields.String(
        required=True,
        metadata={
            "description": "The language of the matched text (English for an article, or a "
            "section, not translated into the response's language).",
            **TAG,
        },
    )
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    url = fields.String(
        required=True,
        metadata={
            "description": "The section's canonical URL, in the article's language.",
            "example": "/v1/articles/laser-treatment-for-stretch-marks/sections/pain?lang=es",
        },
    )
    snippet = fields.Nested(SnippetSchema, required=True)


class SearchPaginationSchema(Schema):
    page = fields.Integer(required=True, validate=validate.Range(min=1))
    per_page = fields.Integer(required=True, validate=validate.Range(min=1))
    total_hits = fields.Integer(
        required=True,
        validate=validate.Range(min=0),
        metadata={"description": "Every matching section (pages stop at 50)."},
    )
    total_pages = fields.Integer(required=True, validate=validate.Range(min=1, max=50))


class SearchResultsSchema(LocalizedSchema):
    query = fields.String(required=True, metadata={"description": "The q parameter, as given."})
    article = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The article searched within (the article parameter), or null."},
    )
    hits = fields.List(
        fields.Nested(SearchHitSchema),
        required=True,
        metadata={"description": "Matching sections, best first."},
    )
    pagination = fields.Nested(SearchPaginationSchema, required=True)


class DatesSchema(Schema):
    """Dates the source states; null when it does not say."""

    published = fields.Date(required=True, allow_none=True)
    modified = fields.Date(required=True, allow_none=True)
    last_reviewed = fields.Date(required=True, allow_none=True)
    review_due = fields.Date(required=True, allow_none=True)


class ClinicalReviewSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(REVIEW_STATUSES))
    reviewed_by = fields.String(required=True, allow_none=True)
    summary = fields.String(required=True, metadata={"description": "Localized."})


class DisclaimerSchema(Schema):
    language = fields.String(required=True)
    text = fields.String(required=True)


class ArticleSchema(LocalizedSchema, ArticleBaseSchema):
    also_called = fields.List(
        fields.String(),
        required=True,
        metadata={
            "description": "Other names patients know the article's subject by, to search "
            "with: all in this article's language, or all in English while any of them is "
            "untranslated (Content-Language then lists en); a term two names share in a "
            "language is given once. Empty when the article gives none.",
            "example": ["striae", "striae distensae", "striae atrophicae"],
        },
    )
    attribution = fields.String(required=True, allow_none=True)
    source_url = fields.String(required=True, allow_none=True)
    license = fields.String(required=True, allow_none=True)
    dates = fields.Nested(DatesSchema, required=True)
    clinical_review = fields.Nested(ClinicalReviewSchema, required=True)
    translation = _translation_field("the article")
    disclaimer = fields.Nested(DisclaimerSchema, required=True)
    sections = fields.List(fields.Nested(SectionBodySchema), required=True)


class SectionIndexSchema(LocalizedSchema):
    article = fields.String(
        required=True, metadata={"example": "laser-treatment-for-stretch-marks"}
    )
    sections = fields.List(fields.Nested(SectionEntrySchema), required=True)


class SectionLinksSchema(Schema):
    self = fields.String(required=True)
    article = fields.String(required=True)
    previous = fields.String(required=True, allow_none=True)
    next = fields.String(required=True, allow_none=True)


class SectionSchema(LocalizedSchema):
    article = fields.String(
        required=True, metadata={"example": "laser-treatment-for-stretch-marks"}
    )
    id = fields.String(required=True, metadata={"example": "pain"})
    heading = fields.String(required=True, allow_none=True)
    position = fields.Integer(required=True, validate=validate.Range(min=1))
    paragraphs = fields.List(fields.String(), required=True, validate=validate.Length(min=1))
    blocks = _blocks_field()
    translation = _translation_field("this section")
    links = fields.Nested(SectionLinksSchema, required=True)


# The article's other representations (service/representations.py): schema.org JSON-LD
# (application/ld+json) and a FHIR R4B Composition (application/fhir+json).


def _exactly(value: str, data_key: str = "@type") -> fields.String:
    return fields.String(
        required=True,
        data_key=data_key,
        validate=validate.Equal(value),
        metadata={"example": value},
    )


class MedicalCodeNodeSchema(Schema):
    type = _exactly("MedicalCode")
    code_value = fields.String(required=True, data_key="codeValue", metadata={"example": "L90.6"})
    coding_system = fields.String(
        required=True, data_key="codingSystem", metadata={"example": "ICD-10-CM"}
    )
    name = fields.String(required=True, metadata={"example": "Striae atrophicae"})


class MedicalConditionNodeSchema(Schema):
    type = _exactly("MedicalCondition")
    code = fields.List(fields.Nested(MedicalCodeNodeSchema), required=True)
    alternate_name = fields.List(
        fields.String(),
        data_key="alternateName",
        validate=validate.Length(min=1),
        metadata={
            "description": "Other names patients know it by: the article's also_called "
            "(absent when it has none).",
            "example": ["striae", "striae distensae"],
        },
    )


class WebPageElementNodeSchema(Schema):
    """One section of the article, in order."""

    type = _exactly("WebPageElement")
    position = fields.Integer(required=True, validate=validate.Range(min=1))
    url = fields.String(required=True)
    in_language = fields.String(
        required=True,
        data_key="inLanguage",
        metadata={"description": "Language of this section (en when untranslated).", **TAG},
    )
    name = fields.String(metadata={"description": "The heading; absent when the source has none."})
    text = fields.String(
        required=True, metadata={"description": "Paragraphs, blank-line separated."}
    )


class CreativeWorkNodeSchema(Schema):
    type = _exactly("CreativeWork")
    in_language = fields.String(required=True, data_key="inLanguage", metadata=TAG)
    text = fields.String(required=True)


class TranslatorNodeSchema(Schema):
    type = _exactly("Organization")
    name = fields.String(required=True)


class MedicalWebPageSchema(Schema):
    """A schema.org MedicalWebPage (JSON-LD). Properties the source does not state are
    absent: no dateModified, license or review unless known and true."""

    context = _exactly("https://schema.org", data_key="@context")
    type = _exactly("MedicalWebPage")
    url = fields.String(required=True, metadata={"description": "This page in this language."})
    in_language = fields.String(required=True, data_key="inLanguage", metadata=TAG)
    name = fields.String(required=True)
    about = fields.Nested(MedicalConditionNodeSchema, required=True)
    has_part = fields.List(
        fields.Nested(WebPageElementNodeSchema),
        required=True,
        data_key="hasPart",
        validate=validate.Length(min=1),
    )
    usage_info = fields.List(
        fields.Nested(CreativeWorkNodeSchema),
        required=True,
        data_key="usageInfo",
        metadata={"description": "The medical disclaimer, then the clinical review status."},
    )
    credit_text = fields.String(data_key="creditText", metadata={"description": "Attribution."})
    license = fields.String()
    is_based_on = fields.String(data_key="isBasedOn", metadata={"description": "The source."})
    date_published = fields.Date(data_key="datePublished")
    date_modified = fields.Date(data_key="dateModified")
    last_reviewed = fields.Date(data_key="lastReviewed")
    reviewed_by = fields.String(data_key="reviewedBy")
    translator = fields.Nested(
        "TranslatorNodeSchema",
        metadata={"description": "Who translated this language's text (absent in English)."},
    )


FHIR_NARRATIVE_STATUSES = ("generated", "extensions", "additional", "empty")


class FhirExtensionSchema(Schema):
    url = fields.String(required=True)
    value_code = fields.String(required=True, data_key="valueCode", metadata={"example": "unknown"})


class FhirAbsentSchema(Schema):
    """A value the source does not state, where FHIR requires one (data-absent-reason)."""

    extension = fields.List(
        fields.Nested(FhirExtensionSchema), required=True, validate=validate.Length(min=1)
    )


class FhirNarrativeSchema(Schema):
    status = fields.String(required=True, validate=validate.OneOf(FHIR_NARRATIVE_STATUSES))
    div = fields.String(
        required=True,
        validate=validate.Regexp(r'^<div xmlns="http://www\.w3\.org/1999/xhtml"'),
        metadata={"description": "XHTML; lang and xml:lang say its language."},
    )


class FhirReferenceSchema(Schema):
    """Who wrote or attested: a name, or a data-absent-reason extension."""

    display = fields.String()
    extension = fields.List(fields.Nested(FhirExtensionSchema))


class FhirAttesterSchema(Schema):
    mode = fields.String(
        required=True, validate=validate.OneOf(("personal", "professional", "legal", "official"))
    )
    time = fields.Date()
    party = fields.Nested(FhirReferenceSchema, required=True)


class FhirCodeableConceptSchema(Schema):
    text = fields.String(required=True)


class FhirSectionSchema(Schema):
    title = fields.String(metadata={"description": "The heading; absent when the source has none."})
    text = fields.Nested(FhirNarrativeSchema, required=True)


class FhirCompositionSchema(Schema):
    """A FHIR R4B Composition: one section per article section, with its narrative."""

    resource_type = _exactly("Composition", data_key="resourceType")
    language = fields.String(required=True, metadata=TAG)
    text = fields.Nested(
        FhirNarrativeSchema,
        required=True,
        metadata={"description": "Review status, disclaimer, attribution and licence."},
    )
    status = fields.String(
        required=True, validate=validate.OneOf(("preliminary", "final", "amended"))
    )
    type = fields.Nested(FhirCodeableConceptSchema, required=True)
    date = fields.Date(metadata={"description": "When the article was modified, if known."})
    date_element = fields.Nested(
        FhirAbsentSchema, data_key="_date", metadata={"description": "Instead of date: unknown."}
    )
    author = fields.List(
        fields.Nested(FhirReferenceSchema), required=True, validate=validate.Length(min=1)
    )
    title = fields.String(required=True)
    attester = fields.List(
        fields.Nested(FhirAttesterSchema), metadata={"description": "Only when reviewed."}
    )
    section = fields.List(
        fields.Nested(FhirSectionSchema), required=True, validate=validate.Length(min=1)
    )


# What the fields alone cannot say, as JSON Schema: added to each schema's OpenAPI
# component, which is what every payload is validated against (service/payloads.py).
SCHEMA_RULES: dict[type[Schema], dict] = {
    FhirCompositionSchema: {
        "description": "Either date or _date (data-absent-reason), never both.",
        "oneOf": [{"required": ["date"]}, {"required": ["_date"]}],
    },
}


class CompletenessSchema(Schema):
    translated = fields.Integer(required=True)
    fuzzy = fields.Integer(required=True)
    total = fields.Integer(required=True)
    percent = fields.Float(required=True, validate=validate.Range(min=0, max=100))


class ArticleCompletenessSchema(CompletenessSchema):
    slug = fields.String(required=True)
    available = fields.Boolean(
        required=True,
        metadata={"description": "Served in this language: complete at the threshold."},
    )
    translation = _translation_field("the article")


class ProvenanceSchema(Schema):
    translated_by = fields.String(required=True, allow_none=True)
    medical_review = fields.Nested(MedicalReviewSchema, required=True, allow_none=True)


class LanguageSchema(Schema):
    tag = fields.String(required=True, metadata=TAG)
    english_name = fields.String(required=True, metadata={"example": "Spanish"})
    native_name = fields.String(required=True, metadata={"example": "español"})
    name = fields.String(
        required=True, metadata={"description": "The name in the response's language."}
    )
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    status = fields.String(
        required=True,
        validate=validate.OneOf(LANGUAGE_STATUSES),
        metadata={
            "description": "in_progress: its interface catalog is not complete yet, "
            "so it is not offered."
        },
    )
    offered = fields.Boolean(required=True)
    completeness = fields.Nested(
        CompletenessSchema,
        required=True,
        metadata={
            "description": "Of the interface catalog (errors, disclaimer, names): "
            "a language is offered when it is complete."
        },
    )
    articles_available = fields.Integer(
        required=True,
        validate=validate.Range(min=0),
        metadata={"description": "How many articles are served in this language."},
    )
    articles = fields.List(
        fields.Nested(ArticleCompletenessSchema),
        required=True,
        metadata={"description": "Per article: the articles of this page of the list."},
    )
    revision_date = fields.String(required=True, allow_none=True)
    last_translator = fields.String(required=True, allow_none=True)
    language_team = fields.String(required=True, allow_none=True)
    provenance = fields.Nested(ProvenanceSchema, required=True)


class LanguageListSchema(LocalizedSchema):
    completeness_threshold = fields.Integer(required=True)
    languages = fields.List(fields.Nested(LanguageSchema), required=True)
    pagination = fields.Nested(PaginationSchema, required=True)


class ProblemSchema(Schema):
    """RFC 9457 problem details."""

    type = fields.String(required=True, metadata={"example": "urn:patient-info:problem:not-found"})
    title = fields.String(required=True)
    status = fields.Integer(required=True, validate=validate.Range(min=400, max=599))
    detail = fields.String(required=True)
    instance = fields.String(required=True)
    language = fields.String(required=True)
    request_id = fields.String(
        required=True,
        metadata={"description": "The X-Request-ID of this request: quote it to operators."},
    )
    withdrawn_at = fields.Date(
        metadata={
            "description": "article-withdrawn only: the day the article was withdrawn.",
            "example": "2026-11-30",
        }
    )
    reason = fields.String(
        metadata={"description": "article-withdrawn only: why, as the editors wrote it (English)."}
    )


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class ReadinessSchema(HealthSchema):
    articles = fields.Integer(required=True)
    languages = fields.List(fields.String(), required=True)


# The Infobutton feed, shaped like MedlinePlus Connect's JSON so its clients read ours:
# Atom elements as objects, their text under "_value".
FEED_TEXT_TYPES = ("text", "html")


class FeedValueSchema(Schema):
    value = fields.String(required=True, data_key="_value")


class FeedTextSchema(FeedValueSchema):
    """An Atom text construct."""

    type = fields.String(required=True, validate=validate.OneOf(FEED_TEXT_TYPES))
    lang = fields.String(
        metadata={"description": "Present only when it differs from the entry's or feed's."}
    )


class FeedAuthorSchema(Schema):
    name = fields.Nested(FeedValueSchema, required=True)


class FeedCategorySchema(Schema):
    """One Infobutton parameter of the request, echoed."""

    scheme = fields.String(required=True, metadata={"example": "mainSearchCriteria.v.c"})
    term = fields.String(required=True, metadata={"example": "L90.62"})


class FeedLinkSchema(Schema):
    href = fields.String(
        required=True,
        metadata={
            "description": "The article in the feed's language (relative to this service).",
            "example": "/v1/articles/laser-treatment-for-stretch-marks?lang=es",
        },
    )
    rel = fields.String(required=True, validate=validate.OneOf(("alternate",)))
    type = fields.String(required=True, metadata={"example": "application/json"})
    hreflang = fields.String(required=True, metadata=TAG)
    title = fields.String(required=True)


class FeedEntrySchema(Schema):
    lang = fields.String(
        required=True, metadata={"description": "Language of the summary's text.", **TAG}
    )
    title = fields.Nested(FeedTextSchema, required=True)
    link = fields.List(fields.Nested(FeedLinkSchema), required=True)
    id = fields.Nested(FeedValueSchema, required=True)
    updated = fields.Nested(FeedValueSchema, required=True)
    summary = fields.Nested(
        FeedTextSchema,
        required=True,
        metadata={"description": "HTML: the article's opening, review status and disclaimer."},
    )


class FeedSchema(Schema):
    lang = fields.String(required=True, metadata=TAG)
    title = fields.Nested(FeedTextSchema, required=True)
    subtitle = fields.Nested(FeedTextSchema, required=True)
    author = fields.Nested(FeedAuthorSchema, required=True)
    updated = fields.Nested(FeedValueSchema, required=True)
    id = fields.Nested(FeedValueSchema, required=True)
    category = fields.List(fields.Nested(FeedCategorySchema), required=True)
    entry = fields.List(fields.Nested(FeedEntrySchema), required=True)


class InfobuttonFeedSchema(Schema):
    """An HL7 Infobutton knowledge response (MedlinePlus Connect's JSON shape)."""

    feed = fields.Nested(FeedSchema, required=True)


class BundleManifestEntrySchema(Schema):
    """One article of a bundle, to revalidate it or compare with the change feed."""

    slug = fields.String(required=True, metadata={"example": "laser-treatment-for-stretch-marks"})
    url = fields.String(
        required=True,
        metadata={
            "description": "The article in the bundle's language: GET it with If-None-Match.",
            "example": "/v1/articles/laser-treatment-for-stretch-marks?lang=es",
        },
    )
    modified = fields.AwareDateTime(
        required=True, metadata={"description": "The article's `modified` in this language."}
    )
    etag = fields.String(
        required=True,
        metadata={"description": "The ETag of `url` as JSON without Content-Encoding."},
    )
    etag_gzip = fields.String(
        required=True,
        allow_none=True,
        metadata={"description": "The ETag of `url` as JSON with Content-Encoding: gzip."},
    )


class BundleManifestSchema(Schema):
    articles = fields.List(
        fields.Nested(BundleManifestEntrySchema),
        required=True,
        metadata={"description": "Every article of the bundle, in its order."},
    )
    removed = _removed_field("Every withdrawn article (in any language): delete your copies.")


class BundleSchema(Schema):
    """Every article available in one language, whole, for reading offline."""

    language = fields.String(required=True, metadata=TAG)
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    format = fields.Integer(
        required=True,
        validate=validate.Equal(1),
        metadata={"description": "The bundle format's version (a new one gets a new number)."},
    )
    modified = fields.AwareDateTime(
        required=True,
        metadata={
            "description": "The latest `modified` of its articles and `removed_at` of its "
            "removed ones: poll the change feed from here."
        },
    )
    manifest = fields.Nested(BundleManifestSchema, required=True)
    articles = fields.List(
        fields.Nested(ArticleSchema),
        required=True,
        metadata={
            "description": "Each article exactly as GET /v1/articles/{slug}?lang= gives it "
            "(articles not available in this language are left out: the English bundle has "
            "them all)."
        },
    )


class BundleEntrySchema(Schema):
    language = fields.String(required=True, metadata=TAG)
    url = fields.String(required=True, metadata={"example": "/v1/bundles/es"})
    articles = fields.Integer(required=True, validate=validate.Range(min=0))
    modified = fields.AwareDateTime(required=True)
    etag = fields.String(required=True, metadata={"description": "Its ETag without gzip."})
    size = fields.Integer(required=True, metadata={"description": "Its bytes without gzip."})
    etag_gzip = fields.String(required=True, metadata={"description": "Its ETag with gzip."})
    size_gzip = fields.Integer(required=True, metadata={"description": "Its bytes with gzip."})


class BundleIndexSchema(Schema):
    """The bundle of every offered language, to check for a new one without downloading."""

    bundles = fields.List(fields.Nested(BundleEntrySchema), required=True)


# Every response schema by its OpenAPI component name.
COMPONENTS = {
    "ArticleList": ArticleListSchema,
    "SearchResults": SearchResultsSchema,
    "Article": ArticleSchema,
    "SectionIndex": SectionIndexSchema,
    "Section": SectionSchema,
    "LanguageList": LanguageListSchema,
    "Problem": ProblemSchema,
    "Health": HealthSchema,
    "Readiness": ReadinessSchema,
    "InfobuttonFeed": InfobuttonFeedSchema,
    "MedicalWebPage": MedicalWebPageSchema,
    "FhirComposition": FhirCompositionSchema,
    "Bundle": BundleSchema,
    "BundleIndex": BundleIndexSchema,
}
