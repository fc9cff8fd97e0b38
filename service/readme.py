"""Write the README's passages that the code defines, so they cannot drift from it.

A generated passage sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` comment
lines; `python -m service.readme write README.md` (`make docs`) rewrites each one and
`python -m service.readme check README.md` fails when one is stale. Besides the problem
types, the client examples are quoted from the files tests/test_clients.py and
tests/test_cors_browser.py run, between `readme:NAME:start` and `readme:NAME:end`
comment lines there.
"""

import functools
import re
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

from service.config import REPOSITORY_DIR
from service.errors import PROBLEM_TYPE_PREFIX, documented_problem_types


def problem_types_table() -> str:
    """One row per problem type name: its URN suffix, status and English title."""
    return "\n".join(
        (
            f"| type (`{PROBLEM_TYPE_PREFIX}` + ...) | status | title |",
            "|---|---|---|",
            *(
                f"| `{problem_type.name}` | {status} | {problem_type.title} |"
                for problem_type, status in documented_problem_types()
            ),
        )
    )


def excerpt(path: str, name: str, language: str) -> str:
    """A fenced block of the file's stretches between `readme:NAME:start` and
    `readme:NAME:end` comment lines (# or //), each dedented, in file order."""
    marker = re.compile(rf"\s*(?:#|//) readme:{re.escape(name)}:(start|end)")
    stretches: list[str] = []
    current: list[str] | None = None
    for line in (REPOSITORY_DIR / path).read_text(encoding="utf-8").splitlines():
        found = marker.fullmatch(line)
        if found and found[1] == "start":
            current = []
        elif found and current is not None:
            stretches.append(textwrap.dedent("\n".join(current)).strip("\n"))
            current = None
        elif current is not None:
            current.append(line)
    if not stretches:
        raise ValueError(f"{path} has no readme:{name}:start ... end stretch")
    return f"```{language}\n" + "\n\n".join(stretches) + "\n```"


CLIENT_EXAMPLES = {
    "python": ("clients/python/tour.py", "python"),
    "typescript": ("clients/typescript/tour.ts", "ts"),
}

GENERATED_PASSAGES: dict[str, Callable[[], str]] = {
    "problem-types": problem_types_table,
    **{
        f"{client}-{example}": functools.partial(excerpt, path, f"{client}-{example}", language)
        for client, (path, language) in CLIENT_EXAMPLES.items()
        for example in ("article", "problem", "infobutton")
    },
    "cors": functools.partial(excerpt, "clients/browser/portal.html", "cors", "js"),
}


def with_generated_passages(text: str) -> str:
    """The text with every generated passage rewritten; each pair of markers must be there."""
    for name, generate in GENERATED_PASSAGES.items():
        start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
        before, found_start, rest = text.partition(start)
        _, found_end, after = rest.partition(end)
        if not (found_start and found_end):
            raise ValueError(f"the README has no {start} ... {end} pair")
        text = f"{before}{start}\n{generate()}\n{end}{after}"
    return text


def main(arguments: list[str]) -> int:
    usage = "usage: python -m service.readme write|check README.md"
    if len(arguments) != 2 or arguments[0] not in ("write", "check"):
        print(usage, file=sys.stderr)
        return 2
    action, path = arguments[0], Path(arguments[1])
    text = path.read_text(encoding="utf-8")
    generated = with_generated_passages(text)
    if action == "write":
        path.write_text(generated, encoding="utf-8")
    elif generated != text:
        print(f"{path} is stale: run `make docs` and commit it", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
