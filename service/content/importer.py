"""Turn a plain-text article into a Markdown article file that an editor then reviews.

Plain text as the seeds are written: the first line is the title; blocks are separated by
blank lines; a one-line block of at most HEADING_MAX_CHARACTERS characters that does not
end a sentence (`.`, `,`, `;`, `:`) and has a letter is a section heading; every other block is a
paragraph (its lines joined by spaces). Each heading gets an explicit `{#id}`, from the
given mapping or the heading's slug, so that an editor who rewords a heading later does
not change the section's URL. Words are kept exactly: Markdown syntax characters are
backslash-escaped only where they would otherwise be read as markup.
"""

import re
from collections.abc import Mapping

import yaml

from service.content.markdown import heading_slug

HEADING_MAX_CHARACTERS = 80
SENTENCE_ENDINGS = (".", ",", ";", ":")
INLINE_SYNTAX = re.compile(r"([\\`*_\[<~]|&(?=#?[0-9A-Za-z]+;))")
# What starts a heading, quote, list or rule at the start of a line (escaped there only).
LINE_START_SYNTAX = re.compile(
    r"^(?:(#{1,6}(?=\s|$)|>|[-+](?=\s|$)|-(?=[-\s]*$))|(\d{1,9})([.)])(?=\s|$))"
)


def escape_markdown(text: str) -> str:
    """Text that a Markdown parser reads back as exactly `text`, with no markup."""
    escaped = INLINE_SYNTAX.sub(r"\\\1", text)
    return LINE_START_SYNTAX.sub(
        lambda match: f"\\{match[1]}" if match[1] else f"{match[2]}\\{match[3]}", escaped
    )


def _is_heading(block: list[str]) -> bool:
    return (
        len(block) == 1
        and len(block[0]) <= HEADING_MAX_CHARACTERS
        and not block[0].endswith(SENTENCE_ENDINGS)
        and any(character.isalpha() for character in block[0])
    )


def _blocks(lines: list[str]) -> list[list[str]]:
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    return [block for block in blocks if block]


def markdown_from_plain_text(
    text: str, slug: str, section_ids: Mapping[str, str] | None = None
) -> str:
    """A Markdown article file for `text`: front matter (slug, title, an unreviewed status,
    unknown attribution, no codes: the editor fills them in) and the body. section_ids maps
    a heading's text to the id it should have instead of its slug."""
    lines = text.splitlines()
    title_index = next((index for index, line in enumerate(lines) if line.strip()), None)
    if title_index is None:
        raise ValueError("the text is empty: its first line is the article's title")
    front_matter: dict[str, object] = {
        "slug": slug,
        "title": lines[title_index].strip(),
        "attribution": None,
        "clinical_review": "not_reviewed",
        "codes": [],
    }
    body = []
    for block in _blocks(lines[title_index + 1 :]):
        if _is_heading(block):
            heading = block[0]
            section_id = (section_ids or {}).get(heading) or heading_slug(heading)
            if not section_id:
                raise ValueError(f"heading {heading!r} has no Latin letters: give it an id")
            body.append(f"## {escape_markdown(heading)} {{#{section_id}}}")
        else:
            body.append(escape_markdown(" ".join(block)))
    dumped = yaml.safe_dump(front_matter, sort_keys=False, allow_unicode=True, width=1_000_000)
    return f"---\n{dumped}---\n" + "".join(f"\n{block}\n" for block in body)
