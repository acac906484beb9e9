"""Papers leave a build: ``kg remove ID...`` and ``kg build --prune`` give the corpus a fresh
build without those papers gives, support, families and links included, and extract nothing."""

import json
from pathlib import Path
from typing import Any

import pytest

from kg.build import build
from kg.build.prune import UnknownPaper, paper_ids
from kg.cli.main import main
from kg.records import Paper
from kg.settings import Settings
from kg.store.embedded import dump_nquads, open_store, query_output, store_path

# the non-default link settings are recorded by the first build: kg remove must keep them
SETTINGS = Settings(link_max_df=1.0, link_min_weight=0.1)
KG = "https://w3id.org/kg/vocab#"
PREFIX = f"PREFIX kg: <{KG}> PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
PAPERS = [
    {"id": "2402.00001", "title": "AlphaNet: Segmenting Images with Flows",
     "abstract": "We propose AlphaNet, a new method for image segmentation. We evaluate AlphaNet on "
                 "COCO and compare it with LLaVA-1.5."},
    # the only paper naming QLoRA and LLaVA-1.5-7B (a variant in the LLaVA-1.5 family)
    {"id": "2402.00002", "title": "Tuning LLaVA-1.5-7B with QLoRA",
     "abstract": "We fine-tune LLaVA-1.5-7B with QLoRA and LoRA and report results on MMLU and COCO."},
    {"id": "2402.00003", "title": "BetaMix: Sparse Experts for Vision",
     "abstract": "We introduce BetaMix, an efficient mixture of experts. We compare BetaMix with "
                 "LLaVA-1.5 and LoRA on MMLU."},
    {"id": "2402.00004", "title": "GammaFlow: Video Generation",
     "abstract": "We propose GammaFlow, a method for video generation trained on COCO with LoRA."},
]
GONE = "arxiv:2402.00002"


def write(path: Path, records: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("inputs")
    return {"all": write(d / "all.jsonl", PAPERS),
            "rest": write(d / "rest.jsonl", [p for p in PAPERS if p["id"] != GONE.removeprefix("arxiv:")])}


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory, inputs: dict[str, Path], nlp: Any) -> Path:
    """A build that never saw the paper."""
    out = tmp_path_factory.mktemp("fresh") / "out"
    build([inputs["rest"]], out, SETTINGS, progress=False, nlp=nlp)
    return out


def dump(out: Path) -> bytes:
    store = open_store(store_path(out), read_only=True)
    try:
        return dump_nquads(store)
    finally:
        del store


def state_files(out: Path) -> tuple[list[dict[str, Any]], str]:
    """The papers (less where each was read from: the two builds read different files) and the
    extractions."""
    papers = [json.loads(line) for line in (out / "papers.jsonl").read_text(encoding="utf-8").splitlines()]
    for p in papers:
        assert p.pop("sources")
    return papers, (out / "extractions.jsonl").read_text(encoding="utf-8")


def assert_same_as(out: Path, fresh: Path) -> None:
    """The same graph (sorted N-Quads of the store and of graph.nq) and the same state files."""
    assert dump(out) == dump(fresh)
    nq = [sorted((d / "graph.nq").read_text(encoding="utf-8").splitlines()) for d in (out, fresh)]
    assert nq[0] == nq[1]
    assert state_files(out) == state_files(fresh)


def support(out: Path) -> dict[str, int]:
    r = query_output(out, PREFIX + "SELECT ?n ?s WHERE { ?e skos:prefLabel ?n ; kg:support ?s }")
    return {str(n): int(s) for n, s in r.rows}  # type: ignore[arg-type]


def links(out: Path) -> set[tuple[str, str]]:
    r = query_output(out, PREFIX + "SELECT ?a ?b WHERE { ?l a kg:PaperLink ; kg:linkSource ?a ; kg:linkTarget ?b }")
    return {(str(a).rsplit("/", 1)[-1], str(b).rsplit("/", 1)[-1]) for a, b in r.rows}


def test_kg_remove_gives_the_fresh_build_without_the_paper(tmp_path: Path, inputs: dict[str, Path],
                                                           fresh: Path, nlp: Any,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    build([inputs["all"]], out, SETTINGS, progress=False, nlp=nlp)
    before_support, before_links = support(out), links(out)
    # what the removal has to undo is there
    assert before_support["QLoRA"] == 1 and before_support["LLaVA-1.5-7B"] == 1
    assert before_support["COCO"] == 3 and before_support["LoRA"] == 3
    assert any(GONE in pair for pair in before_links)

    code = main(["--no-progress", "remove", "Tuning llava-1.5-7b WITH qlora", "-o", str(out), "--format", "json"])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0
    assert (summary["papers"], summary["papers_removed"], summary["papers_extracted"]) == (3, 1, 0)

    assert_same_as(out, fresh)
    after = support(out)
    assert "QLoRA" not in after and "LLaVA-1.5-7B" not in after  # only that paper named them
    assert (after["COCO"], after["LoRA"], after["LLaVA-1.5"]) == (2, 2, 2)
    assert not any(GONE in pair for pair in links(out)) and links(out) <= before_links
    ask = query_output(out, f"ASK {{ {{ <https://w3id.org/kg/paper/{GONE}> ?p ?o }} UNION "
                            f"{{ ?s ?p <https://w3id.org/kg/paper/{GONE}> }} }}")
    assert ask.boolean is False
    family = query_output(out, PREFIX + "ASK { ?v kg:variantOf ?f . ?v skos:prefLabel 'LLaVA-1.5-7B' }")
    assert family.boolean is False


def test_build_prune_drops_the_papers_the_inputs_no_longer_hold(tmp_path: Path, inputs: dict[str, Path],
                                                                fresh: Path, nlp: Any) -> None:
    out = tmp_path / "out"
    build([inputs["all"]], out, SETTINGS, progress=False, nlp=nlp)
    kept = build([inputs["rest"]], out, SETTINGS, progress=False, nlp=nlp)  # without --prune: kept
    assert (kept.papers, kept.papers_kept, kept.papers_removed) == (4, 1, 0)
    assert dump(out) != dump(fresh)
    pruned = build([inputs["rest"]], out, SETTINGS, progress=False, nlp=nlp, prune=True)
    assert (pruned.papers, pruned.papers_kept, pruned.papers_removed, pruned.papers_extracted) == (3, 0, 1, 0)
    assert_same_as(out, fresh)


def test_kg_build_prune_on_the_command_line(tmp_path: Path, inputs: dict[str, Path], nlp: Any,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    build([inputs["all"]], out, progress=False, nlp=nlp)
    assert main(["--no-progress", "build", str(inputs["rest"]), "-o", str(out), "--prune"]) == 0
    text = capsys.readouterr().out
    assert "  removed                   1" in text
    ids = [json.loads(line)["id"] for line in (out / "papers.jsonl").read_text().splitlines()]
    assert GONE not in ids and len(ids) == 3


def test_an_unknown_paper_changes_nothing(tmp_path: Path, inputs: dict[str, Path], nlp: Any,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    build([inputs["all"]], out, SETTINGS, progress=False, nlp=nlp)
    before, info = dump(out), (out / "build.json").read_text()
    # one known, one not: all or nothing
    code = main(["--no-progress", "remove", GONE, "BetaMix: Sparse Expert for Vision", "-o", str(out)])
    captured = capsys.readouterr()
    assert (code, captured.out) == (2, "")
    assert captured.err == ("kg remove: error: no paper 'BetaMix: Sparse Expert for Vision' in the corpus; "
                            "did you mean: 'BetaMix: Sparse Experts for Vision'?\n")
    assert dump(out) == before and (out / "build.json").read_text() == info
    assert sorted(p.name for p in out.iterdir() if p.name.startswith(".staging")) == []


def test_remove_needs_a_build(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["remove", "2402.00001", "-o", str(tmp_path / "nothing")]) == 2
    assert "no build in" in capsys.readouterr().err


def test_paper_names() -> None:
    papers = {p.id: p for p in (Paper(id="arxiv:2402.00001", title="Alpha Nets", abstract=""),
                                Paper(id="title:abc123", title="A Paper Without an arXiv Id", abstract=""))}
    assert paper_ids(["2402.00001", "arxiv:2402.00001v3", "https://arxiv.org/abs/2402.00001",
                      "title:abc123", "a paper without an ARXIV id", "Alpha  Nets!"], papers) == \
        ["arxiv:2402.00001", "title:abc123"]
    with pytest.raises(UnknownPaper, match=r"^no paper '2402.00009' in the corpus; did you mean: 'arxiv:2402.00001'\?$"):
        paper_ids(["2402.00009"], papers)
