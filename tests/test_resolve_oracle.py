"""The faster resolution and linking against main's code (tests/fixtures/oracle): on random
corpora built to hit every rule (case-distinct spellings, acronyms and their long forms,
plurals, gazetteer links and families, papers given in any order, one paper given twice),
the entities, occurrences and links are equal; and the new array structures against what
they replace (the text index made without vectors, the candidates, the spans)."""

import random
import sys
from pathlib import Path

import numpy as np
import pytest

from kg.records import Evidence, Mention, PaperEntities
from kg.resolve import entities as new_entities
from kg.resolve import links as new_links
from kg.resolve.candidates import block_candidates, later_candidates
from kg.resolve.similarity import TextIndex, spans, text_vectors
from kg.settings import Settings

sys.path.insert(0, str(Path(__file__).parent / "fixtures" / "oracle"))
import entities_main  # noqa: E402
import links_main  # noqa: E402
import similarity_main  # noqa: E402

NAMES = ["CoCo", "COCO", "coco", "MS-COCO", "ImageNet", "ImageNet-1k", "imagenet 1K", "LoRA", "LORA",
         "lora", "Low-Rank Adaptation", "Low Rank Adaptations", "Masked Image Modeling", "MIM",
         "Masked Image Modelling", "SP", "Sequence Parallel", "Sequence Parallelism", "Llama",
         "Llama-2", "Llama-2-7B", "Llama 3.1 8B", "LLaVA", "LLaVA-1.5", "LLaVA-1.5-7B", "LLaVA-Med",
         "GPT-4", "GPT-4o", "Mamba", "Mamba-3B", "attention sink", "StreamingLLM", "CoT",
         "CoT-based", "Chain-of-Thought", "SGD", "LSTM", "Long Short-Term Memory",
         "Long Short Term Memory Networks", "Gated State Spaces", "Gated State Space", "UNet",
         "UNet++", "ViT", "Vision Transformer", "Vision Transformers", "BERT", "RoBERTa"]
KB = [None, None, None, "coco", "imagenet", "lora", "llama", "llava", "gpt-4", "mamba", "sgd",
      "streamingllm", "vit", "bert"]
TYPES = ["model", "method", "dataset"]
WORDS = ("vision language model token attention sparse dense retrieval graph benchmark "
         "diffusion image video audio speech reasoning chain thought agent policy reward").split()


def _mention(rng: random.Random) -> Mention:
    name = rng.choice(NAMES)
    aliases = tuple(rng.sample(NAMES, rng.choice([0, 0, 1, 2])))
    written = [name, *aliases]
    evidence = tuple(Evidence("s", rng.randrange(0, 60), 70, rng.choice([*written, ""]))
                     for _ in range(rng.choice([0, 1, 2])))
    return Mention(rng.choice(TYPES), name, aliases, rng.choice(["used", "used", "proposed"]),
                   evidence, rng.choice([0.5, 0.9, 1.0]), rng.choice(KB),
                   rng.choice([None, None, "llama", "Llama", "ViT"]), ("rules",))


def _corpus(seed: int) -> list[PaperEntities]:
    rng = random.Random(seed)
    papers = [PaperEntities(f"p{i:03d}", f"Paper {i}",
                            tuple(_mention(rng) for _ in range(rng.randrange(0, 7))))
              for i in range(rng.randrange(5, 60))]
    rng.shuffle(papers)
    if papers:  # a paper given twice: its mentions of both, as one extraction's
        papers.append(PaperEntities(papers[0].id, papers[0].title, (_mention(rng),)))
    return papers


@pytest.mark.parametrize("seed", range(40))
@pytest.mark.parametrize("gazetteer", [False, True])
def test_resolve_equals_mains(seed, gazetteer):
    corpus = _corpus(seed)
    known = None if gazetteer else {}
    assert new_entities.resolve(corpus, None, known) == entities_main.resolve(corpus, None, known)


def _texts(seed: int, ids: list[str]) -> dict[str, str]:
    rng = random.Random(seed)
    return {pid: " ".join(rng.choices(WORDS, k=rng.randrange(0, 25))) for pid in ids}


@pytest.mark.parametrize("seed", range(30))
def test_links_equal_mains(seed):
    entities, occurrences = new_entities.resolve(_corpus(seed), None, None)
    ids = sorted({o.paper for o in occurrences} | {f"q{i}" for i in range(seed % 4)})
    titles = {pid: "Paper " + pid for pid in ids}
    texts = _texts(seed, ids)
    for settings in (Settings(), Settings(link_max_df=0.9, link_rare_df=3, link_min_weight=0.0,
                                          link_max_neighbours=3, link_max_per_entity=4)):
        n = len(ids) + seed % 3
        assert new_links.paper_links(occurrences, n, settings, entities, titles, texts) == \
            links_main.paper_links(occurrences, n, settings, entities, titles, texts)


@pytest.mark.parametrize("seed", range(20))
def test_candidates_equal_mains(seed):
    entities, occurrences = new_entities.resolve(_corpus(seed), None, None)
    settings = Settings(link_rare_df=seed % 4)
    parents = {e.id: e.parent for e in entities.values() if e.parent and e.parent != e.id}
    args = (occurrences, len(entities) // 3 + 2, parents, settings, None)
    ix, old = new_links._Index(*args, {}), links_main._Index(*args, {})
    postings, start = ix.postings()
    keyed = ix.keyed(postings)
    scratch = np.zeros(len(ix.paper_ids), dtype=bool)
    count = np.zeros(len(ix.paper_ids), dtype=np.int64)
    sure = np.zeros(len(ix.paper_ids), dtype=bool)
    for p in range(len(ix.paper_ids)):
        got = later_candidates(ix, p, postings, keyed, start, scratch)
        want = links_main._candidates(old, p, postings, start, settings, count, sure)
        assert sorted(got.tolist()) == sorted(want.tolist())
        assert not scratch.any()


@pytest.mark.parametrize("seed", range(15))
def test_text_index_of_texts_equals_the_index_of_the_vectors(seed):
    rng = random.Random(seed)
    texts = _texts(seed, [f"t{i}" for i in range(rng.randrange(1, 40))])
    texts["empty"] = ""
    for max_df in (1, 3, len(texts), len(texts) + 5):  # max_df >= n: a word in every text weighs 0
        a, b = TextIndex.of_texts(texts, max_df), TextIndex(text_vectors(texts, max_df))
        assert a.ids == b.ids and a.position == b.position
        assert a.row.tolist() == b.row.tolist() and a.values.tolist() == b.values.tolist()
        assert a.paper.tolist() == b.paper.tolist() and a.weight.tolist() == b.weight.tolist()
        for pid in a.ids:  # the word numbers may differ where no vector keeps a word: not the results
            for floor, n_words in ((0.0, 1), (0.1, 2), (0.5, 1)):
                assert a.later_alike(pid, floor, n_words) == b.later_alike(pid, floor, n_words)


@pytest.mark.parametrize("seed", range(20))
def test_block_candidates_are_mains_candidates_paper_by_paper(seed):
    entities, occurrences = new_entities.resolve(_corpus(seed), None, None)
    settings = Settings(link_rare_df=seed % 4)
    parents = {e.id: e.parent for e in entities.values() if e.parent and e.parent != e.id}
    args = (occurrences, len(entities) // 3 + 2, parents, settings, None)
    ix, old = new_links._Index(*args, {}), links_main._Index(*args, {})
    assert ix.pap.tolist() == old.pap.tolist() and ix.ent.tolist() == old.ent.tolist()
    postings, start = ix.postings()
    keyed = ix.keyed(postings)
    count = np.zeros(len(ix.paper_ids), dtype=np.int64)
    sure = np.zeros(len(ix.paper_ids), dtype=bool)
    want = [p * ix.n + q for p in range(len(ix.paper_ids))
            for q in sorted(links_main._candidates(old, p, postings, start, settings, count,
                                                   sure).tolist())]
    for size in (1, 2, 7, len(ix.paper_ids)):
        got = [k for lo in range(0, len(ix.paper_ids), size)
               for k in block_candidates(ix, lo, min(lo + size, len(ix.paper_ids)), postings,
                                         keyed, start).tolist()]
        assert got == want, size


@pytest.mark.parametrize("seed", range(15))
def test_alike_block_is_mains_later_alike_paper_by_paper(seed):
    rng = random.Random(seed)
    texts = _texts(seed, [f"t{i}" for i in range(rng.randrange(1, 40))])
    texts["empty"] = ""
    for max_df in (3, len(texts), len(texts) + 5):
        new = TextIndex.of_texts(texts, max_df)
        old = similarity_main.TextIndex(similarity_main.text_vectors(texts, max_df))
        for floor, n_words in ((0.0, 1), (0.1, 2), (0.5, 1)):
            assert new.ids == old.ids
            want = [(a, old.position[b], sim) for a, pid in enumerate(old.ids)
                    for b, sim in old.later_alike(pid, floor, n_words).items()]
            assert all(new.later_alike(pid, floor, n_words) == old.later_alike(pid, floor, n_words)
                       for pid in old.ids)
            for size in (1, 3, len(texts)):
                got = []
                for lo in range(0, len(texts), size):
                    pa, pb, sims = new.alike_block(lo, min(lo + size, len(texts)), floor, n_words)
                    got += zip(pa.tolist(), pb.tolist(), sims, strict=True)
                assert got == want, (max_df, floor, n_words, size)


@pytest.mark.parametrize("block", [1, 3])
@pytest.mark.parametrize("seed", range(10))
def test_links_equal_mains_whatever_the_block(seed, block, monkeypatch):
    monkeypatch.setattr(new_links, "_BLOCK", block)
    entities, occurrences = new_entities.resolve(_corpus(seed), None, None)
    ids = sorted({o.paper for o in occurrences} | {f"q{i}" for i in range(seed % 4)})
    titles = {pid: "Paper " + pid for pid in ids}
    texts = _texts(seed, ids)
    settings = Settings(link_max_df=0.9, link_rare_df=3, link_min_weight=0.0)
    assert new_links.paper_links(occurrences, len(ids), settings, entities, titles, texts) == \
        links_main.paper_links(occurrences, len(ids), settings, entities, titles, texts)


def test_spans_are_the_ranges_one_after_the_other():
    rng = random.Random(0)
    for _ in range(200):
        lo = np.array([rng.randrange(0, 20) for _ in range(rng.randrange(0, 6))], dtype=np.int64)
        hi = lo + np.array([rng.randrange(-3, 5) for _ in range(len(lo))], dtype=np.int64)
        want = [i for a, b in zip(lo.tolist(), hi.tolist(), strict=True) for i in range(a, b)]
        assert spans(lo, hi).tolist() == want


def test_camel_on_ascii_is_the_letter_by_letter_rule():
    from kg.resolve.known import camel

    def by_letters(name: str) -> bool:
        letters = [c for c in name if c.isalpha()]
        return any(x.islower() and y.isupper() for x, y in zip(letters, letters[1:], strict=False))

    rng = random.Random(1)
    alphabet = "aBcD zZ-1._+/Éé"  # ASCII and, once in a while, not
    for _ in range(3000):
        name = "".join(rng.choices(alphabet, k=rng.randrange(0, 9)))
        assert camel.__wrapped__(name) == by_letters(name), name


def test_resolution_and_linking_run_with_the_collector_paused_and_leave_it_as_found():
    import gc

    from kg.resolve.paused import gc_paused

    seen = []

    class Spy(dict):  # the gazetteer resolve reads: it records whether the collector runs
        def values(self):
            seen.append(gc.isenabled())
            return super().values()

    corpus = _corpus(3)
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            new_entities.resolve(corpus, None, Spy())
            assert seen.pop() is False and gc.isenabled() is enabled
        finally:
            gc.enable()
    with pytest.raises(KeyError), gc_paused():
        {}["nothing"]
    assert gc.isenabled()


def _unify_spellings_main(extractions):
    """main's unify_spellings (kg/keys/repos.py), every link respelled and deduplicated."""
    from dataclasses import replace

    from kg.keys import display_spellings
    found = list(extractions)
    shown = display_spellings(r.repository for pe in found for r in dict.fromkeys(pe.links))
    out = []
    for pe in found:
        links = tuple(dict.fromkeys(replace(r, repository=shown.get(r.repository, r.repository))
                                    for r in pe.links))
        out.append(pe if links == pe.links else replace(pe, links=links))
    return out


@pytest.mark.parametrize("seed", range(30))
def test_unify_spellings_equals_mains(seed):
    from kg.keys import canonical_repo, unify_spellings

    rng = random.Random(seed)
    urls = ["github.com/Owner/Repo", "https://github.com/owner/repo", "https://github.com/OWNER/Repo.git",
            "https://gitlab.com/G/p", "https://gitlab.com/g/p", "https://proj.io/", "https://proj.io",
            "huggingface.co/datasets/Org/Data", "https://huggingface.co/datasets/org/data"]
    found = [PaperEntities(f"p{i}", "T", (), tuple(canonical_repo(u) for u in rng.choices(
        urls, k=rng.randrange(0, 4)))) for i in range(rng.randrange(0, 12))]
    got, want = unify_spellings(found), _unify_spellings_main(found)
    assert got == want
    assert [g is pe for g, pe in zip(got, found, strict=True)] == \
        [w is pe for w, pe in zip(want, found, strict=True)]


def test_words_are_mains_words():
    import re

    from kg.resolve.similarity import words

    def main_words(text):
        return [w for w in re.findall(r"[a-z0-9]*[a-z][a-z0-9]*", text.lower()) if len(w) >= 2]

    rng = random.Random(2)
    alphabet = "aZ09 -_.éßİ\u0130x1"
    for _ in range(5000):
        text = "".join(rng.choices(alphabet, k=rng.randrange(0, 14)))
        assert words(text) == main_words(text), text
    for text in _texts(0, [f"t{i}" for i in range(50)]).values():
        assert words(text) == main_words(text)


def _main_forms(m):  # main's _forms gives lists where the new one gives tuples
    anchor, keys, defs = entities_main._forms(m)
    return anchor, tuple(keys), tuple(tuple(d) for d in defs)


def test_forms_equal_mains():
    rng = random.Random(5)
    for _ in range(3000):
        m = _mention(rng)
        assert new_entities._forms(m) == _main_forms(m), m
    letters = ["S", "P", "s", "p", "Sp", "SP", "S P", "Pa", "Sa Pa", "Sb Pb"]
    for _ in range(3000):  # short spellings: acronyms of one another, empty keys
        names = rng.choices(letters + ["-", ""], k=rng.randrange(1, 4))
        m = Mention("method", names[0], tuple(names[1:]), "used", (), 1.0, None, None, ("rules",))
        assert new_entities._forms(m) == _main_forms(m), m
