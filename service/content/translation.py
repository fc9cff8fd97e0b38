"""A section's block tree in another language, rebuilt from one msgstr per text unit."""

from collections.abc import Iterator, Sequence

from service.content.inline import MarkupError, normalize_source, parse_inline
from service.content.model import (
    Block,
    Callout,
    ListBlock,
    ListItem,
    Paragraph,
    Quote,
    text_units,
)


def translate_blocks(blocks: tuple[Block, ...], translations: Sequence[str]) -> tuple[Block, ...]:
    """The same tree with each text unit's source and spans taken from its translation
    (inline Markdown), given in text_units order. Raise ValueError when the count differs
    and MarkupError when a translation uses what articles do not support (check it with
    markup_mismatch first to say which)."""
    expected = len(text_units(blocks))
    if len(translations) != expected:
        raise ValueError(f"{len(translations)} translations for {expected} text units")
    return _Translator(iter(enumerate(translations, start=1))).blocks(blocks)


class _Translator:
    def __init__(self, translations: Iterator[tuple[int, str]]):
        self.translations = translations

    def unit(self):
        number, translation = next(self.translations)
        source = normalize_source(translation)
        try:
            return source, parse_inline(source)
        except MarkupError as error:
            raise MarkupError(f"text unit {number}: {error}") from None

    def item(self, item: ListItem) -> ListItem:
        source, spans = self.unit()
        children = tuple(self.item(child) for child in item.children)
        return ListItem(source, spans, children, item.children_ordered)

    def blocks(self, blocks: tuple[Block, ...]) -> tuple[Block, ...]:
        return tuple(self.block(block) for block in blocks)

    def block(self, block: Block) -> Block:
        if isinstance(block, Paragraph):
            return Paragraph(*self.unit())
        if isinstance(block, ListBlock):
            return ListBlock(block.ordered, tuple(self.item(item) for item in block.items))
        if isinstance(block, Quote):
            return Quote(self.blocks(block.blocks))
        return Callout(block.kind, self.blocks(block.blocks))
