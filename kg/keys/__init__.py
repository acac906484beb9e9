"""Every "same thing" key of kg, and the one union-find that groups by them.

Two values that get equal keys count as the same paper, name, variant or repository.
The keys of one kind are kept side by side here because they differ on purpose;
each docstring says what is equal under it.

* Papers: :func:`clean_text`, :func:`title_key`, :func:`parse_arxiv_id`, :func:`paper_id`.
* Names: :func:`entity_key` (one entity: within a paper and across the corpus;
  :func:`match_key` is the same function), :func:`scorer_key` (the reference scorer's
  comparison, for the evaluation), :func:`slug` (ids), :func:`lookup_key` (what a user types).
* Variants: :func:`base_names`, :func:`major_version`, :func:`named_variant_head`,
  :func:`modifier_compound`, :data:`VARIANT_SUFFIX`, :data:`SIZE_VARIANT`.
* Repositories: :data:`CODE_HOSTS`, :func:`trim_url`, :func:`canonical_repo` and the
  keys :func:`repo_key`, :func:`display_spellings`, :func:`repo_match_key`, :func:`repo_iri_key`, :func:`repo_address`.
* Grouping: :class:`UnionFind`.

One module per kind: :mod:`kg.keys.papers`, :mod:`kg.keys.names`,
:mod:`kg.keys.repos`, :mod:`kg.keys.unionfind`; import them from here.
"""

from kg.keys.names import (
    EDITIONS,
    FINE_TUNES,
    FLAVOURS,
    MODALITIES,
    RARE_SIZES,
    SIZE_LETTERS,
    SIZE_VARIANT,
    SIZE_WORDS,
    VARIANT_SUFFIX,
    base_names,
    entity_key,
    lookup_key,
    major_version,
    match_key,
    modifier_compound,
    named_variant_head,
    scorer_key,
    slug,
)
from kg.keys.papers import clean_text, paper_id, parse_arxiv_id, plain_chars, title_key, unaccented
from kg.keys.repos import (
    CODE_HOSTS,
    canonical_repo,
    display_spellings,
    repo_address,
    repo_iri_key,
    repo_key,
    repo_match_key,
    trim_url,
    unify_spellings,
)
from kg.keys.unionfind import UnionFind

__all__ = ['CODE_HOSTS', 'EDITIONS', 'FINE_TUNES', 'FLAVOURS', 'MODALITIES', 'RARE_SIZES', 'SIZE_LETTERS', 'SIZE_VARIANT', 'SIZE_WORDS', 'UnionFind', 'VARIANT_SUFFIX', 'base_names', 'canonical_repo', 'clean_text', 'display_spellings', 'entity_key', 'lookup_key', 'major_version', 'match_key', 'modifier_compound', 'named_variant_head', 'paper_id', 'parse_arxiv_id', 'plain_chars', 'repo_address', 'repo_iri_key', 'repo_key', 'repo_match_key', 'scorer_key', 'slug', 'title_key', 'trim_url', 'unaccented', 'unify_spellings']
