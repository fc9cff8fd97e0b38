"""Medical code systems and the code index: which articles a code finds.

A system is named by its short name, URI or OID. ICD-10-CM codes are hierarchical and
normalized (any case, dot optional): a list search finds a code and its descendants
(L90 finds L90.6), and Infobutton walks up from a code to its nearest ancestor that
has an article (L90.62 finds L90.6), as MedlinePlus Connect does.
"""

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from service.content.model import CODE_SYSTEMS, Article

ICD10CM = "icd10cm"
# The OIDs HL7 assigns, as Infobutton clients send them in mainSearchCriteria.v.cs.
SYSTEM_OIDS = {ICD10CM: "2.16.840.1.113883.6.90", "snomedct": "2.16.840.1.113883.6.96"}
# Every accepted spelling of each system, short name first (documented in this order).
SYSTEM_SPELLINGS = {
    system: (system, uri, *((SYSTEM_OIDS[system],) if system in SYSTEM_OIDS else ()))
    for system, (_, uri) in CODE_SYSTEMS.items()
}
_SYSTEM_BY_SPELLING = {
    spelling: system for system, spellings in SYSTEM_SPELLINGS.items() for spelling in spellings
}

# A category (a letter, a digit, a digit or letter: L90, C4A), then up to four more
# characters after an optional dot. Read alike by Python and JSON Schema (OpenAPI).
ICD10CM_PATTERN = r"^[A-Za-z][0-9][0-9A-Za-z](?:\.?[0-9A-Za-z]{1,4})?$"
_ICD10CM = re.compile(ICD10CM_PATTERN)
_CATEGORY_LENGTH = 3


class UnknownCodeSystem(ValueError):
    """The system is not one of ours under any of its spellings."""


class MalformedCode(ValueError):
    """The code cannot be a code of its system (only ICD-10-CM has a checked shape)."""


def resolve_system(spelling: str) -> str:
    """The short name of the system named by a short name, URI or OID."""
    try:
        return _SYSTEM_BY_SPELLING[spelling]
    except KeyError:
        raise UnknownCodeSystem(spelling) from None


def icd10cm_key(code: str) -> str | None:
    """The code upper-cased without its dot (l90.6 -> L906), or None if it is malformed."""
    return code.upper().replace(".", "") if _ICD10CM.fullmatch(code) else None


def icd10cm_display(key: str) -> str:
    """The usual spelling of a key (L906 -> L90.6)."""
    return f"{key[:_CATEGORY_LENGTH]}.{key[_CATEGORY_LENGTH:]}" if key[_CATEGORY_LENGTH:] else key


def icd10cm_lineage(key: str) -> list[str]:
    """The key and its ancestors, nearest first, up to the category (L9062, L906, L90)."""
    return [key[:length] for length in range(len(key), _CATEGORY_LENGTH - 1, -1)]


@dataclass(frozen=True)
class CodeQuery:
    """A code to look up, normalized: `system` None means any system."""

    code: str  # ICD-10-CM codes in their usual spelling (L90.6), others as given
    system: str | None

    @classmethod
    def parse(cls, code: str, system_spelling: str | None) -> "CodeQuery":
        """Normalize a code and its system's spelling; raise if either cannot be one."""
        system = None if system_spelling is None else resolve_system(system_spelling)
        key = icd10cm_key(code) if system in (None, ICD10CM) else None
        if system == ICD10CM and key is None:
            raise MalformedCode(code)
        return cls(icd10cm_display(key) if key else code, system)

    @property
    def icd10cm_key(self) -> str | None:
        """The ICD-10-CM key this query searches, if it searches ICD-10-CM."""
        return icd10cm_key(self.code) if self.system in (None, ICD10CM) else None

    def exact_keys(self) -> list[tuple[str, str]]:
        """(system, key) pairs this code names in the systems it searches, as given."""
        systems = CODE_SYSTEMS if self.system is None else (self.system,)
        return [(system, self.code) for system in systems if system != ICD10CM]


class CodeIndex:
    """Which articles carry which code: built once per payload store, read per query."""

    def __init__(self, articles: Iterable[Article]):
        self._positions: dict[str, int] = {}
        self._slugs: dict[tuple[str, str], list[str]] = {}
        for position, article in enumerate(articles):
            self._positions[article.slug] = position
            for code in article.metadata.codes:
                key = icd10cm_key(code.code) if code.system == ICD10CM else code.code
                # The loader has checked the shape of every ICD-10-CM code.
                assert key is not None, code
                self._slugs.setdefault((code.system, key), []).append(article.slug)
        self._icd10cm_keys = sorted(key for system, key in self._slugs if system == ICD10CM)

    def _ordered(self, slugs: Iterable[str]) -> tuple[str, ...]:
        """Unique slugs, in article order."""
        return tuple(sorted(set(slugs), key=self._positions.__getitem__))

    def _exact(self, query: CodeQuery) -> list[str]:
        return [slug for key in query.exact_keys() for slug in self._slugs.get(key, ())]

    def search(self, query: CodeQuery) -> tuple[str, ...]:
        """The articles carrying the code, or (ICD-10-CM) one of its descendants."""
        found = self._exact(query)
        if prefix := query.icd10cm_key:
            start = bisect.bisect_left(self._icd10cm_keys, prefix)
            for key in self._icd10cm_keys[start:]:
                if not key.startswith(prefix):
                    break
                found += self._slugs[ICD10CM, key]
        return self._ordered(found)

    def nearest(self, query: CodeQuery) -> tuple[str, ...]:
        """The articles carrying the code, else (ICD-10-CM) its nearest ancestor's."""
        found = self._exact(query)
        if not found and (key := query.icd10cm_key):
            for ancestor in icd10cm_lineage(key):
                if found := self._slugs.get((ICD10CM, ancestor), []):
                    break
        return self._ordered(found)
