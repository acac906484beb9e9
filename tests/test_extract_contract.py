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
