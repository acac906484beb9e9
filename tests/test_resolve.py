"""Cross-paper resolution: spellings, acronyms, kb ids, types, families, stable ids."""

import random

import pytest

from kg.keys import base_names, name_key
from kg.records import Evidence, Mention, PaperEntities
from kg.resolve.entities import is_acronym_of, resolve


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


def test_same_kb_id_wins_over_different_names():
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


def test_variant_skips_missing_level_and_creates_no_family_from_shape():
    ents, _ = resolve([pe("a", m("LLaVA-1.5-7B", "model")), pe("b", m("LLaVA", "model"))])
    assert ents["model/llava-1.5-7b"].parent == "model/llava"
    ents, _ = resolve([pe("a", m("Mistral-7B-Instruct", "model"))])
    assert list(ents) == ["model/mistral-7b-instruct"]
    assert ents["model/mistral-7b-instruct"].parent is None


def test_gazetteer_parent_creates_the_family_when_absent():
    ents, _ = resolve([pe("a", m("Qwen2-VL-7B", "model", kb_id="qwen2-vl-7b", parent="qwen2-vl"))])
    assert ents["model/qwen2-vl-7b"].parent == "model/qwen2-vl"
    family = ents["model/qwen2-vl"]
    assert family.papers == () and family.kb_id == "qwen2-vl"
    assert family.name == "Qwen2-VL"  # spelled as in the child's name


def test_gazetteer_parent_links_to_entity_with_that_kb_id():
    ents, _ = resolve([pe("a", m("ViT-B/16", "model", kb_id="vit-b-16", parent="vit")),
                       pe("b", m("Vision Transformer", "model", kb_id="vit"))])
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
    # different keys ("q&a", "qa"), same slug "q-a"
    papers = [pe("a", m("Q&A", "dataset")), pe("b", m("Q-A", "dataset"))]
    ents, occ = resolve(papers)
    assert sorted(ents) == ["dataset/q-a", "dataset/q-a-2"]
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
    assert base_names("Qwen2.5-VL-7B-Instruct") == ["Qwen2.5-VL-7B", "Qwen2.5-VL"]
    assert base_names("ViT-L/14") == ["ViT-L", "ViT"]
    assert base_names("T5") == []
    assert name_key("LLaVA 1.5") == name_key("llava-1.5") != name_key("LLaVA-15")
