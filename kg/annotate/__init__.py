"""``kg annotate``: draft annotations from raw Polish article text.

The stages, in the order data flows: :mod:`.text` (reading, tokens, sentences) →
:mod:`.morph` (Morfeusz 2) → :mod:`.dates`, :mod:`.numbers`, :mod:`.places`,
:mod:`.institutions`, :mod:`.people`, :mod:`.posts`, :mod:`.events` → :mod:`.draft` (assembly,
YAML) → :mod:`.identity` (keys reused from a store). See docs/annotate.md.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .draft import Draft, Drafter, dump_draft, relative_source
from .identity import StoreIndex
from .lexicon import lexicon_for
from .text import read_article

__all__ = ["Draft", "Drafter", "StoreIndex", "annotate_file", "dump_draft", "drafter_for"]


def drafter_for(reference_dir: Path, store: Path | None = None) -> Drafter:
    """A drafter using the reference data in *reference_dir* (and the store at *store* for identity)."""
    return Drafter(lexicon_for(Path(reference_dir)), StoreIndex.open(store) if store else None)


def annotate_file(text_path: Path, output: Path | None, drafter: Drafter, *, encoding: str = "utf-8",
                  url: str | None = None, published: dt.date | None = None) -> Draft:
    """Draft the annotation of the article at *text_path*; write it to *output* when given."""
    text_path = Path(text_path)
    text = read_article(text_path, encoding)
    source_path = relative_source(text_path, output) if output else None
    draft = drafter.draft(text, source_id=text_path.stem, source_path=source_path, url=url, published=published)
    if output:
        Path(output).write_text(dump_draft(draft), encoding="utf-8")
    return draft
