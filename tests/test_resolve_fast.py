"""The fast paths of resolution and linking (branch resolvefast) against the plain way, on
inputs drawn by hypothesis: whole corpora against main's resolution and linking
(tests/fixtures/oracle), and each rewritten step against a plain reference kept here."""

import sys
from collections import Counter
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.keys import entity_key
from kg.records import Evidence, Mention, PaperEntities
from kg.resolve import clusters
from kg.resolve import entities as new_entities
from kg.resolve import links as new_links
from kg.resolve.similarity import TextIndex, text_vectors
from kg.settings import Settings

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "oracle"))
import entities_main  # noqa: E402
import links_main  # noqa: E402

NAMES = ["CoCo", "COCO", "coco", "MS-COCO", "ImageNet", "ImageNet-1k", "imagenet 1K", "LoRA", "LORA",
         "Low-Rank Adaptation", "Low Rank Adaptations", "MIM", "Masked Image Modeling", "SP",
         "Sequence Parallel", "Sequence Parallelism", "Llama", "Llama-2", "Llama-2-7B", "LLaVA",
         "LLaVA-1.5-7B", "LLaVA-Med", "GPT-4", "Mamba", "Mamba-3B", "attention sink", "StreamingLLM",
         "CoT", "CoT-based", "SGD", "ViT", "Vision Transformer", "Vision Transformers", " ", ""]
KB = [None, "", "coco", "imagenet", "lora", "llama", "llava", "mamba", "sgd", "streamingllm", "vit"]
WORDS = ["vision", "language", "model", "token", "attention", "graph", "3d", "x1", "a", "the",
         "chain-of-thought", "GPT-4", "Ünïcode", "ß", "İ"]

names = st.sampled_from([n for n in NAMES if n.strip()])
evidence = st.builds(Evidence, st.just("s"), st.integers(0, 60), st.just(70),
                     st.sampled_from(["", *NAMES[:8]]))
mentions = st.builds(
    Mention, st.sampled_from(["model", "method", "dataset"]), names,
    st.lists(st.sampled_from(NAMES), max_size=2).map(tuple), st.sampled_from(["used", "proposed"]),
    st.lists(evidence, max_size=2).map(tuple), st.sampled_from([0.5, 0.9, 1.0]), st.sampled_from(KB),
    st.sampled_from([None, "", "llama", "Llama", "ViT", "mamba"]), st.just(("rules",)))


@st.composite
def corpora(draw: st.DrawFn) -> list[PaperEntities]:
    n = draw(st.integers(1, 25))
    papers = [PaperEntities(f"p{draw(st.integers(0, 30)):02d}", f"Paper {i}",
                            tuple(draw(st.lists(mentions, max_size=6)))) for i in range(n)]
    return papers  # ids may repeat: one paper given twice


@settings(max_examples=150, deadline=None)
@given(corpora(), st.booleans())
def test_resolve_is_mains(corpus, gazetteer):
    known = None if gazetteer else {}
    assert new_entities.resolve(corpus, None, known) == entities_main.resolve(corpus, None, known)


def _plain_describe(mentions: list[Mention]) -> dict:
    """_describe as it was: every count over every mention."""
    kb_mentions = [m for m in mentions if m.kb_id]
    kbs = Counter(m.kb_id for m in mentions if m.kb_id)
    names = Counter(m.name for m in (kb_mentions or mentions))
    name = min(names, key=lambda n: (-names[n], n))
    votes = Counter(m.type for m in (kb_mentions or mentions))
    kind = min(votes, key=lambda t: (-votes[t], clusters.type_rank(t), t))
    forms = {s for m in mentions for s in (m.name, *m.aliases) if s.strip()}
    parents = Counter(m.parent for m in mentions if m.parent)
    return {"name": name, "type": kind, "forms": forms, "kbs": sorted(kbs),
            "kb": min(kbs, key=lambda k: (-kbs[k], k)) if kbs else None,
            "parent": min(parents, key=lambda p: (-parents[p], p)) if parents else None,
            "order": tuple(sorted(entity_key(f) for f in forms))}


@settings(max_examples=400, deadline=None)
@given(st.lists(mentions, min_size=1, max_size=12), st.integers(0, 4))
def test_describe_counts_each_saying_as_every_mention(ms, copies):
    ms = ms + ms[:1] * copies  # the same saying several times
    assert clusters.describe(ms) == _plain_describe(ms)


texts = st.lists(st.sampled_from(WORDS), max_size=20).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.sampled_from([f"t{i}" for i in range(30)]), texts, min_size=1),
       st.integers(1, 8))
def test_text_index_of_texts_is_the_index_of_the_vectors(docs, max_df):
    a, b = TextIndex.of_texts(docs, max_df), TextIndex(text_vectors(docs, max_df))
    assert a.ids == b.ids
    assert a.row.tolist() == b.row.tolist() and a.values.tolist() == b.values.tolist()
    assert a.paper.tolist() == b.paper.tolist() and a.weight.tolist() == b.weight.tolist()
    for pid in a.ids:
        assert a.later_alike(pid, 0.0, 1) == b.later_alike(pid, 0.0, 1)


@settings(max_examples=100, deadline=None)
@given(corpora(), st.booleans())
def test_link_index_and_links_are_mains(corpus, with_titles):
    entities, occurrences = new_entities.resolve(corpus, None, None)
    ids = sorted({o.paper for o in occurrences} | {"q0"})
    titles = {pid: "Paper " + pid for pid in ids} if with_titles else None
    docs = {pid: " ".join(WORDS[i % len(WORDS)] for i in range(len(pid) + k)) for k, pid in enumerate(ids)}
    s = Settings(link_max_df=0.9, link_rare_df=3, link_min_weight=0.0)
    parents = {e.id: e.parent for e in entities.values() if e.parent and e.parent != e.id}
    new = new_links._Index(occurrences, len(ids), parents, s, titles, docs)
    old = links_main._Index(occurrences, len(ids), parents, s, titles, docs)
    for attr in ("paper_ids", "entity_ids", "up", "direct", "reach", "titled", "proposers",
                 "idf_list", "common_list"):
        assert getattr(new, attr) == getattr(old, attr), attr
    assert new_links.paper_links(occurrences, len(ids), s, entities, titles, docs) == \
        links_main.paper_links(occurrences, len(ids), s, entities, titles, docs)

