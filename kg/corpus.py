"""A resolved corpus: papers, what was found in them, entities and links, held together.

>>> from kg.records import Mention, Paper, PaperEntities
>>> papers = [Paper("p1", "A", ""), Paper("p2", "B", ""), Paper("p3", "C", "")]
>>> found = [PaperEntities("p1", "A", (Mention("dataset", "ImageNet-1k"),)),
...          PaperEntities("p2", "B", (Mention("dataset", "ImageNet 1K"),))]
>>> corpus = Corpus.from_extractions(papers, found, Settings().with_(link_min_weight=0.1))
>>> list(corpus.entities)
['dataset/imagenet-1k']
>>> [(k.source, k.target, k.shared) for k in corpus.links]
[('p1', 'p2', ('dataset/imagenet-1k',))]
>>> round(corpus.links[0].weight, 3)  # log(3 papers / 2 naming it)
0.405
"""

from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import networkx as nx
import pandas as pd

from kg.errors import KGError
from kg.export import graphs as graph
from kg.export import tables as frames
from kg.keys import unify_spellings
from kg.records import Entity, Link, Occurrence, Paper, PaperEntities
from kg.resolve.entities import resolve
from kg.resolve.links import MadeIndex, PartRunner, paper_links
from kg.resolve.similarity import PaperTexts
from kg.settings import Settings

if TYPE_CHECKING:  # loaded on first use: rdflib and pyoxigraph are slow to import
    import pyoxigraph
    from rdflib import Dataset

    from kg.export.report.cards import Card
    from kg.export.report.digest import Digest
    from kg.export.report.tables import Figures
    from kg.store.embedded import QueryResult


class Corpus:
    """Frozen records of one corpus; every view (tables, graphs, RDF) is computed from them.

    A :class:`kg.records.CorpusRecords`: the stages after resolution read it through
    that protocol alone.
    """

    def __init__(self, papers: dict[str, Paper], extractions: dict[str, PaperEntities],
                 entities: dict[str, Entity], occurrences: list[Occurrence], links: list[Link],
                 settings: Settings | None = None) -> None:
        self.papers = papers
        self.extractions = extractions
        self.entities = entities
        self.occurrences = occurrences
        self.links = links
        self.settings = settings or Settings()

    @classmethod
    def from_extractions(cls, papers: Iterable[Paper], extractions: Iterable[PaperEntities],
                         settings: Settings | None = None,
                         link_runner: PartRunner | None = None,
                         text_index: "Callable[[], MadeIndex | None] | None" = None) -> "Corpus":
        """Resolve entities across the papers and link the papers that share them.

        Papers without an extraction simply have no entities; an extraction whose
        paper is missing is an error. ``link_runner`` computes the pair counting of
        linking elsewhere (:func:`kg.build.distributed.link_runner`): the same links.
        ``text_index()``, called when linking starts, may give the links' text index made
        elsewhere (:meth:`find_links`).
        """
        corpus = cls.unlinked(papers, extractions, settings)
        corpus.links = corpus.find_links(link_runner, text_index() if text_index is not None else None)
        return corpus

    @classmethod
    def unlinked(cls, papers: Iterable[Paper], extractions: Iterable[PaperEntities],
                 settings: Settings | None = None) -> "Corpus":
        """:meth:`from_extractions` up to linking: the entities resolved, no links yet
        (:meth:`find_links` gives them)."""
        settings = settings or Settings()
        by_id = {p.id: p for p in papers}
        found: dict[str, PaperEntities] = {}
        for pe in extractions:
            if pe.id not in by_id:
                raise KGError(f"extraction for unknown paper {pe.id!r} ({pe.title!r})")
            if pe.id in found:
                old = found[pe.id]
                pe = PaperEntities(pe.id, old.title, old.entities + pe.entities,
                                   old.links + pe.links)
            found[pe.id] = pe
        found = {pe.id: pe for pe in unify_spellings(found.values())}  # one spelling per repository
        entities, occurrences = resolve(found.values(), settings)
        return cls(by_id, found, entities, occurrences, [], settings)

    def find_links(self, runner: PartRunner | None = None,
                   text_index: "MadeIndex | None" = None) -> list[Link]:
        """The links between this corpus's papers (:func:`kg.resolve.links.paper_links`);
        ``text_index``: ``(n, index)``, the text index of these papers' texts for ``n`` papers
        made beforehand (:func:`kg.resolve.links.text_index_of`)."""
        return paper_links(self.occurrences, len(self.papers), self.settings, self.entities,
                           {p.id: p.title for p in self.papers.values()},
                           PaperTexts(self.papers),  # each paper's title and abstract, made when read
                           runner=runner, made=text_index)

    def __repr__(self) -> str:
        return (f"Corpus({len(self.papers)} papers, {len(self.entities)} entities, "
                f"{len(self.occurrences)} occurrences, {len(self.links)} links)")

    # figures, cards and notebooks (kg.export.report); what `kg stats` and `kg show` print
    @cached_property
    def digest(self) -> "Digest":
        """What the figures and cards read of the corpus (computed once)."""
        from kg.export.report.digest import digest_of

        return digest_of(self)

    def figures(self, *names: str) -> "Figures":
        """The figures of the report (all, or those named), as plain tables."""
        from kg.export.report.figures import corpus_figures

        return corpus_figures(self.digest, self.settings, names or None)

    def show(self, name: str) -> "Card":
        """The card of the paper or entity ``name`` names (any id, title, name or alias)."""
        from kg.export.report.cards import card

        return card(self.digest, name)

    def timeline(self, name: str | None = None) -> pd.DataFrame:
        """Papers per month (``month``, ``papers``) naming the entity ``name``, or all papers.

        Every month from the corpus' first dated paper to its last, so that timelines of
        different entities line up; papers without a month are left out.
        """
        from kg.export.report.figures import timeline_rows

        return pd.DataFrame(timeline_rows(self.digest, name), columns=["month", "papers"])

    def report(self) -> str:
        """The corpus report (``report.html``) as a string."""
        from kg.export.report import report_page

        return report_page(self.digest, self.settings)

    def _repr_html_(self) -> str:
        from kg.export.report.page import summary_html

        return summary_html(self.digest)

    # tables
    def papers_df(self) -> pd.DataFrame:
        return frames.papers_df(self.papers, self.occurrences)

    def entities_df(self) -> pd.DataFrame:
        return frames.entities_df(self.entities)

    def mentions_df(self) -> pd.DataFrame:
        return frames.mentions_df(self.occurrences, self.entities)

    def links_df(self) -> pd.DataFrame:
        return frames.links_df(self.links)

    def repos_df(self) -> pd.DataFrame:
        return frames.repos_df(self.extractions)

    # graphs
    def to_networkx(self) -> nx.MultiDiGraph:
        """The knowledge graph: papers, entities, repositories and the paper links."""
        return graph.knowledge_graph(self.papers, self.entities, self.occurrences,
                                     self.extractions, self.links)

    def paper_graph(self) -> nx.Graph:
        return graph.paper_graph(self.papers, self.links)

    def cooccurrence_graph(self, min_count: int = 1) -> nx.Graph:
        return graph.cooccurrence_graph(self.occurrences, self.entities, min_count)

    # RDF and SPARQL, written elsewhere; imported here so that `import kg.corpus` stays light
    def to_rdf(self) -> "Dataset":
        """The corpus as an RDF dataset (see :mod:`kg.rdf.convert`)."""
        from kg.rdf.convert import corpus_to_dataset

        return corpus_to_dataset(self, self.settings)

    @cached_property
    def store(self) -> "pyoxigraph.Store":
        """The corpus in an in-memory pyoxigraph store, made on first use and kept.

        The records are frozen, so the store stays true to them; a corpus whose dicts
        are changed in place afterwards needs ``del corpus.store`` to see the change.
        """
        from kg.store.embedded import corpus_store

        return corpus_store(self, self.settings)

    def query(self, sparql: str) -> "QueryResult":
        """Run a read-only SPARQL query over the corpus (see :mod:`kg.store.embedded`).

        The corpus is converted to RDF once (:attr:`store`), not on every call.
        """
        from kg.store.embedded import query_store

        return query_store(self.store, sparql)


class _Loaded:
    """A record attribute of :class:`BuiltCorpus`: the build's records, read on first use."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, corpus: "BuiltCorpus | None", owner: type | None = None) -> Any:
        if corpus is None:
            return self
        corpus.load()
        return corpus.__dict__[self.name]


class BuiltCorpus(Corpus):
    """The corpus of a build's output directory (``kg.open("outputs")``).

    :meth:`query` runs on the build's own store (read-only, on the live generation at
    the time of the call), so nothing is converted or loaded for it; the records
    (papers, entities, ...) are read from the build's state files on first use, for the
    tables, graphs and figures.
    """

    papers = _Loaded()
    extractions = _Loaded()
    entities = _Loaded()
    occurrences = _Loaded()
    links = _Loaded()

    def __init__(self, source: str | Path, settings: Settings, loader: Callable[[], Corpus]) -> None:
        self.source = Path(source)
        self.settings = settings
        self._loader = loader

    def load(self) -> None:
        """Read the records from the build (once)."""
        if "papers" in self.__dict__:
            return
        loaded = self._loader()
        for name in ("extractions", "entities", "occurrences", "links", "papers"):
            self.__dict__[name] = getattr(loaded, name)

    def __repr__(self) -> str:
        if "papers" not in self.__dict__:
            return f"BuiltCorpus({str(self.source)!r}, records not read yet)"
        return super().__repr__().replace("Corpus(", f"BuiltCorpus({str(self.source)!r}: ", 1)

    @cached_property
    def store(self) -> "pyoxigraph.Store":
        """The build's store, opened read-only (it stays open while this corpus lives)."""
        from kg.store.embedded import open_store, store_path

        return open_store(store_path(self.source), read_only=True)

    def query(self, sparql: str) -> "QueryResult":
        """Run a read-only SPARQL query on the build's store (:func:`kg.store.embedded.query_output`)."""
        from kg.store.embedded import query_output

        return query_output(self.source, sparql)
