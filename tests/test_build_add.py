"""Adding papers to a live build: one code fingerprint per build, and the outputs of the add
(sorted N-Quads, the store, every export file) are those of a full build of the same inputs
from scratch. Real builds on real files."""

import json
from pathlib import Path
from typing import Any

import pytest
from test_store_update import write_corpus

import kg.build.run
import kg.build.state
from kg.build import build
from kg.build.state import build_fingerprint, code_fingerprint, inputs_key
from kg.settings import Settings
from kg.store.generation import resolve

LINKING = Settings(progress=False, link_max_df=1.0, link_min_weight=0.1)


class Fingerprints:
    """Counts the calls of the real :func:`kg.build.state.code_fingerprint`, wherever made."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = kg.build.state.code_fingerprint

        def counted() -> str:
            self.calls += 1
            return real()

        monkeypatch.setattr(kg.build.state, "code_fingerprint", counted)
        monkeypatch.setattr(kg.build.run, "code_fingerprint", counted)


def test_a_build_makes_its_code_fingerprint_once(tmp_path: Path, nlp: Any,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    first = write_corpus(tmp_path / "first.jsonl", 6)
    more = write_corpus(tmp_path / "more.jsonl", 2, start=6)
    out = tmp_path / "out"
    counted = Fingerprints(monkeypatch)
    build([first], out, LINKING, progress=False, nlp=nlp)
    assert counted.calls == 1
    counted.calls = 0
    build([first, more], out, LINKING, progress=False, nlp=nlp)  # an add: read, planned, built
    assert counted.calls == 1
    counted.calls = 0
    build([first, more], out, LINKING, progress=False, nlp=nlp)  # a no-op
    assert counted.calls == 1
    gen = resolve(out)
    assert gen is not None
    info = json.loads((gen.root / "build.json").read_text())
    assert info["code"] == code_fingerprint()


def test_the_keys_with_the_code_given_are_the_keys_made_without(tmp_path: Path) -> None:
    from kg.build.stages import read_inputs

    path = write_corpus(tmp_path / "p.jsonl", 3)
    read, _ = read_inputs([path], LINKING, False, None, None)
    code = code_fingerprint()
    assert build_fingerprint(read, LINKING, "x", code) == build_fingerprint(read, LINKING, "x")
    assert build_fingerprint(read, LINKING, "x", "other") != build_fingerprint(read, LINKING, "x")
    assert inputs_key([path], None, LINKING, "x", code) == inputs_key([path], None, LINKING, "x")
    assert inputs_key([path], None, LINKING, "x", "other") != inputs_key([path], None, LINKING, "x")


def test_resolution_runs_with_the_build_s_objects_frozen_and_they_are_thawed_after(
        tmp_path: Path, nlp: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import gc

    first = write_corpus(tmp_path / "first.jsonl", 6)
    seen: list[int] = []
    real = kg.build.run.resolve_corpus

    def resolve(*args: Any, **kw: Any) -> Any:
        seen.append(gc.get_freeze_count())
        return real(*args, **kw)

    monkeypatch.setattr(kg.build.run, "resolve_corpus", resolve)
    assert gc.get_freeze_count() == 0
    build([first], tmp_path / "out", LINKING, progress=False, nlp=nlp)
    assert seen and seen[0] > 1000  # the papers and extractions, at least
    assert gc.get_freeze_count() == 0
    gc.freeze()  # a caller's own frozen objects stay frozen, and only those
    try:
        mine = gc.get_freeze_count()
        build([first], tmp_path / "out2", LINKING, progress=False, nlp=nlp)
        # nothing more frozen (objects freed meanwhile leave the permanent generation)
        assert mine - 100 < seen[-1] <= mine and mine - 100 < gc.get_freeze_count() <= mine
    finally:
        gc.unfreeze()
