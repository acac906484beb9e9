"""Acceptance on the real Daily Papers dumps in ../shared/seeds.

The expected counts were found without kg: layout (a) files have two header
lines then title/abstract line pairs (548 lines -> 273 entries, 422 -> 210);
the layout (b) file has 192 blank-line separated blocks = 6 header blocks +
63 titles + 63 abstracts + 60 metadata blocks ("• N authors" lines: 60). Titles
reduced to lowercase letters and digits with sed give 520 distinct of 546.
"""

import pytest

from kg.sources import iter_records, read_papers

pytestmark = pytest.mark.shared

FILES = {"000_2c7396c210b54068.txt": 273, "001_a5b0e38b16ef67d9.txt": 63, "002_7042f57aacc04ae2.txt": 210}


def _skip_none(error):
    raise AssertionError(f"nothing should be skipped in the seeds: {error}")


@pytest.mark.parametrize("name, count", FILES.items())
def test_every_entry_of_each_file(shared, name, count):
    papers = list(iter_records(shared / "seeds" / name, on_error=_skip_none))
    assert len(papers) == count
    assert all(p.title and p.abstract and p.sources[0].format == "dailypapers" for p in papers)
    assert [p.sources[0].position for p in papers] == list(range(1, count + 1))


def test_line_layout_entries(shared):
    papers = list(iter_records(shared / "seeds" / "000_2c7396c210b54068.txt"))
    first, second = papers[:2]
    assert first.title == "Iterative Forward Tuning Boosts In-Context Learning in Language Models"
    assert first.abstract.startswith("Despite the advancements in in-context learning (ICL)")
    assert first.sources[0].line == 3
    assert second.title == "Are Sixteen Heads Really Better than One?"
    assert second.abstract.startswith("Attention is a powerful and ubiquitous mechanism")
    assert (second.n_authors, second.date, second.upvotes, second.page_date) == (None, None, None, None)
    assert papers[-1].title == "The Geometry of Concepts: Sparse Autoencoder Feature Structure"
    other = list(iter_records(shared / "seeds" / "002_7042f57aacc04ae2.txt"))
    assert other[0].title == "Learning to Write with Coherence From Negative Examples"


def test_block_layout_entries(shared):
    papers = {p.title: p for p in iter_records(shared / "seeds" / "001_a5b0e38b16ef67d9.txt")}
    p = papers["Disentangling Recall and Reasoning in Transformer Models through Layer-wise Attention "
               "and Activation Analysis"]
    assert p.abstract.startswith("Transformer-based language models excel at both recall")
    assert (p.n_authors, p.date, p.upvotes, p.page_date) == (6, "Oct 3", None, "Nov 4")
    p = papers["Improving Editability in Image Generation with Layer-wise Memory"]
    assert (p.n_authors, p.date, p.upvotes) == (3, "May 2", 1)
    p = papers["Guided Interpretable Facial Expression Recognition via Spatial Action Unit Cues"]
    assert (p.n_authors, p.date, p.upvotes) == (5, "Jan 31, 2024", None)
    p = papers["ART: Anonymous Region Transformer for Variable Multi-Layer Transparent Image Generation"]
    assert (p.n_authors, p.date, p.upvotes, p.page_date) == (None, None, None, "Nov 4")


def test_all_seeds_merge_duplicates(shared):
    papers = list(read_papers(shared / "seeds", on_error=_skip_none))
    assert len(papers) == 520
    assert sum(len(p.sources) for p in papers) == 546
    assert sum(1 for p in papers if len(p.sources) == 2) == 26
    (titans,) = [p for p in papers if p.title == "Titans: Learning to Memorize at Test Time"]
    assert [s.path.rsplit("/", 1)[-1] for s in titans.sources] == [
        "001_a5b0e38b16ef67d9.txt", "002_7042f57aacc04ae2.txt"]
    assert (titans.n_authors, titans.date, titans.upvotes) == (3, "Dec 31, 2024", 3)
