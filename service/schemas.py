"""Every response shape, as a marshmallow schema: payloads are dumped and validated here,
and the OpenAPI document is generated from these classes."""

from marshmallow import Schema, fields, validate

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
    direction = fields.String(required=True, validate=validate.OneOf(DIRECTIONS))
    paragraphs = fields.List(fields.String(), required=True, validate=validate.Length(min=1))


class ArticleBaseSchema(Schema):
    """What identifies an article, in lists and in full."""

    slug = fields.String(required=True, metadata={"example": "laser-treatment-for-stretch-marks"})
    title = fields.String(required=True)
    url = fields.String(required=True)
    languages_available = fields.List(fields.String(), required=True)
    codes = fields.List(fields.Nested(CodeSchema), required=True)


class ArticleSummarySchema(ArticleBaseSchema):
    sections = fields.List(fields.Nested(SectionEntrySchema), required=True)


class PaginationSchema(Schema):
    page = fields.Integer(required=True, validate=validate.Range(min=1))
    per_page = fields.Integer(required=True, validate=validate.Range(min=1))
    total_articles = fields.Integer(required=True, validate=validate.Range(min=0))
    total_pages = fields.Integer(required=True, validate=validate.Range(min=1))


class ArticleListSchema(LocalizedSchema):
    articles = fields.List(fields.Nested(ArticleSummarySchema), required=True)
    pagination = fields.Nested(PaginationSchema, required=True)


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
    attribution = fields.String(required=True, allow_none=True)
    source_url = fields.String(required=True, allow_none=True)
    license = fields.String(required=True, allow_none=True)
    dates = fields.Nested(DatesSchema, required=True)
    clinical_review = fields.Nested(ClinicalReviewSchema, required=True)
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
    links = fields.Nested(SectionLinksSchema, required=True)


class CompletenessSchema(Schema):
    translated = fields.Integer(required=True)
    fuzzy = fields.Integer(required=True)
    total = fields.Integer(required=True)
    percent = fields.Float(required=True, validate=validate.Range(min=0, max=100))


class ArticleCompletenessSchema(CompletenessSchema):
    slug = fields.String(required=True)


class MedicalReviewSchema(Schema):
    reviewed = fields.Boolean(required=True)
    reviewer = fields.String(required=True, allow_none=True)
    date = fields.Date(required=True, allow_none=True)


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
        metadata={"description": "in_progress: below the completeness threshold, not offered."},
    )
    offered = fields.Boolean(required=True)
    completeness = fields.Nested(CompletenessSchema, required=True)
    articles = fields.List(fields.Nested(ArticleCompletenessSchema), required=True)
    revision_date = fields.String(required=True, allow_none=True)
    last_translator = fields.String(required=True, allow_none=True)
    language_team = fields.String(required=True, allow_none=True)
    provenance = fields.Nested(ProvenanceSchema, required=True)


class LanguageListSchema(LocalizedSchema):
    completeness_threshold = fields.Integer(required=True)
    languages = fields.List(fields.Nested(LanguageSchema), required=True)


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


class HealthSchema(Schema):
    status = fields.String(required=True, metadata={"example": "ok"})


class ReadinessSchema(HealthSchema):
    articles = fields.Integer(required=True)
    languages = fields.List(fields.String(), required=True)
