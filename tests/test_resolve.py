"""Cross-paper resolution: spellings, acronyms, kb ids, types, families, stable ids.

Each test passes the gazetteer it needs (``known``; none by default), so what it shows
does not move with the shipped data; the tests on the shipped gazetteer say so.
"""

import random
import subprocess
import sys

import pytest

from kg.extract.lexicon import KnownEntity, gazetteer
from kg.keys import base_names, entity_key
from kg.records import Evidence, Mention, PaperEntities
from kg.resolve import entities as _entities
from kg.resolve.entities import is_acronym_of
from kg.resolve.known import descriptive_keys

NO_GAZETTEER: dict[str, KnownEntity] = {}


def resolve(extractions, settings=None, known=NO_GAZETTEER):
    return _entities.resolve(extractions, settings, known=known)


def known(*entries: tuple[str, str, str, tuple[str, ...], str | None]) -> dict[str, KnownEntity]:
    """A gazetteer of (id, type, name, aliases, parent) entries."""
    return {i: KnownEntity(i, t, n, a, p, False) for i, t, n, a, p in entries}


def pe(pid: str, *mentions: Mention) -> PaperEntities:
    return PaperEntities(pid, f"Paper {pid}", tuple(mentions))


def m(name: str, type: str = "method", **kw) -> Mention:
    return Mention(type=type, name=name, **kw)


def entity_of(occurrences, paper: str, surface: str) -> str:
    [eid] = [o.entity for o in occurrences if o.paper == paper and o.mention.name == surface]
    return eid


def test_case_and_hyphen_variants_are_one_entity():
    ents, occ = resolve([pe("a", m("ImageNet-1k", "dataset")), pe("b", m("ImageNet-1K", "dataset")),
                         pe("c", m("ImageNet 1K", "dataset")), pe("d", m("ImageNet-1K", "dataset"))])
    assert list(ents) == ["dataset/imagenet-1k"]
    e = ents["dataset/imagenet-1k"]
    assert e.name == "ImageNet-1K"  # the most frequent surface form
    assert set(e.aliases) == {"ImageNet-1k", "ImageNet-1K", "ImageNet 1K"}
    assert e.papers == ("a", "b", "c", "d")
    assert [o.paper for o in occ] == ["a", "b", "c", "d"]


def test_acronym_defined_in_one_paper_joins_long_form_used_in_another():
    ents, occ = resolve([
        pe("a", m("Masked Image Modeling", aliases=("MIM",))),
        pe("b", m("MIM")),
        pe("c", m("masked image modeling")),
    ])
    assert len(ents) == 1
    [e] = ents.values()
    assert e.papers == ("a", "b", "c")
    assert {"MIM", "Masked Image Modeling"} <= set(e.aliases)


def test_acronym_with_two_long_forms_is_not_merged():
    ents, occ = resolve([
        pe("a", m("Masked Image Modeling", aliases=("MIM",))),
        pe("b", m("Multimodal Instruction Mixing", aliases=("MIM",))),
        pe("c", m("MIM")),
    ])
    ids = {entity_of(occ, p, s) for p, s in [("a", "Masked Image Modeling"),
                                              ("b", "Multimodal Instruction Mixing"),
                                              ("c", "MIM")]}
    assert len(ids) == 3
    assert ents[entity_of(occ, "c", "MIM")].papers == ("c",)


def test_acronym_written_first_still_anchors_on_long_form_when_ambiguous():
    ents, occ = resolve([
        pe("a", m("MIM", aliases=("Masked Image Modeling",))),
        pe("b", m("Multimodal Instruction Mixing", aliases=("MIM",))),
        pe("c", m("Masked Image Modeling")),
    ])
    assert entity_of(occ, "a", "MIM") == entity_of(occ, "c", "Masked Image Modeling")
    assert entity_of(occ, "b", "Multimodal Instruction Mixing") != entity_of(occ, "a", "MIM")


def test_same_kb_id_wins_over_different_names():  # (GPT-4V has no family in no gazetteer)
    ents, occ = resolve([
        pe("a", m("GPT-4V", "model", kb_id="gpt-4v")),
        pe("b", m("GPT-4 Vision", "model", kb_id="gpt-4v")),
        pe("c", m("gpt 4v", "model")),
    ])
    assert list(ents) == ["model/gpt-4v"]
    assert ents["model/gpt-4v"].kb_id == "gpt-4v"
    assert ents["model/gpt-4v"].papers == ("a", "b", "c")


def test_different_kb_ids_are_not_merged_by_spelling():
    ents, _ = resolve([pe("a", m("SAM", "model", kb_id="segment-anything")),
                       pe("b", m("SAM", "method", kb_id="sharpness-aware-minimization"))])
    assert sorted(ents) == ["method/sharpness-aware-minimization", "model/segment-anything"]


def test_type_conflict_takes_majority_and_ties_prefer_model():
    ents, _ = resolve([pe("a", m("CLIP", "model")), pe("b", m("CLIP", "method")),
                       pe("c", m("CLIP", "method"))])
    assert list(ents) == ["method/clip"]
    ents, _ = resolve([pe("a", m("CLIP", "model")), pe("b", m("CLIP", "method"))])
    assert list(ents) == ["model/clip"]


def test_variant_chain_by_name_shape():
    ents, _ = resolve([pe("a", m("LLaVA-1.5-7B", "model")), pe("b", m("LLaVA-1.5", "model")),
                       pe("c", m("LLaVA", "model"))])
    assert ents["model/llava-1.5-7b"].parent == "model/llava-1.5"
    assert ents["model/llava-1.5"].parent == "model/llava"
    assert ents["model/llava"].parent is None


def test_a_missing_level_becomes_a_derived_entity_but_no_family_comes_from_shape_alone():
    ents, _ = resolve([pe("a", m("LLaVA-1.5-7B", "model")), pe("b", m("LLaVA", "model"))])
    assert ents["model/llava-1.5-7b"].parent == "model/llava-1.5"
    level = ents["model/llava-1.5"]
    assert (level.name, level.parent, level.papers, level.kb_id) == ("LLaVA-1.5", "model/llava", (), None)
    ents, _ = resolve([pe("a", m("Mistral-7B-Instruct", "model"))])
    assert list(ents) == ["model/mistral-7b-instruct"]
    assert ents["model/mistral-7b-instruct"].parent is None


def test_gazetteer_parent_creates_the_family_when_absent():
    ents, _ = resolve([pe("a", m("Qwen2-VL-7B", "model", kb_id="qwen2-vl-7b", parent="qwen2-vl"))],
                      known=known(("qwen2-vl-7b", "model", "Qwen2-VL-7B", (), "qwen2-vl"),
                                  ("qwen2-vl", "model", "Qwen2 VL", ("Qwen2-VL",), None)))
    assert ents["model/qwen2-vl-7b"].parent == "model/qwen2-vl"
    family = ents["model/qwen2-vl"]
    assert family.papers == () and family.kb_id == "qwen2-vl"
    assert family.name == "Qwen2-VL"  # spelled as in the child's name


def test_gazetteer_parent_links_to_entity_with_that_kb_id():
    ents, _ = resolve([pe("a", m("ViT-B/16", "model", kb_id="vit-b-16", parent="vit")),
                       pe("b", m("Vision Transformer", "model", kb_id="vit"))],
                      known=known(("vit-b-16", "model", "ViT-B/16", (), "vit"),
                                  ("vit", "model", "Vision Transformer", ("ViT",), None)))
    assert ents["model/vit-b-16"].parent == "model/vit"


def test_ids_do_not_depend_on_input_order():
    papers = [
        pe("a", m("Masked Image Modeling", aliases=("MIM",)), m("ImageNet-1k", "dataset")),
        pe("b", m("MIM"), m("ImageNet 1K", "dataset"), m("LLaVA-1.5-7B", "model")),
        pe("c", m("LLaVA", "model"), m("imagenet-1K", "dataset"), m("SAM", "model")),
        pe("d", m("LLaVA-1.5", "model", role="proposed"), m("SAM", "method")),
        pe("e", m("Sam", "model"), m("ImageNet-1k", "dataset")),
    ]
    expected = resolve(papers)
    rng = random.Random(7)
    for _ in range(10):
        shuffled = [PaperEntities(p.id, p.title, tuple(rng.sample(p.entities, len(p.entities))))
                    for p in rng.sample(papers, len(papers))]
        assert resolve(shuffled) == expected


def test_two_mentions_of_one_entity_in_a_paper_make_one_occurrence():
    ev1, ev2 = Evidence("We use MIM.", 7, 10, "MIM"), Evidence("MIM helps.", 20, 23, "MIM")
    ents, occ = resolve([pe("a", m("MIM", evidence=(ev1,)),
                            m("Masked Image Modeling", aliases=("MIM",), role="proposed",
                              evidence=(ev2,)))])
    assert len(occ) == 1
    assert occ[0].role == "proposed"
    assert set(occ[0].mention.evidence) == {ev1, ev2}
    [e] = ents.values()
    assert e.proposed_by == ("a",)


def test_slug_clash_gets_a_numbered_id_fixed_by_content():
    # different keys ("β-vae", "vae"), same slug "vae"
    papers = [pe("a", m("β-VAE", "dataset")), pe("b", m("VAE", "dataset"))]
    ents, occ = resolve(papers)
    assert sorted(ents) == ["dataset/vae", "dataset/vae-2"]
    again, _ = resolve(papers[::-1])
    assert {e.name: e.id for e in again.values()} == {e.name: e.id for e in ents.values()}


@pytest.mark.parametrize("short,long,ok", [
    ("MIM", "Masked Image Modeling", True),
    ("ViT", "Vision Transformer", True),
    ("LoRA", "Low-Rank Adaptation", True),
    ("RLHF", "Reinforcement Learning from Human Feedback", True),
    ("BERT", "ImageNet", False),
    ("ImageNet-1K", "ImageNet 1K", False),
    ("Mim", "Masked Image Modeling", False),
])
def test_is_acronym_of(short, long, ok):
    assert is_acronym_of(short, long) is ok


def test_base_names_and_keys():
    assert base_names("Qwen2.5-VL-7B-Instruct") == ["Qwen2.5-VL-7B", "Qwen2.5-VL", "Qwen2.5", "Qwen"]
    assert base_names("ViT-L/14") == ["ViT-L", "ViT"]
    assert base_names("T5") == []
    assert entity_key("LLaVA 1.5") == entity_key("llava-1.5") != entity_key("LLaVA-15")


# families at every level ---------------------------------------------------------------

LLAVA = known(("llava", "model", "LLaVA", (), None),
              ("llava-1.5", "model", "LLaVA-1.5", ("LLaVA v1.5",), "llava"),
              ("llava-1.5-7b", "model", "LLaVA-1.5-7B", (), "llava-1.5"),
              ("llava-next", "model", "LLaVA-NeXT", ("LLaVA-1.6",), "llava"))
QWEN = known(("qwen", "model", "Qwen", (), None),
             ("qwen2", "model", "Qwen2", (), "qwen"),
             ("qwen2.5", "model", "Qwen2.5", ("Qwen 2.5",), "qwen"),
             ("qwen2.5-32b", "model", "Qwen2.5-32B", (), "qwen2.5"))
LLAMA = known(("llama", "model", "LLaMA", ("Llama",), None),
              ("llama-3", "model", "Llama 3", ("Llama-3", "Llama3"), "llama"),
              ("llama-3.1", "model", "Llama 3.1", ("Llama-3.1",), "llama-3"),
              ("llama-3.1-8b", "model", "Llama-3.1-8B", (), "llama-3.1"))


def chain(ents, eid: str) -> list[str]:
    out = [eid]
    while ents[out[-1]].parent:
        out.append(ents[out[-1]].parent)
    return out


def test_gazetteer_levels_no_paper_names_alone_become_derived_entities_up_to_the_root():
    ents, _ = resolve([pe("a", m("LLaVA-1.5-7B", "model", kb_id="llava-1.5-7b", parent="llava-1.5")),
                       pe("b", m("LLaVA-NeXT", "model", kb_id="llava-next", parent="llava"))],
                      known=LLAVA)
    assert chain(ents, "model/llava-1.5-7b") == ["model/llava-1.5-7b", "model/llava-1.5", "model/llava"]
    assert chain(ents, "model/llava-next") == ["model/llava-next", "model/llava"]
    for derived in ("model/llava-1.5", "model/llava"):
        assert ents[derived].papers == () and ents[derived].kb_id == derived.split("/")[1]
    assert ents["model/llava"].name == "LLaVA"


def test_qwen_sized_variant_reaches_qwen_through_a_level_no_paper_names():
    ents, _ = resolve([pe("a", m("Qwen2.5-32B", "model", kb_id="qwen2.5-32b", parent="qwen2.5")),
                       pe("b", m("Qwen", "model", kb_id="qwen"))], known=QWEN)
    assert chain(ents, "model/qwen2.5-32b") == ["model/qwen2.5-32b", "model/qwen2.5", "model/qwen"]
    assert "model/qwen2" not in ents  # a sibling level nobody names is not made


def test_spellings_of_one_family_do_not_split_it():
    papers = [pe("a", m("Llama 3", "model", aliases=("Llama3",), kb_id="llama-3", parent="llama")),
              pe("b", m("Llama-3.1-8B", "model", kb_id="llama-3.1-8b", parent="llama-3.1")),
              pe("c", m("LLaMA-3", "model")), pe("d", m("Llama", "model", kb_id="llama"))]
    ents, occ = resolve(papers, known=LLAMA)
    assert chain(ents, "model/llama-3.1-8b") == [
        "model/llama-3.1-8b", "model/llama-3.1", "model/llama-3", "model/llama"]
    assert ents["model/llama-3"].papers == ("a", "c")
    assert [e.name for e in ents.values() if entity_key(e.name) == entity_key("Llama 3")] == ["Llama 3"]
    # without a gazetteer the name structure finds the same chain: the major version first
    ents, _ = resolve([pe("a", m("Llama 3", "model")), pe("b", m("Llama-3.1-8B", "model")),
                       pe("c", m("Llama", "model"))])
    assert chain(ents, "model/llama-3.1-8b") == [
        "model/llama-3.1-8b", "model/llama-3.1", "model/llama-3", "model/llama"]
    assert ents["model/llama-3.1"].papers == ()


def test_structure_strips_version_size_modality_and_fine_tune_suffixes_level_by_level():
    ents, _ = resolve([pe("a", m("Foo-2-VL-7B-Instruct", "model")), pe("b", m("Foo", "model"))])
    assert chain(ents, "model/foo-2-vl-7b-instruct") == [
        "model/foo-2-vl-7b-instruct", "model/foo-2-vl-7b", "model/foo-2-vl", "model/foo-2", "model/foo"]
    assert [e.papers for e in ents.values()].count(()) == 3


def test_named_variant_needs_its_head_of_the_same_type_and_a_name_not_a_modifier():
    ents, _ = resolve([pe("a", m("LLaVA-Med", "model")), pe("b", m("LLaVA", "model")),
                       pe("c", m("CLIP-Adapter", "method")), pe("d", m("CLIP", "model"))])
    assert ents["model/llava-med"].parent == "model/llava"
    assert ents["method/clip-adapter"].parent is None


def test_a_modifier_compound_is_no_variant_of_its_first_word():
    # extraction gives "CoT-based" the family of CoT ("CoT" + "-based" looks like a named variant)
    cot = known(("cot", "method", "Chain-of-Thought", ("CoT",), None),
                ("flickr30k", "dataset", "Flickr30k", (), None))
    ents, _ = resolve([pe("a", m("CoT-based", parent="cot")),
                       pe("b", m("Chain-of-Thought", aliases=("CoT",), kb_id="cot")),
                       pe("c", m("Flickr30k-Order", "dataset", parent="flickr30k"))], known=cot)
    assert ents["method/cot-based"].parent is None
    assert ents["dataset/flickr30k-order"].parent == "dataset/flickr30k"


# long forms and plurals ------------------------------------------------------------------

def test_long_forms_differing_by_a_plural_are_one_entity_and_keep_their_acronym():
    ents, occ = resolve([pe("a", m("Gated State Space", aliases=("GSS",), role="proposed")),
                         pe("b", m("Gated State Spaces", aliases=("GSS",))),
                         pe("c", m("ordinary differential equations", aliases=("ODEs", "ODE"))),
                         pe("d", m("Ordinary Differential Equation", aliases=("ODE",))),
                         pe("e", m("GSS"))])
    assert len(ents) == 2
    gss = ents[entity_of(occ, "e", "GSS")]
    assert gss.papers == ("a", "b", "e") and {"Gated State Space", "Gated State Spaces"} <= set(gss.aliases)
    assert entity_of(occ, "c", "ordinary differential equations") == \
        entity_of(occ, "d", "Ordinary Differential Equation")


def test_long_forms_of_one_acronym_with_the_same_head_are_one_entity():
    ents, occ = resolve([pe("a", m("Sequence Parallel", aliases=("SP",))),
                         pe("b", m("Sequence Parallelism", aliases=("SP",))),
                         pe("c", m("Tensor Parallelism", aliases=("TP",))),
                         pe("d", m("SP"))])
    assert entity_of(occ, "a", "Sequence Parallel") == entity_of(occ, "b", "Sequence Parallelism") \
        == entity_of(occ, "d", "SP")
    assert entity_of(occ, "c", "Tensor Parallelism") != entity_of(occ, "b", "Sequence Parallelism")
    # without a shared acronym, a different head ending stays another name
    ents, _ = resolve([pe("a", m("Sequence Parallel")), pe("b", m("Sequence Parallelism"))])
    assert len(ents) == 2


# what a gazetteer alias only describes -------------------------------------------------

STREAMING = known(("streamingllm", "method", "StreamingLLM",
                   ("attention sinks", "attention sink", "Attention Sinks", "Streaming LLM"), None))


def _linked(name: str, *written: str) -> Mention:
    """A mention as extraction writes a gazetteer match: the known name, what was written."""
    ev = tuple(Evidence(f"... {w} ...", 4, 4 + len(w), w) for w in written)
    return m(name, aliases=tuple(w for w in dict.fromkeys(written) if w != name),
             kb_id="streamingllm", evidence=ev)


def test_a_paper_writing_only_a_describing_alias_is_not_linked_to_the_known_entity():
    ents, occ = resolve([pe("a", _linked("StreamingLLM", "StreamingLLM")),
                         pe("b", _linked("StreamingLLM", "Attention Sink", "attention sink")),
                         pe("c", _linked("StreamingLLM", "attention sinks")),
                         pe("d", _linked("StreamingLLM", "Streaming LLM"))], known=STREAMING)
    streaming = ents["method/streamingllm"]
    assert streaming.papers == ("a", "d")
    assert not {entity_key(a) for a in streaming.aliases} & {entity_key("attention sink")}
    [sink] = [e for e in ents.values() if e.id != streaming.id]
    assert sink.papers == ("b", "c") and sink.kb_id is None
    assert {o.mention.kb_id for o in occ if o.paper in "bc"} == {None}


def test_describing_aliases_of_the_shipped_gazetteer():
    gaz = gazetteer()
    assert entity_key("attention sink") in descriptive_keys(gaz["streamingllm"])
    assert descriptive_keys(gaz["stochastic-depth"]) == frozenset()  # "drop path" is DropPath
    assert descriptive_keys(gaz["cot"]) == frozenset()
    assert descriptive_keys(gaz["qwen"]) == frozenset()  # "Tongyi Qianwen" is a name


def test_a_long_form_with_a_last_word_its_acronym_does_not_spell_is_the_same_long_form():
    ents, occ = resolve([pe("a", m("Long Short-Term Memory", "model", aliases=("LSTM",))),
                         pe("b", m("Long Short Term Memory Networks", "model", aliases=("LSTMs",))),
                         pe("c", m("Masked Image Modeling", aliases=("MIM",))),
                         pe("d", m("Masked Image Modeling Loss", aliases=("MIML",)))])
    assert entity_of(occ, "a", "Long Short-Term Memory") == \
        entity_of(occ, "b", "Long Short Term Memory Networks")
    assert entity_of(occ, "c", "Masked Image Modeling") != entity_of(occ, "d", "Masked Image Modeling Loss")


def test_derived_families_do_not_depend_on_input_order():
    papers = [pe("a", m("LLaVA-1.5-7B", "model", kb_id="llava-1.5-7b", parent="llava-1.5"),
                   m("Foo-2-7B", "model")),
              pe("b", m("LLaVA 1.5 13B", "model"), m("Foo", "model"), m("Foo 2 13B", "model")),
              pe("c", m("LLaVA-NeXT", "model", kb_id="llava-next", parent="llava"))]
    expected = resolve(papers, known=LLAVA)
    assert expected[0]["model/foo-2-7b"].parent == expected[0]["model/foo-2-13b"].parent
    rng = random.Random(3)
    for _ in range(10):
        shuffled = [PaperEntities(p.id, p.title, tuple(rng.sample(p.entities, len(p.entities))))
                    for p in rng.sample(papers, len(papers))]
        assert resolve(shuffled, known=LLAVA) == expected


def test_a_gazetteer_cycle_is_cut_at_its_smallest_id():
    looped = known(("a-x", "model", "A-X", (), "b-x"), ("b-x", "model", "B-X", (), "a-x"))
    ents, _ = resolve([pe("p", m("A-X", "model", kb_id="a-x"))], known=looped)
    # A-X < B-X < A-X: A-X loses its family, and B-X, then a family of nothing, goes
    assert list(ents) == ["model/a-x"] and ents["model/a-x"].parent is None


def test_resolution_reads_the_gazetteer_as_extraction_does_without_importing_it():
    from kg.resolve.known import default_known

    ours, theirs = default_known(), gazetteer()
    assert list(ours) == list(theirs)
    assert all((o.type, o.name, o.aliases, o.parent, o.ambiguous) ==
               (t.type, t.name, t.aliases, t.parent, t.ambiguous)
               for o, t in zip(ours.values(), theirs.values(), strict=True))
    code = "import sys, kg.resolve as r; r.resolve([]); print('spacy' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


# ---------------------------------------------------------------- acronyms told apart by case

COCO = known(("coco", "dataset", "COCO", ("MS-COCO", "MSCOCO"), None),
             ("lora", "method", "LoRA", ("Low-Rank Adaptation",), None))


def _seen(kb: str, canonical: str, type: str, surface: str, **kw) -> Mention:
    """A mention extraction linked to the gazetteer, as written in the paper."""
    return m(canonical, type, kb_id=kb, aliases=(surface,) if surface != canonical else (),
             evidence=(Evidence("s", 0, len(surface), surface),), **kw)


def test_a_camel_cased_acronym_is_not_the_known_entity_spelled_with_other_capitals():
    ents, occ = resolve([pe("a", _seen("coco", "COCO", "dataset", "COCO")),
                         pe("b", _seen("coco", "COCO", "dataset", "MSCOCO")),
                         pe("c", _seen("coco", "COCO", "dataset", "CoCo", role="proposed"))],
                        known=COCO)
    coco = ents["dataset/coco"]
    assert coco.kb_id == "coco" and coco.papers == ("a", "b")
    assert "CoCo" not in coco.aliases
    [other] = [o for o in occ if o.paper == "c"]
    assert other.entity != coco.id and ents[other.entity].name == "CoCo"
    assert ents[other.entity].kb_id is None


def test_capitals_for_emphasis_or_lowercase_still_name_the_known_entity():
    ents, _ = resolve([pe("a", _seen("lora", "LoRA", "method", "LoRA")),
                       pe("b", _seen("lora", "LoRA", "method", "LORA")),
                       pe("c", _seen("lora", "LoRA", "method", "lora")),
                       pe("d", _seen("coco", "COCO", "dataset", "Coco"))], known=COCO)
    assert ents["method/lora"].papers == ("a", "b", "c")
    assert ents["dataset/coco"].papers == ("d",)


def test_case_distinct_acronyms_of_different_types_do_not_merge_without_a_gazetteer():
    ents, occ = resolve([pe("a", m("COCO", "dataset")), pe("b", m("COCO", "dataset")),
                         pe("c", m("CoCo", "method", role="proposed"))])
    assert entity_of(occ, "a", "COCO") == entity_of(occ, "b", "COCO") == "dataset/coco"
    assert entity_of(occ, "c", "CoCo") == "method/coco"
    # the same type: one acronym written two ways stays one entity
    ents, occ = resolve([pe("a", m("GloVe", "method")), pe("b", m("GLOVE", "method"))])
    assert list(ents) == ["method/glove"]
    # a version suffix written two ways ("1k", "1K") is no acronym: one entity whatever the type
    ents, _ = resolve([pe("a", m("ImageNet-1k", "dataset")), pe("b", m("ImageNet-1K", "model"))])
    assert len(ents) == 1
