"""The pair counting of linking in parts: here, and on a real Dask cluster on loopback.

The links (and the N-Quads of the corpus) must be those of one pass in this process,
whatever the parts and wherever they run. The cluster is a ``distributed.LocalCluster`` of
two worker processes, stopped when the module's tests end.
"""

import io
import pickle
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from conftest import load_fixture_module
from distributed import Client, LocalCluster

from kg.build.distributed import link_runner, linker_fingerprint, run_parts
from kg.corpus import Corpus
from kg.errors import KGError
from kg.extract import extract_entities
from kg.rdf.nquads import write_nquads
from kg.records import Paper, PaperEntities
from kg.resolve.links import link_part, paper_links
from kg.resolve.similarity import TextIndex, cosine, text_vectors
from kg.settings import Settings
from kg.sources import read_papers

write_corpus = load_fixture_module("jobs/corpus.py").write_corpus
# loose enough that the copies of the examples make thousands of candidate links
LOOSE = Settings().with_(link_min_weight=0.0, link_max_neighbours=50, link_max_per_entity=200)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory, nlp: Any) -> tuple[list[Paper], list[PaperEntities]]:
    """130 papers (the examples again and again, titles of their own) and their extractions."""
    path = write_corpus(tmp_path_factory.mktemp("links") / "papers.jsonl", 130)
    papers = list(read_papers([path]))
    return papers, list(extract_entities(papers, nlp))


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    """The address of a LocalCluster of two worker processes on loopback, one thread each."""
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                      dashboard_address=None) as c:
        yield c.scheduler_address


def links_of(corpus: tuple[list[Paper], list[PaperEntities]], settings: Settings,
             runner: Any = None) -> Corpus:
    papers, extractions = corpus
    return Corpus.from_extractions(papers, extractions, settings, link_runner=runner)


def in_parts(size: int, seen: list[tuple[int, int]]) -> Callable[..., Iterator[Any]]:
    """A runner computing parts of ``size`` here, one by one, noting each part."""
    def run(fn: Callable[[Any, int, int], Any], shared: Any, n: int) -> Iterator[Any]:
        for lo in range(0, n, size):
            seen.append((lo, min(lo + size, n)))
            yield fn(shared, lo, min(lo + size, n))
    return run


def nquads(corpus: Corpus) -> bytes:
    out = io.BytesIO()
    write_nquads(corpus, out, corpus.settings)
    return out.getvalue()


@pytest.mark.parametrize("settings", [Settings(), LOOSE], ids=["default", "loose"])
def test_links_counted_in_parts_here_are_the_links_of_one_pass(corpus: Any, settings: Settings) -> None:
    whole = links_of(corpus, settings)
    seen: list[tuple[int, int]] = []
    parted = links_of(corpus, settings, in_parts(7, seen))
    assert len(whole.links) > 50  # copies of the same abstracts: plenty of links, text ones too
    assert {k.rule for k in whole.links} >= {"builds-on", "several", "similar"}
    assert parted.links == whole.links
    assert seen[0] == (0, 7) and seen[-1][1] == 130 and len(seen) == 19


@pytest.mark.parametrize("settings", [Settings(), LOOSE], ids=["default", "loose"])
def test_parts_given_a_pickled_index_as_a_worker_gets_it_are_the_links_of_one_pass(
        corpus: Any, settings: Settings) -> None:
    """The index crosses to a worker pickled, without what only the client reads (the
    positions by id, ancestors, idf lists, proposers); the parts need none of it."""
    sent: list[int] = []

    def pickled(fn: Callable[[Any, int, int], Any], shared: Any, n: int) -> Iterator[Any]:
        data = pickle.dumps(shared, protocol=5)
        sent.append(len(data))
        there = pickle.loads(data)
        assert not {"position", "up", "idf_list", "proposers"} & vars(there.ix).keys()
        assert there.keyed.tolist() == shared.keyed.tolist()
        for lo in range(0, n, 11):
            yield fn(there, lo, min(lo + 11, n))

    assert links_of(corpus, settings, pickled).links == links_of(corpus, settings).links
    assert sent


def test_a_part_holds_only_the_pairs_of_its_papers(corpus: Any) -> None:
    """The parts split the candidates: (p, q) is in the part of p alone, q after p."""
    papers, extractions = corpus
    parts: list[dict[tuple[int, int], Any]] = []

    def keep(fn: Callable[[Any, int, int], Any], shared: Any, n: int) -> Iterator[Any]:
        for lo in range(0, n, 40):
            parts.append(fn(shared, lo, min(lo + 40, n)))
            yield parts[-1]

    links_of(corpus, LOOSE, keep)
    assert len(parts) == 4
    for i, part in enumerate(parts):
        assert part and all(40 * i <= p < 40 * (i + 1) and q > p for p, q in part)


def test_the_text_index_gives_the_cosines_of_the_vectors_bit_for_bit(corpus: Any) -> None:
    """Its arrays hold the vectors' weights, summed exactly: the same floats as cosine()."""
    papers, _ = corpus
    vectors = text_vectors({p.id: f"{p.title}\n{p.abstract}" for p in papers[:40]}, 30)
    index = TextIndex(vectors)
    ids = sorted(vectors)
    assert all(index.cosine(a, b) == cosine(vectors[ids[a]], vectors[ids[b]])
               for a in range(len(ids)) for b in range(len(ids)))
    assert all(index.later_alike(ids[a], 0.2, 3) == {
        ids[b]: cosine(vectors[ids[a]], vectors[ids[b]]) for b in range(a + 1, len(ids))
        if cosine(vectors[ids[a]], vectors[ids[b]]) >= 0.2
        and len(vectors[ids[a]].keys() & vectors[ids[b]].keys()) >= 3} for a in range(len(ids)))


# ---------------------------------------------------------------- on the cluster

@pytest.mark.server
@pytest.mark.slow  # a cluster of processes
def test_links_counted_on_the_cluster_are_those_of_a_local_build(cluster: str, corpus: Any) -> None:
    local = links_of(corpus, LOOSE)
    with Client(cluster, set_as_default=False) as watch:
        t0 = time.time()
        watch.get_task_stream(start=t0)  # the scheduler records the tasks from now on
        with link_runner(cluster, part_size=9) as runner:
            remote = links_of(corpus, LOOSE, runner)
        tasks = [t for t in watch.get_task_stream(start=t0) if str(t["key"]).startswith("kg-link-")]
        workers = set(watch.scheduler_info()["workers"])
    assert remote.links == local.links
    assert nquads(remote) == nquads(local)
    assert len({str(t["key"]) for t in tasks}) == 15  # ceil(130 / 9) parts, each on a worker
    assert {t["worker"] for t in tasks} <= workers


@pytest.mark.server
@pytest.mark.slow  # a cluster of processes
def test_the_default_links_on_the_cluster_are_the_local_ones(cluster: str, corpus: Any) -> None:
    local = links_of(corpus, Settings())
    with link_runner(cluster) as runner:  # one part of LINK_PART papers
        remote = links_of(corpus, Settings(), runner)
    assert nquads(remote) == nquads(local)


@pytest.mark.server
@pytest.mark.slow  # a cluster of processes
def test_a_worker_with_another_linker_refuses_its_part(cluster: str, corpus: Any) -> None:
    """A worker whose linking code differs must not count pairs: its links could differ."""
    papers, extractions = corpus
    with Client(cluster, set_as_default=False) as client:
        def other_code() -> None:
            import kg.build.distributed as d

            d.linker_fingerprint = lambda: "another"  # what a worker with other code computes

        def restore() -> None:
            import importlib

            import kg.build.distributed as d

            importlib.reload(d)

        client.run(other_code)
        try:
            with pytest.raises(KGError, match=r"the Dask worker on .* runs another kg linker "
                                              rf"\(fingerprint another, this build's is {linker_fingerprint()}\)"):
                list(run_parts(client, cluster, 50, link_part, None, 130))
        finally:
            client.run(restore)
        # once restored, the same call runs
        occurrences = Corpus.from_extractions(papers, extractions, LOOSE).occurrences
        runner = lambda fn, shared, n: run_parts(client, cluster, 50, fn, shared, n)  # noqa: E731
        assert paper_links(occurrences, 130, LOOSE, runner=runner) == paper_links(occurrences, 130, LOOSE)


def test_the_link_runner_names_the_scheduler_it_cannot_reach() -> None:
    import dask

    with socket.socket() as s:  # a loopback port nothing listens on
        s.bind(("127.0.0.1", 0))
        address = f"tcp://127.0.0.1:{s.getsockname()[1]}"
    with dask.config.set({"distributed.comm.timeouts.connect": "1s"}), \
            pytest.raises(KGError, match=f"cannot reach the Dask scheduler at {address}"), \
            link_runner(address):
        pass
