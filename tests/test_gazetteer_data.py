"""The shipped gazetteer's data: one entry per id, families that point at entries."""

import json
from collections import Counter
from importlib import resources

import pytest

from kg.extract.lexicon import gazetteer
from kg.records import ENTITY_TYPES


def _entries() -> list[tuple[str, int, dict]]:
    folder = resources.files("kg.extract").joinpath("data", "gazetteer")
    out = []
    for path in sorted(folder.iterdir(), key=lambda p: p.name):
        if path.name.endswith(".jsonl"):
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if line.strip():
                    out.append((path.name, n, json.loads(line)))
    return out


def test_every_id_is_one_entry_in_one_file() -> None:
    # an id written twice meant that the loader kept the first entry and dropped the other's
    # names, or another entity of the same id altogether (SAM the optimizer hid Segment Anything)
    counts = Counter(d["id"] for _, _, d in _entries())
    assert [i for i, c in counts.items() if c > 1] == []


def test_every_parent_is_an_entry_and_no_entry_is_its_own_parent() -> None:
    ids = {d["id"] for _, _, d in _entries()}
    bad = [(f, n, d["parent"]) for f, n, d in _entries() if d.get("parent") and (d["parent"] not in ids
                                                                                 or d["parent"] == d["id"])]
    assert bad == []


def test_every_entry_has_a_type_of_the_records_and_a_name() -> None:
    bad = [(f, n) for f, n, d in _entries() if d["type"] not in ENTITY_TYPES or not d["name"].strip()]
    assert bad == []


def test_the_loader_keeps_every_entry() -> None:
    assert len(gazetteer()) == len(_entries())


@pytest.mark.parametrize(("child", "parent", "kind"), [
    ("sam-2", "segment-anything", "model"),      # not Sharpness-Aware Minimization
    ("medsam", "segment-anything", "model"),
    ("asam", "sam", "method"),                  # Adaptive SAM is the optimizer's
    ("sgd-with-momentum", "sgd", "method"),     # not the Schema-Guided Dialogue dataset
    ("eagle-2-vlm", "eagle-vlm", "model"),
    ("eagle-2", "eagle", "method"),
])
def test_families_of_names_two_entities_share_point_at_the_right_one(child: str, parent: str, kind: str) -> None:
    g = gazetteer()
    assert g[child].parent == parent
    assert g[parent].type == kind


def test_names_of_an_entity_once_split_over_two_files_are_all_known() -> None:
    g = gazetteer()
    assert "Segment Anything Model" in g["segment-anything"].names
    assert "Stochastic Gradient Descent" in g["sgd"].names
    assert "Schema-Guided Dialogue" in g["schema-guided-dialogue"].names
