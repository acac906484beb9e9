"""pandas tables: documented columns, and exact CSV / Parquet round-trips."""

import io
import json

import pandas as pd
import pytest

from kg.corpus import Corpus
from kg.errors import FormatError, InputError
from kg.export import tables as frames
from kg.records import Paper, PaperEntities
from kg.settings import Settings


@pytest.fixture
def corpus(fixtures):
    d = fixtures / "graph"
    papers = [Paper.from_dict(json.loads(x)) for x in (d / "papers.jsonl").read_text().splitlines()]
    found = [PaperEntities.from_dict(json.loads(x))
             for x in (d / "extractions.jsonl").read_text().splitlines()]
    # 8 papers: with the default link_max_df every shared entity is common and nothing links
    return Corpus.from_extractions(papers, found, Settings().with_(link_max_df=0.5))


def all_frames(corpus):
    return {"papers": corpus.papers_df(), "entities": corpus.entities_df(),
            "mentions": corpus.mentions_df(), "links": corpus.links_df(),
            "repos": corpus.repos_df()}


def test_frames_have_documented_columns_and_rows(corpus):
    dfs = all_frames(corpus)
    for table, df in dfs.items():
        assert list(df.columns) == list(frames.COLUMNS[table]), table
    assert len(dfs["papers"]) == len(corpus.papers)
    assert len(dfs["entities"]) == len(corpus.entities)
    assert len(dfs["mentions"]) == len(corpus.occurrences)
    assert len(dfs["links"]) == len(corpus.links)
    ent = dfs["entities"].set_index("id")
    assert ent.loc["dataset/imagenet-1k", "support"] == 3
    assert sorted(ent.loc["dataset/imagenet-1k", "aliases"]) == ["ImageNet 1K", "ImageNet-1K",
                                                                  "ImageNet-1k"]
    m = dfs["mentions"]
    row = m[(m.paper == "arxiv:2304.08485") & (m.entity == "model/llava")].iloc[0]
    assert row["role"] == "proposed" and row["n_evidence"] == 1
    assert "LLaVA" in row["evidence"]
    repos = dfs["repos"]
    assert repos[repos.paper == "arxiv:2304.08485"].iloc[0]["official"]
    papers = dfs["papers"].set_index("id")
    assert papers.loc["arxiv:2401.00003", "n_entities"] == 0
    assert pd.isna(papers.loc["arxiv:2111.06377", "upvotes"])


@pytest.mark.parametrize("table", list(frames.COLUMNS))
def test_parquet_and_csv_round_trip(corpus, table):
    df = all_frames(corpus)[table]
    assert len(df)
    pd.testing.assert_frame_equal(frames.parse_parquet(frames.to_parquet(df), table), df)
    text = frames.to_csv(df)
    pd.testing.assert_frame_equal(frames.parse_csv(text, table), df)


def test_csv_joins_lists_and_parquet_keeps_them(corpus):
    ents = corpus.entities_df()
    assert "ImageNet 1K; ImageNet-1K; ImageNet-1k" in frames.to_csv(ents)
    back = pd.read_parquet(io.BytesIO(frames.to_parquet(ents)))
    assert list(back.set_index("id").loc["dataset/imagenet-1k", "aliases"]) == [
        "ImageNet 1K", "ImageNet-1K", "ImageNet-1k"]


def test_empty_frames_keep_columns():
    df = frames.links_df([])
    assert list(df.columns) == list(frames.COLUMNS["links"]) and len(df) == 0
    pd.testing.assert_frame_equal(frames.parse_parquet(frames.to_parquet(df), "links"), df)


def test_read_errors_and_unknown_names(tmp_path):
    with pytest.raises(FormatError, match="expected one of: csv, parquet"):
        frames.table_bytes(frames.links_df([]), "xlsx")
    with pytest.raises(FormatError, match="unknown table 'paper'"):
        frames.parse_csv("id\n", "paper")
    bad = tmp_path / "links.parquet"
    bad.write_bytes(b"not parquet")
    with pytest.raises(InputError, match="links.parquet"):
        frames.read_parquet(bad, "links")
    good = tmp_path / "links.csv"
    good.write_text("source,target,weight,n_shared,shared\na,b,1.5,2,e1; e2\n")
    df = frames.read_csv(good, "links")
    assert df.iloc[0]["shared"] == ["e1", "e2"] and df.iloc[0]["weight"] == 1.5
