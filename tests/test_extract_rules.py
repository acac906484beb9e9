"""Every hand rule of kg.extract.rules is pinned: a short text written for the test, what the
rule makes of it, and proof that the result differs with that rule switched off.

A pin looks at one mention (by its name or an alias) and the attributes it names; ``None``
means the rule leaves no such mention. Switching the rule off must change what is seen.
"""

import pickle
from dataclasses import dataclass

import pytest

from kg.errors import FormatError
from kg.extract import build_nlp, extract_entities, extract_text
from kg.extract.assemble import voted_type
from kg.extract.learn.recall import doc_recall
from kg.extract.rules import RULES, Found, Typed, rule, switched_off
from kg.records import Mention, Paper, PaperEntities
from kg.settings import Settings


@dataclass(frozen=True)
class Pin:
    text: str
    name: str  # the mention looked at: its name or one of its aliases
    expect: dict[str, object] | None  # its attributes with the rule on; None: no such mention
    title: str = ""
    decided: bool = False  # seen through a decider that keeps every group (the learned layer's finders)
    # rules switched off on both sides: another rule that settles the same case first, so that
    # the pinned one alone decides ("known-defined-otherwise" before "acronym-over-known")
    also_off: tuple[str, ...] = ()


PINS: dict[str, Pin] = {
    # kg_known
    "gazetteer": Pin("Our ranker reuses BERT unchanged.", "BERT", {"type": "model", "kb_id": "bert"}),
    "gazetteer-lowercase": Pin("We reuse bidirectional encoder representations from transformers here.",
                               "bidirectional encoder representations from transformers", {"kb_id": "bert"}),
    "known-spelled-out": Pin("We add an adaptive rounding step.", "AdaRound", None),
    "gazetteer-ambiguous": Pin("Vicuna answers well. We then ask it twice.", "Vicuna", None),
    # (the gazetteer lists "Claude-3.5 Sonnet" among its aliases; this spelling it does not list)
    "known-variant": Pin("We ask Gemini-1.5 Pro twice.", "Gemini-1.5 Pro",
                         {"name": "Gemini 1.5 Pro", "kb_id": "gemini-1.5-pro"}),
    "known-glued": Pin("We distill BERT-Zorb9 here.", "BERT-Zorb9", {"type": "model", "parent": "bert"}),
    "known-before-suffix": Pin("We train RoBERTa-style rankers here.", "RoBERTa", {"type": "model", "kb_id": "roberta"}),
    "known-successor": Pin("We score on ShareGPT4V++ here.", "ShareGPT4V++", {"type": "dataset", "parent": "sharegpt4v"}),
    "known-defined-otherwise": Pin("We train a tagger with Shared Indexing (SI) on the corpus.", "SI",
                                   {"name": "Shared Indexing", "kb_id": None}),
    "known-sized": Pin("We distill Mistral-Nemo 900M here.", "Mistral-Nemo 900M", {"type": "model", "parent": "mistral-nemo"}),
    "known-prefixed": Pin("We run Quiet-Perceiver on it.", "Quiet-Perceiver", {"type": "method", "parent": "perceiver"}),
    "known-language-pair": Pin("We train on WMT18 German-English data.", "WMT18 German-English",
                               {"type": "dataset", "parent": "wmt18"}),
    "known-part": Pin("Scores on Visual Genome Spatial improve.", "Visual Genome Spatial",
                      {"type": "dataset", "parent": "visual-genome"}),
    # kg_acronyms
    "acronym-initials": Pin("We build a Sparse Gated Routing Mixer (GSRMix) for speed.",
                            "Sparse Gated Routing Mixer", {"aliases": ("GSRMix",)}),
    "acronym-short-first": Pin("We train GTR (gated token routing) on images.", "gated token routing",
                               {"aliases": ("GTR",)}),
    "acronym-first-word-skipped": Pin("We propose QLAF (long-range Quiet Lattice Attention Fusion) here.",
                                      "QLAF", {"name": "long-range Quiet Lattice Attention Fusion"}),
    "acronym-version": Pin("We release Quiet-Lattice-Fusion (QLFv2) here.", "QLFv2",
                           {"name": "Quiet-Lattice-Fusion"}),
    "acronym-trim": Pin("While Sparse Mixing (WSM) is slow, we speed it up.", "WSM",
                        {"name": "Sparse Mixing"}),
    # kg_candidates: titles
    "title-head": Pin("We prune tokens.", "Zorblax", {"role": "proposed"}, "Zorblax: Fast Token Pruning"),
    "title-opener": Pin("We prune tokens by rethinking sparsity.", "Rethinking Sparsity", None,
                        "Rethinking Sparsity: A Look Back"),
    "title-plain-head": Pin("We fuse graphs.", "Quiet Lattice Tensor Fusion", None,
                            "Quiet Lattice Tensor Fusion: A Method for Graphs"),
    "title-hook": Pin("We ask for order here.", "Order Matters", None, "Order Matters: Sets as Sequences"),
    "title-long-form": Pin("We study graphs.", "QLF", {"aliases": ("Quiet Lattice Fusion",)},
                           "QLF: Quiet Lattice Fusion for Graphs"),
    "title-last": Pin("We prune frames.", "ZapCut", {"role": "proposed"},
                      "Pruning Tokens Quickly for Long Videos: ZapCut"),
    "title-clause": Pin("We pool tokens here.", "Zorb And Attention", None, "Zorb And Attention: Sorting Tokens"),
    "title-and": Pin("We sort tokens.", "Quiet Lattice Attention", {"role": "proposed"},
                     "The Zorb Hypothesis and Quiet Lattice Attention: A Study"),
    "title-finding": Pin("We study the zorb effect.", "Zorb Effect", None, "The Zorb Effect: Sorting Tokens"),
    "title-gerund": Pin("We sort tokens.", "Zorbing Attention", None, "Zorbing Attention: Sorting Tokens"),
    "title-whole": Pin("We sort tokens with a quiet lattice prior.", "Quiet Lattice Prior", {"role": "proposed"},
                       "The Quiet Lattice Prior"),
    "title-subject": Pin("We sort tokens.", "Quiet Lattice Attention", {"type": "method", "role": "proposed"},
                         "Quiet Lattice Attention Boosts Sorting"),
    "title-meets": Pin("We sort tokens.", "Quiet Lattice Attention", {"type": "method", "role": "used"},
                       "When Quiet Lattice Attention Meets Vision Models: A Study"),
    "title-tail": Pin("We sort tokens.", "Quiet Lattice Module", {"role": "proposed"},
                      "Sort to Win: The Quiet Lattice Module"),
    "title-means": Pin("We show that quiet lattice fusion prunes weights.", "Quiet Lattice Fusion",
                       {"type": "method", "role": "proposed"}, "Sparse Nets with Quiet Lattice Fusion"),
    # kg_candidates: what the text says
    "naming": Pin("A pruner named Zorblax is fast.", "Zorblax", {"role": "proposed"}),
    "naming-lowercase": Pin("Its second part, a memory block called quilted lattice module, keeps scenes.",
                            "quilted lattice module", {"type": "method", "role": "proposed"}),
    "naming-capitalised": Pin("We train Named Zorblax Pruner in clips.", "Zorblax Pruner", None),
    "appositive": Pin("We present a unified pruner, Zorblax, for speed.", "Zorblax", {"role": "proposed"}),
    "bare-apposed": Pin("Results show that quilted forgetting, a technique from the nineties, still helps.",
                        "quilted forgetting", {"type": "method", "role": "used"}),
    "bare-object": Pin("To prune faster, we introduce quilted lattice loss into the decoder.", "quilted lattice loss",
                       {"type": "method", "role": "proposed"}),
    "bracketed-name": Pin("The squeezed network (ZQNET) is small.", "ZQNET", {"type": "model"}),
    "acronym": Pin("We use Quiet Lattice Fusion (QLF) for graphs.", "QLF", {"name": "Quiet Lattice Fusion"}),
    "acronym-lowercase": Pin("The key-query (KQ) scores rank tokens.", "KQ", None),
    "acronym-alias": Pin("We propose Zonal Orbit Attention (ZorbA) for graphs.", "ZorbA Attention",
                         {"aliases": ("Zonal Orbit Attention", "ZorbA")}, "ZorbA Attention: Fast Graph Nets"),
    "acronym-compound": Pin("We use lattice distillation (LD), here on the frames (frame-LD).", "frame-LD",
                            {"type": "method"}),
    "acronym-kind-after": Pin("We add a lattice warming (LW) training method.", "LW", {"name": "lattice warming"}),
    "acronym-generic": Pin("A convolutional neural network (ConvoNet) labels frames.", "ConvoNet", None),
    "acronym-category": Pin("Graph foundation models (GFMs) transfer across graphs.", "GFMs", None),
    "acronym-technique": Pin("Tokens are mixed by a quiet lattice module (QLM) here.", "QLM",
                             {"type": "method", "name": "quiet lattice module"}),
    "acronym-task": Pin("We study Sign Gesture Segmentation (SGS) in clips.", "SGS", None),
    "dropped-shorts": Pin("A warm queue (WQ) is used; WQs are then pruned.", "WQs", None),
    # kg_candidates: how names look
    "shape": Pin("We compare with Zorblax9 today.", "Zorblax9", {"type": "method"}),
    "acronym-play": Pin("We handle temporal-coHERent clips.", "temporal-coHERent", None),
    "title-acronym-play": Pin("We find hallucInation early.", "hallucInation", None,
                              "QUINCE: Hallucination Finding"),
    "kind-compound": Pin("We benchmark Audio-LLMs on speech.", "Audio-LLMs", None),
    "number-pair": Pin("Results on Zorb-10/20 improve.", "Zorb-20", {"name": "Zorb-20"}),
    "caps-kind": Pin("Scores on the QUORBIX dataset rise.", "QUORBIX", {"type": "dataset"}),
    "phrase": Pin("Scores on the Quokka Reading Set rise.", "Quokka Reading Set", {"type": "dataset"}),
    # (without it, the phrase's sides are judged alone: "Transformer Encoder" would be a name)
    "phrase-two-kinds": Pin("We stack MLP and Transformer Encoder layers.", "Transformer Encoder", None),
    "phrase-and": Pin("It beats Zorb-Quill and Quimby Lattice Parallelism in speed.", "Quimby Lattice Parallelism",
                      {"type": "method"}),
    "phrase-sentence-start": Pin("Lattice Network speeds training.", "Lattice Network", None),
    "eponym": Pin("We fit it with a Hale-Brook splitting scheme.", "Hale-Brook splitting scheme",
                  {"type": "method"}),
    "caps-twice": Pin("Our model adds a Quill Sorter; the Quill Sorter ranks tokens.", "Quill Sorter",
                      {"type": "method"}),
    "cited-name": Pin("We compare with Quill and Tally (Ames et al., 2021) today.", "Quill and Tally",
                      {"type": "method"}),
    "eponym-names": Pin("We fit it with a Hale-Brook splitting scheme.", "Hale-Brook",
                        {"name": "Hale-Brook splitting scheme"}),
    "list": Pin("We evaluate on GSM8K, Zorblax and Quimby.", "Quimby", {"type": "dataset"}),
    "list-modifier": Pin("We test ZapNet9, QuimNet and Dense nets.", "Dense", None),
    "list-citation": Pin("Methods such as Zorb Attention (Quimby and Zorblax, 2023) help.", "Quimby", None),
    # kg_typing: one candidate
    "type-known": Pin("We compare with Gpt-4 here.", "Gpt-4", {"kb_id": "gpt-4"}),
    "known-contradicted": Pin("We add iterative channel normalization (ICON) to it.", "ICON",
                              {"kb_id": None, "type": "method"}),
    "known-ambiguous-shape": Pin("PaLM answers questions.", "PaLM", {"kb_id": None}),
    "coined-case": Pin("We present a parser, called GlUe, that glues spans.", "GlUe",
                       {"type": "method", "kb_id": None}, title="GlUe: Gated Loops for Unrolled Encoders"),
    "known-means-used": Pin("We show byte pair encoding helps parsing.", "byte pair encoding",
                            {"role": "used"}, "Faster Parsing with Byte Pair Encoding"),
    "type-family": Pin("We fine-tune RoBERTa-Plus here.", "RoBERTa-Plus", {"parent": "roberta"}),
    "named-variant": Pin("We test ImageNet-Wobbly here.", "ImageNet-Wobbly", {"type": "dataset"}),
    "family-other-meaning": Pin("We build the Mental-Ability Reasoning Benchmark (MARB). MARB is hard.", "MARB",
                                {"type": "dataset", "parent": None}),
    "family-sized": Pin("We align DPO-7B with care.", "DPO-7B", {"type": "model"}),
    "dataset-suffix": Pin("We evaluate ZorbBench here.", "ZorbBench", {"type": "dataset", "confidence": 0.7}),
    "apposition-after": Pin("Zorblax9, a corpus of chats, is public.", "Zorblax9", {"type": "dataset"}),
    "apposition-before": Pin("They release a new treebank, Zorblax9, of chats.", "Zorblax9", {"type": "dataset"}),
    "morpheme": Pin("ZapVAE helps.", "ZapVAE", {"type": "model"}),
    "known-prefix": Pin("We answer harder questions.", "Natural Questions 2030x", {"type": "dataset"},
                        "Natural Questions 2030x: Harder Questions"),
    "type-head": Pin("The Quokka Reading Treebank is small.", "Quokka Reading Treebank", {"type": "dataset"}),
    "sized-model": Pin("We run the ZorbNet-XL benchmark.", "ZorbNet-XL", {"type": "model"}),
    "next-word": Pin("We share the Zorblax9 dataset.", "Zorblax9", {"type": "dataset"}),
    "next-word-model": Pin("Zorb Lattice Quilt (ZLQ) models are small.", "ZLQ", {"type": "method"}),
    "dataset-shape": Pin("We score ZorbSuite here.", "ZorbSuite", {"type": "dataset"}),
    "model-shape": Pin("A sampler named ZorbDiffusion runs fast.", "ZorbDiffusion", {"type": "model"}),
    "list-head": Pin("We compare two models (Quimby and Zorblo) that prune.", "Quimby", {"type": "model"}),
    "dataset-before": Pin("We test on the challenging Zorblax9.", "Zorblax9", {"type": "dataset"}),
    "means-untyped": Pin("We show that quiet binary sequences prune weights.", "Quiet Binary Sequences", None,
                         "Sparse Nets via Quiet Binary Sequences"),
    "type-default": Pin("Results favour Zorblax8 overall.", "Zorblax8", {"type": "method"}),
    # kg_typing: the paper as a whole
    "list-spread": Pin("Accuracy on GSM8K, Quimbly and TriviaQA rises.", "Quimbly", {"type": "dataset"}),
    "known-over-list-head": Pin("Gains hold in arithmetic reasoning (GSM8K, Quimbly) too.", "Quimbly",
                                {"type": "dataset"}),
    "acronym-other-meaning": Pin("We add Visual Attention Redistribution (VAR) to it.", "VAR",
                                 {"type": "method", "kb_id": None}),
    "acronym-over-known": Pin("We add Cross-Layer Importance Pruning (CLIP) to it.", "CLIP", {"type": "method"},
                              also_off=("known-defined-otherwise",)),
    # (the title's spelling has no morpheme: typed by default, it outranks the abstract's)
    "coined-default": Pin("ZapInstruct prunes. ZapInstruct is fast.", "ZapInstruct", {"type": "method"},
                          "ZAPINSTRUCT: Fast Pruning"),
    "sized-variants": Pin("We train ZorBix-T and ZorBix-L models.", "ZorBix", {"type": "model"},
                          "ZorBix: Fast Sparse Nets"),
    # (one apposition against four morphemes: without the rule the morphemes outvote it)
    "one-type": Pin("We find that ZapVAE, a benchmark of chats, is hard. ZapVAE is big. ZapVAE is new. "
                    "ZapVAE is fun. ZapVAE is odd.", "ZapVAE", {"type": "dataset"}),
    "base-name": Pin("We release ZorbQA, a new benchmark of chats. ZorbQA-lite is smaller.", "ZorbQA-lite",
                     {"type": "dataset"}),
    # kg_roles
    "direct-object": Pin("We release BERT weights for all.", "BERT", {"role": "proposed"}),
    "title-is-name": Pin("We extend ResNet-50 with a branch.", "ZorbNet9", {"role": "proposed"}, "ZorbNet9"),
    "first-new-name": Pin("We propose to prune with Zorblax9 tokens.", "Zorblax9", {"role": "proposed"}),
    "own-acronym": Pin("Quiet Lattice Fusion (QLF) speeds graphs.", "QLF", {"role": "proposed"}),
    "own-parts": Pin("The system comprises Zorblax9 and a head.", "Zorblax9", {"role": "proposed"}),
    "lowercase-used": Pin("Results rise with quilted lattice pruning (QLP) on graphs.", "QLP", {"role": "used"}),
    "prior-work": Pin("Existing work such as Quiet Lattice Fusion (QLF) is slow.", "QLF", {"role": "used"}),
    "named-after": Pin("Quiet Lattice Fusion (QLF) speeds graphs. QLF-v2 is sparse.", "QLF-v2",
                       {"role": "proposed"}),
    # assembly
    "generic": Pin("We train Variational Autoencoders on faces.", "Variational Autoencoders", None),
    "strong-first": Pin("We train a Quokka BERT Encoder here.", "BERT", {"type": "model"}),
    "same-span": Pin("We ground images cheaply.", "CLIP", {"role": "proposed"},
                     "CLIP: Cheap Visual Grounding"),
    "title-canonical": Pin("We study clustering.", "Semantic Object Lattice", {"name": "SOL"},
                           "SOL: Semantic Object Lattice for Clustering"),
    "known-canonical": Pin("We compare with ResNet50 here.", "ResNet50", {"name": "ResNet-50"}),
    "never-entity": Pin("Training takes a day on 8xA800 nodes.", "8xA800", None),
    "used-tool": Pin("We prune tokens. Code is available in MindSpore and PyTorch.", "MindSpore", None),
    "abbreviated": Pin("We prune tokens with Dyn-ZorbNet here.", "Dyn-ZorbNet", {"name": "Dynamic ZorbNet"},
                       "Dynamic ZorbNet: Fast Vision"),
    "twice-over-known": Pin("We test the Quokka Lottery Ticket Hypothesis on nets. Proofs of the Quokka Lottery "
                            "Ticket Hypothesis follow.", "Lottery Ticket Hypothesis", None),
    "sharp-apart": Pin("We quantise with QuIP# and compare it with QuIP.", "QuIP", {"name": "QuIP"}),
    "written-inside": Pin("Quokka Perceiver prunes tokens.", "Perceiver", None,
                          "Quokka Perceiver: Fast Vision"),
    # the learned decider's finders
    "recall-caps": Pin("The results of Quorble Sifting hold.", "Quorble Sifting", {"type": "method"},
                       decided=True),
    "recall-phrase": Pin("Serving improves with staggered batching here.", "staggered batching",
                         {"type": "method"}, decided=True),
    "repeated": Pin("We compare with Zorblax9. Zorblax9 wins.", "Zorblax9", {"confidence": 0.63}),
}


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(Settings())


def look(result: PaperEntities, pin: Pin) -> dict[str, object] | None:
    def named(m: Mention) -> bool:
        return pin.name == m.name or pin.name in m.aliases

    m = next((m for m in result.entities if named(m)), None)
    if m is None:
        return None
    return {k: getattr(m, k) for k in (pin.expect or {"name": None})}


def test_every_rule_has_a_pin_of_its_own():
    assert sorted(PINS) == sorted(r.name for r in RULES)
    assert len({(p.title, p.text, p.name) for p in PINS.values()}) == len(PINS)


def test_the_table_is_complete():
    assert len({r.name for r in RULES}) == len(RULES)
    for r in RULES:
        assert r.does and r.component in ("kg_known", "kg_acronyms", "kg_candidates", "kg_typing",
                                          "kg_roles", "assemble", "learn"), r.name
        if r.source:  # a finder says what it found, how surely, and how it ranks
            assert r.source in vars(Found).values() and r.priority > 0 and r.confidence, r.name
        if r.evidence:
            assert r.evidence in vars(Typed).values() and r.weight > 0, r.name


def test_an_unknown_rule_is_refused_with_the_valid_names():
    with pytest.raises(FormatError, match="unknown rule 'titel-head'; expected one of: .*title-head"):
        switched_off(["titel-head"])


def test_a_rule_unpickles_as_the_table_entry():
    # spaCy's n_process pickles the options a component is called with
    assert pickle.loads(pickle.dumps(switched_off(["shape"]))) == {rule("shape")}


def test_extract_entities_switches_rules_off_too(nlp):
    paper = Paper(id="p", title="", abstract="We compare with Zorblax9 today.")
    [on] = extract_entities([paper], nlp)
    [off] = extract_entities([paper], nlp, disabled_rules=["shape"])
    assert [m.name for m in on.entities] == ["Zorblax9"] and off.entities == ()


class KeepAll:
    """A decider that keeps every group with the rules' type: it shows what the finders give it."""

    def extra(self, doc):
        return doc_recall(doc)

    def __call__(self, doc, groups):
        return [(voted_type(g), "used", 0.5) for g in groups]


@pytest.mark.parametrize("name", sorted(PINS))
def test_rule(nlp, name):
    pin = PINS[name]
    decider = KeepAll() if pin.decided else None
    on = look(extract_text(pin.text, nlp, title=pin.title, disabled_rules=list(pin.also_off),
                           decider=decider), pin)
    off = look(extract_text(pin.text, nlp, title=pin.title, disabled_rules=[name, *pin.also_off],
                            decider=decider), pin)
    assert on == pin.expect
    assert off != pin.expect, f"switching {name} off changes nothing here"
