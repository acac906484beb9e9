"""Every default in one frozen object, passed down explicitly."""

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

DEFAULT_BASE_IRI = "https://w3id.org/kg/"
# the spaCy pipelines extraction runs on: spacy.blank("en"), or en_core_web_sm
# (here, not in kg.extract, so that `kg build --help` lists them without importing spaCy)
SPACY_MODES = ("blank", "sm")
# who decides the mentions: the hand rules, or the learned decider shipped in
# kg/extract/data/decider.json over the rules' candidates (more accurate, slower)
EXTRACTORS = ("rules", "learned")
# (file or directory name, format name of kg.export.registry) of what a build writes
DEFAULT_EXPORTS: tuple[tuple[str, str], ...] = (
    ("graph.ttl", "turtle"), ("graph.nq", "nquads"), ("tables", "csv"),
    ("graph.graphml", "graphml"), ("graph.html", "html"), ("report.html", "report"))


@dataclass(frozen=True)
class Settings:
    """Knobs of a kg run. Build a variant with ``settings.with_(name=value)``.

    >>> Settings().with_(link_max_neighbours=5).link_max_neighbours
    5
    """

    # reading
    skip_bad: bool = False
    # extraction
    spacy_mode: str = "blank"  # "blank" (spacy.blank("en")) or "sm" (en_core_web_sm)
    batch_size: int = 64
    n_process: int = 1
    min_confidence: float = 0.5
    extractor: str = "rules"  # "rules" or "learned" (EXTRACTORS): who decides the mentions
    # linking
    link_max_df: float = 0.2  # an entity in more than this share of papers links nothing alone
    link_min_weight: float = 1.0
    link_max_neighbours: int = 25
    link_family_discount: float = 0.5  # a family shared through variants counts half its idf
    link_builds_on_boost: float = 2.0  # one paper proposes what the other uses: twice its idf
    link_rare_df: int = 20  # a titled entity reached by at most this many papers links alone
    link_max_per_entity: int = 20  # an entity leads at most this many links (and as many by text)
    link_similar_min: float = 0.1  # one shared entity and texts at least this alike (cosine) link
    link_text_min: float = 0.15  # texts at least this alike link, even on a common entity
    link_text_alone: bool = True  # ... and on no shared entity at all (False: never)
    link_text_min_words: int = 3  # ... and only when they share this many counted words
    link_similarity_weight: float = 10.0  # a link's weight gains this times the text cosine
    # RDF
    base_iri: str = DEFAULT_BASE_IRI
    # output
    output_dir: Path = field(default_factory=lambda: Path("outputs"))
    html_max_nodes: int = 1500
    report_top: int = 10  # rows of each figure of the report and of `kg stats`
    report_recent_months: int = 3  # the latest months whose rising entities the report shows
    exports: tuple[tuple[str, str], ...] = DEFAULT_EXPORTS  # checked by kg.build.exports.check_exports
    progress: bool = True
    # linking: an entity in more papers than this links nothing alone (bounds the work)
    link_max_postings: int = 1000
    # text similarity: a word in more papers than this does not count (bounds the work)
    link_text_max_postings: int = 200

    def with_(self, **changes: Any) -> "Settings":
        return replace(self, **changes)
