"""Run a server process for a test or a benchmark: wait until it answers, always stop it.

The one copy that benchmarks/servers.py (gunicorn, for the benchmarks and, through
tests/helpers.py, the tests), benchmarks/nginx.py and benchmarks/soak.py share.
"""

import contextlib
import signal
import subprocess
import time
from collections.abc import Callable, Iterator


def _tail(log: Callable[[], str], lines: int = 20) -> str:
    return "\n".join(log().strip().splitlines()[-lines:]) or "(no output)"


@contextlib.contextmanager
def serving(
    name: str,
    process: subprocess.Popen,
    ready: Callable[[], bool],
    log: Callable[[], str],
    timeout: float,
) -> Iterator[float]:
    """Yield the seconds `process` took until `ready()`; SIGTERM it afterwards.

    Raises RuntimeError if it exits first and TimeoutError if it is not ready in time,
    each with the end of its log.
    """
    started = time.monotonic()
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"{name} exited: {_tail(log)}")
            with contextlib.suppress(OSError):
                if ready():
                    break
            if time.monotonic() - started > timeout:
                raise TimeoutError(f"{name}: no answer within {timeout:g} s: {_tail(log)}")
            time.sleep(0.05)
        yield time.monotonic() - started
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
