"""The in-memory shape of an article file, as the loader returns it."""

import datetime
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


@dataclass(frozen=True)
class Section:
    id: str
    heading: str | None
    paragraphs: tuple[str, ...]
    translator_note: str | None = None  # shown to translators on each paragraph

    def strings(self) -> tuple[str, ...]:
        """Every translatable string of the section, heading first."""
        return ((self.heading,) if self.heading else ()) + self.paragraphs


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


@dataclass(frozen=True)
class Article:
    slug: str
    title: str
    metadata: Metadata
    sections: tuple[Section, ...]

    @property
    def title_context(self) -> str:
        return f"{self.slug}/title"

    def section_context(self, section: Section) -> str:
        return f"{self.slug}/{section.id}"

    def messages(self) -> tuple[tuple[str, str], ...]:
        """(message context, English string) of everything translatable, in order: the
        keys of the article's catalogs."""
        return (
            (self.title_context, self.title),
            *(
                (self.section_context(section), text)
                for section in self.sections
                for text in section.strings()
            ),
        )
