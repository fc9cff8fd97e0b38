"""The search index: tantivy (embedded, BM25, Levenshtein automata for typos) over terms
that service/search/analysis.py makes, one document per (article, language, section).

Chosen by measurement over SQLite FTS5 (stdlib), both given the same terms, at 1,000
articles in 21 languages (105,000 sections): tantivy built its index in 2.7 s into
51 MB and answered a one-word query in 0.2 ms (median; 0.5-1.1 ms with one-edit typo
tolerance); FTS5 took 25 s and 234 MB, and 100-240 ms a query (its language filter
reads every match's row), and has no typo tolerance of its own.

Each document holds the terms of its article's title and "also called" names, of its
heading and of its text, each in a field of its own weight and of the language whose
analysis made them ("body_es"): a Spanish query is analyzed as Spanish for Spanish
text and as English for English text, and its words, exact or one edit away, are
looked up only among the terms of the language that analyzed them (one edit never
crosses languages). `serves` lists the request languages a document answers: its
article's language, and for the English of an article every offered language it is
not available in (so a Spanish query finds an English-only article, in English).

What a hit shows is stored with each section: its members as served but the snippet
(`shown`, a JSON object written at build time), and what the snippet is made from
(`source`: the text, its language and terms; `starts`: where each term starts), so a
page of hits reads three fields a hit, analyzes no text and builds no URL.

The index is a directory of files, opened by memory map: workers share its pages.
tantivy's readers are opened in each process on first use (after gunicorn's fork),
never inherited: the writer's threads are joined before the build returns.
"""

import atexit
import os
import shutil
import tempfile
import threading
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson
import tantivy

from service.i18n import SOURCE_LANGUAGE, text_direction
from service.search.analysis import Term, index_terms, located_terms, terms
from service.urls import ResourceKey, article_url, section_url, with_lang

# Field weights: a title, heading or "also called" match ranks above a text match.
WEIGHTS = {"title": 4.0, "heading": 2.0, "body": 1.0}
# A one-edit match weighs this much of its field (and an exact one matches it too, so
# an exact match always outranks the same word mistyped).
FUZZY_WEIGHT = 0.1
WRITER_HEAP_BYTES = 200_000_000
STORED_FIELDS = ("shown", "source", "starts")


def field(kind: str, language: str) -> str:
    """The field of one kind of text ("title", "heading", "body") in one language."""
    return f"{kind}_{language.replace('-', '_')}"


def _schema(languages) -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("serves", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("slug", tokenizer_name="raw", index_option="basic")
    for language in languages:
        for kind in WEIGHTS:
            name = field(kind, language)
            builder.add_text_field(name, tokenizer_name="whitespace", index_option="freq")
    for name in STORED_FIELDS:
        builder.add_bytes_field(name, stored=True)
    return builder.build()


def _snippet_inputs(text: str, language: str) -> tuple[str, str, bytes]:
    """`text`'s terms, space-separated (what the body field indexes), and where each
    starts in `text`: as unsigned 16-bit numbers if they fit, else 32-bit (the array's
    type code comes first), in the machine's order (the index is read where it is
    built: `make store` beside the server)."""
    found, starts = [], array("I")
    for start, _, term, _ in located_terms(text, language):
        found.append(term)
        starts.append(start)
    if not starts or starts[-1] <= 0xFFFF:
        starts = array("H", starts)
    return " ".join(found), starts.typecode, starts.tobytes()


def _shown(slug, section: dict, position: int, served: str, title: str) -> bytes:
    """A hit's members as served, but its snippet (results.py adds it): the same for
    every query that finds this section."""
    language = section["language"]
    return orjson.dumps(
        {
            "article": {
                "slug": slug,
                "title": title,
                "language": served,
                "url": with_lang(article_url(slug), served),
            },
            "section": {
                "id": section["id"],
                "heading": section["heading"] or None,
                "position": position,
            },
            "language": language,
            "direction": text_direction(language),
            "url": with_lang(section_url(slug, section["id"]), served),
        }
    )


def _documents(store) -> Iterator[tantivy.Document]:
    """Every section of every served article in every language it is available in, read
    back from the article payloads (what clients get, "also_called" included if there)."""
    for slug, available in store.available.items():
        missing = [tag for tag in store.offered if tag not in available]
        for tag in (each for each in store.offered if each in available):
            body = orjson.loads(store.get(ResourceKey("article", slug), tag).identity.body)
            names = " ".join([body["title"], *body.get("also_called", ())])
            title_terms = " ".join(index_terms(names, tag))
            serves = [tag, *(missing if tag == SOURCE_LANGUAGE else ())]
            for position, section in enumerate(body["sections"], 1):
                language, heading = section["language"], section["heading"] or ""
                text = " ".join(section["paragraphs"])
                words, typecode, starts = _snippet_inputs(text, language)
                yield tantivy.Document(
                    serves=serves,
                    slug=slug,
                    shown=_shown(slug, section, position, tag, body["title"]),
                    source=orjson.dumps([language, text, words, typecode]),
                    starts=starts,
                    **{
                        field("title", tag): title_terms,
                        field("heading", language): " ".join(index_terms(heading, language)),
                        field("body", language): words,
                    },
                )


def build_index(store, directory: Path) -> None:
    """Write the index of `store` into `directory` (created; must not exist). One
    indexing thread: the same store always gives the same documents in the same order,
    so equal scores rank the same in every worker."""
    directory.mkdir(parents=True)
    index = tantivy.Index(_schema(store.offered), path=str(directory))
    writer = index.writer(heap_size=WRITER_HEAP_BYTES, num_threads=1)
    for document in _documents(store):
        writer.add_document(document)
    writer.commit()
    writer.wait_merging_threads()


@dataclass(frozen=True, slots=True)
class Hit:
    """One matching section, as stored."""

    shown: bytes  # its members as served, but the snippet: a JSON object
    language: str  # of the section's text
    body: str
    words: str  # the body's terms, in order, space-separated
    starts: array  # where each of `words` starts in `body`


@dataclass(frozen=True)
class Query:
    """A query's terms, by analysis language."""

    terms: dict[str, list[Term]]

    @classmethod
    def of(cls, text: str, languages: tuple[str, ...]) -> "Query":
        """`text` analyzed in each of `languages`: typos are forgiven in the first (the
        request's); in the others (English, for articles not available in it) words
        match as typed (each fuzzy lookup costs a tenth of a query: measured)."""
        first, *others = dict.fromkeys(languages)
        found = {first: terms(text, first)}
        for language in others:
            found[language] = [term._replace(fuzzy=False) for term in terms(text, language)]
        return cls(found)

    def __bool__(self) -> bool:
        return any(self.terms.values())

    def tantivy_query(
        self, schema: tantivy.Schema, names: frozenset[str], serves: str, slug: str | None
    ) -> tantivy.Query:
        """Each term, exact and (if long enough) one edit away, in each kind of field of
        the language that analyzed it (`names`: the index's fields; a language it has no
        fields for matches nothing)."""
        clauses = []
        for language, found in self.terms.items():
            for text, fuzzy in {term.text: term.fuzzy for term in found}.items():
                for kind, weight in WEIGHTS.items():
                    name = field(kind, language)
                    if name not in names:
                        continue
                    exact = tantivy.Query.term_query(schema, name, text)
                    clauses.append((tantivy.Occur.Should, tantivy.Query.boost_query(exact, weight)))
                    if fuzzy:
                        typo = tantivy.Query.fuzzy_term_query(schema, name, text, distance=1)
                        boosted = tantivy.Query.boost_query(typo, weight * FUZZY_WEIGHT)
                        clauses.append((tantivy.Occur.Should, boosted))
        filters = [("serves", serves), *((("slug", slug),) if slug else ())]
        return tantivy.Query.boolean_query(
            [
                (tantivy.Occur.Must, tantivy.Query.boolean_query(clauses)),
                *(
                    (
                        tantivy.Occur.Must,
                        tantivy.Query.const_score_query(
                            tantivy.Query.term_query(schema, name, value), 0.0
                        ),
                    )
                    for name, value in filters
                ),
            ]
        )


def _remove_at_exit(directory: Path) -> None:
    """Remove `directory` when this process exits (not when a forked worker does)."""
    owner = os.getpid()

    def remove():
        if os.getpid() == owner:
            shutil.rmtree(directory, ignore_errors=True)

    atexit.register(remove)


def _openable(directory: Path) -> Path:
    """`directory`, or where to open it from when it is read-only (a container's
    read-only root): tantivy takes a lock file in the index directory even to read, so
    a temporary directory of links to the index's files stands in for it (the pages
    read are still the files' own, shared by every worker)."""
    if os.access(directory, os.W_OK) or not directory.is_dir():
        return directory
    links = Path(tempfile.mkdtemp(prefix="patient-info-search-"))
    _remove_at_exit(links)
    for file in directory.iterdir():
        if not file.name.startswith(".tantivy-"):  # lock files
            (links / file.name).symlink_to(file.resolve())
    return links


class SearchIndex:
    """An index directory, opened in each process on first use: tantivy starts a thread
    when it opens an index, and threads do not survive a fork."""

    def __init__(self, directory: Path):
        self.directory = _openable(directory)
        self._lock = threading.Lock()
        self._opened: tuple[int, tantivy.Index, frozenset[str]] | None = None

    @classmethod
    def built_in_process(cls, store) -> "SearchIndex":
        """Without a compiled store: built in a temporary directory, removed at exit (not
        when a reload replaces it: workers forked before the reload may still open it)."""
        directory = Path(tempfile.mkdtemp(prefix="patient-info-search-"))
        _remove_at_exit(directory)
        build_index(store, directory / "index")
        return cls(directory / "index")

    def _index(self) -> tuple[tantivy.Index, frozenset[str]]:
        """This process's index, and its field names (from its meta.json: the bindings
        do not list a schema's fields)."""
        opened = self._opened
        if opened is None or opened[0] != os.getpid():
            with self._lock:
                opened = self._opened
                if opened is None or opened[0] != os.getpid():
                    index = tantivy.Index.open(str(self.directory))
                    meta = orjson.loads((self.directory / "meta.json").read_bytes())
                    names = frozenset(entry["name"] for entry in meta["schema"])
                    opened = self._opened = (os.getpid(), index, names)
        return opened[1], opened[2]

    def check(self) -> None:
        """Open the index here (a missing or damaged one raises ValueError)."""
        tantivy.Index.open(str(self.directory)).searcher()

    def search(
        self, query: Query, serves: str, slug: str | None, offset: int, limit: int
    ) -> tuple[int, list[Hit]]:
        """The number of matching sections and `limit` of them from `offset`, best first."""
        index, names = self._index()
        searcher = index.searcher()
        tantivy_query = query.tantivy_query(index.schema, names, serves, slug)
        found = searcher.search(tantivy_query, limit, count=True, offset=offset)
        hits = []
        for _, address in found.hits:
            stored = searcher.doc(address)
            shown, source, starts = (stored.get_first(name) or b"" for name in STORED_FIELDS)
            language, body, words, typecode = orjson.loads(source)
            places = array(typecode)
            places.frombytes(starts)
            hits.append(Hit(shown, language, body, words, places))
        count = found.count  # type: ignore[attr-defined]  # the stub leaves it out
        return count or 0, hits
