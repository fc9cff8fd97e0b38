"""The README's examples are real: its curl tour runs against gunicorn, its lists come
from the code.

Convention for the ```sh blocks of the README's "API tour" (every subsection):
- A command is a line that is not a comment, with its `\\` continuation lines. The
  commands of one block run in order in one bash (so `etag=$(...)` carries over), with
  `127.0.0.1:8000` pointing at the test's server; each must exit 0.
- The comment lines right under a command (no blank line between) show its output:
  - `# HTTP/1.1 200 OK`: the status line, exactly; the `# Name: value` lines after it
    are response headers (the name in any case, the value exactly);
  - the other lines are parts of the body, in order: a line break in the README and
    the indentation after it stand for any white space (or none), and `...` for any
    text. `...` also elides inside a header value.
- Any other comment (after a blank line, or at the end of a command line) is prose.
"""

import os
import re
import shutil
import subprocess
from dataclasses import dataclass, field

import pytest

from service.config import REPOSITORY_DIR
from service.readme import with_generated_passages
from tests.helpers import running_gunicorn

README = REPOSITORY_DIR / "README.md"
TOUR_HEADING = "## API tour"
README_ORIGIN = "127.0.0.1:8000"
STATUS_LINE = re.compile(r"HTTP/\d(?:\.\d)? \d{3}\b.*")
HEADER_LINE = re.compile(r"([A-Za-z][A-Za-z0-9-]*): (.*)")
ELISION = "..."


@dataclass
class Example:
    """One command of the README and the output it shows."""

    line: int  # where the command starts in README.md
    command: str
    shown: list[str] = field(default_factory=list)


def tour_blocks(text: str) -> list[tuple[int, list[str]]]:
    """The ```sh blocks of the API tour: (line of the first command line, its lines)."""
    lines = text.splitlines()
    start = lines.index(TOUR_HEADING)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("## "))
    blocks: list[tuple[int, list[str]]] = []
    current: tuple[int, list[str]] | None = None
    for number in range(start, end):
        line = lines[number]
        if current is None and line == "```sh":
            current = (number + 2, [])
        elif current is not None and line == "```":
            blocks.append(current)
            current = None
        elif current is not None:
            current[1].append(line)
    return blocks


def examples(first_line: int, lines: list[str]) -> list[Example]:
    """A block's commands, each with the output lines it shows (module docstring)."""
    found: list[Example] = []
    showing = False  # are comment lines output of the last command?
    continued = False
    for offset, line in enumerate(lines):
        if continued:
            found[-1].command += "\n" + line
        elif not line.strip():
            showing = False
        elif line.startswith("#"):
            if showing:
                found[-1].shown.append(line.removeprefix("#").removeprefix(" "))
        else:
            found.append(Example(first_line + offset, line))
            showing = True
        continued = line.endswith("\\")
    return found


def appears_in_order(shown_lines: list[str], actual: str) -> bool:
    """Whether the shown body lines appear in actual, as the module docstring says."""
    position = 0
    # Each part between elisions is found left to right, after the previous one.
    for part in "\n".join(line.strip() for line in shown_lines).split(ELISION):
        pattern = r"\s*".join(re.escape(piece) for piece in part.split("\n"))
        found = re.compile(pattern).search(actual, position)
        if found is None:
            return False
        position = found.end()
    return True


def header_matches(value_shown: str, value: str) -> bool:
    parts = map(re.escape, value_shown.split(ELISION))
    return re.fullmatch(r"(?s:.*)".join(parts), value) is not None


def check_output(example: Example, output: str) -> list[str]:
    """What the example shows that the real output lacks (empty: all of it is there)."""
    shown, problems = list(example.shown), []
    body = output
    if shown and STATUS_LINE.fullmatch(shown[0]):
        head, _, body = output.replace("\r\n", "\n").partition("\n\n")
        status_line, *header_lines = head.split("\n")
        if status_line != shown[0]:
            problems.append(f"status line {status_line!r}, shown {shown[0]!r}")
        headers = []
        for line in header_lines:
            match = HEADER_LINE.fullmatch(line)
            assert match, f"not a header line: {line!r}"
            headers.append(match.groups())
        shown = shown[1:]
        while shown and (header := HEADER_LINE.fullmatch(shown[0])):
            name, value_shown = header.groups()
            values = [value for key, value in headers if key.lower() == name.lower()]
            if not any(header_matches(value_shown, value) for value in values):
                problems.append(f"header {name}: {values}, shown {value_shown!r}")
            shown = shown[1:]
    if shown and not appears_in_order(shown, body):
        problems.append(f"body {body[:3000]!r} lacks what is shown: {shown}")
    return problems


def test_the_readme_shows_the_generated_passages_as_the_code_writes_them():
    text = README.read_text(encoding="utf-8")
    assert with_generated_passages(text) == text, "README.md is stale: run `make docs`"


def test_the_tour_is_found_and_parsed():
    """Guards the test below: it must see the tour's commands and what they show."""
    found = [
        example
        for first_line, lines in tour_blocks(README.read_text(encoding="utf-8"))
        for example in examples(first_line, lines)
    ]
    assert len(found) >= 15
    assert sum(bool(example.shown) for example in found) >= 10
    assert all(README_ORIGIN in example.command for example in found)


# `make test` installs curl (or names the command that does): under CI it must be there.
@pytest.mark.skipif(
    shutil.which("curl") is None and "CI" not in os.environ, reason="needs curl: make test-deps"
)
def test_every_curl_example_in_the_tour_answers_as_shown(tmp_path):
    blocks = tour_blocks(README.read_text(encoding="utf-8"))
    curl_home = tmp_path / "curl"
    curl_home.mkdir()
    # Bounded: every curl gives up after 10 s; no ~/.curlrc changes what runs.
    (curl_home / ".curlrc").write_text("max-time = 10\n")
    failures: list[str] = []
    with running_gunicorn(tmp_path) as server:
        origin = server.base_url.removeprefix("http://")
        for first_line, lines in blocks:
            block = examples(first_line, lines)
            script = ["set -o pipefail"]
            for number, example in enumerate(block):
                command = example.command.replace(README_ORIGIN, origin)
                script.append(
                    f"{{ {command}\n}} > {tmp_path}/out.{number}; echo $? > {tmp_path}/rc.{number}"
                )
            subprocess.run(
                ["bash", "-c", "\n".join(script)],
                check=True,
                timeout=60,
                env={"PATH": os.environ["PATH"], "CURL_HOME": str(curl_home), "LC_ALL": "C.UTF-8"},
            )
            for number, example in enumerate(block):
                returncode = int((tmp_path / f"rc.{number}").read_text())
                output = (tmp_path / f"out.{number}").read_text(encoding="utf-8")
                problems = check_output(example, output)
                if returncode:
                    problems.insert(0, f"exit status {returncode}")
                failures.extend(f"README.md:{example.line}: {problem}" for problem in problems)
    assert not failures, "\n".join(failures)
