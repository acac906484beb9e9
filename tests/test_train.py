"""Training the learned decider: on a tiny sample written here, deterministic, and the model
round-trips (save, load, the same predictions); ``kg train`` writes it; bad input is refused."""

import json
import os
import subprocess
import sys

import pytest

from kg.errors import InputError
from kg.extract import build_nlp, extract_entities
from kg.extract.learn import Decider, load, shipped_model
from kg.extract.learn.model import KINDS, from_json
from kg.extract.train import fit_model
from kg.records import Paper
from kg.settings import Settings

ABSTRACTS = [
    ("Zorblax: Fast Token Pruning", "We propose Zorblax, a pruning method. Zorblax beats BERT on GLUE.",
     [("method", ["Zorblax"], "proposed"), ("model", ["BERT"], "used"), ("dataset", ["GLUE"], "used")]),
    ("Quimbly Sets for Reading", "We introduce the Quimbly dataset and test RoBERTa on SQuAD.",
     [("dataset", ["Quimbly"], "proposed"), ("model", ["RoBERTa"], "used"), ("dataset", ["SQuAD"], "used")]),
    ("Faster Serving", "Serving improves with staggered batching on A100 GPUs with GPT-2.",
     [("method", ["staggered batching"], "used"), ("model", ["GPT-2"], "used")]),
    ("Sparse Lattice Fusion", "Quiet Lattice Fusion (QLF) fuses graphs; QLF beats ResNet-50 on ImageNet (imagenet here).",
     [("method", ["Quiet Lattice Fusion", "QLF"], "proposed"), ("model", ["ResNet-50"], "used"),
      ("dataset", ["ImageNet"], "used")]),
]


def gold_and_papers():
    gold, papers = [], []
    for i, (title, abstract, ents) in enumerate(ABSTRACTS):
        gold.append({"title": title, "repos": [], "entities": [
            {"type": t, "names": n, "role": r, "optional": False, "alt_types": []} for t, n, r in ents]})
        papers.append(Paper(id=f"p{i}", title=title, abstract=abstract))
    return gold, papers


@pytest.fixture(scope="module")
def trained():
    gold, papers = gold_and_papers()
    return fit_model(gold, papers)


def test_training_is_deterministic(trained):
    gold, papers = gold_and_papers()
    again, _ = fit_model(gold, papers)
    assert again.digest() == trained[0].digest()
    model, info = trained
    assert info["papers"] == 4 and info["groups"] > 10 and set(info["kinds"]) <= set(KINDS)


def test_a_saved_model_loads_and_predicts_the_same(trained, tmp_path):
    model, _ = trained
    path = model.save(tmp_path / "decider.json")
    loaded = load(path)
    assert loaded == model and loaded.digest() == model.digest()
    _, papers = gold_and_papers()
    nlp = build_nlp(Settings())
    first = [pe.to_dict() for pe in extract_entities(papers, nlp, decider=Decider(model))]
    second = [pe.to_dict() for pe in extract_entities(papers, nlp, decider=Decider(loaded))]
    assert first == second
    # fitted on these papers, it finds what the rules miss ("staggered batching")
    names = {m["name"] for pe in first for m in pe["entities"]}
    assert {"Zorblax", "BERT", "staggered batching"} <= names


def test_a_malformed_model_is_refused(tmp_path):
    bad = tmp_path / "m.json"
    bad.write_text('{"format": "kg-decider/1", "features": ["bias"], "kind_weights": [[0, 0]], '
                   '"role_weights": [0], "fit": {}}')
    with pytest.raises(InputError, match="weights do not match"):
        load(bad)
    with pytest.raises(InputError, match="not a kg decider model"):
        from_json({"format": "other"})
    (tmp_path / "x.json").write_text("{")
    with pytest.raises(InputError, match="not a JSON model"):
        load(tmp_path / "x.json")


def test_the_shipped_model_loads():
    model = shipped_model()
    assert model is not None and len(model.features) > 1000 and model.trained_on > 1000


def test_kg_train_writes_the_model(tmp_path):
    gold, papers = gold_and_papers()
    g = tmp_path / "gold.jsonl"
    g.write_text("".join(json.dumps(x) + "\n" for x in gold))
    listing = tmp_path / "papers.jsonl"
    listing.write_text("".join(json.dumps({"title": p.title, "abstract": p.abstract}) + "\n" for p in papers))
    out = tmp_path / "model"
    files = []
    for seed in ("1", "2"):  # the same file whatever Python's hash seed (no set order leaks in)
        r = subprocess.run([sys.executable, "-m", "kg", "train", str(g), "--papers", str(listing), "-o",
                            str(out / seed)], capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": seed})
        assert r.returncode == 0, r.stderr
        assert "papers=4" in r.stdout and load(out / seed / "decider.json").trained_on > 10
        files.append((out / seed / "decider.json").read_bytes())
    assert files[0] == files[1]
    r = subprocess.run([sys.executable, "-m", "kg", "train", str(tmp_path / "none.jsonl"), "--papers",
                        str(listing), "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 2 and "none.jsonl" in r.stderr and len(r.stderr.strip().splitlines()) == 1
