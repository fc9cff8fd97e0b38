"""What `make bench` reads from the environment (documented in the README)."""

import os


def _whole_numbers(name: str, default: str) -> list[int]:
    raw = os.environ.get(name, "").strip() or default
    values = [value.strip() for value in raw.split(",")]
    if not all(value.isdigit() and int(value) >= 1 for value in values):
        raise SystemExit(f"benchmarks: {name}={raw!r} must be whole numbers >= 1, comma-separated")
    return [int(value) for value in values]


(SECONDS,) = _whole_numbers("BENCH_SECONDS", "5")
(RUNS,) = _whole_numbers("BENCH_RUNS", "3")
(WARMUP_SECONDS,) = _whole_numbers("BENCH_WARMUP_SECONDS", "2")
(STARTUP_TIMEOUT,) = _whole_numbers("BENCH_STARTUP_TIMEOUT", "60")
CORPUS_SIZES = sorted(_whole_numbers("BENCH_CORPUS_SIZES", "1,100,1000"))
