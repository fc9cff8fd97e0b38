"""`make bench`: the service against the framework floor, the naive baseline and nginx's
cache in front of it, under wrk.

Each server is a real gunicorn from gunicorn.conf.py (one gthread worker, four threads)
on a free loopback port, pinned to one core while wrk runs on another (servers.py);
nginx, with deploy/nginx's config and one worker, is pinned to the same core (nginx.py).
Every case is warmed up, then measured BENCH_RUNS times for BENCH_SECONDS, the cases
alternating run by run (load.py). Then the section is measured over synthetic corpora
of BENCH_CORPUS_SIZES articles (make_corpus.py), and search on the largest (search.py).
One table per part, then every target of issues 5, 11 and 20 with its measured value:
medians throughout.
"""

import contextlib
import json
import operator
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.load import (
    CONNECTIONS,
    LOAD_TOOLS,
    TOOLS_MISSING,
    Case,
    Measured,
    check_answer,
    measure,
    rotating_accept_languages,
)
from benchmarks.make_corpus import synthetic_slug, write_corpus
from benchmarks.nginx import NGINX, NGINX_MISSING, running_nginx
from benchmarks.sample import ACCEPT_LANGUAGE, SECTION_ID, SECTION_PATH
from benchmarks.search import SearchBench, bench_search
from benchmarks.servers import LOAD_PIN, SERVER_PIN, WORKER_SETTINGS, Server, running_server
from benchmarks.settings import CORPUS_SIZES, RUNS, SECONDS, STARTUP_TIMEOUT, WARMUP_SECONDS
from service.urls import section_url

FLOOR_APP = "benchmarks.floor_app:create_app()"
ROTATING_FLOOR_APP = "benchmarks.floor_app:create_rotating_app()"
NAIVE_APP = "benchmarks.naive_app:create_app()"
# The sample section from nginx's cache: a HIT, or the run would measure gunicorn behind it.
CACHED_SECTION = Case("cached section", expected_header=("X-Cache-Status", "HIT"))


@dataclass(frozen=True)
class Target:
    """One of issue 5's or 11's targets: a measured value against its goal."""

    number: str
    what: str
    value: float | None
    goal: tuple[Callable[[float, float], bool], float]
    unit: str = "×"
    missing: str = "not measured yet"
    exceeded: bool = False  # the value is only a lower bound (a start-up that timed out)

    def row(self) -> list[str]:
        compare, bound = self.goal
        goal = f"{'≥' if compare is operator.ge else '≤'} {bound:g}{self.unit}"
        if self.value is None:
            return [self.number, self.what, "-", goal, self.missing]
        digits = 3 if self.unit == "×" else 1  # a ratio of 0.899 must not read as 0.90
        measured = f"{'> ' if self.exceeded else ''}{self.value:.{digits}f}{self.unit}"
        if compare(self.value, bound):
            result = self.missing if self.exceeded else "met"
        else:
            result = "NOT MET"
        return [self.number, self.what, measured, goal, result]


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None


def table(header: list[str], rows: list[list[str]]) -> str:
    """Left-aligned text columns, wide enough for every cell."""
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(len(header))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in [header, ["-" * width for width in widths], *rows]
    )


MEASURED_HEADER = ["server", "case", "req/s", "runs' req/s", "p50 ms", "p99 ms", "errors", "RSS MB"]


def measured_row(measured: Measured) -> list[str]:
    return [
        measured.server.name,
        measured.case.name,
        f"{measured.median_rps:,.0f}",
        " ".join(f"{run:,.0f}" for run in measured.requests_per_second),
        f"{measured.median_p50:.2f}",
        f"{measured.median_p99:.2f}",
        str(measured.errors),
        f"{measured.rss_mb:.0f}",
    ]


def service_cases(service: Server) -> list[Case]:
    """The service's cases beside the plain section; If-None-Match carries its ETag."""
    _, headers, _ = service.fetch(SECTION_PATH, **{"Accept-Language": ACCEPT_LANGUAGE})
    return [
        Case("section 304", headers=(("If-None-Match", headers["ETag"]),), expected_status=304),
        Case("section GET, ab", tool="ab"),
        Case("section HEAD, ab", method="HEAD", tool="ab"),
        Case("section 10k Accept-Language", accept_languages=rotating_accept_languages()),
        Case(
            "section gzip",
            headers=(("Accept-Encoding", "gzip"),),
            expected_header=("Content-Encoding", "gzip"),
        ),
        # The same request as gzip's but for the encoding asked: what compression costs
        # apart from the header gunicorn parses (every real client sends one).
        Case("section identity", headers=(("Accept-Encoding", "identity"),)),
        # What clients that name the language in the query get (Flask's request class
        # parses it, in api/shortcut.py).
        Case("section ?lang=es-MX", path=f"{SECTION_PATH}?lang=es-MX"),
    ]


def cached_section(stack: contextlib.ExitStack, service: Server, work_dir: Path) -> Measured | str:
    """nginx in front of the service with the section cached, or why it is not measured."""
    if not NGINX:
        print(f"benchmarks: the nginx case needs nginx: {NGINX_MISSING}", file=sys.stderr)
        return f"not measured: {NGINX_MISSING}"
    # Each access line is formatted and written, to /dev/null: what logging costs, but
    # not a disk filled by a few million lines.
    upstream = service.base_url.removeprefix("http://")
    proxy = stack.enter_context(running_nginx(work_dir, upstream, access_log=Path(os.devnull)))
    proxy.fetch(SECTION_PATH, **{"Accept-Language": ACCEPT_LANGUAGE})  # the miss that fills it
    if problem := check_answer(proxy, CACHED_SECTION):
        return f"not measured yet: nginx {problem}"
    return Measured(proxy, CACHED_SECTION)


def bench_framework(work_dir: Path) -> tuple[list[list[str]], list[Target]]:
    """Floor, service, naive and nginx on the sample section, and the service's other cases."""
    # Spanish, or the catalogs are incomplete and every server would measure English.
    section = Case("section", expected_header=("Content-Language", "es"))
    with contextlib.ExitStack() as stack:
        servers = {
            name: stack.enter_context(
                running_server(name, app, SECTION_PATH, work_dir, STARTUP_TIMEOUT)
            )
            for name, app in (("floor", FLOOR_APP), ("service", None), ("naive", NAIVE_APP))
        }
        for server in servers.values():
            if problem := check_answer(server, section):
                raise SystemExit(f"benchmarks: {server.name} {problem}")
        service = servers["service"]
        plan = [Measured(server, section) for server in servers.values()]
        not_measured = {}
        for case in service_cases(service):
            if problem := check_answer(service, case):
                not_measured[case.name] = f"not measured yet: the service {problem}"
            else:
                plan.append(Measured(service, case))
        cached = cached_section(stack, service, work_dir)
        if isinstance(cached, Measured):
            plan.append(cached)
        else:
            not_measured[CACHED_SECTION.name] = cached
        measure(plan, work_dir)
    rows = [measured_row(measured) for measured in plan]

    by_name = {(measured.server.name, measured.case.name): measured for measured in plan}

    def rps(server: str, case: str = "section") -> float | None:
        found = by_name.get((server, case))
        return found.median_rps if found else None

    def against(number: str, what: str, case: str, bound: float, base: str = "section"):
        return Target(
            number,
            what,
            ratio(rps("service", case), rps("service", base)),
            (operator.ge, bound),
            missing=not_measured.get(case, "not measured yet"),
        )

    targets = [
        Target(
            "1",
            "section req/s, service / floor",
            ratio(rps("service"), rps("floor")),
            (operator.ge, 0.95),
        ),
        Target(
            "1",
            "section p99, service / floor",
            ratio(by_name["service", "section"].median_p99, by_name["floor", "section"].median_p99),
            (operator.le, 1.5),
        ),
        Target(
            "2",
            "section req/s, service / naive",
            ratio(rps("service"), rps("naive")),
            (operator.ge, 1.7),
        ),
        against("3", "304 (If-None-Match) / 200 req/s", "section 304", 1.0),
        against("3", "HEAD / GET req/s (both ab)", "section HEAD, ab", 1.0, "section GET, ab"),
        against(
            "4", "10,000 Accept-Language values / one, req/s", "section 10k Accept-Language", 0.9
        ),
        against(
            "5",
            "gzip / identity req/s, both with Accept-Encoding",
            "section gzip",
            1.0,
            "section identity",
        ),
        against("5", "gzip / identity req/s, identity without it", "section gzip", 1.0),
        Target(
            "11",
            "nginx cached / gunicorn section req/s",
            ratio(rps("nginx", CACHED_SECTION.name), rps("service")),
            (operator.ge, 10),
            missing=not_measured.get(CACHED_SECTION.name, "not measured yet"),
        ),
    ]
    return rows, targets


@dataclass
class CorpusRun:
    """One synthetic corpus served by the service."""

    articles: int
    section: Measured | None = None
    failure: str = ""
    timed_out: float | None = None  # the start-up timeout it exceeded
    memory_mb: tuple[float, float] = (0.0, 0.0)
    body_kilobytes: dict[str, float] = field(default_factory=dict)
    rotating: Measured | None = None  # every article's section, 10,000 Accept-Languages
    rotating_floor: Measured | None = None  # the same requests to the rotating floor
    compiled_in: float = 0.0  # seconds `make store` took (a build step, before start-up)
    bundles_built: str = ""  # `make store`'s line on the bundles: sizes, build time
    bundles: list[list[str]] = field(default_factory=list)  # per language, from /v1/bundles
    bundle_seconds: float = 0.0  # the slowest download of a whole bundle (gzip)


def rotating_case(articles: int) -> Case:
    """Requests over every article's sample section, each with another of 10,000
    distinct Accept-Language values: no memo or cache line serves two in a row."""
    paths = tuple(
        section_url(synthetic_slug(number), SECTION_ID) for number in range(1, articles + 1)
    )
    return Case(
        f"sections of {articles:,} articles, 10k Accept-Language",
        path=paths[0],
        paths=paths,
        accept_languages=rotating_accept_languages(),
    )


LISTS = ("/v1/articles", "/v1/languages")


def compile_corpus_store(corpus: dict[str, str]) -> tuple[float, str]:
    """`make store` for a corpus (a build step, not start-up): its seconds, and its line
    on the bundles it wrote."""
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "service.cli:create_cli_app", "store", "compile"],
        env={**os.environ, **corpus},
        check=True,
        capture_output=True,
        text=True,
    )
    bundles = [line for line in result.stdout.splitlines() if line.startswith("bundles:")]
    return time.monotonic() - started, bundles[0] if bundles else ""


def fetch_bundles(run: CorpusRun, server: Server) -> None:
    """Every language's bundle, gzip, as an app downloads it (so worker memory is measured
    after serving them), and their sizes from the index."""
    _, _, body = server.fetch("/v1/bundles")
    for entry in json.loads(body)["bundles"]:
        started = time.monotonic()
        status, _, zipped = server.fetch(entry["url"], **{"Accept-Encoding": "gzip"})
        run.bundle_seconds = max(run.bundle_seconds, time.monotonic() - started)
        assert (status, len(zipped)) == (200, entry["size_gzip"]), entry["url"]
        run.bundles.append(
            [
                entry["language"],
                f"{entry['articles']:,}",
                f"{entry['size'] / 1e6:,.1f}",
                f"{entry['size_gzip'] / 1e6:,.1f}",
            ]
        )


def corpus_texts(server: Server, slug: str) -> dict[str, str]:
    """An article's title and text in every offered language, as the server gives them."""
    _, _, languages = server.fetch("/v1/languages")
    texts = {}
    for language in json.loads(languages)["languages"]:
        if language["offered"]:
            _, _, body = server.fetch(f"/v1/articles/{slug}?lang={language['tag']}")
            article = json.loads(body)
            paragraphs = (text for each in article["sections"] for text in each["paragraphs"])
            texts[language["tag"]] = " ".join([article["title"], *paragraphs])
    return texts


def search_index_dir(store_path: Path) -> Path:
    """The search index the compiled store's header names."""
    header = store_path.read_bytes().split(b"\n", 1)[0].split(b" ", 1)[1]
    return store_path.with_name(json.loads(header)["search_index"])


def corpus_server(
    name: str, app: str | None, probe_path: str, work_dir: Path, corpus: dict[str, str]
) -> contextlib.AbstractContextManager[Server]:
    """A server (the service, or `app`) over a corpus, its settings passed by name."""
    return running_server(
        name,
        app,
        probe_path,
        work_dir,
        STARTUP_TIMEOUT,
        CONTENT_DIR=corpus["CONTENT_DIR"],
        TRANSLATIONS_DIR=corpus["TRANSLATIONS_DIR"],
        STORE_PATH=corpus["STORE_PATH"],
    )


def bench_corpus(
    work_dir: Path,
) -> tuple[list[list[str]], list[Target], list[CorpusRun], SearchBench | None]:
    """Start the service over each corpus size, then measure the section on each, and
    requests rotating over every article and 10,000 headers on the largest, against the
    framework floor measured again alternately with them (the machine drifts between
    parts: a ratio is only fair within one), and the same rotation against the rotating
    floor over the same corpus (floor_app.py)."""
    runs = [CorpusRun(size) for size in CORPUS_SIZES]
    searched = None
    with contextlib.ExitStack() as stack:
        floor = stack.enter_context(
            running_server("floor-corpus", FLOOR_APP, SECTION_PATH, work_dir, STARTUP_TIMEOUT)
        )
        floor_section = Measured(floor, Case("section (floor)"))
        for run in runs:
            print(f"bench: corpus of {run.articles} articles", file=sys.stderr)
            content_dir, translations_dir = write_corpus(
                work_dir / f"corpus-{run.articles}", run.articles
            )
            corpus = {
                "CONTENT_DIR": str(content_dir),
                "TRANSLATIONS_DIR": str(translations_dir),
                "STORE_PATH": str(work_dir / f"corpus-{run.articles}" / "store.pickle"),
            }
            run.compiled_in, run.bundles_built = compile_corpus_store(corpus)
            path = section_url(synthetic_slug(1), SECTION_ID)  # complete in every language
            try:
                server = stack.enter_context(
                    corpus_server(f"corpus-{run.articles}", None, path, work_dir, corpus)
                )
            except (TimeoutError, RuntimeError) as error:
                run.failure = str(error)
                if isinstance(error, TimeoutError):
                    run.timed_out = STARTUP_TIMEOUT
                continue
            run.section = Measured(server, Case(f"section, {run.articles} articles", path=path))
            if run is runs[-1]:
                run.rotating = Measured(server, rotating_case(run.articles))
                rotating_floor = stack.enter_context(
                    corpus_server(
                        f"floor-corpus-{run.articles}", ROTATING_FLOOR_APP, path, work_dir, corpus
                    )
                )
                run.rotating_floor = Measured(rotating_floor, rotating_case(run.articles))
            for list_path in LISTS:
                _, _, body = server.fetch(list_path, **{"Accept-Language": ACCEPT_LANGUAGE})
                run.body_kilobytes[list_path] = len(body) / 1024
            fetch_bundles(run, server)
        plan = [
            each for run in runs for each in (run.section, run.rotating, run.rotating_floor) if each
        ]
        measure([floor_section, *plan], work_dir)
        for run in runs:
            if run.section:
                run.memory_mb = run.section.server.worker_memory()
        if runs[-1].section:
            server = runs[-1].section.server
            store_path = work_dir / f"corpus-{runs[-1].articles}" / "store.pickle"
            searched = bench_search(
                server,
                corpus_texts(server, synthetic_slug(1)),
                search_index_dir(store_path),
                work_dir,
            )
    rows = [
        [
            f"{run.articles:,}",
            f"{run.section.server.started_in:.1f}",
            f"{run.memory_mb[0]:.0f}",
            f"{run.memory_mb[1]:.0f}",
            *(f"{run.body_kilobytes[list_path]:,.1f}" for list_path in LISTS),
            f"{run.section.median_rps:,.0f}",
            f"{run.section.median_p99:.2f}",
            str(run.section.errors),
            f"store compiled in {run.compiled_in:.0f} s beforehand (make store)",
        ]
        if run.section
        else [f"{run.articles:,}", *["-"] * 8, f"not measured: {run.failure}"]
        for run in runs
    ]
    largest = runs[-1]
    rotations = (
        (largest.rotating, "rotating over every article and 10,000 Accept-Language values"),
        (
            largest.rotating_floor,
            "the same rotation, to the rotating floor (prebuilt bytes per article)",
        ),
    )
    for measured, note in rotations:
        if measured:
            rows.append(
                [
                    f"{largest.articles:,}",
                    *["-"] * 5,
                    f"{measured.median_rps:,.0f}",
                    f"{measured.median_p99:.2f}",
                    str(measured.errors),
                    note,
                ]
            )
    rows.append(
        [
            "-",
            *["-"] * 5,
            f"{floor_section.median_rps:,.0f}",
            f"{floor_section.median_p99:.2f}",
            str(floor_section.errors),
            "the framework floor's section, measured alternately with the rows above",
        ]
    )
    return rows, corpus_targets(runs, floor_section.median_rps), runs, searched


def search_rows(searched: SearchBench) -> list[list[str]]:
    measured = (searched.uncached, searched.one_client, searched.phrases, searched.memoized)
    rows = [measured_row(each) for each in measured]
    rows.append(
        [
            searched.uncached.server.name,
            "index: worker PSS before / after searching, on disk, opening",
            f"{searched.pss_before_mb:.0f} / {searched.pss_after_mb:.0f} MB",
            f"{searched.index_mb:.0f} MB on disk",
            f"{searched.open_ms:.1f} ms to open",
            "-",
            "-",
            "-",
        ]
    )
    rows.extend(
        [searched.uncached.server.name, f"pathological: {name}", f"{status}", "-", f"{ms:.1f}"]
        + ["-"] * 3
        for name, (status, ms) in searched.pathological_ms.items()
    )
    return rows


def search_targets(searched: SearchBench | None) -> list[Target]:
    """Issue 20's budgets, at the largest corpus on one worker."""
    missing = "not measured: the largest corpus did not start"
    uncached = searched.uncached if searched else None
    return [
        Target(
            "20",
            "search: one-word query p99, every query new (ms)",
            uncached.median_p99 if uncached else None,
            (operator.le, 10),
            unit=" ms",
            missing=missing,
        ),
        Target(
            "20",
            "search: one-word queries/s, one worker, every query new",
            uncached.median_rps if uncached else None,
            (operator.ge, 1000),
            unit="/s",
            missing=missing,
        ),
        Target(
            "20",
            "search: worker PSS added by the index (MB)",
            searched.pss_after_mb - searched.pss_before_mb if searched else None,
            (operator.le, 100),
            unit=" MB",
            missing=missing,
        ),
        Target(
            "20",
            "search: start-up added (opening the index, s)",
            searched.open_ms / 1000 if searched else None,
            (operator.le, 3),
            unit=" s",
            missing=missing,
        ),
        Target(
            "20",
            "search: slowest pathological query (ms)",
            max(ms for _, ms in searched.pathological_ms.values()) if searched else None,
            (operator.le, 100),
            unit=" ms",
            missing=missing,
        ),
    ]


def corpus_targets(runs: list[CorpusRun], floor_rps: float | None) -> list[Target]:
    """Target 6 at the largest corpus, against the smallest (throughput) and the next
    largest (list sizes, which must not grow with the corpus); the rotating case against
    the framework floor's section (the rotating floor's row in the corpus table says
    what the same rotation costs Flask and gunicorn alone)."""
    largest, smallest = runs[-1], runs[0]
    previous = runs[-2] if len(runs) > 1 else None
    served = largest.section is not None
    missing = f"not measured: {largest.failure}" if largest.failure else "not measured yet"

    def grown(list_path: str) -> float | None:
        if not (served and previous and previous.section):
            return None
        return ratio(largest.body_kilobytes[list_path], previous.body_kilobytes[list_path])

    name = f"{largest.articles:,} articles"
    return [
        Target(
            "6",
            f"start-up to first 200, {name}",
            largest.section.server.started_in if served else largest.timed_out,  # type: ignore[union-attr]
            (operator.le, 15),
            unit=" s",
            missing=missing,
            exceeded=not served,
        ),
        Target(
            "6",
            f"worker PSS, {name}",
            largest.memory_mb[1] if served else None,
            (operator.le, 600),
            unit=" MB",
            missing=missing,
        ),
        Target(
            "6",
            f"section req/s, {name} / {smallest.articles:,}",
            ratio(
                largest.section.median_rps if served else None,  # type: ignore[union-attr]
                smallest.section.median_rps if smallest.section else None,
            ),
            (operator.ge, 0.9),
            missing=missing,
        ),
        *(
            Target(
                "6",
                f"{list_path} bytes, {name} / {previous.articles if previous else '-'}",
                grown(list_path),
                (operator.le, 1.1),
                missing=missing,
            )
            for list_path in LISTS
        ),
        Target(
            "6",
            f"sections of {name} x 10k Accept-Language req/s / floor",
            ratio(largest.rotating.median_rps if largest.rotating else None, floor_rps),
            (operator.ge, 0.95),
            missing=missing,
        ),
    ]


def main():
    """Run every benchmark and print the tables."""
    if not all(shutil.which(tool) for tool in LOAD_TOOLS):
        raise SystemExit(TOOLS_MISSING)
    pinning = (
        f"gunicorn and nginx on CPU {SERVER_PIN[-1]}, wrk on CPU {LOAD_PIN[-1]}"
        if SERVER_PIN
        else "no pinning (needs taskset and two CPUs)"
    )
    print(
        f"make bench: {RUNS} runs × {SECONDS} s per case after {WARMUP_SECONDS} s warm-up, "
        f"alternating; wrk 1 thread × {CONNECTIONS} connections; gunicorn.conf.py with "
        f"{WORKER_SETTINGS['WEB_CONCURRENCY']} worker × {WORKER_SETTINGS['THREADS']} threads; "
        f"nginx with 1 worker; {pinning}; medians shown",
        flush=True,
    )
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="bench-") as work_dir:
        rows, targets = bench_framework(Path(work_dir))
        print("\n" + table(MEASURED_HEADER, rows), flush=True)
        corpus_rows, corpus_target_rows, runs, searched = bench_corpus(Path(work_dir))
    print(
        "\n"
        + table(
            [
                "articles",
                "start-up s",
                "worker RSS MB",
                "worker PSS MB",
                "/v1/articles KB",
                "/v1/languages KB",
                "section req/s",
                "p99 ms",
                "errors",
                "note",
            ],
            corpus_rows,
        )
    )
    for run in runs:
        if run.bundles:
            print(
                f"\nOffline bundles at {run.articles:,} articles ({run.bundles_built}; the "
                f"slowest gzip download on loopback {run.bundle_seconds:.2f} s)\n"
                + table(["language", "articles", "MB", "MB gzip"], run.bundles)
            )
    if searched:
        print("\n" + table(MEASURED_HEADER, search_rows(searched)))
    corpus_target_rows += search_targets(searched)
    print(
        "\n"
        + table(
            ["target", "what", "measured", "goal", "result"],
            [
                target.row()
                for target in sorted(
                    [*targets, *corpus_target_rows], key=lambda target: int(target.number)
                )
            ],
        )
    )
    # Other processes on the machine skew absolute numbers (ratios less so): say how busy.
    print(f"\nload average (1 min): {load_before:.1f} at start, {os.getloadavg()[0]:.1f} at end")


if __name__ == "__main__":
    main()
