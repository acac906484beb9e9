"""Resolve and link: mentions found paper by paper become canonical entities
(:mod:`kg.resolve.entities`), and papers that share them are linked
(:mod:`kg.resolve.links`)."""

from kg.resolve.entities import resolve
from kg.resolve.links import link_cutoff, paper_links

__all__ = ["resolve", "paper_links", "link_cutoff"]
