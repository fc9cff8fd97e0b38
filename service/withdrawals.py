"""Articles removed without being withdrawn first: refused by `translate check`.

Offline copies (bundles, mirrors) learn to delete an article only while its file is
there, withdrawn: its URL answers 410 and the change feed and the bundles' manifests
list it as removed. A file deleted while published would leave those copies serving
it forever, and turn its URL into a bare 404. So `translate check` compares the
content directory with a commit (git's HEAD, or `--base REF` such as the branch a pull
request merges into): an article that commit has, by slug, must still have its file,
unless that commit's version of the file was already withdrawn.

As in service/hand_edits.py, without git, a work tree or that commit there is nothing
to compare with and the rule is skipped. Nothing here writes a file.
"""

from pathlib import Path, PurePosixPath

from service.config import StartupError
from service.content.loader import ARTICLE_SUFFIXES, parse_article_file
from service.hand_edits import Committed


def _article_names(names) -> dict[str, str]:
    """Article file names (at the top of the directory) by slug."""
    return {
        PurePosixPath(name).stem: name
        for name in sorted(names)
        if "/" not in name and PurePosixPath(name).suffix in ARTICLE_SUFFIXES
    }


def _was_withdrawn(committed: Committed, name: str) -> bool:
    data = committed.committed_bytes(name)
    try:
        article = parse_article_file(data, name) if data is not None else None
    except StartupError:
        return False  # broken then: not a withdrawal either
    return article is not None and article.metadata.withdrawn is not None


def unwithdrawn_removals(content_dir: Path, base: str = "HEAD") -> list[str]:
    """One problem per article that `base` has and the directory lacks, unwithdrawn."""
    committed = Committed.of(content_dir, base)
    if committed is None:
        return []
    present = _article_names(path.name for path in content_dir.iterdir())
    return [
        f"{content_dir / name}: removed without being withdrawn first (it is in {base}): "
        f"restore it (git checkout {base} -- {name}), add `withdrawn: {{date: YYYY-MM-DD, "
        "reason: ...}` to its front matter, and delete the file only once offline copies "
        "had time to learn (README, Withdrawing an article)"
        for slug, name in _article_names(committed.in_head).items()
        if slug not in present and not _was_withdrawn(committed, name)
    ]
