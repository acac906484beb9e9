"""``kg papers`` in-process, and once as ``python -m kg``."""

import json
import subprocess
import sys

from kg.cli.main import main


def test_jsonl_to_stdout_is_clean(fixtures, capsys):
    assert main(["papers", str(fixtures / "sources" / "daily_blocks.txt")]) == 0
    out, err = capsys.readouterr()
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["title"] for r in rows][:2] == ["Graph Probes: What Message Passing Networks Remember",
                                              "Wrapped Abstracts Are Joined Into One Paragraph"]
    assert {"id", "title", "abstract", "sources"} <= rows[0].keys()
    assert rows[0]["sources"][0]["line"] == 13
    # the cut-off last entry is reported, no summary pollutes a machine format on stdout
    assert err.strip().splitlines() == [
        f"kg papers: skipped: {fixtures / 'sources' / 'daily_blocks.txt'}:43: last entry 5 "
        "'Trailing Title Cut Off By The Page Dump' has no abstract (page cut off?)"]


def test_output_file_csv_and_summary(fixtures, tmp_path, capsys):
    out = tmp_path / "papers.csv"
    assert main(["papers", str(fixtures / "sources"), "-o", str(out)]) == 0
    _, err = capsys.readouterr()
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0].startswith("id,title,abstract,arxiv_id")
    assert "arxiv:2305.12345" in text
    assert err.splitlines()[-1].startswith("kg papers: 20 entries from 8 files, 16 distinct papers, 2 skipped")


def test_table_format(fixtures, capsys):
    assert main(["papers", str(fixtures / "sources" / "records.csv"), "--format", "table"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[0].split() == ["id", "title", "date", "n_authors", "upvotes", "sightings"]
    assert "Comma Separated Paper" in out
    assert "1 file, 2 distinct papers" in err


def test_bad_input_one_line_exit_2_and_output_survives(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "A", "abstract": "x"}\n{"title": "B"}\n')
    out = tmp_path / "out.jsonl"
    out.write_text("previous result\n")
    assert main(["papers", str(bad), "-o", str(out)]) == 2
    _, err = capsys.readouterr()
    assert err == f"kg papers: error: {bad}:2: record 2: field 'abstract' is required\n"
    assert out.read_text() == "previous result\n"
    assert [p.name for p in tmp_path.iterdir()] and not list(tmp_path.glob(".*.tmp"))


def test_skip_bad_reports_and_writes_the_rest(tmp_path, capsys):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "A", "abstract": "x"}\n{"title": "B"}\n{"title": "C", "abstract": "y"}\n')
    assert main(["papers", str(bad), "--skip-bad", "--format", "jsonl"]) == 0
    out, err = capsys.readouterr()
    assert [json.loads(line)["title"] for line in out.splitlines()] == ["A", "C"]
    assert err == f"kg papers: skipped: {bad}:2: record 2: field 'abstract' is required\n"


def test_unknown_input_format(fixtures, capsys):
    assert main(["papers", str(fixtures / "sources" / "records.csv"), "--input-format", "bib"]) == 2
    assert "unknown input format 'bib'; expected one of:" in capsys.readouterr().err


def test_python_m_kg_papers(fixtures, tmp_path):
    bin_file = tmp_path / "x.bin"
    bin_file.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    ok = subprocess.run([sys.executable, "-m", "kg", "papers", str(fixtures / "sources" / "hf_api.json")],
                        capture_output=True, text=True, check=False)
    assert ok.returncode == 0 and ok.stderr == ""
    assert [json.loads(line)["id"] for line in ok.stdout.splitlines()] == ["arxiv:2305.12345", "arxiv:2402.00002"]
    bad = subprocess.run([sys.executable, "-m", "kg", "papers", str(bin_file)],
                         capture_output=True, text=True, check=False)
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert bad.stderr.count("\n") == 1 and "binary file" in bad.stderr
