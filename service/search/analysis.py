"""Words as the index holds them, per language: the same analysis for text and queries.

The linguistics are libraries': Snowball stemmers (PyStemmer) for the languages
Snowball covers, Unicode decomposition (unicodedata) for accent and case folding, the
`regex` module's Unicode properties for word and script boundaries. What is ours is
the choice per language, and the letter equivalences no decomposition gives (the
table below, as Lucene's Arabic and Persian normalizers keep it).

- Latin-script languages fold accents and case (estrías = estrias = ESTRIAS; Vietnamese
  rạn = ran), then stem: folding first, so a query typed without accents stems as the
  text does.
- Arabic-script languages drop short vowels, hamza and madda marks and tatweel, and
  merge the alef, ya, kaf and heh forms into the ones each language writes (Arabic ي ك,
  Persian and Urdu ی ک), as keyboards of the other script type them.
- Devanagari and Bengali drop the nukta (लेज़र = लेजर), as patients often type without it.
- Cyrillic merges ё with е; й and ї stay letters of their own.
- Chinese, Japanese and Korean runs become overlapping character pairs (bigrams), so a
  query without spaces matches any text holding the same characters in that order; a
  lone character stays a word.
- Stopwords are dropped, in text and queries alike, where Snowball has a list for the
  language (its lists as tantivy ships them): Spanish "láser" stems to "las", which
  must not match every article "las". A query of stopwords only finds nothing.
"""

import functools
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

import regex  # type: ignore[import-untyped]
import Stemmer  # type: ignore[import-not-found]
import tantivy

# A run of Han, kana or Hangul (ー, the prolonged sound mark, belongs to kana words).
CJK_CLASS = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Hangul}\N{KATAKANA-HIRAGANA PROLONGED SOUND MARK}"
# A word: letters, marks and digits (a Hindi vowel sign is a mark, inside its word); the
# CJK runs apart. Apostrophes, hyphens and ZWNJ end a word (l’épiderme: l, épiderme).
WORD = regex.compile(rf"(?V1)([{CJK_CLASS}]+)|([[\p{{L}}\p{{M}}\p{{N}}]--[{CJK_CLASS}]]+)")

# Letters no Unicode decomposition relates to a base letter, by script family.
LATIN_LETTERS = str.maketrans({"đ": "d", "ł": "l", "ø": "o", "æ": "ae", "œ": "oe", "ı": "i"})
# Each language's own spelling is the target (the Persian stemmer reads Persian letters).
_ARABIC_SCRIPT = {
    "\N{ARABIC TATWEEL}": None,
    "\N{ARABIC LETTER ALEF WASLA}": "\N{ARABIC LETTER ALEF}",
    "\N{ARABIC LETTER TEH MARBUTA}": "\N{ARABIC LETTER HEH}",
    "\N{ARABIC LETTER AE}": "\N{ARABIC LETTER HEH}",
}
ARABIC_LETTERS = str.maketrans(
    {
        **_ARABIC_SCRIPT,
        "\N{ARABIC LETTER FARSI YEH}": "\N{ARABIC LETTER YEH}",
        "\N{ARABIC LETTER ALEF MAKSURA}": "\N{ARABIC LETTER YEH}",
        "\N{ARABIC LETTER KEHEH}": "\N{ARABIC LETTER KAF}",
        "\N{ARABIC LETTER HEH GOAL}": "\N{ARABIC LETTER HEH}",
        "\N{ARABIC LETTER HEH DOACHASHMEE}": "\N{ARABIC LETTER HEH}",
    }
)
_PERSIAN_SCRIPT = {
    **_ARABIC_SCRIPT,
    "\N{ARABIC LETTER YEH}": "\N{ARABIC LETTER FARSI YEH}",
    "\N{ARABIC LETTER ALEF MAKSURA}": "\N{ARABIC LETTER FARSI YEH}",
    "\N{ARABIC LETTER KAF}": "\N{ARABIC LETTER KEHEH}",
}
PERSIAN_LETTERS = str.maketrans(
    {
        **_PERSIAN_SCRIPT,
        "\N{ARABIC LETTER HEH GOAL}": "\N{ARABIC LETTER HEH}",
        "\N{ARABIC LETTER HEH DOACHASHMEE}": "\N{ARABIC LETTER HEH}",
    }
)
# Urdu writes heh goal (and do-chashmi heh for aspirates); an Arabic keyboard types heh.
URDU_LETTERS = str.maketrans(
    {
        **_PERSIAN_SCRIPT,
        "\N{ARABIC LETTER HEH}": "\N{ARABIC LETTER HEH GOAL}",
        "\N{ARABIC LETTER TEH MARBUTA}": "\N{ARABIC LETTER HEH GOAL}",
        "\N{ARABIC LETTER AE}": "\N{ARABIC LETTER HEH GOAL}",
    }
)
INDIC_LETTERS = str.maketrans({"\N{DEVANAGARI SIGN NUKTA}": None, "\N{BENGALI SIGN NUKTA}": None})
CYRILLIC_LETTERS = str.maketrans({"ё": "е"})


def _without_marks(word: str) -> str:
    """Decomposed, combining marks dropped (accents, tone marks, harakat, hamza above)."""
    return "".join(
        char for char in unicodedata.normalize("NFKD", word) if not unicodedata.combining(char)
    )


def fold_latin(word: str) -> str:
    return _without_marks(word.casefold()).translate(LATIN_LETTERS)


def fold_arabic(word: str) -> str:
    return _without_marks(word).translate(ARABIC_LETTERS)


def fold_persian(word: str) -> str:
    return _without_marks(word).translate(PERSIAN_LETTERS)


def fold_urdu(word: str) -> str:
    return _without_marks(word).translate(URDU_LETTERS)


def fold_indic(word: str) -> str:
    return unicodedata.normalize("NFC", unicodedata.normalize("NFD", word).translate(INDIC_LETTERS))


def fold_cyrillic(word: str) -> str:
    return unicodedata.normalize("NFKC", word.casefold()).translate(CYRILLIC_LETTERS)


def fold_other(word: str) -> str:
    return unicodedata.normalize("NFKC", word.casefold())


@dataclass(frozen=True)
class Analysis:
    """How one language's words become index terms: folded, then stemmed."""

    fold: object  # Callable[[str], str]
    stemmer: str | None = None
    # Snowball's stopword list for the language, by tantivy's name for it (tantivy ships
    # Snowball's lists for these; the other Snowball languages have none there).
    stopwords: str | None = None


LATIN = Analysis(fold_latin)
# Every served language; one not listed (a new catalog) gets DEFAULT until added here.
ANALYSES: dict[str, Analysis] = {
    "en": Analysis(fold_latin, "english", "english"),
    "es": Analysis(fold_latin, "spanish", "spanish"),
    "fr": Analysis(fold_latin, "french", "french"),
    "de": Analysis(fold_latin, "german", "german"),
    "it": Analysis(fold_latin, "italian", "italian"),
    "pt-BR": Analysis(fold_latin, "portuguese", "portuguese"),
    "pl": Analysis(fold_latin, "polish"),
    "fil": LATIN,
    "ht": LATIN,
    "vi": LATIN,
    "ru": Analysis(fold_cyrillic, "russian", "russian"),
    "uk": Analysis(fold_cyrillic),
    "ar": Analysis(fold_arabic, "arabic"),
    "fa": Analysis(fold_persian, "persian"),
    "ur": Analysis(fold_urdu),
    "hi": Analysis(fold_indic, "hindi"),
    "bn": Analysis(fold_indic),
    # Their words are CJK runs (bigrams), whatever the language; Latin words among them fold.
    "ja": LATIN,
    "ko": LATIN,
    "zh-Hans": LATIN,
    "zh-Hant": LATIN,
}
DEFAULT = Analysis(fold_other)
# Words this long or longer match with one edit (typo tolerance), counted in letters as typed.
FUZZY_MINIMUM_LETTERS = 5


class Term(NamedTuple):
    """One term of a query."""

    text: str
    fuzzy: bool  # a query word long enough for one edit (never a CJK pair)


_stemmers = threading.local()  # a PyStemmer stemmer is not thread-safe: one per thread


def _stemmer(algorithm: str) -> Stemmer.Stemmer:
    stemmers = vars(_stemmers)
    if algorithm not in stemmers:
        stemmers[algorithm] = Stemmer.Stemmer(algorithm)
    return stemmers[algorithm]


def analysis_of(language: str) -> Analysis:
    return ANALYSES.get(language, DEFAULT)


@functools.cache
def _stopword_filter(name: str) -> tantivy.TextAnalyzer:
    """An analyzer that keeps a lower-case word unless Snowball lists it as a stopword."""
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace())
    return builder.filter(tantivy.Filter.stopword(name)).build()


def is_stopword(word: str, language: str) -> bool:
    """Whether `word`, as written (the lists spell accents: "qué", "está"), is a stopword."""
    name = analysis_of(language).stopwords
    return bool(name) and not _stopword_filter(name).analyze(word.casefold())


# Words repeat (Zipf): analyzing each (language, word) once made indexing 1,000 articles
# in 21 languages 30 times faster. Bounded: queries bring words of their own.
ANALYZED_WORDS_CACHED = 1 << 17


@functools.lru_cache(maxsize=ANALYZED_WORDS_CACHED)
def _analyzed(word: str, language: str) -> tuple[str, bool]:
    """A (non-CJK) word's term ("" for a stopword), and whether it may match with one
    edit: the word has FUZZY_MINIMUM_LETTERS letters or more, and its stem at least one
    fewer (Spanish láser stems to "las": one edit from it would match "pas", "mas"...)."""
    if is_stopword(word, language):
        return "", False
    analysis = analysis_of(language)
    folded = analysis.fold(word)  # type: ignore[operator]
    term = _stemmer(analysis.stemmer).stemWord(folded) if folded and analysis.stemmer else folded
    return term, len(folded) >= FUZZY_MINIMUM_LETTERS and len(term) >= FUZZY_MINIMUM_LETTERS - 1


def located_terms(text: str, language: str) -> Iterator[tuple[int, int, str, bool]]:
    """(start, end, term, typo-tolerant) of every term of `text` in `language`, in
    order, as plain tuples (snippets read every word of every hit)."""
    for match in WORD.finditer(text):
        run, word = match.groups()
        start = match.start()
        if run:  # a CJK run: its character pairs
            for at, pair in enumerate(_pairs(run)):
                yield start + at, start + at + len(pair), pair, False
        else:
            term, fuzzy = _analyzed(word, language)
            if term:
                yield start, match.end(), term, fuzzy


def terms(text: str, language: str) -> list[Term]:
    """Every term of `text` in `language`, in order."""
    return [Term(term, fuzzy) for _, _, term, fuzzy in located_terms(text, language)]


def _pairs(run: str) -> list[str]:
    """A CJK run's overlapping character pairs (a lone character: itself)."""
    run = unicodedata.normalize("NFKC", run)
    return [run] if len(run) == 1 else [run[at : at + 2] for at in range(len(run) - 1)]


def index_terms(text: str, language: str) -> list[str]:
    """The terms of `text`, without their places (titles and headings)."""
    return [term for _, _, term, _ in located_terms(text, language)]


def words(text: str) -> int:
    """How many words a query has (a CJK run counts as one)."""
    return sum(1 for _ in WORD.finditer(text))
