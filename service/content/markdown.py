"""Parse a Markdown article file (YAML front matter + CommonMark body) into an Article.

The file format, for editors:

    ---
    slug: laser-treatment-for-stretch-marks
    title: What Cosmetic Laser Treatment For Stretch Marks Is
    also_called: [striae, striae distensae]   # optional: other names patients search for
    attribution: ...            # and the other metadata keys of MetadataFileSchema
    clinical_review: not_reviewed
    codes: [{system: icd10cm, code: L90.6, display: Striae atrophicae}]
    translator_notes: {sewing-up: "..."}   # optional, per section id
    ---
    Text before the first heading is the section `overview`, with no heading.

    ## What It Is {#what-it-is}

`##` headings start sections; `{#id}` at the end of a heading sets the section id, else
it is the heading's slug (`What It Is` -> `what-it-is`). Blocks: paragraphs, bullet and
ordered lists (nested one level), block quotes, and call-outs: a quote whose first line
is `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]` (GitHub's syntax).
Inline syntax is service.content.inline's. Anything else is refused with `file:line:`.
"""

import re
import unicodedata
from collections.abc import Collection, Mapping
from pathlib import Path

import yaml
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from marshmallow import ValidationError, fields, post_load, validate

from service.content.inline import (
    PARSER,
    MarkupError,
    inline_node,
    internal_target,
    normalize_source,
    parse_inline,
    spans_of,
)
from service.content.loader import (
    SLUG,
    ContentError,
    MetadataFileSchema,
    _first_error,
    also_called_field,
)
from service.content.model import (
    CALLOUT_KINDS,
    Article,
    Block,
    Callout,
    InternalLink,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Section,
    text_units,
)

OVERVIEW = "overview"
FRONT_MATTER_FENCE = "---"
HEADING_ID = re.compile(r"\s*\{#([^}]*)\}$")
CALLOUT_MARKER = re.compile(r"\[!([A-Za-z]+)\]([^\n]*)\n?")
BLOCK_NAMES = {
    "paragraph": "paragraphs",
    "bullet_list": "lists",
    "ordered_list": "lists",
    "blockquote": "quotes",
    "html_block": "raw HTML",
    "fence": "code blocks",
    "code_block": "code blocks (indented text)",
    "hr": "horizontal rules",
    "table": "tables",
}


_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FrontMatterLoader(_SafeLoader):  # type: ignore[valid-type,misc]
    """Safe YAML (libyaml's when present: two thirds of a file's parse time otherwise)
    that keeps dates as strings, so the schema, not YAML, validates them and a date such
    as 2024-13-01 is one clear error rather than a crash."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class FrontMatterSchema(MetadataFileSchema):
    """The article's metadata keys, flat, beside its slug, title, other names and
    translator notes."""

    slug = fields.String(required=True, validate=SLUG)
    title = fields.String(required=True, validate=validate.Length(min=1))
    also_called = also_called_field()
    translator_notes = fields.Dict(
        keys=fields.String(validate=SLUG),
        values=fields.String(validate=validate.Length(min=1)),
        load_default=dict,
    )

    @post_load
    def build(self, data, **_):
        article_keys = {
            key: data.pop(key) for key in ("slug", "title", "also_called", "translator_notes")
        }
        return article_keys, super().build(data)


FRONT_MATTER_SCHEMA = FrontMatterSchema()


class _ArticleFile:
    """One file being parsed: knows its name and where its body starts, to place errors."""

    def __init__(self, filename: str, body_first_line: int):
        self.filename = filename
        self.body_first_line = body_first_line
        self.internal_links: list[InternalLink] = []

    def error(self, line: int, what: str) -> ContentError:
        return ContentError(f"{self.filename}:{line}: {what}")

    def line_of(self, node: SyntaxTreeNode) -> int:
        return self.body_first_line + node.map[0] if node.map else self.body_first_line

    def text_unit(self, inline: SyntaxTreeNode, line: int) -> tuple[str, tuple]:
        """(normalized source, spans) of a paragraph's inline node."""
        try:
            spans = spans_of(inline)
        except MarkupError as error:
            raise self.error(line + error.line_offset, str(error)) from None
        self.note_links(inline, line)
        return normalize_source(inline.content), spans

    def note_links(self, inline: SyntaxTreeNode, line: int) -> None:
        line_offset = 0
        for node in inline.walk():
            line_offset += node.type == "softbreak"
            target = internal_target(str(node.attrs["href"])) if node.type == "link" else None
            if target:
                self.internal_links.append(InternalLink(*target, line + line_offset))

    def refusal(self, node: SyntaxTreeNode, where: str = "") -> ContentError:
        if node.type == "heading":
            return self.error(self.line_of(node), self.heading_refusal(node))
        what = BLOCK_NAMES.get(node.type, node.type.replace("_", " "))
        return self.error(self.line_of(node), f"{what}{where} not supported")

    def blocks(self, nodes: list[SyntaxTreeNode], *, in_quote: bool = False) -> list[Block]:
        blocks: list[Block] = []
        for node in nodes:
            if node.type == "paragraph":
                blocks.append(Paragraph(*self.text_unit(node.children[0], self.line_of(node))))
            elif node.type in ("bullet_list", "ordered_list"):
                blocks.append(self.list_block(node, nested=False))
            elif node.type == "blockquote" and not in_quote:
                blocks.append(self.quote(node))
            else:
                raise self.refusal(node, " inside a quote" if in_quote else "")
        return blocks

    def list_block(self, node: SyntaxTreeNode, *, nested: bool) -> ListBlock:
        ordered = node.type == "ordered_list"
        if ordered and node.attrs.get("start", 1) != 1:
            raise self.error(self.line_of(node), "an ordered list starts at 1")
        items = []
        for item in node.children:
            first, *rest = item.children or [None]  # type: ignore[list-item]
            if first is None or first.type != "paragraph":
                raise self.error(self.line_of(item), "a list item starts with its text")
            sublist = rest.pop(0) if rest and rest[0].type.endswith("_list") else None
            if rest:
                raise self.refusal(rest[0], " after a list item's text and nested list")
            if sublist and nested:
                raise self.error(self.line_of(sublist), "lists nest one level only")
            children = self.list_block(sublist, nested=True) if sublist else None
            items.append(
                ListItem(
                    *self.text_unit(first.children[0], self.line_of(first)),
                    children=children.items if children else (),
                    children_ordered=children.ordered if children else False,
                )
            )
        return ListBlock(ordered, tuple(items))

    def quote(self, node: SyntaxTreeNode) -> Quote | Callout:
        line = self.line_of(node)
        first = node.children[0] if node.children else None
        marker = (
            CALLOUT_MARKER.match(first.children[0].content)
            if first is not None and first.type == "paragraph"
            else None
        )
        if first is None or not marker:
            blocks = self.blocks(node.children, in_quote=True)
            if not blocks:
                raise self.error(line, "empty quote")
            return Quote(tuple(blocks))
        kind = marker[1].lower()
        if marker[2].strip():
            raise self.error(line, f"a call-out's text starts on the line after [!{marker[1]}]")
        if kind not in CALLOUT_KINDS:
            known = ", ".join(f"[!{known.upper()}]" for known in CALLOUT_KINDS)
            raise self.error(line, f"unknown call-out [!{marker[1]}]: use one of {known}")
        blocks = self.blocks(node.children[1:], in_quote=True)
        text_after_marker = first.children[0].content[marker.end() :]
        if text_after_marker.strip():
            # The marker line starts a paragraph: its other lines are the first block.
            inline = inline_node(text_after_marker)
            blocks.insert(0, Paragraph(*self.text_unit(inline, self.line_of(first) + 1)))
        if not blocks:
            raise self.error(line, f"empty call-out [!{marker[1]}]")
        return Callout(kind, tuple(blocks))

    def heading_refusal(self, node: SyntaxTreeNode) -> str:
        if node.markup.startswith("#"):
            return f"{node.markup} headings not supported: sections start at ## headings"
        return "underlined headings not supported: write ## Heading"

    def heading(self, node: SyntaxTreeNode) -> tuple[str, str]:
        """(section id, heading text) of a ## heading."""
        line = self.line_of(node)
        if node.markup != "##":
            raise self.error(line, self.heading_refusal(node))
        content = node.children[0].content
        explicit = HEADING_ID.search(content)
        text = (content[: explicit.start()] if explicit else content).strip()
        if not text:
            raise self.error(line, "empty heading")
        try:
            spans = parse_inline(text)
        except MarkupError as error:
            raise self.error(line, f"heading: {error}") from None
        if len(spans) != 1 or spans[0].marks or spans[0].href:
            raise self.error(line, "a heading is plain text: no emphasis or links")
        section_id = explicit[1] if explicit else heading_slug(spans[0].text)
        try:
            SLUG(section_id)
        except ValidationError:
            raise self.error(
                line,
                f"section id {section_id!r} must be lowercase words joined by -: "
                "give one as ## Heading {#section-id}",
            ) from None
        return section_id, spans[0].text


def heading_slug(heading: str) -> str:
    """The stable id of a heading: its ASCII letters and digits, lowercased, joined by -."""
    ascii_text = unicodedata.normalize("NFKD", heading).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _split_front_matter(text: str, filename: str) -> tuple[str, str, int]:
    """(front matter, body, number of lines before the body)."""
    lines = text.split("\n")
    if lines[0].rstrip() != FRONT_MATTER_FENCE:
        raise ContentError(f"{filename}:1: an article starts with front matter between --- lines")
    for number, line in enumerate(lines[1:], start=1):
        if line.rstrip() == FRONT_MATTER_FENCE:
            return "\n".join(lines[1:number]), "\n".join(lines[number + 1 :]), number + 1
    raise ContentError(f"{filename}:1: the front matter has no closing --- line")


def _key_line(front_matter: str, error: str) -> int:
    """The file line of the top-level key an error ("codes.0.code: ...") is about, or 1
    (the opening ---) when the key is missing."""
    key = error.split(":", 1)[0].split(".", 1)[0]
    for number, line in enumerate(front_matter.split("\n"), start=2):
        if re.match(rf"{re.escape(key)}\s*:", line):
            return number
    return 1


def _load_front_matter(front_matter: str, filename: str):
    try:
        raw = yaml.load(front_matter, Loader=_FrontMatterLoader)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        problem = getattr(error, "problem", None) or error
        raise ContentError(f"{filename}:{line}: front matter not valid YAML: {problem}") from None
    if not isinstance(raw, dict):
        raise ContentError(f"{filename}:2: front matter is a mapping of keys to values")
    try:
        return FRONT_MATTER_SCHEMA.load(raw)
    except ValidationError as error:
        where = _first_error(error.messages)
        line = _key_line(front_matter, where)
        raise ContentError(f"{filename}:{line}: {where}") from None


def parse_markdown_article(data: bytes, filename: str) -> Article:
    """Parse one Markdown article file's bytes; raise ContentError naming file and line."""
    try:
        text = data.decode("utf-8").replace("\r\n", "\n")
    except UnicodeDecodeError as error:
        raise ContentError(f"{filename}: not valid UTF-8: {error}") from None
    front_matter, body, lines_before_body = _split_front_matter(text, filename)
    article_keys, metadata = _load_front_matter(front_matter, filename)
    if Path(filename).stem != article_keys["slug"]:
        raise ContentError(
            f"{filename}:{_key_line(front_matter, 'slug')}: "
            f"slug {article_keys['slug']!r} must match the file name"
        )
    article_file = _ArticleFile(filename, lines_before_body + 1)
    tokens = PARSER.parse(body)
    _check_references(body, tokens, article_file)
    nodes = SyntaxTreeNode(tokens).children
    sections, lines = _sections(article_file, nodes, article_keys["translator_notes"])
    notes_line = _key_line(front_matter, "translator_notes")
    for section_id in article_keys["translator_notes"]:
        if section_id not in lines:
            raise ContentError(
                f"{filename}:{notes_line}: translator_notes: no section {section_id!r}"
            )
    return Article(
        slug=article_keys["slug"],
        title=article_keys["title"],
        also_called=tuple(article_keys["also_called"]),
        metadata=metadata,
        sections=tuple(sections),
        internal_links=tuple(article_file.internal_links),
    )


def _sections(article_file: _ArticleFile, nodes: list[SyntaxTreeNode], notes: Mapping):
    """The sections of the body, and the line each one starts on, by id."""
    groups: list[tuple[SyntaxTreeNode | None, list[SyntaxTreeNode]]] = [(None, [])]
    for node in nodes:
        if node.type == "heading" and node.tag == "h2":
            groups.append((node, []))
        else:
            groups[-1][1].append(node)
    if not groups[0][1]:
        groups.pop(0)  # no text before the first heading: no overview section
    if not groups:
        raise article_file.error(article_file.body_first_line, "no text: an article has sections")
    sections: list[Section] = []
    lines: dict[str, int] = {}
    for heading_node, nodes_of_section in groups:
        if heading_node:
            line = article_file.line_of(heading_node)
            section_id, heading = article_file.heading(heading_node)
        else:
            line, section_id, heading = article_file.body_first_line, OVERVIEW, None
        if section_id in lines:
            raise article_file.error(
                line, f"section id {section_id!r} already used on line {lines[section_id]}"
            )
        lines[section_id] = line
        blocks = tuple(article_file.blocks(nodes_of_section))
        if not blocks:
            raise article_file.error(line, f"section {section_id!r} has no text")
        sections.append(
            Section(
                id=section_id,
                heading=heading,
                paragraphs=tuple(unit.text for unit in text_units(blocks)),
                translator_note=notes.get(section_id),
                blocks=blocks,
            )
        )
    return sections, lines


def _check_references(body: str, tokens: list[Token], article_file: _ArticleFile) -> None:
    """Refuse link reference definitions (`[label]: https://...`): a translator gets each
    text unit alone, where a reference link would no longer resolve."""
    covered = {line for token in tokens if token.map for line in range(*token.map)}
    for number, line in enumerate(body.split("\n")):
        if line.strip() and number not in covered:
            raise article_file.error(
                article_file.body_first_line + number,
                "link reference definitions not supported: write [text](https://...)",
            )


def unresolved_links(
    article: Article, filename: str, sections_by_slug: Mapping[str, Collection[str]]
) -> tuple[str, ...]:
    """`file:line:` errors for the article's links to an article or section that does not
    exist; sections_by_slug maps every loaded article's slug to its section ids."""
    errors = []
    for link in article.internal_links:
        if link.article not in sections_by_slug:
            errors.append(f"{filename}:{link.line}: link to unknown article {link.article!r}")
        elif link.section is not None and link.section not in sections_by_slug[link.article]:
            errors.append(
                f"{filename}:{link.line}: link to unknown section {link.section!r} "
                f"of article {link.article!r}"
            )
    return tuple(errors)
