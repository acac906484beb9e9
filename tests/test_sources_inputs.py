"""Inputs as users have them: files that are no listing, a forced wrong format, one API
paper object, a page cut in its last abstract (issue 11)."""

import json

import pytest

from kg.build import build
from kg.cli.main import main
from kg.errors import InputError, InputWarning
from kg.settings import Settings
from kg.sources import detect_format, iter_records, parse_dailypapers, parse_hf_api, read_papers

ABSTRACT = ("We study sparse mixture-of-experts layers trained without an auxiliary loss and find that "
            "routing balances itself when the router is normalised.")


def _one_line_error(capsys, argv, path):
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and str(path) in err
    return err


def test_a_two_line_text_file_is_no_daily_papers_page(tmp_path, capsys):
    f = tmp_path / "notes.txt"
    f.write_text("Hello world\nthis is a random text file\n")
    with pytest.raises(InputError, match="unknown layout"):
        detect_format(f)
    out = tmp_path / "papers.jsonl"
    _one_line_error(capsys, ["papers", str(f), "-o", str(out)], f)
    assert not out.exists()  # nothing half-written
    # forced, it is still refused: no header, and no paragraph reads as an abstract
    err = _one_line_error(capsys, ["papers", str(f), "--input-format", "dailypapers", "-o", str(out)], f)
    assert "not a Daily Papers page" in err and f"{f}:1:" in err


def test_a_headerless_page_of_real_titles_and_abstracts_is_still_read(tmp_path):
    f = tmp_path / "copied.txt"
    f.write_text(f"Sparse Routing Without the Load Balancing Loss\n{ABSTRACT}\n"
                 f"Counting Tokens in Long Contexts\n{ABSTRACT}\n")
    assert detect_format(f) == "dailypapers"
    assert [p.title for p in iter_records(f)] == ["Sparse Routing Without the Load Balancing Loss",
                                                  "Counting Tokens in Long Contexts"]


@pytest.mark.parametrize("content, what", [
    ('title,abstract,upvotes\n"A Title","An abstract.",3\n', "CSV"),
    ("title\tabstract\nA Title\tAn abstract.\n", "CSV"),
    ('[{"title": "A Title", "abstract": "An abstract."}]\n', "JSON"),
    ('{"title": "A Title", "abstract": "An abstract."}\n', "JSON"),
    ('<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom"></feed>\n', "XML"),
])
def test_forcing_dailypapers_on_another_format_says_what_the_file_is(tmp_path, capsys, content, what):
    f = tmp_path / "listing.csv"
    f.write_text(content)
    with pytest.raises(InputError) as e:
        list(iter_records(f, input_format="dailypapers"))
    assert (e.value.path, e.value.line) == (str(f), 1)
    shown = "a CSV file" if what == "CSV" else what
    assert e.value.problem.startswith(f"not a Daily Papers page: this is {shown}")
    err = _one_line_error(capsys, ["papers", str(f), "--input-format", "dailypapers", "-o", "-"], f)
    assert f"{f}:1: not a Daily Papers page: this is {shown}" in err


SINGLE = {"id": "2401.00001", "title": "Glimmer: Sparse Probes for Dense Models", "summary": ABSTRACT,
          "authors": [{"_id": "a1", "name": "Ada Lovelace", "hidden": False}],
          "publishedAt": "2024-01-02T17:00:00.000Z", "upvotes": 12, "githubRepo": "https://github.com/g/p",
          "ai_keywords": ["probing"]}


@pytest.mark.parametrize("text", [json.dumps(SINGLE, indent=2), json.dumps(SINGLE),
                                  json.dumps({"paper": SINGLE, "publishedAt": "2024-01-05T00:00:00.000Z"})])
def test_one_hf_api_paper_object_is_read(tmp_path, text):
    f = tmp_path / "2401.00001.json"
    f.write_text(text + "\n")
    assert detect_format(f) == "hf-api"
    for fmt in (None, "hf-api"):
        (p,) = iter_records(f, input_format=fmt)
        assert (p.id, p.title, p.upvotes, p.date, p.authors) == (
            "arxiv:2401.00001", SINGLE["title"], 12, "2024-01-02", ("Ada Lovelace",))
        assert p.sources[0].line == 1 and p.repos == ("https://github.com/g/p",)


def test_one_hf_api_object_with_extra_data_or_broken_is_an_error():
    with pytest.raises(InputError, match="extra data after the JSON object") as e:
        list(parse_hf_api(json.dumps(SINGLE) + "\n" + json.dumps(SINGLE), path="two.json"))
    assert e.value.line == 1
    with pytest.raises(InputError, match="invalid JSON"):
        list(parse_hf_api('{"id": "2401.00001",\n "title": ', path="cut.json"))


def test_a_page_cut_in_its_last_abstract_is_kept_and_reported(tmp_path, capsys):
    page = ("Get trending papers in your email inbox once a day!\n"
            f"SubscribeSparse Routing Without the Load Balancing Loss\n{ABSTRACT}\n"
            "Counting Tokens in Long Contexts\nWe count tokens in long contexts and show that mod")
    reported = []
    papers = list(parse_dailypapers(page, path="cut.txt", on_error=reported.append))
    assert len(papers) == 2 and papers[1].abstract.endswith("show that mod")
    (warning,) = reported
    assert (warning.path, warning.line) == ("cut.txt", 4)
    assert "stops mid-sentence" in warning.problem and "kept" in warning.problem
    # a complete page says nothing
    quiet = []
    assert len(list(parse_dailypapers(page + "els.\n", on_error=quiet.append))) == 2 and quiet == []
    f = tmp_path / "cut.txt"
    f.write_text(page)
    assert main(["papers", str(f), "-o", str(tmp_path / "p.jsonl")]) == 0
    err = capsys.readouterr().err
    assert f"{f}:4: last entry 2 'Counting Tokens in Long Contexts'" in err and "stops mid-sentence" in err
    # a warning, not a skip: the build keeps the paper and does not count it as skipped
    assert isinstance(warning, InputWarning) and "kg papers: warning: " in err and "skipped" not in err
    summary = build([f], tmp_path / "out", Settings(progress=False), progress=False,
                    on_error=reported.append)
    assert summary.papers == 2 and summary.skipped == 0
    assert main(["--no-progress", "build", str(f), "-o", str(tmp_path / "out2")]) == 0
    err = capsys.readouterr().err
    assert "kg build: warning: " in err and "skipped" not in err


@pytest.mark.parametrize("ending", ["results.", "(see Table 1)", 'we call it "Glimmer"',
                                    "Code: https://github.com/g/p", "code at github.com/g/p"])
def test_abstracts_that_end_well_are_not_reported(ending):
    reported = []
    page = f"Daily Papers\n\nNov 4\n\nA Title\n\n{ABSTRACT} And {ending}\n"
    assert len(list(parse_dailypapers(page, on_error=reported.append))) == 1 and reported == []


@pytest.mark.shared
def test_the_seeds_read_without_any_report(shared):
    reported = []
    assert len(list(read_papers(shared / "seeds", on_error=reported.append))) == 520 and reported == []
