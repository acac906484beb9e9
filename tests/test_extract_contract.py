"""The extraction JSONL contract, determinism and hostile text."""

import json

import jsonschema
import pytest

from kg.extract import build_nlp, extract_entities
from kg.keys import paper_id
from kg.records import Paper, PaperEntities
from kg.settings import Settings

ABSTRACT = ("We propose GlimmerNet, a pruning method. We evaluate GlimmerNet-S on ImageNet-1K "
            "and COCO against ResNet-50 and ViT-B/16. Code is available at "
            "https://github.com/example/GlimmerNet.")


def paper(title: str, abstract: str) -> Paper:
    return Paper(id=paper_id(title), title=title, abstract=abstract)


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(Settings())


def test_jsonl_line_has_the_documented_keys(nlp):
    [pe] = extract_entities([paper("GlimmerNet: Pruning Made Shiny", ABSTRACT)], nlp)
    d = pe.to_dict()
    assert {"id", "title", "entities", "repos"} <= set(d)
    assert d["repos"] == ["https://github.com/example/GlimmerNet"]
    names = {e["name"]: e for e in d["entities"]}
    assert names["GlimmerNet"]["role"] == "proposed"
    for e in d["entities"]:
        assert {"type", "name", "aliases", "role", "evidence", "confidence"} <= set(e)
        assert e["type"] in {"method", "model", "dataset"} and e["role"] in {"proposed", "used"}
        assert 0 < e["confidence"] <= 1
        for ev in e["evidence"]:
            assert {"text", "start", "end"} <= set(ev) and ev["start"] < ev["end"]
    assert PaperEntities.from_dict(json.loads(json.dumps(d))).to_dict() == d


def test_output_matches_the_published_json_schema(nlp):
    from importlib import resources

    schema = json.loads(resources.files("kg.schemas").joinpath("extraction.schema.json").read_text())
    [pe] = extract_entities([paper("GlimmerNet: Pruning Made Shiny", ABSTRACT)], nlp)
    jsonschema.validate(pe.to_dict(), schema)


def test_same_input_same_output(nlp):
    ps = [paper(f"Paper {i}", ABSTRACT) for i in range(5)]
    a = [json.dumps(p.to_dict()) for p in extract_entities(ps, nlp)]
    b = [json.dumps(p.to_dict()) for p in extract_entities(ps, build_nlp(Settings()))]
    assert a == b


def test_order_is_kept_and_ids_carried(nlp):
    ps = [paper(f"Paper number {i}", ABSTRACT) for i in range(12)]
    assert [pe.id for pe in extract_entities(ps, nlp, Settings(batch_size=5))] == [p.id for p in ps]


@pytest.mark.parametrize("abstract", [
    "",
    "A" * 1_000_000,
    "Ceci n'est pas un résumé: nous proposons RéseauX pour l'apprentissage. 这是一个摘要。",
    "bad \x00 control \x07 chars \x1b[31m and \\textbf{unclosed latex $x^2",
    "((((((( )))))) [[[[ (A) (B (C) D) E)",
    "https://github.com/ https:// www. (https://gitlab.com/x",
])
def test_hostile_text_gives_a_result_deterministically(nlp, abstract):
    p = paper("A Title: With Colon", abstract)
    first = [x.to_dict() for x in extract_entities([p], nlp)]
    again = [x.to_dict() for x in extract_entities([p], nlp)]
    assert first == again and first[0]["id"] == p.id


def test_atomic_write_keeps_old_file_on_failure_and_uses_umask(tmp_path):
    import os

    from kg.fileio import atomic_write

    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError), atomic_write(target) as f:
        f.write("half")
        raise RuntimeError("boom")
    assert target.read_text() == "old\n" and os.listdir(tmp_path) == ["out.jsonl"]
    with atomic_write(target) as f:
        f.write("new\n")
    umask = os.umask(0)
    os.umask(umask)
    assert target.read_text() == "new\n" and (target.stat().st_mode & 0o777) == 0o666 & ~umask


def _offsets_hold(p: Paper, pe: PaperEntities) -> list[tuple[str, int, int, str]]:
    """The evidences whose offsets do not cover their surface in ``Paper.text``."""
    return [(m.name, e.start, e.end, e.surface) for m in pe.entities for e in m.evidence
            if not (0 <= e.start < e.end <= len(p.text) and p.text[e.start:e.end] == e.surface)]


def test_evidence_of_a_long_unpunctuated_abstract_is_bounded(nlp):
    # issue 12 case 10: every mention carried its whole sentence, and an unpunctuated abstract is
    # one sentence: 30 KB gave 60 MB of JSON
    from kg.extract.assemble import MAX_EVIDENCE

    names = ["ResNet-50", "ImageNet", "BERT", "GlimmerNet", "COCO", "CIFAR-10", "GPT-2", "FlowCut"]
    words = []
    for i in range(1200):
        words += ["we", "train", names[i % len(names)], "and", f"Model{i}X", "on", "data"]
    p = paper("Long: An Unpunctuated Abstract", " ".join(words)[:30_000])
    [pe] = extract_entities([p], nlp)
    evidence = [e for m in pe.entities for e in m.evidence]
    assert len(evidence) > 500
    assert all(len(e.text) <= MAX_EVIDENCE and e.surface in e.text for e in evidence)
    assert sum(len(e.text) for e in evidence) <= MAX_EVIDENCE * len(evidence)
    assert len(json.dumps(pe.to_dict())) < 100 * len(p.text)  # linear: was ~2000x
    assert not _offsets_hold(p, pe)


def test_a_short_sentence_is_still_the_whole_evidence(nlp):
    p = paper("GlimmerNet: Pruning Made Shiny", ABSTRACT)
    [pe] = extract_entities([p], nlp)
    ev = next(e for m in pe.entities for e in m.evidence if e.surface == "COCO")
    assert ev.text == "We evaluate GlimmerNet-S on ImageNet-1K and COCO against ResNet-50 and ViT-B/16."


def test_number_pair_evidence_covers_the_written_pair(nlp):
    # issue 12 case 11: "CIFAR-10/100" gave CIFAR-100 evidence over the text "100"
    p = paper("A Study", "We test on CIFAR-10/100 with ResNet-50.")
    [pe] = extract_entities([p], nlp)
    spans = {m.name: [(p.text[e.start:e.end], e.surface) for e in m.evidence] for m in pe.entities}
    assert spans["CIFAR-100"] == [("CIFAR-10/100", "CIFAR-10/100")]
    assert spans["CIFAR-10"] == [("CIFAR-10", "CIFAR-10")]
    assert not _offsets_hold(p, pe)


@pytest.mark.parametrize("space", ["  ", "\t", "\u00a0", "\u2028", " \r ", "\u3000"])
def test_evidence_offsets_under_unusual_whitespace(nlp, space):
    # issue 12 case 11: a capitalised phrase was looked up with single spaces, and not found
    # (start = -1) when written with other whitespace
    abstract = (f"We train the Sharpness{space}Aware{space}Minimization method and the Harmonix{space}Set "
                f"dataset with CLIP.")
    p = paper("A Study", abstract)
    [pe] = extract_entities([p], nlp)
    assert not _offsets_hold(p, pe)
    names = {m.name for m in pe.entities}
    assert "Harmonix Set" in names and "SAM" in names  # SAM: "Sharpness Aware Minimization" is known


def test_a_name_before_a_tabbed_and_does_not_hang(nlp):
    # issue 12 case 11: "called Foo<TAB>and": the trailing "and" was cut at a space that is not
    # there, forever
    p = paper("A Study", "We propose a method called Foo\tand more.")
    [pe] = extract_entities([p], nlp)
    assert [m.name for m in pe.entities] == ["Foo"] and not _offsets_hold(p, pe)


def test_title_means_offsets_when_lowering_changes_length(nlp):
    # lower() makes "İ" two characters: offsets found in the lowered abstract were off
    p = paper("Learning with Gated State Attention", "İİİİ we use gated state attention here.")
    [pe] = extract_entities([p], nlp)
    assert not _offsets_hold(p, pe)
    # was a second entity "d state attention her": the abstract's mention shifted by four
    assert [(m.name, [e.surface for e in m.evidence]) for m in pe.entities] == [
        ("Gated State Attention", ["Gated State Attention", "gated state attention"])]
