"""Reading an article's raw text, and cutting it into tokens and sentences with character offsets.

Every offset in a draft is an index into the decoded text exactly as read (BOM removed, line ends
and non-breaking spaces kept), so ``text[start:end]`` is the evidence quote, verbatim.

>>> doc = Document("W dniu 31 marca 2015 r. ROPS w Lublinie zorganizował konferencję. Wzięło w niej udział 80 osób.")
>>> [t.text for t in doc.tokens[:4]]
['W', 'dniu', '31', 'marca']
>>> [doc.text[s.start:s.end] for s in doc.sentences]
['W dniu 31 marca 2015 r. ROPS w Lublinie zorganizował konferencję.', 'Wzięło w niej udział 80 osób.']
"""
from __future__ import annotations

import re
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, TypeVar

from ..errors import AnnotationError
from ..yamlstrict import YamlProblem, decode_text

#: Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = frozenset("""
    prof dr hab mgr inż nadzw r ul pl im ds in m tel fax pn pt ok woj św al nr np tj tzw godz gen płk
    sp o s a zł jw wz gm pow ks br ppkt pkt ust art dz poz
""".split())

T = TypeVar("T")
_TOKEN = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_SENTENCE_END = re.compile(r"[.!?…]+[\"”’»)]*(?=\s)|\n\s*\n|\n")


@dataclass(frozen=True)
class Token:
    """One word or punctuation mark and where it is."""

    text: str
    start: int
    end: int
    index: int

    @property
    def is_word(self) -> bool:
        return self.text[0].isalnum() or self.text[0] == "_"

    @property
    def is_capitalised(self) -> bool:
        return self.text[0].isupper()

    @property
    def is_number(self) -> bool:
        return self.text.isdigit()


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int


@dataclass
class Document:
    """The article text with its tokens and sentences."""

    text: str
    tokens: list[Token] = field(init=False)
    sentences: list[Sentence] = field(init=False)

    def __post_init__(self) -> None:
        self.tokens = [Token(m.group(), m.start(), m.end(), i) for i, m in enumerate(_TOKEN.finditer(self.text))]
        self._starts = [t.start for t in self.tokens]
        self.sentences = list(_split_sentences(self.text))
        self._sentence_starts = [s.start for s in self.sentences]

    def token_at(self, offset: int) -> int:
        """Index of the first token starting at or after *offset*."""
        return bisect_right(self._starts, offset - 1)

    def tokens_between(self, start: int, end: int) -> list[Token]:
        return self.tokens[self.token_at(start):self.token_at(end)]

    def sentence_of(self, offset: int) -> Sentence:
        i = max(bisect_right(self._sentence_starts, offset) - 1, 0)
        return self.sentences[i]

    def sentence_text(self, offset: int) -> str:
        sentence = self.sentence_of(offset)
        return self.text[sentence.start:sentence.end]

    def lines(self) -> list[tuple[int, str]]:
        """Non-empty lines with their start offsets."""
        result, pos = [], 0
        for line in self.text.split("\n"):
            if line.strip():
                result.append((pos + len(line) - len(line.lstrip()), line.strip()))
            pos += len(line) + 1
        return result


def scan(count: int, mention_at: Callable[[int], T | None], last_of: Callable[[T], int]) -> list[T]:
    """Left to right over *count* tokens: take the mention starting at each index, then jump past it."""
    found, i = [], 0
    while i < count:
        mention = mention_at(i)
        if mention is None:
            i += 1
        else:
            found.append(mention)
            i = last_of(mention) + 1
    return found


def _split_sentences(text: str):
    start = 0
    for m in _SENTENCE_END.finditer(text):
        if m.group().startswith(".") and _ends_with_abbreviation(text, m.start()):
            continue
        end = m.end() if not m.group().startswith("\n") else m.start()
        if text[start:end].strip():
            yield _trimmed(text, start, end)
        start = m.end()
    if text[start:].strip():
        yield _trimmed(text, start, len(text))


def _ends_with_abbreviation(text: str, dot: int) -> bool:
    word = re.search(r"(\w+)$", text[max(0, dot - 20):dot])
    if not word:
        return False
    w = word.group(1)
    if re.fullmatch(r"\d+r", w) or _next_is_lower(text, dot) and not w.isdigit():
        return True  # "2011r. we Wrocławiu"; a full stop before a lower-case word ends no sentence
    return w.lower() in ABBREVIATIONS or (len(w) == 1 and w.isupper()) or w.isdigit() and _next_is_lower(text, dot)


def _next_is_lower(text: str, dot: int) -> bool:
    rest = text[dot + 1:dot + 4].lstrip()
    return bool(rest) and (rest[0].islower() or rest[0].isdigit())


def _trimmed(text: str, start: int, end: int) -> Sentence:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return Sentence(start, end)


def read_article(path: Path, encoding: str = "utf-8") -> str:
    """Read and decode the article at *path*; NFC-normalise.

    Raises :class:`~kg.errors.AnnotationError` naming the byte offset of the first undecodable
    byte when the file is not in *encoding* (``--encoding cp1250`` or ``iso-8859-2`` for old files).
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        from ..errors import Location, Problem
        raise AnnotationError([Problem(Location(path), f"cannot read article text: {exc.strerror}")]) from None
    try:
        text = decode_text(raw, path, encoding)
    except YamlProblem as exc:
        raise AnnotationError([exc.problem]) from None
    return unicodedata.normalize("NFC", text)
