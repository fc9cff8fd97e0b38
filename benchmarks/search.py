"""Issue 20's search figures, on the largest corpus's server (one worker, as every case):
one-word queries through gunicorn at wrk's 8 connections, each request another word
and language (more distinct queries than the store's memo holds, so every one is
searched), the same from one connection (a query's own time, no queue), CJK phrases,
and one query repeated (the memo); the worker's PSS before and after the index is
opened and searched; pathological queries, timed one by one; the index's size on disk
and how long opening it takes."""

import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from benchmarks.load import Case, Measured, measure
from benchmarks.servers import Server
from service.search.analysis import WORD
from service.search.index import SearchIndex

# Words of the shipped article in every language: the synthetic corpus's text.
MINIMUM_LETTERS = 4
# Chinese and Japanese are written without spaces: a run of their characters is a
# phrase, not a word. A one-word query there is a piece of this many characters (Chinese
# words are mostly two characters, Japanese ones two to four); whole runs are measured
# as phrases. (Korean spaces its words: a Hangul run is a word.)
UNSPACED_LANGUAGES = ("ja", "zh-Hans", "zh-Hant")
CJK_WORD_CHARACTERS = 3
PATHOLOGICAL = {
    "1,000 words": " ".join(["skin"] * 1000),
    "10 KB of CJK": "膨胀纹" * 3413,
    "200 characters of CJK": "什么是膨胀纹美容激光治疗" * 16 + "什么是膨胀纹美容",
    "32 long words": " ".join(f"treatmentx{number:02d}" for number in range(32)),
    "regular-expression signs": '(.*)+[a-z]{1,99}\\ "stretch* ?marks~2 OR (laser^3)',
}


def _query_words(text: str, tag: str) -> Iterator[str]:
    """The words of `text` a patient may search for, one at a time: words of
    MINIMUM_LETTERS or more, CJK runs, in pieces of CJK_WORD_CHARACTERS where unspaced."""
    for match in WORD.finditer(text):
        run, word = match.groups()
        if run and tag not in UNSPACED_LANGUAGES:
            yield run
        elif run:
            yield from (
                run[at : at + CJK_WORD_CHARACTERS] for at in range(0, len(run), CJK_WORD_CHARACTERS)
            )
        elif len(word) >= MINIMUM_LETTERS:
            yield word.lower()


def search_paths(corpus_texts: dict[str, str]) -> tuple[str, ...]:
    """One one-word query per (language, distinct word of its text)."""
    return tuple(
        f"/v1/search?q={quote(word)}&lang={tag}"
        for tag, text in corpus_texts.items()
        for word in dict.fromkeys(_query_words(text, tag))
    )


def phrase_paths(corpus_texts: dict[str, str]) -> tuple[str, ...]:
    """Each longer CJK run of the unspaced languages' texts as one query: a phrase."""
    return tuple(
        f"/v1/search?q={quote(run)}&lang={tag}"
        for tag, text in corpus_texts.items()
        if tag in UNSPACED_LANGUAGES
        for run in dict.fromkeys(match.group(1) for match in WORD.finditer(text) if match.group(1))
        if len(run) > CJK_WORD_CHARACTERS
    )


@dataclass
class SearchBench:
    uncached: Measured
    one_client: Measured  # the same rotation from one connection: a query's own time
    phrases: Measured
    memoized: Measured
    pss_before_mb: float
    pss_after_mb: float
    pathological_ms: dict[str, tuple[int, float]]
    index_mb: float
    open_ms: float


def _timed_fetch(server: Server, q: str) -> tuple[int, float]:
    started = time.perf_counter()
    status, _, _ = server.fetch(f"/v1/search?q={quote(q)}&lang=zh-Hans")
    return status, (time.perf_counter() - started) * 1000


def bench_search(
    server: Server, corpus_texts: dict[str, str], index_dir: Path, work_dir: Path
) -> SearchBench:
    paths = search_paths(corpus_texts)
    pss_before = server.worker_memory()[1]
    name = f"search, {len(paths):,} one-word queries in rotation"
    uncached = Measured(server, Case(name, path=paths[0], paths=paths))
    one_client = Measured(
        server, Case(f"{name}, 1 connection", path=paths[0], paths=paths, connections=1)
    )
    phrases = phrase_paths(corpus_texts)
    phrased = Measured(
        server,
        Case(f"search, {len(phrases):,} CJK phrases in rotation", path=phrases[0], paths=phrases),
    )
    memoized = Measured(server, Case("search, one query repeated", path=paths[0]))
    measure([uncached, one_client, phrased, memoized], work_dir)
    pss_after = server.worker_memory()[1]
    pathological = {name: _timed_fetch(server, q) for name, q in PATHOLOGICAL.items()}
    started = time.perf_counter()
    SearchIndex(index_dir).check()
    open_ms = (time.perf_counter() - started) * 1000
    size = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())
    return SearchBench(
        uncached,
        one_client,
        phrased,
        memoized,
        pss_before,
        pss_after,
        pathological,
        size / 2**20,
        open_ms,
    )
