"""Every IRI kg publishes is minted here, by :func:`mint`.

Keys are percent-encoded so that any name (spaces, quotes, ``<>``, newlines,
emoji, ``%``, ``#``) gives a valid IRI for rdflib, pyoxigraph and every
serialisation; the same key always gives the same IRI. Non-ASCII characters
are encoded as UTF-8 bytes, so the results are plain URIs too.

:func:`is_valid` is the one test of an IRI: what both rdflib and pyoxigraph (the
store) accept. A base IRI that fails it is refused before anything is read
(:func:`check_base`); a URL from the input that fails it is left out of the RDF
(:func:`external` returns None and logs a warning), never a crash at the store.

>>> str(mint("paper", "arxiv:2305.12345", base="https://w3id.org/kg/"))
'https://w3id.org/kg/paper/arxiv:2305.12345'
>>> str(mint("entity", "model/LLaVA 1.5", base="https://w3id.org/kg/"))
'https://w3id.org/kg/entity/model/LLaVA%201.5'
>>> str(mint("link", ("arxiv:2", "arxiv:1"), base="https://w3id.org/kg/"))
'https://w3id.org/kg/link/arxiv:1/arxiv:2'
"""

import functools
import logging
import re
from collections.abc import Sequence
from typing import Literal, get_args
from urllib.parse import quote

import pyoxigraph as ox
from rdflib import URIRef

from kg.errors import KGError
from kg.settings import DEFAULT_BASE_IRI

IriKind = Literal["paper", "entity", "repo", "link", "share", "evidence", "graph", "build"]
KINDS: tuple[IriKind, ...] = get_args(IriKind)
# kinds whose key is a tuple of parts, in this order; the link pair is sorted by mint, and
# so is the pair of a share (paper, paper, entity: one entity's part in a link)
_PARTS = {"link": 2, "share": 3, "evidence": 4}

# beyond the unreserved characters (letters, digits, "-._~") which quote() never
# encodes: ":" and "@" are valid in a path segment and keep arXiv ids readable
_SAFE_PART = ":@"
_SAFE_KEY = _SAFE_PART + "/"  # a single key keeps "/" so "model/llava" reads as a path
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_BAD_PCT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_AUTHORITY = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]*://[^/?]*")
# characters that may stay as they are in an external URL (RFC 3986 reserved + unreserved)
_SAFE_URL = "!$&'()*+,/:;=?@~%"
# what rdflib's URIRef warns about (rdflib.term._invalid_uri_chars); pyoxigraph refuses them too
_RDFLIB_BAD = frozenset('<>" {}|\\^`')

log = logging.getLogger("kg.rdf")


def iri_problem(text: str) -> str | None:
    """Why ``text`` is not an absolute IRI that rdflib and pyoxigraph both accept; None if it is.

    pyoxigraph checks the RFC 3987 grammar (scheme, authority with a numeric port,
    one ``#``, percent escapes, allowed code points); rdflib only refuses a few characters.

    >>> iri_problem("https://github.com/a/b") is None
    True
    >>> iri_problem("https://github.com:abc/a/b")
    "Invalid character 'a'"
    """
    bad = sorted(_RDFLIB_BAD.intersection(text))
    if bad:
        return f"Invalid IRI code point {bad[0]!r}"
    try:
        ox.NamedNode(text)
    except ValueError as e:  # UnicodeEncodeError (a lone surrogate) is a ValueError too
        return str(e).splitlines()[0] if str(e) else type(e).__name__
    return None


def is_valid(text: str) -> bool:
    """True if ``text`` is an absolute IRI that rdflib and pyoxigraph (the store) both accept.

    >>> is_valid("https://a@b@c/x"), is_valid("https://example.org:kg/"), is_valid("urn:x")
    (False, False, True)
    """
    return iri_problem(text) is None


def check_base(base: str) -> str:
    """``base`` if it can prefix minted IRIs, else a :class:`KGError` naming it.

    A base is a valid IRI (:func:`is_valid`) in plain ASCII, with a scheme, ending in
    ``/`` or ``#``, and IRIs minted from it are valid too.

    >>> check_base("https://example.org/kg/")
    'https://example.org/kg/'
    >>> check_base("https://example.org:kg/")
    Traceback (most recent call last):
    ...
    kg.errors.KGError: bad base IRI 'https://example.org:kg/' (Invalid character 'k'); ...
    """
    problem = None
    if not _SCHEME.match(base):
        problem = "no scheme"
    elif base[-1:] not in ("/", "#"):
        problem = "it does not end in '/' or '#'"
    elif base != _encode(base, _SAFE_URL + "#"):
        problem = "it holds characters that must be percent-encoded"
    else:
        problem = iri_problem(base) or iri_problem(f"{base}paper/x")
    if problem:
        raise KGError(f"bad base IRI {base!r} ({problem}); expected an absolute IRI ending in "
                      f"'/' or '#', e.g. {DEFAULT_BASE_IRI}")
    return base


@functools.lru_cache(maxsize=16)
def _checked(base: str) -> str:
    """:func:`check_base`, once per base: :func:`mint` is called for every IRI of a corpus."""
    return check_base(base)


def _encode(text: str, safe: str) -> str:
    return quote(text, safe=safe, encoding="utf-8", errors="surrogatepass")


def _segment(part: str, safe: str) -> str:
    encoded = _encode(part, safe)
    # "." and ".." segments would be removed by IRI normalisation: encode them
    return "/".join(s.replace(".", "%2E") if s in (".", "..") else s for s in encoded.split("/"))


def mint(kind: IriKind, key: str | Sequence[str], base: str | None = None) -> URIRef:
    """The IRI of one ``kind`` of resource, ``{base}{kind}/{encoded key}``: :func:`mint_text`
    as an rdflib term."""
    return URIRef(mint_text(kind, key, base))


def part_segment(part: str) -> str:
    """One part of a tuple key as :func:`mint_text` encodes it (``/`` escaped).

    >>> part_segment("model/a b"), part_segment("..")
    ('model%2Fa%20b', '%2E%2E')
    """
    return _segment(part, _SAFE_PART)


def mint_text(kind: IriKind, key: str | Sequence[str], base: str | None = None) -> str:
    """The IRI of one ``kind`` of resource, ``{base}{kind}/{encoded key}``, as a string.

    ``key`` is a string for paper, entity, repo, graph and build (``/`` in it is
    kept); for ``link`` it is the pair of paper ids (order does not matter), for
    ``share`` the pair and an entity id (the pair's order does not matter) and for
    ``evidence`` the tuple (paper id, entity id, start, end), each part encoded
    with ``/`` escaped so that different tuples never collide.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown IRI kind {kind!r}; expected one of: {', '.join(KINDS)}")
    base = _checked(DEFAULT_BASE_IRI if base is None else base)
    if kind in _PARTS:
        if isinstance(key, str) or len(key) != _PARTS[kind]:
            raise ValueError(f"a {kind} IRI needs {_PARTS[kind]} key parts, got {key!r}")
        parts = [str(p) for p in key]
        if kind == "link":
            parts.sort()
        elif kind == "share":
            parts[:2] = sorted(parts[:2])
        path = "/".join(_segment(p, _SAFE_PART) for p in parts)
    else:
        if not isinstance(key, str):
            raise ValueError(f"a {kind} IRI needs a string key, got {key!r}")
        path = _segment(key, _SAFE_KEY)
    if not path:
        raise ValueError(f"empty key for a {kind} IRI")
    return f"{base}{kind}/{path}"


def external(url: str) -> URIRef | None:
    """A URL found in the input as an IRI that every RDF tool accepts, or None.

    Characters an IRI may not hold are percent-encoded; a URL without a scheme
    (``github.com/a/b``) gets ``https://``. None for an empty URL, and for one
    that is still not a valid IRI (:func:`is_valid`: a bad port, a second ``@``):
    those are left out of the RDF, with a warning on the ``kg.rdf`` logger.

    >>> str(external("github.com/a/b c"))
    'https://github.com/a/b%20c'
    >>> external("https://github.com:abc/a/b") is None
    True
    """
    url = url.strip()
    if not url:
        return None
    if not _SCHEME.match(url):
        url = "https://" + url.lstrip("/")
    url = _BAD_PCT.sub("%25", url)
    head, hash_, fragment = url.partition("#")
    # brackets stay in the authority, where they hold an IPv6 address; elsewhere they are encoded
    authority = _AUTHORITY.match(head)
    end = authority.end() if authority else 0
    encoded = _encode(head[:end], _SAFE_URL + "[]") + _encode(head[end:], _SAFE_URL)
    if hash_:  # only one "#" may appear: later ones are part of the fragment
        encoded += "#" + _encode(fragment, _SAFE_URL)
    problem = iri_problem(encoded)
    if problem:
        _left_out(url, problem)
        return None
    return URIRef(encoded)


@functools.lru_cache(maxsize=1024)
def _left_out(url: str, problem: str) -> None:
    """Warn once per URL and process: the RDF of a corpus is made several times in one build."""
    log.warning("warning: %r is not a valid IRI (%s); left out of the RDF", url, problem)
