"""The distributed stages of ``kg build --scheduler`` on N generated papers (the million-paper run).

A cluster of this machine is started as separate processes, as a real one runs: ``dask
scheduler`` and ``--workers`` ``dask worker`` processes (one thread each) on loopback, so
that each process's peak memory is its own (``ru_maxrss``, asked of each process at the end;
this process is the client). Then, in bounded memory on the client:

1. **Records** from ``bench/gen_corpus.py``'s generator, made as they are needed (no
   duplicate sightings: ``--duplicates 0``, so every record is a paper of its own).
2. **Extraction** on the workers (:func:`kg.build.distributed.extract_distributed`): the
   extractions come back in input order and go straight to ``extractions.jsonl``.
3. **Resolution** here (the whole corpus, from the file), then the **pair counting of
   linking** on the workers (:func:`kg.build.distributed.link_runner`), the caps here; the
   links go to ``links.jsonl``. ``--check-local`` links here too, times it and checks that
   the links are the same.

Per-worker throughput is papers over the CPU seconds the workers' processes spent in the
stage (``getrusage`` on each worker before and after), and over the seconds the tasks ran
(the scheduler's task stream, which counts time lost to other processes on a loaded
machine); from the CPU rate (a core per worker) and the client's CPU seconds (linear in
papers) the run is projected to ``--project`` papers on ``--nodes`` nodes of ``--cores``
workers each.

    nice -n 10 python bench/bench_million.py --papers 20000 --workdir /tmp/million-20k
    nice -n 10 python bench/bench_million.py --papers 100000 --check-local -o /tmp/million-100k.json

``--scheduler ADDR`` uses a running cluster instead of starting one (its processes' peaks
are then the workers' and the scheduler's as they report them).
"""

import argparse
import contextlib
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
DASK = Path(sys.executable).parent / "dask"


def _peak_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _rss_mib() -> float:
    with open("/proc/self/statm") as f:
        return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20, 1)


@contextlib.contextmanager
def local_cluster(workers: int, workdir: Path) -> Iterator[str]:
    """``dask scheduler`` and ``workers`` ``dask worker`` processes on loopback; stopped after."""
    procs: list[subprocess.Popen[bytes]] = []
    log = open(workdir / "cluster.log", "wb")
    try:
        info = workdir / "scheduler.json"
        info.unlink(missing_ok=True)
        procs.append(subprocess.Popen([str(DASK), "scheduler", "--host", "127.0.0.1", "--port", "0",
                                       "--no-dashboard", "--scheduler-file", str(info)],
                                      stdout=log, stderr=log))
        deadline = time.monotonic() + 120
        while not info.exists() or not info.read_text():
            if time.monotonic() > deadline or procs[0].poll() is not None:
                raise SystemExit(f"the Dask scheduler did not start (see {workdir / 'cluster.log'})")
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        for i in range(workers):
            procs.append(subprocess.Popen(
                [str(DASK), "worker", address, "--nthreads", "1", "--no-nanny", "--no-dashboard",
                 "--host", "127.0.0.1", "--name", f"w{i}", "--memory-limit", "0"],
                stdout=log, stderr=log))
        yield address
    finally:
        for p in procs[::-1]:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(60)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        log.close()


def papers(n: int, seed: int) -> Iterator[Any]:
    """The generator's records as Papers, one at a time."""
    sys.path.insert(0, str(HERE))
    import gen_corpus

    from kg.records import Source
    from kg.sources.records import record_to_paper

    for i, record in enumerate(gen_corpus.generate(n, seed=seed, duplicates=0.0)):
        yield record_to_paper(record, Source("generated", "jsonl", i + 1, i + 1))


class Sampler:
    """This process's RSS every second, in a thread: the largest seen, per phase."""

    def __init__(self) -> None:
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.peak = max(self.peak, _rss_mib())

    def take(self) -> float:
        peak, self.peak = max(self.peak, _rss_mib()), 0.0
        return peak

    def stop(self) -> None:
        self._stop.set()


def _warm(spacy_mode: str, min_confidence: float, extractor: str) -> None:
    """On a worker: build its pipeline now (the extraction tasks reuse it)."""
    from kg.build.distributed import _pipeline

    _pipeline(spacy_mode, min_confidence, extractor)


def _cpu() -> float:
    """On a worker: the CPU seconds its process has used."""
    import resource

    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def _spent(before: dict[str, float], after: dict[str, float]) -> dict[str, float]:
    return {w: round(after[w] - before[w], 1) for w in sorted(after) if w in before}


def _busy(stream: list[dict[str, Any]], prefix: str) -> dict[str, float]:
    """Seconds each worker spent computing tasks whose key starts with ``prefix``."""
    out: dict[str, float] = {}
    for t in stream:
        if str(t["key"]).startswith(prefix):
            for s in t.get("startstops", ()):
                if s["action"] == "compute":
                    out[t["worker"]] = out.get(t["worker"], 0.0) + s["stop"] - s["start"]
    return out


def _processes(client: Any) -> dict[str, float]:
    """Peak RSS (MiB) of the scheduler and of each worker, as each process reports it."""
    def peak() -> float:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    got = {"scheduler": round(client.run_on_scheduler(peak), 1)}
    for address, mib in sorted(client.run(peak).items()):
        got[f"worker {address}"] = round(mib, 1)
    return got


def _worker_rss(client: Any) -> dict[str, dict[str, float]]:
    """Each worker's RSS now and its peak so far (MiB), by address."""
    def rss() -> dict[str, float]:
        import os
        import resource

        with open("/proc/self/statm") as f:
            now = int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
        return {"rss": round(now, 1),
                "peak": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}

    return dict(sorted(client.run(rss).items()))


def bench(n: int, seed: int, workdir: Path, scheduler: str, check_local: bool,
          workers: int = 1) -> dict[str, Any]:
    from distributed import Client

    from kg.build.distributed import extract_distributed, link_runner
    from kg.keys import unify_spellings
    from kg.records import PaperEntities
    from kg.resolve.entities import resolve
    from kg.resolve.links import paper_links
    from kg.settings import Settings

    settings = Settings()
    sampler = Sampler()
    result: dict[str, Any] = {"papers": n, "load_average_start": os.getloadavg()}
    watch = Client(scheduler, set_as_default=False)
    try:
        watch.wait_for_workers(workers, timeout=300)  # all of them: each warms up
        result["workers"] = len(watch.scheduler_info()["workers"])
        tw = time.time()
        # each worker's pipeline, once
        watch.run(_warm, settings.spacy_mode, settings.min_confidence, settings.extractor)
        result["warm_up_s"] = round(time.time() - tw, 1)
        result["warm_worker_rss_mib"] = _worker_rss(watch)
        watch.get_task_stream(start=time.time())  # the scheduler records tasks from now on
        cpu0 = watch.run(_cpu)
        t0 = time.time()
        extractions = workdir / "extractions.jsonl"
        with open(extractions, "w", encoding="utf-8") as f:
            for pe in extract_distributed(papers(n, seed), settings, scheduler):
                f.write(json.dumps(pe.to_dict(), ensure_ascii=False) + "\n")
        t1 = time.time()
        cpu1 = watch.run(_cpu)
        result["extract"] = {"wall_s": round(t1 - t0, 1), "papers_per_s": round(n / (t1 - t0), 1),
                             "worker_cpu_s": _spent(cpu0, cpu1), "client_peak_rss_mib": sampler.take(),
                             "worker_rss_mib": _worker_rss(watch)}
        base, c1 = _rss_mib(), time.process_time()

        # resolution here, from the file; of the papers only their titles and texts are kept
        titles, texts = {}, {}
        for paper in papers(n, seed):
            titles[paper.id], texts[paper.id] = paper.title, f"{paper.title}\n{paper.abstract}"
        with open(extractions, encoding="utf-8") as f:
            found = list(unify_spellings(PaperEntities.from_dict(json.loads(line)) for line in f))
        entities, occurrences = resolve(found, settings)
        del found
        t2 = time.time()
        result["resolve"] = {"wall_s": round(t2 - t1, 1), "cpu_s": round(time.process_time() - c1, 1),
                             "entities": len(entities), "occurrences": len(occurrences),
                             "client_rss_before_mib": base, "client_peak_rss_mib": sampler.take()}
        c2 = time.process_time()
        with link_runner(scheduler) as runner:
            links = paper_links(occurrences, len(texts), settings, entities, titles, texts, runner=runner)
        t3 = time.time()
        result["link"] = {"wall_s": round(t3 - t2, 1), "client_cpu_s": round(time.process_time() - c2, 1),
                          "worker_cpu_s": _spent(cpu1, watch.run(_cpu)), "links": len(links),
                          "client_peak_rss_mib": sampler.take(), "worker_rss_mib": _worker_rss(watch)}
        with open(workdir / "links.jsonl", "w", encoding="utf-8") as f:
            for link in links:
                f.write(json.dumps(link.to_dict(), ensure_ascii=False) + "\n")
        stream = watch.get_task_stream(start=t0)
        if check_local:
            c4, t4 = time.process_time(), time.time()
            here = paper_links(occurrences, len(texts), settings, entities, titles, texts)
            result["link_local"] = {"wall_s": round(time.time() - t4, 1),
                                    "cpu_s": round(time.process_time() - c4, 1),
                                    "same_links": here == links, "client_peak_rss_mib": sampler.take()}
            if here != links:
                raise SystemExit("the links of the cluster are not those of a local run")
        result["peak_rss_mib"] = {"client": _peak_mib(), **_processes(watch)}
    finally:
        watch.close()
        sampler.stop()
    result["per_worker"] = _throughput(stream, n)
    for stage in ("extract", "link"):
        cpu = sum(result[stage]["worker_cpu_s"].values())
        result["per_worker"][stage]["papers_per_cpu_s"] = round(n / cpu, 1) if cpu else None
    result["sizes_mib"] = {name: round((workdir / name).stat().st_size / 2**20, 1)
                           for name in ("extractions.jsonl", "links.jsonl")}
    result["load_average_end"] = os.getloadavg()
    return result


def _throughput(stream: list[dict[str, Any]], n: int) -> dict[str, Any]:
    """Papers per second of computing, per worker, for extraction and for the pair counting."""
    out: dict[str, Any] = {}
    for stage, prefix in (("extract", "kg-extract-"), ("link", "kg-link-")):
        busy = _busy(stream, prefix)
        total = sum(busy.values())
        out[stage] = {"busy_s": {w: round(s, 1) for w, s in sorted(busy.items())},
                      "papers_per_busy_s": round(n / total, 1) if total else None}
    return out


def projection(r: dict[str, Any], target: int, nodes: int, cores: int) -> dict[str, Any]:
    """``target`` papers on ``nodes`` x ``cores`` workers, from the measured rates (linear)."""
    scale = target / r["papers"]
    workers = nodes * cores
    extract_rate = r["per_worker"]["extract"]["papers_per_cpu_s"]
    link_rate = r["per_worker"]["link"]["papers_per_cpu_s"]
    extract_s = target / (workers * extract_rate)
    link_s = target / (workers * link_rate) if link_rate else 0.0
    serial_s = (r["resolve"]["cpu_s"] + r["link"]["client_cpu_s"]) * scale  # CPU: a core of its own
    base = r["resolve"]["client_rss_before_mib"]
    grown = max(r["resolve"]["client_peak_rss_mib"], r["link"]["client_peak_rss_mib"]) - base
    out = {"papers": target, "nodes": nodes, "workers": workers,
           "extract_s": round(extract_s), "link_parts_s": round(link_s),
           "client_serial_s": round(serial_s), "total_s": round(extract_s + link_s + serial_s),
           "client_rss_mib": round(base + grown * scale)}
    warm, after = r.get("warm_worker_rss_mib"), r["extract"].get("worker_rss_mib")
    if warm and after:
        # a worker: its pipeline; what extraction leaves grows with the papers it extracted
        # (n / measured workers here, target / workers there); the link index is the whole
        # corpus's on every worker, so what linking adds grows with all the papers
        peaks = {w: r["peak_rss_mib"].get(f"worker {w}", after[w]["peak"]) for w in after}
        pipeline = max(v["rss"] for v in warm.values())
        extracted = max(after[w]["rss"] - warm[w]["rss"] for w in after if w in warm)
        linked = max(peaks[w] - after[w]["rss"] for w in after)
        per_worker = (target / workers) / (r["papers"] / len(after))
        out["worker_rss_mib"] = round(pipeline + extracted * per_worker + linked * scale)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--papers", "-n", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=2, help="dask worker processes (default 2)")
    parser.add_argument("--scheduler", default=None, help="use this running cluster")
    parser.add_argument("--check-local", action="store_true", help="link here too and compare")
    parser.add_argument("--workdir", type=Path, default=None, help="keep the outputs here")
    parser.add_argument("--project", type=int, default=1_000_000, help="papers to project to")
    parser.add_argument("--nodes", type=int, default=10)
    parser.add_argument("--cores", type=int, default=2, help="workers per node of the projection")
    parser.add_argument("-o", "--output", type=Path, default=None, help="also write the JSON here")
    args = parser.parse_args(argv)
    if args.papers < 1 or not 1 <= args.workers <= 2 and args.scheduler is None:
        parser.error("--papers must be 1 or more and --workers 1 or 2 on this machine")
    with contextlib.ExitStack() as stack:
        workdir = args.workdir or Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="kg-million-")))
        workdir.mkdir(parents=True, exist_ok=True)
        address = args.scheduler or stack.enter_context(local_cluster(args.workers, workdir))
        result = bench(args.papers, args.seed, workdir, address, args.check_local,
                       1 if args.scheduler else args.workers)
    result["projection"] = projection(result, args.project, args.nodes, args.cores)
    text = json.dumps(result, indent=2) + "\n"
    if args.output:
        args.output.write_text(text, encoding="utf-8")
    sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
