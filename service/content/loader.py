"""Load and validate article files (TOML), failing loudly with the file and entry."""

import tomllib
import unicodedata
from pathlib import Path

from marshmallow import (
    RAISE,
    Schema,
    ValidationError,
    fields,
    post_load,
    validate,
    validates_schema,
)

from service.codes import ICD10CM, icd10cm_key
from service.config import StartupError
from service.content.model import (
    CODE_SYSTEMS,
    Article,
    MedicalCode,
    Metadata,
    Paragraph,
    Section,
    Span,
    Withdrawal,
)

SLUG = validate.Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", error="must be lowercase words joined by -")
REVIEW_STATUSES = ("not_reviewed", "reviewed")
# "Also called" terms: a few short names, each one catalog entry for every language.
ALSO_CALLED_MAX_TERMS = 20
ALSO_CALLED_MAX_LENGTH = 100


class ContentError(StartupError):
    """An article file is missing, malformed or inconsistent."""


class _Strict(Schema):
    class Meta:
        unknown = RAISE


def _check_term(term: str) -> None:
    """One "also called" term: a short line of plain text, no surrounding spaces."""
    if not term.strip():
        raise ValidationError("an empty term")
    if term != term.strip():
        raise ValidationError(f"{term!r}: no spaces before or after a term")
    if len(term) > ALSO_CALLED_MAX_LENGTH:
        raise ValidationError(f"a term is at most {ALSO_CALLED_MAX_LENGTH} characters")
    if any(unicodedata.category(character) in ("Cc", "Zl", "Zp") for character in term):
        raise ValidationError(f"{term!r}: a term is one line, without control characters")


def _check_terms(terms: list[str]) -> None:
    """No term twice (letter case and spacing aside): each is one catalog entry."""
    if len(terms) > ALSO_CALLED_MAX_TERMS:
        raise ValidationError(f"at most {ALSO_CALLED_MAX_TERMS} terms, {len(terms)} given")
    seen: dict[str, str] = {}
    for term in terms:
        key = " ".join(unicodedata.normalize("NFC", term).casefold().split())
        if key in seen:
            raise ValidationError(f"{term!r} is listed twice (as {seen[key]!r})")
        seen[key] = term


def also_called_field() -> fields.List:
    """`also_called`: other names patients know the subject by (optional)."""
    return fields.List(
        fields.String(validate=_check_term), load_default=list, validate=_check_terms
    )


class CodeFileSchema(_Strict):
    system = fields.String(required=True, validate=validate.OneOf(tuple(CODE_SYSTEMS)))
    code = fields.String(required=True, validate=validate.Length(min=1, max=32))
    display = fields.String(required=True, validate=validate.Length(min=1))

    @validates_schema
    def icd10cm_code_is_well_formed(self, data, **_):
        if data.get("system") == ICD10CM and icd10cm_key(data.get("code", "")) is None:
            raise ValidationError("not an ICD-10-CM code (such as L90 or L90.6)", "code")

    @post_load
    def build(self, data, **_):
        return MedicalCode(**data)


class WithdrawalFileSchema(_Strict):
    date = fields.Date(required=True)
    reason = fields.String(required=True, validate=validate.Length(min=1))

    @post_load
    def build(self, data, **_):
        return Withdrawal(**data)


class MetadataFileSchema(_Strict):
    attribution = fields.String(load_default=None)
    source_url = fields.Url(load_default=None)
    license = fields.String(load_default=None)
    published = fields.Date(load_default=None)
    modified = fields.Date(load_default=None)
    last_reviewed = fields.Date(load_default=None)
    review_due = fields.Date(load_default=None)
    clinical_review = fields.String(required=True, validate=validate.OneOf(REVIEW_STATUSES))
    reviewed_by = fields.String(load_default=None)
    codes = fields.List(fields.Nested(CodeFileSchema), required=True)
    # Withdrawn: answered 410, listed as removed for offline copies (model.Withdrawal).
    withdrawn = fields.Nested(WithdrawalFileSchema, load_default=None)

    @validates_schema
    def review_is_consistent(self, data, **_):
        reviewed = data["clinical_review"] == "reviewed"
        if reviewed != bool(data.get("reviewed_by") and data.get("last_reviewed")):
            raise ValidationError(
                "a reviewed article names reviewed_by and last_reviewed; an unreviewed one neither",
                "clinical_review",
            )

    @post_load
    def build(self, data, **_):
        return Metadata(**{**data, "codes": tuple(data["codes"])})


class SectionFileSchema(_Strict):
    id = fields.String(required=True, validate=SLUG)
    heading = fields.String(load_default=None, validate=validate.Length(min=1))
    paragraphs = fields.List(
        fields.String(validate=validate.Length(min=1)),
        required=True,
        validate=validate.Length(min=1),
    )
    translator_note = fields.String(load_default=None)

    @post_load
    def build(self, data, **_):
        paragraphs = tuple(data["paragraphs"])
        # Plain text, not Markdown: each paragraph is one unmarked span, its own msgid.
        blocks = tuple(Paragraph(text, (Span(text),)) for text in paragraphs)
        return Section(**{**data, "paragraphs": paragraphs, "blocks": blocks})


class ArticleFileSchema(_Strict):
    slug = fields.String(required=True, validate=SLUG)
    title = fields.String(required=True, validate=validate.Length(min=1))
    also_called = also_called_field()
    metadata = fields.Nested(MetadataFileSchema, required=True)
    sections = fields.List(
        fields.Nested(SectionFileSchema), required=True, validate=validate.Length(min=1)
    )

    @validates_schema
    def section_ids_are_unique(self, data, **_):
        ids = [section.id for section in data.get("sections", ())]
        duplicated = sorted({section_id for section_id in ids if ids.count(section_id) > 1})
        if duplicated:
            raise ValidationError(f"duplicate section ids: {', '.join(duplicated)}", "sections")

    @post_load
    def build(self, data, **_):
        return Article(
            **{
                **data,
                "sections": tuple(data["sections"]),
                "also_called": tuple(data["also_called"]),
            }
        )


def _first_error(messages, path=()):
    """Flatten marshmallow's nested error dict to its first 'path: message'."""
    if isinstance(messages, dict):
        key = next(iter(messages))
        return _first_error(messages[key], (*path, str(key)))
    if isinstance(messages, list) and messages and not isinstance(messages[0], str):
        return _first_error(messages[0], path)
    text = messages[0] if isinstance(messages, list) else messages
    return f"{'.'.join(path)}: {text}"


# Reused: a schema keeps no state between loads, and building one per file cost a
# quarter of loading a thousand articles (0.62 -> 0.45 s).
ARTICLE_FILE_SCHEMA = ArticleFileSchema()


def parse_article(data: bytes, filename: str) -> Article:
    """Parse one article file's bytes; raise ContentError naming the file and entry."""
    try:
        raw = tomllib.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ContentError(f"{filename}: not valid UTF-8 TOML: {error}") from None
    try:
        article = ARTICLE_FILE_SCHEMA.load(raw)
    except ValidationError as error:
        raise ContentError(f"{filename}: {_first_error(error.messages)}") from None
    if Path(filename).stem != article.slug:
        raise ContentError(f"{filename}: slug {article.slug!r} must match the file name")
    return article


ARTICLE_SUFFIXES = (".md", ".toml")  # Markdown with front matter; TOML, v1's format


def parse_article_file(data: bytes, filename: str) -> Article:
    """Parse an article file by its suffix (Markdown, or v1's TOML of plain paragraphs)."""
    if filename.endswith(".md"):
        # Imported here: service/content/markdown.py builds on this module's schemas.
        from service.content.markdown import parse_markdown_article  # noqa: PLC0415

        return parse_markdown_article(data, filename)
    return parse_article(data, filename)


def load_articles(content_dir: Path) -> tuple[Article, ...]:
    """Load every article file (*.md, *.toml) in content_dir, in file-name order, and
    check that every link between them leads somewhere."""
    from service.content.markdown import unresolved_links  # noqa: PLC0415 - as above

    try:
        paths = sorted(path for path in content_dir.iterdir() if path.suffix in ARTICLE_SUFFIXES)
    except OSError as error:
        raise ContentError(f"{content_dir}: cannot list articles: {error}") from None
    if not paths:
        raise ContentError(f"{content_dir}: no article files (*.md, *.toml)")
    articles: list[Article] = []
    files: dict[str, Path] = {}
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise ContentError(f"{path}: cannot read: {error.strerror}") from None
        article = parse_article_file(data, str(path))
        if article.slug in files:
            raise ContentError(f"{path}: slug {article.slug!r} is also {files[article.slug]}")
        files[article.slug] = path
        articles.append(article)
    sections_by_slug = {
        article.slug: {section.id for section in article.sections} for article in articles
    }
    for article in articles:
        if errors := unresolved_links(article, str(files[article.slug]), sections_by_slug):
            more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
            raise ContentError(f"{errors[0]}{more}")
    return tuple(articles)
