"""Resolve and link: mentions found paper by paper become canonical entities
(:mod:`kg.resolve.entities`, with :mod:`kg.resolve.acronyms` and :mod:`kg.resolve.known`),
each with its family at every level (:mod:`kg.resolve.families`), and papers that share
them are linked (:mod:`kg.resolve.links`)."""

from kg.resolve.entities import resolve
from kg.resolve.links import link_cutoff, paper_links

__all__ = ["resolve", "paper_links", "link_cutoff"]
