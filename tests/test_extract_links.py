"""Code links: which are the paper's own (official), and which repository each one is."""

import csv

import pytest

from kg.extract.links import find_links, is_official
from kg.sources import read_papers

# the last cue before a link decides; official is the default
OWN = [
    "Codes are available at https://github.com/a/b.",
    "Code is publicly available at https://github.com/a/b.",
    "Our code can be found at https://github.com/a/b .",
    "The source code of this paper can be obtained from https://github.com/a/b.",
    "Code and models are released at https://github.com/a/b",
    "Please check out our repo https://github.com/a/b",
    "Project page: https://a.github.io/b/",
    "See https://github.com/a/b.",
    "Built on Detectron2, our code is available at https://github.com/a/b.",
    "Code is available in the Darknet framework at https://github.com/a/b.",
    "The code is released as a part of: https://github.com/a/b.",
]
OTHERS = [
    "Our implementation is based on https://github.com/a/b.",
    "We build on https://github.com/a/b for data.",
    "The code is built upon the codebase https://github.com/a/b.",
    "We use the LLaVA checkpoints from https://huggingface.co/a/b.",
    "We compare with the baseline of https://github.com/a/b.",
    "Our trainer is adapted from https://github.com/a/b.",
    "The detector follows the official implementation of DETR (https://github.com/a/b).",
    "Experiments use the weights provided by https://huggingface.co/a/b.",
    "It runs on top of https://github.com/a/b.",
]


@pytest.mark.parametrize("text", OWN)
def test_availability_statements_are_official(text):
    ((_, _, repo),) = find_links(text)
    assert repo.official, text


@pytest.mark.parametrize("text", OTHERS)
def test_links_to_someone_elses_work_are_not_official(text):
    ((_, _, repo),) = find_links(text)
    assert not repo.official, text


def test_each_link_of_a_sentence_has_its_own_cues():
    text = ("Our code is available at https://github.com/me/ours, which is built on "
            "https://github.com/other/base and uses https://github.com/more/lib. "
            "We use https://github.com/x/y. Code: https://github.com/me/second.")
    assert [(r.repository.rsplit("/", 2)[-2], r.official) for *_, r in find_links(text)] == [
        ("me", True), ("other", False), ("more", False), ("x", False),
        ("me", True)]


def test_is_official_needs_an_own_cue_after_the_last_other_one():
    assert is_official("") and is_official("The code is at ")
    assert not is_official("Our model is based on ")
    assert is_official("Our model is based on LLaMA, and our code is released at ")


def test_one_repository_spelled_in_two_cases_in_one_text_keeps_the_first_spelling():
    text = "Code: https://github.com/OpenNLPLab/LASP. Mirror: github.com/opennlplab/lasp/tree/main."
    repos = [r.repository for *_, r in find_links(text)]
    assert repos == ["https://github.com/OpenNLPLab/LASP"] * 2
    gitlab = "Code: https://gitlab.com/Group/sub/Project and https://gitlab.com/group/sub/project."
    assert [r.repository for *_, r in find_links(gitlab)] == [  # GitLab: case kept, groups too
        "https://gitlab.com/Group/sub/Project", "https://gitlab.com/group/sub/project"]


def _hand_check(fixtures):
    with open(fixtures / "extract" / "seed_links_official.csv", newline="", encoding="utf-8") as f:
        return [(r["paper_id"], r["url"], r["official"] == "yes") for r in csv.DictReader(f)]


@pytest.mark.shared
def test_seed_links_match_the_hand_check(shared, fixtures):
    """Every link of the seeds, judged by reading its sentence (tests/fixtures/extract/
    seed_links_official.csv): all 99 are the authors' own availability statements, two of
    them a survey's reading list. Before issue 11, 26 were marked not official."""
    expected = _hand_check(fixtures)
    got = [(p.id, r.url, r.official) for p in read_papers(shared / "seeds") for *_, r in find_links(p.text)]
    assert len(expected) == 99
    assert [g[:2] for g in got] == [e[:2] for e in expected]  # the same links, in the same order
    agree = sum(g == e for g, e in zip(got, expected, strict=True))
    assert agree == len(expected), [e for g, e in zip(got, expected, strict=True) if g != e]
