"""`kg stats` and `kg show`, in-process through kg.cli.main.main, on a real store; the cards and
the notebook helpers of Corpus they share."""

import csv
import io
import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import load_fixture_module

import kg
from kg.cli.main import main
from kg.export.report import digest_of
from kg.export.report.cards import NotFoundError, card, find
from kg.export.report.figures import FIGURE_NAMES, corpus_figures

FIXTURE = load_fixture_module("report/corpus.py")


@pytest.fixture(scope="module")
def corpus() -> Any:
    return FIXTURE.make_corpus()


@pytest.fixture(scope="module")
def build_dir(corpus: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A build's output directory: its store, and build.json with the report settings."""
    out = tmp_path_factory.mktemp("build")
    FIXTURE.build_store(corpus, out)
    (out / "build.json").write_text(json.dumps({"settings": {"report_top": 10,
                                                             "report_recent_months": 3}}))
    return out


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# ---------------------------------------------------------------- kg stats

def test_stats_prints_every_figure_as_a_table(build_dir: Path, capsys: Any) -> None:
    code, out, err = run(["stats", "--store", str(build_dir)], capsys)
    assert code == 0 and err == ""
    for t in corpus_figures(digest_of(FIXTURE.make_corpus())):
        assert t.title in out
    assert "papers without a month, on no timeline: 3 of 11" in out
    assert "Mamba" in out and "0.750" in out  # rising, as the report shows it


def test_stats_json_is_the_report_figures(build_dir: Path, corpus: Any, capsys: Any) -> None:
    code, out, _ = run(["stats", "--store", str(build_dir), "--format", "json"], capsys)
    assert code == 0
    assert json.loads(out) == corpus_figures(digest_of(corpus)).to_dict()  # store == corpus


def test_stats_csv_of_one_figure_and_of_all(build_dir: Path, capsys: Any) -> None:
    _, out, _ = run(["stats", "--store", str(build_dir), "--figure", "top_models", "--format", "csv"],
                    capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["rank", "entity", "name", "papers", "proposed by"]
    assert (rows[0]["name"], rows[0]["papers"]) == ("CLIP", "4")
    _, out, _ = run(["stats", "--store", str(build_dir), "--format", "csv"], capsys)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["figure", "row", "column", "value"]
    assert {r["figure"] for r in rows} == set(FIGURE_NAMES)
    assert {"figure": "counts", "row": "1", "column": "count", "value": "11"} in rows


def test_stats_top_and_figure_options(build_dir: Path, capsys: Any) -> None:
    _, out, _ = run(["stats", "--store", str(build_dir), "--figure", "top_datasets", "--top", "2",
                     "--format", "json"], capsys)
    data = json.loads(out)
    assert list(data) == ["top_datasets"] and len(data["top_datasets"]["rows"]) == 2


def test_stats_bad_arguments_exit_2_with_one_line(build_dir: Path, tmp_path: Path, capsys: Any) -> None:
    code, out, err = run(["stats", "--store", str(build_dir), "--top", "0"], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1 and "--top must be 1 or more" in err
    code, out, err = run(["stats", "--store", str(tmp_path)], capsys)
    assert code == 2 and err.startswith("kg stats: error: no store at") and err.count("\n") == 1
    with pytest.raises(SystemExit) as e:
        main(["stats", "--store", str(build_dir), "--figure", "bogus"])
    assert e.value.code == 2
    assert "invalid choice: 'bogus'" in capsys.readouterr().err


def test_stats_use_the_builds_recorded_settings(corpus: Any, tmp_path: Path, capsys: Any) -> None:
    FIXTURE.build_store(corpus, tmp_path)
    (tmp_path / "build.json").write_text(json.dumps({"settings": {"report_top": 1}}))
    _, out, _ = run(["stats", "--store", str(tmp_path), "--figure", "top_models", "--format", "json"],
                    capsys)
    assert len(json.loads(out)["top_models"]["rows"]) == 1
    (tmp_path / "build.json").write_text("{damaged")  # the figures need nothing else from it
    code, out, _ = run(["stats", "--store", str(tmp_path), "--figure", "counts"], capsys)
    assert code == 0 and "papers" in out


# ---------------------------------------------------------------- kg show

def test_show_an_entity_by_any_alias(build_dir: Path, capsys: Any) -> None:
    code, out, err = run(["show", "--store", str(build_dir), "llava-v1.5-13b"], capsys)
    assert code == 0 and err == ""
    assert out.startswith("LLaVA-1.5  [model]\n")
    assert "aliases:\n  LLaVA 1.5, llava-v1.5-13b" in out
    assert "family:\n  LLaVA\n" in out and "variants:\n  LLaVA-NeXT\n" in out
    assert "2024-01   used      LLaVA-NeXT: Improved reasoning and OCR" in out
    assert "2023-10   proposed  Improved Baselines with Visual Instruction Tuning" in out


def test_show_family_down_and_up(corpus: Any) -> None:
    c = card(digest_of(corpus), "Large Language and Vision Assistant")
    assert c.id == "model/llava" and c.family_up == ()
    assert [(depth, r.name) for depth, r in c.family_down] == [(1, "LLaVA-1.5"), (2, "LLaVA-NeXT")]
    assert [r.name for r in card(digest_of(corpus), "LLaVA-NeXT").family_up] == ["LLaVA-1.5", "LLaVA"]
    assert [p.month for p in c.papers] == ["2023-10", "2023-04"]  # newest first
    assert [x.url for x in card(digest_of(corpus), "PPO").code] == ["https://github.com/openai/baselines"]


def test_show_a_paper_by_title_with_related_papers(build_dir: Path, capsys: Any) -> None:
    code, out, _ = run(["show", "--store", str(build_dir), "visual", "instruction", "TUNING"], capsys)
    assert code == 0 and out.startswith("Visual Instruction Tuning  [paper]\n")
    assert "  arXiv: 2304.08485\n" in out and "month: 2023-04 (from the publication date)" in out
    assert "proposed:\n  model     LLaVA\n" in out
    assert ("    3.20  Improved Baselines with Visual Instruction Tuning  "
            "(shares ScienceQA, LLaVA, CLIP)\n") in out  # rarest first, then by id
    assert "https://github.com/haotian-liu/LLaVA  (code, official)" in out


def test_show_json_and_by_arxiv_id(build_dir: Path, corpus: Any, capsys: Any) -> None:
    _, out, _ = run(["show", "--store", str(build_dir), "--format", "json", "2310.03744"], capsys)
    data = json.loads(out)
    assert data == card(digest_of(corpus), "arxiv:2310.03744").to_dict()
    assert data["related"][0] == {"id": "arxiv:2304.08485", "title": "Visual Instruction Tuning",
                                  "weight": 3.2, "shared": ["ScienceQA", "LLaVA", "CLIP"]}
    assert data["facts"]["month"] == "2023-10 (from the arXiv id)"


def test_show_suggests_a_close_match_and_exits_2(build_dir: Path, capsys: Any) -> None:
    code, out, err = run(["show", "--store", str(build_dir), "Mambaa"], capsys)
    assert code == 2 and out == ""
    assert err == ("kg show: error: no paper or entity named 'Mambaa'; did you mean: 'Mamba', "
                   "'Mamba SSM'?\n")
    code, _, err = run(["show", "--store", str(build_dir), "zzzz qqqq"], capsys)
    assert code == 2 and err == "kg show: error: no paper or entity named 'zzzz qqqq'\n"
    code, _, err = run(["show", "--store", str(build_dir), "  "], capsys)
    assert code == 2 and "give a paper id, arXiv id or title, or an entity id" in err
    with pytest.raises(NotFoundError) as e:
        find(digest_of(FIXTURE.make_corpus()), "visual instruction tunin")
    assert e.value.suggestions[0] == "Visual Instruction Tuning"


def test_show_cuts_long_lists_unless_all(corpus: Any) -> None:
    c = card(digest_of(corpus), "CLIP")
    assert "... and 2 more" in c.text(limit=2) and "... and" not in c.text(limit=None)


def test_show_without_a_build_exits_2(tmp_path: Path, capsys: Any) -> None:
    code, _, err = run(["show", "--store", str(tmp_path), "CLIP"], capsys)
    assert code == 2 and "no store at" in err and err.count("\n") == 1


# ---------------------------------------------------------------- notebooks

class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def tags(fragment: str) -> list[tuple[str, dict[str, str | None]]]:
    p = _Tags()
    p.feed(fragment)
    return p.tags


def test_a_card_in_html_keeps_hostile_text_inert(corpus: Any) -> None:
    for name in (FIXTURE.HOSTILE_NAME, "EvilNet", FIXTURE.HOSTILE_TITLE, "PPO"):
        c = corpus.show(name)
        fragment = c._repr_html_()
        found = tags(fragment)
        assert {t for t, _ in found} <= {"div", "h3", "small", "dl", "dt", "dd", "p", "b", "ul",
                                         "li", "table", "tr", "th", "td", "span", "a"}
        assert not any(k.startswith("on") for _, a in found for k in a)
        hrefs = [a["href"] for t, a in found if t == "a"]
        assert all(h.startswith("https://") for h in hrefs), hrefs
    hostile = corpus.show(FIXTURE.HOSTILE_TITLE)
    assert "javascript:window.__xss=7" in hostile._repr_html_()  # shown, never a link
    assert str(hostile).startswith(FIXTURE.HOSTILE_TITLE + "  [paper]")


def test_corpus_displays_itself_and_gives_timelines(corpus: Any) -> None:
    fragment = corpus._repr_html_()
    assert "11 papers" in fragment and "CLIP (4)" in fragment
    assert "&lt;b onmouseover" in fragment and not any(t == "b" and a for t, a in tags(fragment))
    df = corpus.timeline("Mamba SSM")
    assert list(df.columns) == ["month", "papers"]
    assert df["month"].iloc[0] == "2017-07" and df["month"].iloc[-1] == "2024-03"
    assert df.set_index("month")["papers"].to_dict()["2024-03"] == 2
    assert int(corpus.timeline()["papers"].sum()) == 8
    assert corpus.show("LLaVA").to_dict() == card(digest_of(corpus), "LLaVA").to_dict()
    assert corpus.figures("counts").names() == ("counts",)


def test_dir_kg_lists_the_public_api() -> None:
    names = dir(kg)
    assert names == sorted(kg.__all__)
    assert {"Corpus", "read_papers", "extract_entities", "load_corpus", "Settings"} <= set(names)
    assert callable(kg.load_corpus)
