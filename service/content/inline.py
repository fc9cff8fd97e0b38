"""Inline Markdown to spans: one parser and one set of rules for English and translations.

Supported inline syntax: emphasis (`*a*`), strong (`**a**`), links to `https://`
addresses and internal links `[text](article:slug)` / `[text](article:slug#section-id)`.
Everything else (raw HTML, images, code spans, hard line breaks, strikethrough, link
titles) is refused, never passed through as markup or silently kept as text.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from service.content.model import MARKS, Inline, Span

ARTICLE_LINK = re.compile(r"article:([a-z0-9]+(?:-[a-z0-9]+)*)(?:#([a-z0-9]+(?:-[a-z0-9]+)*))?")
MARK_OF_NODE = {"em": "emphasis", "strong": "strong"}
UNSUPPORTED_INLINE = {
    "html_inline": "raw HTML",
    "image": "images",
    "code_inline": "code spans",
    "hardbreak": "hard line breaks",
    "s": "strikethrough",
}


def new_parser() -> MarkdownIt:
    """A CommonMark parser that surfaces, rather than hides, what articles refuse."""
    parser = MarkdownIt("commonmark", {"html": True, "linkify": False, "typographer": False})
    # Switched on only so that a pipe table or ~~text~~ is seen and refused instead of
    # being read as ordinary paragraph text.
    parser.enable(["table", "strikethrough"])
    # markdown-it turns a link it deems unsafe (javascript:, data:, ...) into plain text;
    # let every link through so that link_target_error refuses all but https: and article:.
    parser.validateLink = lambda url: True  # type: ignore[method-assign]
    return parser


PARSER = new_parser()


class MarkupError(ValueError):
    """Inline Markdown uses something articles do not support."""

    def __init__(self, message: str, line_offset: int = 0):
        super().__init__(message)
        self.line_offset = line_offset  # lines below the first line of the text


def internal_target(href: str) -> tuple[str, str | None] | None:
    """(article slug, section id or None) of an `article:` link, None for any other href."""
    match = ARTICLE_LINK.fullmatch(href)
    return (match[1], match[2]) if match else None


def link_target_error(href: str) -> str | None:
    if internal_target(href):
        return None
    parts = urlsplit(href)
    if parts.scheme == "https" and parts.hostname:
        return None
    return (
        f"link to {href!r}: links go to https:// addresses, "
        "or to articles as article:slug or article:slug#section-id"
    )


def normalize_source(text: str) -> str:
    """The stable msgid form of inline Markdown: one line, lines' edges trimmed, so that
    re-flowing a paragraph in the file does not change what translators see."""
    return " ".join(line.strip() for line in text.strip().splitlines())


@dataclass
class _SpanBuilder:
    """Walk inline nodes into merged spans, counting lines to place an error."""

    spans: list[Span] = field(default_factory=list)
    line_offset: int = 0

    def add(self, text: str, marks: tuple[str, ...], href: str | None) -> None:
        if not text:
            return
        if self.spans and (self.spans[-1].marks, self.spans[-1].href) == (marks, href):
            text = self.spans.pop().text + text
        self.spans.append(Span(text, marks, href))

    def walk(self, nodes: list[SyntaxTreeNode], marks: tuple[str, ...], href: str | None):
        for node in nodes:
            if node.type == "text":
                self.add(node.content, marks, href)
            elif node.type == "softbreak":
                self.line_offset += 1
                self.add(" ", marks, href)
            elif node.type in MARK_OF_NODE:
                mark = MARK_OF_NODE[node.type]
                self.walk(node.children, tuple(m for m in MARKS if m in {*marks, mark}), href)
            elif node.type == "link":
                self.walk(node.children, marks, self.checked_href(node))
            else:
                what = UNSUPPORTED_INLINE.get(node.type, node.type)
                raise MarkupError(f"{what} not supported", self.line_offset)

    def checked_href(self, link: SyntaxTreeNode) -> str:
        href = str(link.attrs["href"])
        error = link_target_error(href)
        if error:
            raise MarkupError(error, self.line_offset)
        if link.attrs.get("title"):
            raise MarkupError("link titles not supported", self.line_offset)
        if not "".join(text.content for text in link.walk() if text.type == "text").strip():
            raise MarkupError(f"link to {href!r} has no text", self.line_offset)
        return href


def spans_of(inline: SyntaxTreeNode) -> Inline:
    """The spans of a parsed `inline` node; MarkupError at the first unsupported construct."""
    builder = _SpanBuilder()
    builder.walk(inline.children, (), None)
    return tuple(builder.spans)


def inline_node(source: str) -> SyntaxTreeNode:
    """The parsed `inline` node of inline Markdown given alone (no block structure)."""
    (inline,) = SyntaxTreeNode(PARSER.parseInline(source)).children
    return inline


# A text unit with none of these characters can hold no inline Markdown (emphasis, links,
# code, HTML, entities, escapes, images): it is one plain span, without a parse. Most
# text is plain, and a thousand articles in nine languages are built at start-up.
_MARKDOWN_CHARACTERS = frozenset("\\`*_[]!<&~|")


def parse_inline(source: str) -> Inline:
    """Spans of one text unit's inline Markdown (an English block or a msgstr)."""
    if _MARKDOWN_CHARACTERS.isdisjoint(source):
        return (Span(source),) if source else ()
    return spans_of(inline_node(source))


@dataclass(frozen=True)
class _Markup:
    """What a check compares between an English text unit and its translation."""

    links: Counter
    emphasis: int
    strong: int
    unsupported: tuple[str, ...]


def _markup(source: str) -> _Markup:
    nodes = list(inline_node(source).walk())
    kinds = Counter(node.type for node in nodes)
    return _Markup(
        links=Counter(str(node.attrs["href"]) for node in nodes if node.type == "link"),
        emphasis=kinds["em"],
        strong=kinds["strong"],
        unsupported=tuple(
            sorted({UNSUPPORTED_INLINE[kind] for kind in kinds if kind in UNSUPPORTED_INLINE})
        ),
    )


def _listed(counter: Counter) -> str:
    return ", ".join(sorted(counter.elements())) or "none"


def markup_mismatch(english_source: str, translated_source: str) -> str | None:
    """Why a translation's inline markup does not match its English, or None when it does:
    the same link targets (as a multiset), as many emphasised and strong spans, and
    nothing articles refuse (raw HTML, images, code spans...)."""
    if _MARKDOWN_CHARACTERS.isdisjoint(english_source + translated_source):
        return None  # both plain text
    english, translated = _markup(english_source), _markup(translated_source)
    added = [what for what in translated.unsupported if what not in english.unsupported]
    if added:
        return f"uses {', '.join(added)}, which articles do not support"
    if translated.links != english.links:
        return (
            f"links to {_listed(translated.links)}; the English links to {_listed(english.links)}"
        )
    for mark in ("emphasis", "strong"):
        if getattr(translated, mark) != getattr(english, mark):
            return (
                f"has {getattr(translated, mark)} {mark} span(s); "
                f"the English has {getattr(english, mark)}"
            )
    return None
