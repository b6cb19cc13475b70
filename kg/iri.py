"""Minting IRIs from keys.

Every IRI kg creates for instance data is ``base + kind + "/" + slug(key)``. Keys are
NFC-normalised and slugged first, so the same key spelled with composed or decomposed
diacritics (NFC vs NFD) mints the same IRI, and no raw user string ever reaches an IRI:
a slug contains only ``[a-z0-9-]``, which is safe in Turtle, N-Triples and URLs.

>>> slugify("Mirosław Grewiński")
'miroslaw-grewinski'
>>> slugify("Ośrodek  Pomocy\u0301 / Społecznej")
'osrodek-pomocy-spolecznej'
>>> mint("person", "Mirosław Grewiński", base="https://example.org/id/")
rdflib.term.URIRef('https://example.org/id/person/miroslaw-grewinski')
"""
from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import URIRef

DEFAULT_BASE_IRI = "https://w3id.org/kg-pl-inclusion/id/"

# Letters that Unicode decomposition does not reduce to ASCII.
_TRANSLITERATION = str.maketrans({
    "ł": "l", "Ł": "l", "ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o",
    "đ": "d", "Đ": "d", "þ": "th", "œ": "oe", "Œ": "oe",
})
_NOT_SLUG = re.compile(r"[^a-z0-9]+")

#: The kinds of things kg mints IRIs for; the IRI path segment is the kind itself.
KINDS = frozenset({
    "person", "organisation", "event", "participation", "post-holding", "project",
    "programme", "fund", "place", "voivodeship", "article", "graph", "figure", "activity", "agent",
})


class InvalidKey(ValueError):
    """A key that slugs to nothing (empty, or only punctuation)."""


@lru_cache(maxsize=1 << 16)  # a build mints the same keys again and again (roles, organisations, people)
def slugify(key: str) -> str:
    """Return the slug of *key*: NFC-normalised, transliterated to ASCII, lower-case, hyphenated."""
    text = unicodedata.normalize("NFC", key).translate(_TRANSLITERATION)
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")
    if not slug:
        raise InvalidKey(f"key {key!r} contains no letter or digit, so no IRI can be minted from it")
    return slug


def base_iri() -> str:
    """The configured base IRI for instance data (``KG_BASE_IRI``), ending in ``/`` or ``#``."""
    base = os.environ.get("KG_BASE_IRI", DEFAULT_BASE_IRI)
    return _checked_base(base if base.endswith(("/", "#")) else base + "/")


@lru_cache(maxsize=8)
def _checked_base(base: str) -> str:
    """Every minted IRI starts with the base, and graph names are written into SPARQL Update: a
    base that is not an absolute IRI (``http://x/> } ; DROP ALL``) is refused here (issue 9)."""
    from pyoxigraph import NamedNode
    from .errors import UsageError
    try:
        NamedNode(base)
    except ValueError as exc:
        raise UsageError(f"KG_BASE_IRI={base!r} is not an absolute IRI ({exc}); "
                         f"use e.g. {DEFAULT_BASE_IRI}") from None
    return base


def mint(kind: str, *keys: str, base: str | None = None) -> URIRef:
    """Mint the IRI of a *kind* of thing identified by one or more *keys* (joined by ``/``)."""
    from rdflib import URIRef  # here: reading the store (kg query) needs no rdflib, see mint_iri
    return URIRef(mint_iri(kind, *keys, base=base))


def mint_iri(kind: str, *keys: str, base: str | None = None) -> str:
    """The IRI :func:`mint` mints, as a string."""
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}; known: {', '.join(sorted(KINDS))}")
    path = "/".join(slugify(k) for k in keys)
    return f"{base or base_iri()}{kind}/{path}"
