"""Issue 20's search figures, on the largest corpus's server (one worker, as every case):
one-word queries through gunicorn at wrk's 8 connections, each request another word
and language (more distinct queries than the store's memo holds, so every one is
searched) and one query repeated (the memo); the worker's PSS before and after the
index is opened and searched; pathological queries, timed one by one; the index's size
on disk and how long opening it takes."""

import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from benchmarks.load import Case, Measured, measure
from benchmarks.servers import Server
from service.search.analysis import WORD
from service.search.index import SearchIndex

# Words of the shipped article in every language: the synthetic corpus's text.
MINIMUM_LETTERS = 4
PATHOLOGICAL = {
    "1,000 words": " ".join(["skin"] * 1000),
    "10 KB of CJK": "膨胀纹" * 3413,
    "200 characters of CJK": "什么是膨胀纹美容激光治疗" * 16 + "什么是膨胀纹美容",
    "32 long words": " ".join(f"treatmentx{number:02d}" for number in range(32)),
    "regular-expression signs": '(.*)+[a-z]{1,99}\\ "stretch* ?marks~2 OR (laser^3)',
}


def search_paths(corpus_texts: dict[str, str]) -> tuple[str, ...]:
    """One one-word query per (language, distinct word of MINIMUM_LETTERS or more)."""
    paths: list[str] = []
    for tag, text in corpus_texts.items():
        words = dict.fromkeys(
            match.group().lower()
            for match in WORD.finditer(text)
            if len(match.group()) >= MINIMUM_LETTERS or match.group(1)
        )
        paths.extend(f"/v1/search?q={quote(word)}&lang={tag}" for word in words)
    return tuple(paths)


@dataclass
class SearchBench:
    uncached: Measured
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
    uncached = Measured(
        server,
        Case(f"search, {len(paths):,} one-word queries in rotation", path=paths[0], paths=paths),
    )
    memoized = Measured(server, Case("search, one query repeated", path=paths[0]))
    measure([uncached, memoized], work_dir)
    pss_after = server.worker_memory()[1]
    pathological = {name: _timed_fetch(server, q) for name, q in PATHOLOGICAL.items()}
    started = time.perf_counter()
    SearchIndex(index_dir).check()
    open_ms = (time.perf_counter() - started) * 1000
    size = sum(path.stat().st_size for path in index_dir.rglob("*") if path.is_file())
    return SearchBench(
        uncached, memoized, pss_before, pss_after, pathological, size / 2**20, open_ms
    )
