"""The load: wrk (ab for HEAD) driving one case against one server, run after run."""

import itertools
import json
import statistics
import string
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.sample import ACCEPT_LANGUAGE, SECTION_PATH
from benchmarks.servers import LOAD_PIN, Server
from benchmarks.settings import RUNS, SECONDS, WARMUP_SECONDS

CONNECTIONS = 8  # issue 5's reference: keep-alive, 8 connections
WRK_SCRIPT = Path(__file__).with_name("wrk_case.lua")
LOAD_TOOLS = ("wrk", "ab")
TOOLS_MISSING = (
    "benchmarks: needs wrk and ab; install them with `apt-get install wrk apache2-utils`"
)


def rotating_accept_languages(count: int = 10_000) -> tuple[str, ...]:
    """`count` distinct headers that all negotiate Spanish, as many different clients send."""
    regions = ["".join(pair) for pair in itertools.product(string.ascii_uppercase, repeat=2)]
    headers = (
        f"es-{region},es;q=0.9,en;q=0.{quality:02d}"
        for quality, region in itertools.product(range(1, 100), regions)
    )
    return tuple(itertools.islice(headers, count))


@dataclass(frozen=True)
class Case:
    """One kind of request: method, Accept-Language values in rotation, extra headers."""

    name: str
    path: str = SECTION_PATH
    method: str = "GET"
    accept_languages: tuple[str, ...] = (ACCEPT_LANGUAGE,)
    headers: tuple[tuple[str, str], ...] = ()
    expected_status: int = 200
    expected_header: tuple[str, str] | None = None
    tool: str = "wrk"  # or "ab", which can measure HEAD
    # Paths to rotate over with the Accept-Language values (each request the next of
    # both); empty: `path` every time.
    paths: tuple[str, ...] = ()
    connections: int = CONNECTIONS

    def request_lines(self) -> list[str]:
        """What wrk_case.lua reads: one request per line, "PATH<tab>VALUE" or "VALUE"."""
        if not self.paths:
            return list(self.accept_languages)
        count = max(len(self.paths), len(self.accept_languages))
        return [
            f"{self.paths[index % len(self.paths)]}\t"
            f"{self.accept_languages[index % len(self.accept_languages)]}"
            for index in range(count)
        ]


@dataclass
class Measured:
    """Every recorded run of one case on one server."""

    server: Server
    case: Case
    requests_per_second: list[float] = field(default_factory=list)
    p50_ms: list[float] = field(default_factory=list)
    p99_ms: list[float] = field(default_factory=list)
    errors: int = 0
    rss_mb: float = 0.0  # the worker's largest RSS after a run

    @property
    def median_rps(self) -> float:
        return statistics.median(self.requests_per_second)

    @property
    def median_p50(self) -> float:
        return statistics.median(self.p50_ms)

    @property
    def median_p99(self) -> float:
        return statistics.median(self.p99_ms)


def check_answer(server: Server, case: Case) -> str | None:
    """What is wrong with the server's answer to the case (so it measures nothing), or None."""
    status, headers, _ = server.fetch(
        case.path,
        case.method,
        **{"Accept-Language": case.accept_languages[0]},
        **dict(case.headers),
    )
    if status != case.expected_status:
        return f"answered {status}, not {case.expected_status}"
    if case.expected_header and headers.get(case.expected_header[0]) != case.expected_header[1]:
        return "answered without {}: {}".format(*case.expected_header)
    return None


@dataclass(frozen=True)
class Run:
    """What one load run measured."""

    requests_per_second: float
    p50_ms: float
    p99_ms: float
    errors: int


def run_wrk(case: Case, url: str, seconds: int, work_dir: Path) -> Run:
    """wrk with wrk_case.lua: Accept-Language values in rotation, a JSON summary back."""
    values_file = work_dir / f"requests-{hash((case.paths, case.accept_languages)):x}.txt"
    if not values_file.exists():
        values_file.write_text("\n".join(case.request_lines()) + "\n", encoding="utf-8")
    command = [
        *LOAD_PIN,
        "wrk",
        "--threads=1",
        f"--connections={case.connections}",
        f"--duration={seconds}s",
        f"--script={WRK_SCRIPT}",
        url,
        "--",
        case.method,
        str(values_file),
        *itertools.chain.from_iterable(case.headers),
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    summary = json.loads(output.strip().splitlines()[-1])
    return Run(
        summary["requests"] / (summary["duration_us"] / 1e6),
        summary["p50_us"] / 1000,
        summary["p99_us"] / 1000,
        summary["errors"],
    )


def _ab_field(output: str, label: str) -> float:
    """A number from ab's report ("Requests per second:    4512.33 [#/sec] (mean)")."""
    for line in output.splitlines():
        if line.startswith(f"{label}:"):
            return float(line.split()[len(label.split())])
    return 0.0


def run_ab(case: Case, url: str, seconds: int, work_dir: Path) -> Run:
    """ApacheBench, for HEAD: wrk waits for the body a HEAD response announces (wrk #198)."""
    percentiles_file = work_dir / "ab-percentiles.csv"
    headers = [("Accept-Language", case.accept_languages[0]), *case.headers]
    command = [
        *LOAD_PIN,
        "ab",
        "-q",
        "-k",  # keep-alive, as wrk
        *(["-i"] if case.method == "HEAD" else []),
        f"-c{case.connections}",
        f"-t{seconds}",
        "-n100000000",  # after -t, so the time limit ends the run, not ab's 50,000 default
        f"-e{percentiles_file}",
        *itertools.chain.from_iterable(("-H", f"{name}: {value}") for name, value in headers),
        url,
    ]
    output = subprocess.run(
        command, capture_output=True, text=True, timeout=seconds + 60, check=True
    ).stdout
    with percentiles_file.open(encoding="utf-8") as rows:
        next(rows)  # "Percentage served,Time in ms"
        milliseconds = dict(csv_row.strip().split(",") for csv_row in rows)
    return Run(
        _ab_field(output, "Requests per second"),
        float(milliseconds["50"]),
        float(milliseconds["99"]),
        int(_ab_field(output, "Failed requests") + _ab_field(output, "Non-2xx responses")),
    )


def drive(measured: Measured, seconds: int, work_dir: Path, record: bool = True):
    """Run the case's load tool against its server; record the run unless warming up."""
    run_tool = run_ab if measured.case.tool == "ab" else run_wrk
    run = run_tool(measured.case, measured.server.base_url + measured.case.path, seconds, work_dir)
    if not record:
        return
    measured.requests_per_second.append(run.requests_per_second)
    measured.p50_ms.append(run.p50_ms)
    measured.p99_ms.append(run.p99_ms)
    measured.errors += run.errors
    measured.rss_mb = max(measured.rss_mb, measured.server.worker_memory()[0])


def measure(plan: list[Measured], work_dir: Path):
    """Warm every case up, then run each RUNS times, alternating the cases run by run."""
    for measured in plan:
        drive(measured, WARMUP_SECONDS, work_dir, record=False)
    for run in range(1, RUNS + 1):
        for measured in plan:
            print(
                f"bench: run {run}/{RUNS}: {measured.server.name}, {measured.case.name}",
                file=sys.stderr,
                flush=True,
            )
            drive(measured, SECONDS, work_dir)
