"""Which reader a file gets, and the files no reader accepts."""

import json

import pytest

from kg.errors import FormatError, InputError
from kg.sources import detect_format, expand_paths, iter_records, read_papers


@pytest.mark.parametrize("name, fmt", [
    ("daily_lines.txt", "dailypapers"), ("daily_blocks.txt", "dailypapers"),
    ("records.jsonl", "jsonl"), ("records.json", "json"), ("records.csv", "csv"),
    ("arxiv_atom.xml", "arxiv-atom"), ("arxiv_snapshot.jsonl", "arxiv-snapshot"), ("hf_api.json", "hf-api"),
])
def test_detects_each_fixture(fixtures, tmp_path, name, fmt):
    assert detect_format(fixtures / "sources" / name) == fmt
    # content decides, not the suffix
    renamed = tmp_path / "input.dat"
    renamed.write_bytes((fixtures / "sources" / name).read_bytes())
    assert detect_format(renamed) == fmt


def test_csv_by_header_without_suffix(tmp_path):
    f = tmp_path / "listing"
    f.write_text('"Title","Abstract"\nA,B\n')
    assert detect_format(f) == "csv"


@pytest.mark.parametrize("content, problem, line", [
    (b"", "empty file", None),
    (b"\xef\xbb\xbf  \n\n", "empty file", None),
    (b"Title\nabstract\n\x00\x01\x02", "binary", 3),
    (b"A title\n\xff\xfe bad bytes\n", "not UTF-8", 2),
    (b"<html><body>hello</body></html>", "unknown layout", 1),
    (b"just one line of prose", "unknown layout", None),
])
def test_bad_files_name_file_line_and_problem(tmp_path, content, problem, line):
    f = tmp_path / "bad.txt"
    f.write_bytes(content)
    with pytest.raises(InputError) as e:
        list(iter_records(f))
    assert e.value.path == str(f) and problem in e.value.problem and e.value.line == line
    assert "\n" not in str(e.value)


def test_non_utf8_after_the_head_names_its_line(tmp_path):
    f = tmp_path / "long.txt"
    body = "".join(f"Title {i}\n" + "An abstract sentence that is long enough. " * 40 + "\n" for i in range(60))
    f.write_bytes(b"Daily Papers\n" + body.encode() + b"Late Title\n\xc3\x28 broken\n")
    with pytest.raises(InputError) as e:
        list(iter_records(f))
    assert e.value.line == 2 + 120 + 1 and "not UTF-8" in e.value.problem


def test_input_format_overrides_and_refuses_unknown_names(fixtures, tmp_path):
    f = tmp_path / "records.txt"
    f.write_bytes((fixtures / "sources" / "records.csv").read_bytes())
    assert [p.sources[0].format for p in iter_records(f, input_format="csv")] == ["csv", "csv"]
    with pytest.raises(FormatError, match="expected one of: arxiv-atom"):
        list(iter_records(f, input_format="bibtex"))
    with pytest.raises(InputError, match="empty file"):
        empty = tmp_path / "e.jsonl"
        empty.write_text("")
        list(iter_records(empty, input_format="jsonl"))


def test_skip_bad_skips_unreadable_files_and_reports(fixtures, tmp_path):
    (tmp_path / "a_empty.txt").write_text("")
    (tmp_path / "b.csv").write_bytes((fixtures / "sources" / "records.csv").read_bytes())
    (tmp_path / ".hidden.jsonl").write_text("junk")
    (tmp_path / "README.md").write_text("# not input")
    skipped = []
    papers = list(read_papers(tmp_path, skip_bad=True, on_error=skipped.append))
    assert len(papers) == 2 and len(skipped) == 1 and "a_empty.txt" in str(skipped[0])
    with pytest.raises(InputError, match="empty file"):
        list(read_papers(tmp_path))


def test_expand_paths(tmp_path):
    (tmp_path / "b.txt").write_text("x")
    (tmp_path / "a.txt").write_text("x")
    (tmp_path / ".h").write_text("x")
    (tmp_path / "readme.txt").write_text("x")
    (tmp_path / "sub").mkdir()
    assert [p.name for p in expand_paths([tmp_path])] == ["a.txt", "b.txt"]
    with pytest.raises(InputError, match="no such file"):
        expand_paths([tmp_path / "missing.txt"])
    with pytest.raises(InputError, match="no input files"):
        expand_paths([tmp_path / "sub"])



N_GOOD = 1500  # well past the 64 KiB detection head


def _damaged(fmt):
    """A file of N_GOOD good records in ``fmt``, then bytes no reader accepts."""
    abstract = "An abstract that is long enough to look like a real one, with two sentences. Here is the second."
    rng = range(N_GOOD)
    if fmt == "dailypapers":
        body = "Daily Papers\n\nNov 4\n\n" + "".join(f"Title {i}\n\n{abstract}\n\n" for i in rng)
        return body.encode() + b"Broken \xff title\n\nabstract\n"
    if fmt in ("jsonl", "arxiv-snapshot"):
        extra = {"submitter": "x", "versions": []} if fmt == "arxiv-snapshot" else {}
        lines = [json.dumps({"id": f"2401.{i:05d}", "title": f"Title {i}", "abstract": abstract, **extra})
                 for i in rng]
        return ("\n".join(lines) + "\n").encode() + b'{"title": "broken \xff"}\n'
    if fmt == "csv":
        return ("title,abstract\n" + "".join(f'Title {i},"{abstract}"\n' for i in rng)).encode() + b"x,\xff\n"
    if fmt in ("json", "hf-api"):
        wrap = (lambda r: {"paper": {**r, "summary": r.pop("abstract")}}) if fmt == "hf-api" else (lambda r: r)
        items = [json.dumps(wrap({"title": f"Title {i}", "abstract": abstract})) for i in rng]
        return ("[\n" + ",\n".join(items) + ",\n").encode() + b'{"title": "cut'
    entries = "".join(f"<entry><id>http://arxiv.org/abs/2401.{i:05d}v1</id><title>Title {i}</title>"
                      f"<summary>{abstract}</summary></entry>\n" for i in rng)
    return f'<feed xmlns="http://www.w3.org/2005/Atom">\n{entries}'.encode() + b"<entry><title>&bad;</entry>"


@pytest.mark.parametrize("fmt", ["dailypapers", "jsonl", "arxiv-snapshot", "csv", "json", "hf-api", "arxiv-atom"])
def test_readers_stream_up_to_the_damage(tmp_path, fmt):
    """Every good record comes out before the reader meets damage far down the file."""
    f = tmp_path / ("input.csv" if fmt == "csv" else "input")
    f.write_bytes(_damaged(fmt))
    assert detect_format(f) == fmt
    got = []
    with pytest.raises(InputError) as e:
        for p in iter_records(f):
            got.append(p.title)
    # a page entry is complete only when the next title starts: the last good one may go down with it
    assert got == [f"Title {i}" for i in range(len(got))]
    assert len(got) >= (N_GOOD - 1 if fmt == "dailypapers" else N_GOOD)
    assert e.value.path == str(f)
