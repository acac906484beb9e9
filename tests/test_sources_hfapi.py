"""The Hugging Face daily-papers API response."""

import pytest

from kg.errors import InputError
from kg.sources import parse_hf_api, read_hf_api


def test_hf_api_entries(fixtures):
    first, second = read_hf_api(fixtures / "sources" / "hf_api.json")
    assert first.id == "arxiv:2305.12345"
    assert first.abstract == "The Hugging Face copy of the abstract."
    assert first.authors == ("Ada Lovelace", "Alan Turing")
    assert (first.date, first.page_date, first.upvotes) == ("2023-05-20", "2023-05-22", 42)
    assert first.repos == ("https://github.com/example/graph-probes", "https://example.org/graph-probes")
    assert first.keywords == ("message passing", "Cora", "probing")
    assert second.repos == () and second.n_authors is None and second.upvotes == 3
    assert [s.line for p in (first, second) for s in p.sources] == [1, 2]


def test_unwrapped_paper_object():
    (p,) = parse_hf_api('[{"id": "2401.00001", "title": "T", "summary": "S", "upvotes": 2}]')
    assert (p.id, p.upvotes, p.page_date) == ("arxiv:2401.00001", 2, None)


def test_entry_without_summary():
    text = '[{"paper": {"id": "2401.00001", "title": "T"}}]'
    with pytest.raises(InputError, match="paper.summary"):
        list(parse_hf_api(text, path="api.json"))


@pytest.mark.parametrize("field, value, name", [
    ("ai_keywords", 5, "paper.ai_keywords"),
    ("ai_keywords", ["ok", 5], "paper.ai_keywords.1"),
    ("authors", 5, "paper.authors"),
    ("authors", [5], "paper.authors.0"),
    ("authors", [{"name": 5}], "paper.authors.0.name"),
    ("upvotes", "many", "paper.upvotes"),
    ("upvotes", True, "paper.upvotes"),
    ("publishedAt", 20240101, "paper.publishedAt"),
    ("githubRepo", {"url": "x"}, "paper.githubRepo"),
    ("id", 2401.00002, "paper.id"),
    ("title", ["T"], "paper.title"),
])
def test_field_of_the_wrong_type_is_a_bad_entry(field, value, name):
    # issue 12, case 8: `ai_keywords: 5` and the like were tracebacks, even with --skip-bad
    import json

    good = {"paper": {"id": "2401.00001", "title": "T", "summary": "S"}, "publishedAt": "2024-01-02"}
    bad = {"paper": {"id": "2401.00002", "title": "U", "summary": "S", field: value}}
    text = json.dumps([good, bad])
    with pytest.raises(InputError) as e:
        list(parse_hf_api(text, path="api.json"))
    assert str(e.value).startswith(f"api.json:1: entry 2: field {name!r}")
    skipped = []
    assert [p.arxiv_id for p in parse_hf_api(text, skip_bad=True, on_error=skipped.append)] == ["2401.00001"]
    assert len(skipped) == 1


def test_entry_publishedat_of_the_wrong_type_and_a_paper_that_is_no_object():
    with pytest.raises(InputError, match="entry 1: field 'publishedAt' is an integer, expected a string"):
        list(parse_hf_api('[{"paper": {"title": "T", "summary": "S"}, "publishedAt": 5}]'))
    with pytest.raises(InputError, match="entry 1: field 'paper' is an array, expected an object"):
        list(parse_hf_api('[{"paper": ["T"]}]'))


def test_null_fields_read_as_absent():
    (p,) = parse_hf_api('[{"paper": {"id": "2401.00001", "title": "T", "summary": "S", "githubRepo": null, '
                        '"ai_keywords": null, "authors": null, "upvotes": null}, "publishedAt": null}]')
    assert (p.repos, p.keywords, p.authors, p.upvotes, p.page_date) == ((), (), (), None, None)
