"""The in-memory shape of an article file, as the loader returns it."""

import datetime
import functools
from dataclasses import dataclass

CODE_SYSTEMS = {
    "icd10cm": ("ICD-10-CM", "http://hl7.org/fhir/sid/icd-10-cm"),
    "snomedct": ("SNOMED CT", "http://snomed.info/sct"),
    "hpo": ("HPO", "http://human-phenotype-ontology.org"),
}


@dataclass(frozen=True)
class MedicalCode:
    system: str
    code: str
    display: str

    @property
    def system_name(self) -> str:
        return CODE_SYSTEMS[self.system][0]

    @property
    def system_uri(self) -> str:
        return CODE_SYSTEMS[self.system][1]


MARKS = ("emphasis", "strong")  # the inline marks a span can carry, in canonical order


@dataclass(frozen=True)
class Span:
    """A run of text with the same marks and link target; href is an `https://` URL or an
    internal `article:slug` / `article:slug#section` reference."""

    text: str
    marks: tuple[str, ...] = ()
    href: str | None = None


Inline = tuple[Span, ...]


def plain_text(spans: Inline) -> str:
    return "".join(span.text for span in spans)


@dataclass(frozen=True)
class Paragraph:
    source: str  # inline Markdown, the msgid translators get
    spans: Inline

    @property
    def text(self) -> str:
        return plain_text(self.spans)


@dataclass(frozen=True)
class ListItem:
    source: str  # inline Markdown, the msgid translators get
    spans: Inline
    children: tuple["ListItem", ...] = ()  # a nested list: one level deep at most
    children_ordered: bool = False

    @property
    def text(self) -> str:
        return plain_text(self.spans)


@dataclass(frozen=True)
class ListBlock:
    ordered: bool
    items: tuple[ListItem, ...]


@dataclass(frozen=True)
class Quote:
    blocks: tuple["Block", ...]


CALLOUT_KINDS = ("note", "tip", "important", "warning", "caution")


@dataclass(frozen=True)
class Callout:
    kind: str  # one of CALLOUT_KINDS
    blocks: tuple["Block", ...]


Block = Paragraph | ListBlock | Quote | Callout
TextUnit = Paragraph | ListItem  # one translatable string each


def text_units(blocks: tuple[Block, ...]) -> tuple[TextUnit, ...]:
    """The blocks' translatable units in reading order: paragraphs and list items (each
    item before its nested items)."""
    units: list[TextUnit] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            units.append(block)
        elif isinstance(block, ListBlock):
            for item in block.items:
                units += (item, *item.children)
        else:
            units += text_units(block.blocks)
    return tuple(units)


def text_unit_labels(blocks: tuple[Block, ...], within: str = "") -> tuple[str, ...]:
    """Where each text unit sits, in text_units order, for translator comments:
    "block 1: paragraph", "block 2: numbered list, item 2.1",
    "block 3 (warning call-out), block 1: paragraph"."""
    labels: list[str] = []
    for number, block in enumerate(blocks, start=1):
        where = f"{within}block {number}"
        if isinstance(block, Paragraph):
            labels.append(f"{where}: paragraph")
        elif isinstance(block, ListBlock):
            kind = "numbered list" if block.ordered else "bulleted list"
            for item_number, item in enumerate(block.items, start=1):
                labels.append(f"{where}: {kind}, item {item_number}")
                labels += (
                    f"{where}: {kind}, item {item_number}.{child_number}"
                    for child_number in range(1, len(item.children) + 1)
                )
        else:
            name = "quote" if isinstance(block, Quote) else f"{block.kind} call-out"
            labels += text_unit_labels(block.blocks, f"{where} ({name}), ")
    return tuple(labels)


@dataclass(frozen=True)
class Section:
    id: str
    heading: str | None
    paragraphs: tuple[str, ...]  # plain text of each text unit (v1 clients read these)
    translator_note: str | None = None  # shown to translators on each paragraph
    blocks: tuple[Block, ...] = ()  # the typed tree; empty for a section built from plain text

    def strings(self) -> tuple[str, ...]:
        """Every translatable string of the section, heading first: each block's inline
        Markdown source, or the plain paragraphs of a section without blocks."""
        return self._strings

    @functools.cached_property
    def _strings(self) -> tuple[str, ...]:
        """Worked out once: start-up asks for it per language of every article."""
        units = (
            tuple(unit.source for unit in text_units(self.blocks))
            if self.blocks
            else self.paragraphs
        )
        return ((self.heading,) if self.heading else ()) + units


@dataclass(frozen=True)
class Withdrawal:
    """An article taken out of publication: when, and why (in the editors' English).

    Its file stays, so the service answers 410 and tells offline copies to delete it
    (the change feed's and the bundles' `removed`)."""

    date: datetime.date
    reason: str

    @property
    def removed_at(self) -> datetime.datetime:
        """The moment the change feed compares: the start of the day, UTC."""
        return datetime.datetime.combine(self.date, datetime.time(), datetime.UTC)


@dataclass(frozen=True)
class Metadata:
    attribution: str | None
    source_url: str | None
    license: str | None
    published: datetime.date | None
    modified: datetime.date | None
    last_reviewed: datetime.date | None
    review_due: datetime.date | None
    clinical_review: str
    reviewed_by: str | None
    codes: tuple[MedicalCode, ...]
    withdrawn: Withdrawal | None = None


@dataclass(frozen=True)
class InternalLink:
    """A link from an article to another article (or one of its sections), with the line
    of the article file it is written on, so a dangling one can be reported there."""

    article: str
    section: str | None
    line: int


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    metadata: Metadata
    sections: tuple[Section, ...]
    internal_links: tuple[InternalLink, ...] = ()
    # Other names patients know the subject by ("also called"), plain text, translatable.
    also_called: tuple[str, ...] = ()

    @property
    def title_context(self) -> str:
        return f"{self.slug}/title"

    @property
    def also_called_context(self) -> str:
        return f"{self.slug}/also-called"

    def section_context(self, section: Section) -> str:
        return f"{self.slug}/{section.id}"

    def messages(self) -> tuple[tuple[str, str], ...]:
        """(message context, English string) of everything translatable, in order: the
        keys of the article's catalogs."""
        return (
            (self.title_context, self.title),
            *((self.also_called_context, term) for term in self.also_called),
            *(
                (self.section_context(section), text)
                for section in self.sections
                for text in section.strings()
            ),
        )
