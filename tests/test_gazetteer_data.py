"""The shipped gazetteer's data: one entry per id, families that point at entries."""

import json
from collections import Counter
from importlib import resources

import pytest

from kg.extract.lexicon import gazetteer
from kg.keys import entity_key
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


def _ancestors(g: dict, kid: str) -> set[str]:
    out: set[str] = set()
    while (kid := g[kid].parent) and kid not in out:
        out.add(kid)
    return out


def test_no_entry_names_its_own_variant() -> None:
    # "Mamba-370M" listed among Mamba's names made the variant Mamba itself: a paper on the
    # 370M model linked to every Mamba paper as the same entity, not as a variant of it
    g = gazetteer()
    own = {kid: entity_key(e.name) for kid, e in g.items()}
    bad = [(kid, a, other) for other, e in g.items() for kid in _ancestors(g, other)
           for a in g[kid].aliases if entity_key(a) == own[other] != own[kid]]
    assert bad == []


# names that are two things (acronyms mostly): a name of the first, the name of the second.
# Any other name of one entry that spells another entry's name is that entry entered twice
# (UCF-101 and UCF101 were, and a corpus writing both got two datasets) or a variant's
# name (test above): merge the entries, or drop the alias.
HOMONYMS = {frozenset(pair) for pair in [
    ("acdc", "acdc-dataset"), ("chameleon", "chameleon-graph"), ("codex", "codex-kg-completion"),
    ("convolutional-pose-machines", "cpm"), ("dcn-v2", "dcnv2"), ("deformable-convolution", "dcn"),
    ("e3-equivariant-diffusion-model", "edm"), ("eagle", "eagle-vlm"), ("eagle-2", "eagle-2-vlm"),
    ("esd", "erased-stable-diffusion"), ("film", "film-interp"), ("flare", "flare-dataset"),
    ("graph-autoencoder", "gae"), ("grouped-query-attention", "gqa-dataset"),
    ("han", "heterogeneous-graph-attention-network"), ("hat", "hat-sr"), ("lama", "lama-inpainting"),
    ("mace", "mace-potential"), ("mas", "memory-aware-synapses"), ("mms", "mnms"),
    ("multi-agent-transformer", "mat-inpaint"), ("neural-ode", "node"), ("once-for-all", "ofa"),
    ("oscar", "oscar-vlp"), ("packnet-sfm", "packnet"), ("sam", "segment-anything"), ("san", "san-seg"),
    ("simple-kge", "simple-rl"), ("slic-hf", "slic"), ("sliding-window-attention", "swa"),
    ("snips", "snip"), ("spin", "spin-hmr"), ("st-gcn", "stgcn"), ("superglue", "superglue-matcher"),
    ("swa-gaussian", "swag"), ("transfusion", "transfusion-3d"), ("universal-sentence-encoder", "muse"),
    ("visual-prompt-tuning", "video-pretraining"), ("vit-g-14", "vit-gigantic-14"), ("vit-s", "vits"),
    ("wham", "wham-motion"), ("xlsr-53", "xls-r"), ("yelp", "yelp-graph"),
]}


def test_a_name_of_two_entries_is_a_known_homonym() -> None:
    g = gazetteer()
    by_name: dict[str, list[str]] = {}
    for kid, e in g.items():
        by_name.setdefault(entity_key(e.name), []).append(kid)
    shared = {frozenset((kid, other)) for kid, e in g.items() for n in e.names for other in by_name.get(entity_key(n), [])
              if other != kid and kid not in _ancestors(g, other) and other not in _ancestors(g, kid)}
    assert shared - HOMONYMS == set()
    assert HOMONYMS - shared == set()  # (a pair resolved since: take it off the list)
