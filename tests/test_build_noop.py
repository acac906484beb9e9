"""A no-op rebuild tells from the input files' bytes that nothing changed, without reading them.

Every test runs real builds on real files: the second build either stops after hashing
the inputs (the live generation stays, nothing is parsed) or reads them in full.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import kg.build.run
from kg.build import build
from kg.settings import Settings
from kg.store.generation import resolve

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = Settings(progress=False, link_max_df=1.0, link_min_weight=0.1)
RECORDS = [{"id": f"2401.{i:05d}", "title": f"Paper {i} on GlimmerNet",
            "abstract": f"We present GlimmerNet-{i}, trained on ImageNet. It beats ResNet-50."}
           for i in range(1, 5)]


def write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


class Reads:
    """Counts the builds that parse their inputs (kg.build.run.read_inputs, the real one)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = kg.build.run.read_inputs

        def counted(*args: Any, **kw: Any) -> Any:
            self.calls += 1
            return real(*args, **kw)

        monkeypatch.setattr(kg.build.run, "read_inputs", counted)


def live(out: Path) -> Path:
    gen = resolve(out)
    assert gen is not None
    return gen.root


def test_same_bytes_again_are_not_read_and_keep_the_live_build(tmp_path: Path, nlp: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    papers, out = write(tmp_path / "papers.jsonl", RECORDS), tmp_path / "out"
    first = build([papers], out, SETTINGS, progress=False, nlp=nlp)
    gen = live(out)
    reads = Reads(monkeypatch)
    again = build([papers], out, SETTINGS, progress=False, nlp=nlp)
    assert reads.calls == 0 and live(out) == gen
    assert (again.papers, again.papers_unchanged, again.papers_kept, again.papers_extracted) == (4, 4, 0, 0)
    assert (again.triples, again.links, again.entities) == (first.triples, first.links, first.entities)
    assert set(again.timings) == {"read", "check"}

    os.utime(papers, (1, 1))  # touched, the same bytes: still nothing to do
    build([papers], out, SETTINGS, progress=False, nlp=nlp)
    assert reads.calls == 0 and live(out) == gen


def test_a_changed_file_is_read_and_built(tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    papers, out = write(tmp_path / "papers.jsonl", RECORDS), tmp_path / "out"
    build([papers], out, SETTINGS, progress=False, nlp=nlp)
    gen = live(out)
    reads = Reads(monkeypatch)
    changed = [*RECORDS[:-1], {**RECORDS[-1], "abstract": "We present FlowCut, trained on COCO."}]
    write(papers, changed)
    s = build([papers], out, SETTINGS, progress=False, nlp=nlp)
    assert reads.calls == 1 and live(out) != gen
    assert (s.papers, s.papers_updated, s.papers_extracted) == (4, 1, 1)
    assert "FlowCut" in (out / "papers.jsonl").read_text(encoding="utf-8")

    write(papers, RECORDS)  # back to the first bytes: a build again (the live build read others)
    build([papers], out, SETTINGS, progress=False, nlp=nlp)
    assert reads.calls == 2 and "FlowCut" not in (out / "papers.jsonl").read_text(encoding="utf-8")


def test_a_renamed_file_is_read_and_its_papers_get_the_new_name(tmp_path: Path, nlp: Any,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    papers, out = write(tmp_path / "papers.jsonl", RECORDS), tmp_path / "out"
    build([papers], out, SETTINGS, progress=False, nlp=nlp)
    gen = live(out)
    reads = Reads(monkeypatch)
    renamed = papers.rename(tmp_path / "renamed.jsonl")
    build([renamed], out, SETTINGS, progress=False, nlp=nlp)
    assert reads.calls == 1 and live(out) != gen
    sources = [s["path"] for line in (out / "papers.jsonl").read_text(encoding="utf-8").splitlines()
               for s in json.loads(line)["sources"]]
    assert sources == [str(renamed)] * 4


def test_a_file_added_or_another_format_or_setting_is_a_real_build(tmp_path: Path, nlp: Any,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    papers, out = write(tmp_path / "papers.jsonl", RECORDS[:3]), tmp_path / "out"
    more = write(tmp_path / "more.jsonl", RECORDS[3:])
    build([papers], out, SETTINGS, progress=False, nlp=nlp)
    reads = Reads(monkeypatch)
    s = build([papers, more], out, SETTINGS, progress=False, nlp=nlp)
    assert reads.calls == 1 and (s.papers, s.papers_new) == (4, 1)
    gen = live(out)
    build([papers, more], out, SETTINGS, progress=False, nlp=nlp, input_format="jsonl")
    assert reads.calls == 2  # read again; the same papers, so the live build stands
    assert live(out) == gen
    build([papers, more], out, SETTINGS.with_(link_max_neighbours=3), progress=False, nlp=nlp)
    assert reads.calls == 3 and live(out) != gen
    gen = live(out)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1714557600")  # void.ttl's date
    build([papers, more], out, SETTINGS.with_(link_max_neighbours=3), progress=False, nlp=nlp)
    assert reads.calls == 4 and live(out) != gen


def test_reported_records_are_reported_again_by_the_next_build(tmp_path: Path, nlp: Any) -> None:
    papers, out = write(tmp_path / "papers.jsonl", [*RECORDS, {"title": "No abstract"}]), tmp_path / "out"
    errors: list[object] = []
    settings = SETTINGS.with_(skip_bad=True)
    build([papers], out, settings, progress=False, nlp=nlp, on_error=errors.append)
    again = build([papers], out, settings, progress=False, nlp=nlp, on_error=errors.append)
    assert len(errors) == 2 and again.skipped == 1 and again.papers_unchanged == 4


def test_a_file_changed_while_read_is_read_again_by_the_next_build(tmp_path: Path, nlp: Any,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    papers, out = write(tmp_path / "papers.jsonl", RECORDS), tmp_path / "out"
    real = kg.build.run.read_inputs

    def read_then_change(*args: Any, **kw: Any) -> Any:
        result = real(*args, **kw)
        write(papers, RECORDS[:2])  # the bytes read are not the bytes on disk any more
        return result

    monkeypatch.setattr(kg.build.run, "read_inputs", read_then_change)
    build([papers], out, SETTINGS, progress=False, nlp=nlp)
    monkeypatch.undo()
    assert json.loads((out / "build.json").read_text(encoding="utf-8"))["inputs_key"] is None
    s = build([papers], out, SETTINGS, progress=False, nlp=nlp)
    assert s.papers == 4 and s.papers_unchanged == 2 and s.papers_kept == 2


@pytest.mark.slow  # four kg build processes on a copy of the package
def test_a_change_of_code_is_a_real_build(tmp_path: Path) -> None:
    """The package copied, built from, changed in a reader, built from again."""
    shutil.copytree(ROOT / "kg", tmp_path / "pkg" / "kg", ignore=shutil.ignore_patterns("__pycache__"))
    papers, out = write(tmp_path / "papers.jsonl", RECORDS), tmp_path / "out"
    env = {**os.environ, "PYTHONPATH": str(tmp_path / "pkg")}

    def kg_build() -> dict[str, Any]:
        proc = subprocess.run([sys.executable, "-m", "kg", "--no-progress", "build", str(papers), "-o",
                               str(out), "--jobs", "1", "--format", "json"], env=env, cwd=tmp_path,
                              capture_output=True, text=True, check=True)
        summary: dict[str, Any] = json.loads(proc.stdout)
        return summary

    kg_build()
    gen = live(out)
    assert set(kg_build()["timings"]) == {"read", "check"} and live(out) == gen
    reader = tmp_path / "pkg" / "kg" / "sources" / "records.py"
    reader.write_text(reader.read_text(encoding="utf-8") + "\n# changed\n", encoding="utf-8")
    assert "extract" in kg_build()["timings"] and live(out) != gen
    assert set(kg_build()["timings"]) == {"read", "check"}


def test_unchanged_records_are_copied_as_lines_and_the_state_files_are_a_fresh_builds(
        tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    first, more = write(tmp_path / "a.jsonl", RECORDS[:3]), write(tmp_path / "b.jsonl", RECORDS[3:])
    out, once = tmp_path / "out", tmp_path / "once"
    build([first], out, SETTINGS, progress=False, nlp=nlp)
    tally = tmp_path / "copied.txt"  # the state files are written by a forked child: counted on disk
    real = kg.build.run.write_records

    def counted(*args: Any, **kw: Any) -> int:
        n = real(*args, **kw)
        with open(tally, "a", encoding="utf-8") as f:
            f.write(f"{n}\n")
        return n

    def copied() -> list[int]:
        return [int(x) for x in tally.read_text(encoding="utf-8").split()]

    monkeypatch.setattr(kg.build.run, "write_records", counted)
    s = build([first, more], out, SETTINGS, progress=False, nlp=nlp)
    assert (s.papers_new, copied()) == (1, [3, 3])  # papers.jsonl, extractions.jsonl
    assert "state_aside" in s.timings  # written beside resolution
    build([first, more], once, SETTINGS, progress=False, nlp=nlp)  # a first build: nothing to copy
    assert copied()[2:] == [0, 0]
    for name in ("papers.jsonl", "extractions.jsonl"):
        assert (out / name).read_bytes() == (once / name).read_bytes()

    # written by other code, the old lines are not copied: a record's form may have changed
    info = json.loads((live(out) / "build.json").read_text(encoding="utf-8"))
    (live(out) / "build.json").write_text(json.dumps({**info, "code": "other"}), encoding="utf-8")
    write(more, [{**RECORDS[3], "abstract": "We present FlowCut."}])
    build([first, more], out, SETTINGS, progress=False, nlp=nlp)
    assert copied()[4:] == [0, 0]
