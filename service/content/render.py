"""Render a section's block tree: plain text per text unit, JSON-ready blocks, HTML.

Internal links (`article:slug#section`) become URLs only here, through the caller's
`link_url(slug, section_id or None)`, so the tree itself never depends on where or in
which language the linked article is served.

JSON form (one dict per block):
    {"type": "paragraph", "text": [span, ...]}
    {"type": "list", "ordered": bool, "items": [item, ...]}
        item: {"text": [span, ...]}, plus "ordered" and "items" when it has a nested list
    {"type": "quote", "blocks": [block, ...]}
    {"type": "callout", "kind": "note|tip|important|warning|caution", "blocks": [...]}
    span: {"text": str}, plus "marks": ["emphasis", "strong"] when marked, "href" when
        a link; an internal link also has "article" (slug) and "section" (id or null).
"""

from collections.abc import Callable
from html import escape
from itertools import groupby

from service.content.inline import internal_target
from service.content.model import (
    Block,
    Inline,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    Span,
    text_units,
)

LinkUrl = Callable[[str, str | None], str]  # (article slug, section id or None) -> URL
HTML_TAG_OF_MARK = {"emphasis": "em", "strong": "strong"}


def unit_texts(blocks: tuple[Block, ...]) -> tuple[str, ...]:
    """Plain text of each text unit: a section's v1 `paragraphs`."""
    return tuple(unit.text for unit in text_units(blocks))


def _href(href: str, link_url: LinkUrl) -> str:
    target = internal_target(href)
    return link_url(*target) if target else href


def _span_json(span: Span, link_url: LinkUrl) -> dict:
    data: dict = {"text": span.text}
    if span.marks:
        data["marks"] = list(span.marks)
    if span.href:
        data["href"] = _href(span.href, link_url)
        target = internal_target(span.href)
        if target:
            data["article"], data["section"] = target
    return data


def _spans_json(spans: Inline, link_url: LinkUrl) -> list[dict]:
    return [_span_json(span, link_url) for span in spans]


def _item_json(item: ListItem, link_url: LinkUrl) -> dict:
    data: dict = {"text": _spans_json(item.spans, link_url)}
    if item.children:
        data["ordered"] = item.children_ordered
        data["items"] = [_item_json(child, link_url) for child in item.children]
    return data


def blocks_json(blocks: tuple[Block, ...], link_url: LinkUrl) -> list[dict]:
    """The blocks as JSON-ready dicts (the form in this module's docstring)."""
    result: list[dict] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            result.append({"type": "paragraph", "text": _spans_json(block.spans, link_url)})
        elif isinstance(block, ListBlock):
            items = [_item_json(item, link_url) for item in block.items]
            result.append({"type": "list", "ordered": block.ordered, "items": items})
        elif isinstance(block, Quote):
            result.append({"type": "quote", "blocks": blocks_json(block.blocks, link_url)})
        else:
            result.append(
                {
                    "type": "callout",
                    "kind": block.kind,
                    "blocks": blocks_json(block.blocks, link_url),
                }
            )
    return result


def inline_html(spans: Inline, link_url: LinkUrl) -> str:
    """One text unit's spans as escaped HTML: em, strong and a only."""
    parts = []
    for href, linked in groupby(spans, key=lambda span: span.href):
        text = ""
        for span in linked:
            opening = "".join(f"<{HTML_TAG_OF_MARK[mark]}>" for mark in span.marks)
            closing = "".join(f"</{HTML_TAG_OF_MARK[mark]}>" for mark in reversed(span.marks))
            text += f"{opening}{escape(span.text)}{closing}"
        parts.append(f'<a href="{escape(_href(href, link_url))}">{text}</a>' if href else text)
    return "".join(parts)


def _list_html(ordered: bool, items: tuple[ListItem, ...], link_url: LinkUrl) -> str:
    tag = "ol" if ordered else "ul"
    inner = "".join(
        f"<li>{inline_html(item.spans, link_url)}"
        + (_list_html(item.children_ordered, item.children, link_url) if item.children else "")
        + "</li>"
        for item in items
    )
    return f"<{tag}>{inner}</{tag}>"


def blocks_html(
    blocks: tuple[Block, ...],
    link_url: LinkUrl,
    callout_label: Callable[[str], str] | None = None,
    callout_tag: str = "aside",
) -> str:
    """The blocks as escaped HTML (also well-formed XHTML: FHIR's narrative, with a
    `callout_tag` of "div", which its XHTML allows where HTML5's aside is not)."""
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(f"<p>{inline_html(block.spans, link_url)}</p>")
        elif isinstance(block, ListBlock):
            parts.append(_list_html(block.ordered, block.items, link_url))
        elif isinstance(block, Quote):
            inner = blocks_html(block.blocks, link_url, callout_label, callout_tag)
            parts.append(f"<blockquote>{inner}</blockquote>")
        else:
            opening, closing = _callout_tags(block.kind, callout_label, callout_tag)
            inner = blocks_html(block.blocks, link_url, callout_label, callout_tag)
            parts.append(f"{opening}{inner}{closing}")
    return "".join(parts)


def _callout_tags(
    kind: str,
    callout_label: Callable[[str], str] | None,
    callout_tag: str,
    label_language: str | None = None,
) -> tuple[str, str]:
    """A call-out's opening (with its visible label, if any) and closing tags."""
    language = f' lang="{escape(label_language)}"' if label_language else ""
    label = (
        f'<p class="callout-label"{language}>{escape(callout_label(kind))}</p>'
        if callout_label
        else ""
    )
    return f'<{callout_tag} class="callout callout-{escape(kind)}">{label}', f"</{callout_tag}>"


Frame = tuple[str, str]  # the HTML that opens and closes a text unit where it sits


def text_unit_frames(
    blocks: tuple[Block, ...],
    callout_label: Callable[[str], str] | None = None,
    label_language: str | None = None,
) -> tuple[Frame, ...]:
    """For each text unit, in text_units order, the tags blocks_html puts around it: its
    paragraph or list item, inside its list (an ordered one numbered from the item's
    number), the item its nested list hangs from (with no text of its own), its quote
    and its call-out, outermost first. So one unit's inline HTML, alone between its
    frame's two halves, renders as it does in the whole section. label_language marks
    the call-out labels' language, for a frame around text in another language."""
    frames: list[Frame] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            frames.append(("<p>", "</p>"))
        elif isinstance(block, ListBlock):
            for number, item in enumerate(block.items, start=1):
                opening, closing = _list_tags(block.ordered, number)
                frames.append((f"{opening}<li>", f"</li>{closing}"))
                for child_number, _ in enumerate(item.children, start=1):
                    inner, inner_closing = _list_tags(item.children_ordered, child_number)
                    frames.append(
                        (
                            f"{opening}<li>{inner}<li>",
                            f"</li>{inner_closing}</li>{closing}",
                        )
                    )
        else:
            if isinstance(block, Quote):
                opening, closing = "<blockquote>", "</blockquote>"
            else:
                opening, closing = _callout_tags(block.kind, callout_label, "aside", label_language)
            frames += (
                (opening + inner, inner_closing + closing)
                for inner, inner_closing in text_unit_frames(
                    block.blocks, callout_label, label_language
                )
            )
    return tuple(frames)


def _list_tags(ordered: bool, number: int) -> Frame:
    """A list's tags around its item `number` alone: an ordered list starts at it."""
    if not ordered:
        return "<ul>", "</ul>"
    return ("<ol>" if number == 1 else f'<ol start="{number}">'), "</ol>"


def section_html(
    heading: str | None,
    blocks: tuple[Block, ...],
    *,
    language: str,
    direction: str,
    link_url: LinkUrl,
    callout_label: Callable[[str], str] | None = None,
) -> str:
    """A sanitized HTML fragment of one section: `<section lang dir>`, `<h2>` when it has a
    heading, then its blocks. Every text and attribute is escaped: only the tags written
    here can appear. callout_label(kind) gives a call-out's visible label, localized by
    the caller; without it a call-out is marked by its class only."""
    heading_html = f"<h2>{escape(heading)}</h2>" if heading else ""
    return (
        f'<section lang="{escape(language)}" dir="{escape(direction)}">'
        f"{heading_html}{blocks_html(blocks, link_url, callout_label)}</section>"
    )


def structured_text(blocks: tuple[Block, ...], indent: str = "") -> str:
    """The blocks as plain text that keeps their structure, for formats with a text
    field only (schema.org's `text`): blank lines between blocks, list items as "- " or
    "1. " lines (nested ones indented), quotes and call-outs as "> " lines."""
    parts = []
    for block in blocks:
        if isinstance(block, Paragraph):
            parts.append(indent + block.text)
        elif isinstance(block, ListBlock):
            parts.append("\n".join(_list_lines(block.ordered, block.items, indent)))
        else:
            quoted = structured_text(block.blocks)
            parts.append("\n".join(f"{indent}> {line}".rstrip() for line in quoted.split("\n")))
    return "\n\n".join(parts)


def _list_lines(ordered: bool, items: tuple[ListItem, ...], indent: str) -> list[str]:
    lines = []
    for number, item in enumerate(items, start=1):
        lines.append(f"{indent}{f'{number}.' if ordered else '-'} {item.text}")
        lines += _list_lines(item.children_ordered, item.children, indent + "   ")
    return lines
