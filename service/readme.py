"""Write the README's passages that the code defines, so they cannot drift from it.

A generated passage sits between `<!-- NAME:start -->` and `<!-- NAME:end -->` comment
lines; `python -m service.readme write README.md` (`make docs`) rewrites each one and
`python -m service.readme check README.md` fails when one is stale.
"""

import sys
from collections.abc import Callable
from pathlib import Path

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


GENERATED_PASSAGES: dict[str, Callable[[], str]] = {"problem-types": problem_types_table}


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
