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
