"""A strict YAML reader for annotation files.

PyYAML implements YAML 1.1, whose implicit typing silently changes what a curator wrote:
``no`` becomes ``False``, ``010`` becomes 8, ``1:20`` becomes 80, and of two duplicate keys the
last one wins. Annotations are data of record, so this reader composes the YAML node tree itself
and resolves plain scalars by a small, explicit rule set, refusing every ambiguous case with a
message that says where it is and how to write it instead. It also refuses anchors, aliases and
explicit tags (no "billion laughs", no object construction) and limits nesting depth.

The result is plain Python data plus a map from each value's path to its line and column, so
later stages can point back at the source of any value.

>>> doc = read_yaml_text("a: 1\\nb: [x, 'no']\\n", "<doc>")
>>> doc.data
{'a': 1, 'b': ['x', 'no']}
>>> doc.position(("b", 1))
(2, 8)
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Location, Problem

# libyaml's parser (C), compiled into PyYAML when it was built with libyaml; None otherwise.
# PyYAML exports only the loaders built on it (yaml.CSafeLoader, …), not the parser itself.
LIBYAML_PARSER = getattr(getattr(yaml, "cyaml", None), "CParser", None)

MAX_DEPTH = 12
MAX_SCALAR_LENGTH = 10_000
# Annotations are 5–20 kB; PyYAML reads ~1 MB/s, so a huge file would stall a load (issue 9).
MAX_FILE_BYTES = 1_000_000

Path_ = tuple  # a path into the document: keys and list indexes

_INT = re.compile(r"[-+]?[0-9]+\Z")
_YAML11_BOOL = re.compile(r"(y|Y|yes|Yes|YES|n|N|no|No|NO|on|On|ON|off|Off|OFF)\Z")
_BOOL = {"true": True, "false": False}
_NULL = {"", "~", "null", "Null", "NULL"}
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+\.[0-9]*|[0-9]+([eE][-+]?[0-9]+))([eE][-+]?[0-9]+)?\Z|[-+]?\.(inf|Inf|INF|nan|NaN|NAN)\Z")
# The first characters of the plain scalars the patterns above match (YAML 1.1 booleans, numbers).
_MAY_NOT_BE_TEXT = frozenset("yYnNoO+-.0123456789")
# C0 controls except tab/newline/carriage return, DEL, C1 controls, and lone surrogates.
_FORBIDDEN_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# The style of a plain (unquoted, non-block) scalar: PyYAML's parser reports None, libyaml's ''.
_PLAIN_STYLES = (None, "")
# Where libyaml 0.2.5 and PyYAML 6 read a text differently (found by reading mutated annotation and
# reference files both ways): a tab (libyaml takes `a<tab>b` in places as one plain scalar, PyYAML
# refuses the tab); a byte order mark (libyaml counts it as a column); `?` (in a flow collection
# libyaml keeps it inside a plain scalar, PyYAML refuses it; an explicit key's missing value is placed
# elsewhere); `!` (libyaml does not mark a `!`-tagged scalar as implicitly typed, so a SafeLoader
# would take `! 12` for text, not 12); `|#` or `>#` (a block scalar header only PyYAML refuses).
_LIBYAML_DISAGREES = re.compile(r"[\t\ufeff?!]|[|>][-+0-9]*#")
# The same test as two searches: a pattern that starts with one character class is found by a fast scan,
# an alternation is tried at every position (95 → 60 microseconds per synthetic annotation).
_LIBYAML_DISAGREES_CHAR, _BLOCK_HEADER_COMMENT = re.compile(r"[\t\ufeff?!]"), re.compile(r"[|>][-+0-9]*#")
# … and where libyaml places a missing value one column or line further: in a flow collection
# (`{a: }`) and at the end of a text whose last line has no line break (`---`).
_LIBYAML_PLACES_EMPTY_VALUES_ELSEWHERE = re.compile(r"[\[{]|[^\n]\Z")


def _libyaml_disagrees(text: str) -> bool:
    """``_LIBYAML_DISAGREES.search(text)``, faster."""
    return _LIBYAML_DISAGREES_CHAR.search(text) is not None or (
        "#" in text and _BLOCK_HEADER_COMMENT.search(text) is not None)


def _libyaml_places_empty_values_elsewhere(text: str) -> bool:
    """``_LIBYAML_PLACES_EMPTY_VALUES_ELSEWHERE.search(text)`` without trying ``[^\\n]\\Z`` everywhere."""
    return "[" in text or "{" in text or (text != "" and not text.endswith("\n"))


class YamlProblem(Exception):
    """Raised internally to stop at the first problem that makes the rest unreadable."""

    def __init__(self, problem: Problem):
        super().__init__(str(problem))
        self.problem = problem


@dataclass
class YamlDocument:
    """Parsed data plus the (line, column) of every value, both 1-based."""

    path: Path
    data: Any
    positions: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    #: SHA-256 of the file's bytes as read (provenance records it; reading the file again cost a build
    #: an open and a read per article)
    sha256: str | None = None

    def position(self, path: Path_) -> tuple[int, int] | None:
        """Position of the value at *path*, or of its nearest ancestor that has one."""
        path = tuple(path)
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path)

    def location(self, path: Path_) -> Location:
        pos = self.position(path)
        return Location(self.path, *(pos or (None, None)))


class _Refused(yaml.MarkedYAMLError):
    """A construct the annotation format refuses (anchor, alias, explicit tag)."""


class _NoAliasComposer(Composer):
    """Composer that refuses anchors, aliases and explicit tags before they are expanded.

    It also refuses nesting deeper than :data:`MAX_DEPTH` *while composing*: PyYAML's composer
    recurses once per level, so ``[[[[…`` 100,000 deep would otherwise end in a RecursionError
    long before :func:`_convert` could count the levels (issue 9).
    """

    _path: tuple = ()

    def compose_node(self, parent, index):  # noqa: D102 - PyYAML hook
        # index: an int in a sequence, the key node of a mapping value, None for the root or a mapping key
        if parent is None:
            path = ()
        elif isinstance(index, Node):
            path = self._path + (index.value,)
        else:  # a sequence item; a mapping key (None) counts as the level of its mapping
            path = self._path + ((index,) if index is not None else ())
        saved, self._path = self._path, path
        try:
            if len(path) > MAX_DEPTH:
                self._refuse(f"nested deeper than {MAX_DEPTH} levels; annotations are at most a few levels deep")
            return self._compose_checked(parent, index)
        finally:
            self._path = saved

    def _refuse(self, message: str) -> None:
        refused = _Refused(None, None, message, self.peek_event().start_mark)
        refused.field = _dotted(self._path)
        raise refused

    def _compose_checked(self, parent, index):
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._refuse("aliases (*name) are not allowed in annotations; write the value out")
        if getattr(event, "anchor", None) is not None:
            self._refuse("anchors (&name) are not allowed in annotations; write the value out")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!") and not (isinstance(event, yaml.ScalarEvent) and event.implicit[0]):
            self._refuse(f"explicit tags ({tag}) are not allowed in annotations; remove the tag")
        return super().compose_node(parent, index)


class _StrictLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, _NoAliasComposer,
                    yaml.resolver.BaseResolver):
    def __init__(self, stream):
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        _NoAliasComposer.__init__(self)
        yaml.resolver.BaseResolver.__init__(self)


def _libyaml_loader(parser: type) -> type:
    """The strict loader with libyaml's parser (*parser*) under the same composer.

    PyYAML's pure-Python scanner and parser take ~70 % of the time of reading an annotation;
    libyaml gives the same events and marks about five times faster. The composer comes first
    in the MRO, so its Python compose_* methods (and checks) replace the C parser's own composer.
    """
    class _CStrictLoader(_NoAliasComposer, parser, yaml.resolver.BaseResolver):
        def __init__(self, stream):
            parser.__init__(self, stream)
            _NoAliasComposer.__init__(self)
            yaml.resolver.BaseResolver.__init__(self)
    return _CStrictLoader


#: The strict loader on libyaml's parser, or None without libyaml (then only PyYAML's parser reads).
LIBYAML_LOADER: type | None = _libyaml_loader(LIBYAML_PARSER) if LIBYAML_PARSER else None


def _libyaml_composer(parser: type) -> type:
    """A loader that composes the node tree in C as well (libyaml's parser with PyYAML's compiled
    composer), with none of the strict composer's checks: for texts that cannot need them
    (:func:`_composes_in_c`). The strict composer's Python methods took 60 % of reading an annotation."""
    class _CComposingLoader(parser, yaml.resolver.BaseResolver):
        def __init__(self, stream):
            parser.__init__(self, stream)
            yaml.resolver.BaseResolver.__init__(self)

        # The composer asks for every node's tag; the strict reader resolves scalars by their style
        # and text (_scalar), never by tag, so none is worked out (a third of the composing time).
        def descend_resolver(self, current_node, current_index):
            pass

        def ascend_resolver(self):
            pass

        def resolve(self, kind, value, implicit):
            return ""
    return _CComposingLoader


#: The loader that composes in C, or None without libyaml.
LIBYAML_COMPOSER: type | None = _libyaml_composer(LIBYAML_PARSER) if LIBYAML_PARSER else None
# What the strict composer refuses while composing: anchors (&name), aliases (*name) and explicit
# tags (!, already left to PyYAML by _LIBYAML_DISAGREES), and nesting deeper than MAX_DEPTH, which in
# block style takes indentation (a flow collection, [ or {, is left to PyYAML too). An anchor or alias
# starts a node, so it follows a space or a line start; a text with & or * followed by a name there
# (also in a comment or in text: then it merely takes the slower way), or with a line indented by 40 or
# more spaces and dashes, is composed by the strict composer. The indentation bound also keeps the
# compiled composer's recursion far from any stack limit.
_NEEDS_STRICT_COMPOSER = re.compile(r"(?:^|\s)[&*]\S|^[ -]{40}", re.M)
# … searched for in parts (kg reads thousands of annotations a build: 170 → 8 microseconds each)
_ANCHOR_OR_ALIAS, _FAR_INDENTED_LINE = re.compile(r"(?:^|\s)[&*]\S", re.M), re.compile(r"\n[ -]{40}")
_FAR_INDENTED_START = re.compile(r"[ -]{40}")


def decode_text(raw: bytes, path: Path, encoding: str = "utf-8") -> str:
    """Decode *raw* (BOM stripped), naming the byte offset of the first undecodable byte."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode(encoding)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        guess = "; it looks like cp1250 or ISO-8859-2" if _looks_central_european(raw) else ""
        raise YamlProblem(Problem(
            Location(path, line), f"not valid {encoding}: byte 0x{raw[exc.start]:02x} at byte offset {exc.start}{guess}",
            hint="save the file as UTF-8, or pass --encoding cp1250 / iso-8859-2")) from None
    except LookupError:
        raise YamlProblem(Problem(Location(path), f"unknown encoding {encoding!r}",
                                  hint="use utf-8, cp1250 or iso-8859-2")) from None


def _looks_central_european(raw: bytes) -> bool:
    polish_cp1250 = set(b"\xb9\xea\xe6\xb3\xf1\xf3\x9c\x9f\xbf\xa5\xca\xc6\xa3\xd1\xd3\x8c\x8f\xaf")
    return any(b in polish_cp1250 for b in raw)


def read_yaml_file(path: Path, encoding: str = "utf-8") -> YamlDocument:
    """Read one YAML document strictly; problems are collected in ``doc.problems``."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        return YamlDocument(path, None, problems=[Problem(Location(path), f"cannot read file: {exc.strerror}")])
    if len(raw) > MAX_FILE_BYTES:
        return YamlDocument(path, None, problems=[Problem(
            Location(path), f"file is {len(raw)} bytes long (limit {MAX_FILE_BYTES})",
            hint="an annotation describes one article; split it or shorten the quotes")])
    try:
        text = decode_text(raw, path, encoding)
    except YamlProblem as exc:
        return YamlDocument(path, None, problems=[exc.problem])
    doc = read_yaml_text(text, path)
    doc.sha256 = hashlib.sha256(raw).hexdigest()
    return doc


def read_yaml_text(text: str, path: Path | str) -> YamlDocument:
    """Read YAML from *text*; *path* is used in messages only."""
    doc = YamlDocument(Path(path), None)
    bad = _FORBIDDEN_CHARS.search(text)
    if bad:  # PyYAML's reader would stop with a less helpful message
        line = text.count("\n", 0, bad.start()) + 1
        column = bad.start() - (text.rfind("\n", 0, bad.start()) + 1) + 1
        doc.problems.append(Problem(Location(doc.path, line, column),
                                    f"contains the control character or lone surrogate U+{ord(bad.group()):04X}",
                                    field=_field_at(text, (line, column), path),
                                    hint="remove it; copy text from the article as plain text"))
        return doc
    try:
        root = compose_strict(text)
    except _Refused as exc:
        mark = exc.problem_mark
        doc.problems.append(Problem(Location(doc.path, mark.line + 1, mark.column + 1), exc.problem,
                                    field=getattr(exc, "field", None) or None))
        return doc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
        doc.problems.append(Problem(Location(doc.path, line, col), f"YAML syntax: {exc.problem or exc.context}",
                                    hint="check indentation and quoting"))
        return doc
    except yaml.YAMLError as exc:
        doc.problems.append(Problem(Location(doc.path), f"YAML error: {exc}"))
        return doc
    if root is None:
        doc.problems.append(Problem(Location(doc.path, 1, 1), "the file is empty", hint="an annotation needs at least `article:`"))
        return doc
    doc.data = _convert(root, (), doc, 0)
    return doc


def compose_strict(text: str) -> Node | None:
    """The node tree of *text*, composed by the strict composer (None for an empty stream).

    libyaml's parser is used when PyYAML has it and it reads *text* as PyYAML's would
    (:func:`libyaml_reads_alike`). It words its errors differently and its marks carry no source
    snippet, so when it refuses the text, PyYAML's parser reads it again: a refusal (or anything
    libyaml refuses and PyYAML accepts) comes out exactly as without libyaml.
    """
    if LIBYAML_LOADER is not None and libyaml_reads_alike(text):
        if LIBYAML_COMPOSER is not None and _composes_in_c(text):
            try:
                root = _compose_with(LIBYAML_COMPOSER, text)
            except (yaml.YAMLError, UnicodeError):
                pass  # read again below, for the strict composer's verdict and PyYAML's message
            else:
                if root is None or not _deeper_than(root, MAX_DEPTH):
                    return root
        try:
            return _compose_with(LIBYAML_LOADER, text)
        except (yaml.YAMLError, UnicodeError):
            pass  # read again below, for PyYAML's verdict and message
    return _compose_with(_StrictLoader, text)


def _composes_in_c(text: str) -> bool:
    """True if *text* has nothing the strict composer would refuse while composing (see
    :data:`_NEEDS_STRICT_COMPOSER`; too deep a tree is found after composing, :func:`_deeper_than`)."""
    if ("&" in text or "*" in text) and _ANCHOR_OR_ALIAS.search(text) is not None:
        return False
    return _FAR_INDENTED_START.match(text) is None and _FAR_INDENTED_LINE.search(text) is None


def _deeper_than(root: Node, limit: int) -> bool:
    """True if a value in the tree under *root* is more than *limit* levels deep (counted as the
    strict composer counts: a mapping's keys are on its own level)."""
    stack = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, MappingNode):
            stack.extend((value, depth + 1) for _, value in node.value)
        elif isinstance(node, SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)
    return False


def libyaml_reads_alike(text: str, *, empty_value_positions: bool = True) -> bool:
    """True unless *text* has something libyaml reads differently from PyYAML (see
    :data:`_LIBYAML_DISAGREES`); with *empty_value_positions*, also where it places a missing value
    elsewhere. Such rare texts are left to PyYAML, so both read every text alike."""
    if _libyaml_disagrees(text):
        return False
    return not (empty_value_positions and _libyaml_places_empty_values_elsewhere(text))


def _compose_with(loader_class: type, text: str) -> Node | None:
    loader = loader_class(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def _field_at(text: str, position: tuple[int, int], path: Path | str) -> str | None:
    """The field whose value starts last before *position*: read a copy with the forbidden characters
    replaced (one for one, so positions stay), so a refused character is reported with its field."""
    copy = read_yaml_text(_FORBIDDEN_CHARS.sub("\ufffd", text), path)
    before = [(pos, len(p), p) for p, pos in copy.positions.items() if pos <= position and p]
    return _dotted(max(before, key=lambda b: b[:2])[2]) if before else None


def _convert(node: Node, path: Path_, doc: YamlDocument, depth: int) -> Any:
    doc.positions[path] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if depth > MAX_DEPTH:
        _problem(doc, path, f"nested deeper than {MAX_DEPTH} levels", "annotations are at most a few levels deep")
        return None
    if isinstance(node, MappingNode):
        result: dict[str, Any] = {}
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                _problem(doc, path, "a mapping key must be a plain word", "write `name: value`")
                continue
            key = key_node.value
            key_line = key_node.start_mark.line + 1
            if key in seen:
                doc.problems.append(Problem(
                    Location(doc.path, key_line, key_node.start_mark.column + 1),
                    f"duplicate key {key!r} (first at line {seen[key]})", field=_dotted(path + (key,)),
                    hint="YAML would silently keep only the last one; merge the two or rename one"))
                continue
            seen[key] = key_line
            result[key] = _convert(value_node, path + (key,), doc, depth + 1)
        return result
    if isinstance(node, SequenceNode):
        return [_convert(item, path + (i,), doc, depth + 1) for i, item in enumerate(node.value)]
    return _scalar(node, path, doc)


def _scalar(node: ScalarNode, path: Path_, doc: YamlDocument) -> Any:
    value = node.value
    if len(value) > MAX_SCALAR_LENGTH:
        _problem(doc, path, f"value is {len(value)} characters long (limit {MAX_SCALAR_LENGTH})",
                 "evidence quotes and names are short; shorten it")
        return None
    # read_yaml_text refused such characters in the text; only a double-quoted escape ("\x01") makes one
    bad = _FORBIDDEN_CHARS.search(value) if node.style == '"' else None
    if bad:
        _problem(doc, path, f"contains the control character or lone surrogate U+{ord(bad.group()):04X}",
                 "remove it; copy text from the article as plain text")
        return None
    value = unicodedata.normalize("NFC", value)
    if node.style not in _PLAIN_STYLES:  # quoted or block scalar: always a string
        return value
    if value in _NULL:
        return None
    if value in _BOOL:
        return _BOOL[value]
    if value[0] not in _MAY_NOT_BE_TEXT:  # most plain scalars are words: none of the patterns below matches
        return value
    if _YAML11_BOOL.match(value):
        _problem(doc, path, f"{value!r} is a boolean in YAML 1.1 and a string in YAML 1.2",
                 f"write true/false for a yes/no field, or quote it ('{value}') for text")
        return None
    if _INT.match(value):
        digits = value.lstrip("+-")
        if len(digits) > 1 and digits.startswith("0"):
            _problem(doc, path, f"{value!r} has a leading zero (an octal number in YAML 1.1)",
                     f"quote it ('{value}') if it is a code such as a TERYT number, or drop the zero")
            return None
        return int(value)
    if _SEXAGESIMAL.match(value):
        _problem(doc, path, f"{value!r} is a base-60 number in YAML 1.1", f"quote it ('{value}') if it is a time or text")
        return None
    if _FLOAT.match(value):
        _problem(doc, path, f"{value!r} is a fractional number; annotations use whole numbers",
                 f"quote it ('{value}') if it is text")
        return None
    return value


def _problem(doc: YamlDocument, path: Path_, message: str, hint: str) -> None:
    doc.problems.append(Problem(doc.location(path), message, field=_dotted(path) or None, hint=hint))


def _dotted(path: Path_) -> str:
    """``("events", 0, "start")`` → ``events[0].start``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text
