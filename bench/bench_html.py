"""Benchmark of the HTML view (kg.export.html.render_html) and of the page in headless Chromium.

Synthetic corpora whose papers view has about N nodes (papers + entities) and
``--edges-per-node`` times as many paper-entity edges; every mention has real
evidence offsets, so the side panel highlights as in a real corpus. For each
size: time to render the file, its size, and in Chromium (Debian's
/usr/bin/chromium, no download) the time from navigation until window.network
has drawn, and until a real click on a node has opened its panel.

    python bench/bench_html.py                       # 1,500 and 5,000 nodes
    python bench/bench_html.py --sizes 5000 --format json

The map (the default view of graph.html) and the report, on corpora linked by kg's
own linker (bench_report.synthetic_corpus) and on a build (--store): time to write
each page, its size, what the map draws, and in Chromium the time until drawn, the
labels at the starting zoom and the time for search to bring in a paper not drawn:

    python bench/bench_html.py map --store /tmp/seedsout --papers 5000
    nice -n 10 python bench/bench_html.py map --papers 100000 --no-browser
"""

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from kg.cli.render import render
from kg.export.html import render_html
from kg.records import Entity, Evidence, Link, Mention, Occurrence, Paper, PaperEntities
from kg.settings import Settings

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
TYPES = ("method", "model", "dataset")


@dataclass
class SyntheticCorpus:
    papers: dict[str, Paper]
    extractions: dict[str, PaperEntities]
    entities: dict[str, Entity]
    occurrences: list[Occurrence]
    links: list[Link] = field(default_factory=list)


def synthetic_corpus(n_nodes: int, edges_per_node: float, seed: int = 0) -> SyntheticCorpus:
    """About ``n_nodes`` nodes (70% papers) and ``edges_per_node * n_nodes`` mentions."""
    rng = np.random.default_rng(seed)
    n_papers = int(n_nodes * 0.7)
    n_ents = n_nodes - n_papers
    # mentions per paper: the mean that gives edges_per_node * n_nodes edges in all,
    # counting the one paper each entity is first given to
    mean = max(1.0, (edges_per_node * n_nodes - n_ents) / n_papers)
    sizes = np.floor(mean).astype(int) + (rng.random(n_papers) < mean % 1)
    prob = np.arange(1, n_ents + 1, dtype=np.float64) ** -0.8
    prob /= prob.sum()
    chosen = [set(rng.choice(n_ents, size=int(k), replace=False, p=prob).tolist())
              for k in sizes]
    for e, p in enumerate(rng.integers(0, n_papers, size=n_ents)):  # every entity named once
        chosen[p].add(e)
    names = [f"{TYPES[e % 3].capitalize()}-{e}" for e in range(n_ents)]
    papers, extractions, occurrences = {}, {}, []
    naming: list[list[str]] = [[] for _ in range(n_ents)]
    for p, ents in enumerate(chosen):
        pid = f"arxiv:{2400 + p // 10000:04d}.{p % 10000:05d}"
        ents_sorted = sorted(ents)
        title = f"Synthetic study {p} of {names[ents_sorted[0]]}"
        abstract = ("We compare " + ", ".join(names[e] for e in ents_sorted)
                    + " on held-out data and report where each one fails.")
        paper = Paper(pid, title, abstract, arxiv_id=pid[6:], url=f"https://arxiv.org/abs/{pid[6:]}")
        text = paper.text
        mentions = []
        for e in ents_sorted:
            start = text.index(names[e], len(title))
            ev = Evidence(text, start, start + len(names[e]), names[e])
            m = Mention(TYPES[e % 3], names[e], (names[e],), "used", (ev,))
            mentions.append(m)
            occurrences.append(Occurrence(pid, f"{TYPES[e % 3]}/e{e}", "used", m))
            naming[e].append(pid)
        papers[pid] = paper
        extractions[pid] = PaperEntities(pid, title, tuple(mentions))
    entities = {f"{TYPES[e % 3]}/e{e}": Entity(f"{TYPES[e % 3]}/e{e}", TYPES[e % 3], names[e],
                                              (names[e], f"alias {e}"), None, tuple(naming[e]))
                for e in range(n_ents)}
    links = [Link(*sorted((ps[i], ps[i + 1])), 1.0, (eid,))
             for eid, ent in entities.items() for ps in [sorted(ent.papers)]
             for i in range(len(ps) - 1)]
    return SyntheticCorpus(papers, extractions, entities, occurrences, links)


def browser_times(path: Path, browser: Any) -> dict[str, float]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.network && window.kgReady === true", timeout=120_000)
    t_ready = time.perf_counter() - t0
    # click the node nearest the view's centre, as a person would: no re-centring first
    xy, i = page.evaluate("""() => {
        const net = window.network, r = document.querySelector('#kg-graph canvas').getBoundingClientRect();
        const c = net.DOMtoCanvas({x: r.width / 2, y: r.height / 2});
        const pos = net.getPositions();
        let best = null, bd = Infinity;
        for (const k in pos) { const d = (pos[k].x - c.x) ** 2 + (pos[k].y - c.y) ** 2; if (d < bd) { bd = d; best = k; } }
        const d = net.canvasToDOM(pos[best]);
        return [[r.left + d.x, r.top + d.y], Number(best)];
    }""")
    t1 = time.perf_counter()
    page.mouse.click(xy[0], xy[1])
    page.wait_for_selector("#kg-panel:not([hidden])", timeout=30_000)
    t_click = time.perf_counter() - t1
    opened = page.get_attribute("#kg-panel", "data-node")
    page.close()
    foreign = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
    if foreign:
        raise SystemExit(f"the page requested other hosts: {foreign[:3]}")
    return {"load_s": t_ready, "click_to_panel_s": t_click,
            "first_interaction_s": t_ready + t_click, "clicked_node_opened": opened == str(i)}


def run(args: argparse.Namespace) -> list[dict[str, Any]]:
    rows = []
    browser = pw = None
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for size in args.sizes:
                corpus = synthetic_corpus(size, args.edges_per_node, args.seed)
                t0 = time.perf_counter()
                html = render_html(corpus, Settings(), view=args.view, max_nodes=0)
                t_render = time.perf_counter() - t0
                path = Path(tmp) / f"graph-{size}.html"
                path.write_text(html, encoding="utf-8")
                data = html.split('id="kg-data">', 1)[1].split("</script>", 1)[0]
                payload = json.loads(data)
                row: dict[str, Any] = {
                    "target_nodes": size, "nodes": len(payload["nodes"]),
                    "edges": len(payload["edges"]), "render_s": round(t_render, 2),
                    "html_mib": round(len(html.encode()) / 2**20, 2)}
                if browser is not None:
                    times = browser_times(path, browser)
                    row.update({k: round(v, 2) if isinstance(v, float) else v
                                for k, v in times.items()})
                rows.append(row)
    finally:
        if browser is not None:
            browser.close()
        if pw is not None:
            pw.stop()
    return rows


def map_browser(path: Path, browser: Any) -> dict[str, Any]:
    """Load until drawn, labels at the starting zoom, and search bringing in a paper not drawn."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    t0 = time.perf_counter()
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.kgReady === true", timeout=600_000)
    load = time.perf_counter() - t0
    labels = page.evaluate("window.kg.labels().filter(b => b.kind === 'node').length")
    far = page.evaluate("() => { const c = window.kg.data.config; return c.isolated.length ? "
                        "c.isolated[c.isolated.length - 1] : window.kg.data.nodes.length - 1; }")
    title = page.evaluate("i => window.kg.data.nodes[i].s[0]", far)
    t1 = time.perf_counter()
    page.fill("#kg-search", title)
    page.press("#kg-search", "Enter")
    page.wait_for_function("i => window.nodes.get(i) !== null && "
                           "document.getElementById('kg-panel').dataset.node === String(i)", arg=far)
    bring = time.perf_counter() - t1
    page.close()
    foreign = [u for u in requests if not u.startswith(("file:", "data:", "about:"))]
    if foreign:
        raise SystemExit(f"the page requested other hosts: {foreign[:3]}")
    return {"load_s": round(load, 2), "labels": labels, "search_bring_in_s": round(bring, 2)}


def run_map(args: argparse.Namespace) -> list[dict[str, Any]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_report import synthetic_corpus as linked_corpus
    from bench_report import time_report

    corpora: list[tuple[str, Any]] = []
    if args.store:
        from kg.build.state import load_corpus

        corpora.append((args.store, lambda: load_corpus(args.store)))
    corpora += [(f"synthetic {n:,}", lambda n=n: linked_corpus(n)) for n in args.papers]
    rows = []
    pw = browser = None
    if not args.no_browser:
        from playwright.sync_api import sync_playwright

        pw = sync_playwright().start()
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            for label, make in corpora:
                t0 = time.perf_counter()
                corpus = make()
                t_corpus = time.perf_counter() - t0
                t0 = time.perf_counter()
                html = render_html(corpus, Settings())
                t_map = time.perf_counter() - t0
                report = time_report(corpus, label)
                cfg = json.loads(html.split('id="kg-data">', 1)[1].split("</script>", 1)[0])["config"]
                row: dict[str, Any] = {
                    "corpus": label, "papers": len(corpus.papers), "links": len(corpus.links),
                    "corpus_s": round(t_corpus, 1), "map_s": round(t_map, 2),
                    "map_mib": round(len(html.encode()) / 2**20, 1),
                    "drawn": cfg["drawn"], "communities": len(cfg["map"]["communities"]),
                    "searchable": cfg["counts"]["papers"] + cfg["counts"]["entities"],
                    "not_linked": len(cfg["isolated"]),
                    "report_s": report["report_s"], "report_kib": report["report_kib"]}
                if browser is not None:
                    path = Path(tmp) / "graph.html"
                    path.write_text(html, encoding="utf-8")
                    row.update(map_browser(path, browser))
                rows.append(row)
                print(render([row], fmt="json"), file=sys.stderr, flush=True)
    finally:
        if browser is not None:
            browser.close()
        if pw is not None:
            pw.stop()
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["map"]:
        mp = argparse.ArgumentParser(prog="bench_html.py map", description="the map and the report")
        mp.add_argument("--store", help="a build to time too (e.g. of the seeds)")
        mp.add_argument("--papers", type=lambda s: [int(x) for x in s.split(",")], default=[5000],
                        help="comma-separated synthetic corpus sizes (default 5000)")
        mp.add_argument("--no-browser", action="store_true")
        mp.add_argument("--format", choices=["table", "json"], default="table")
        margs = mp.parse_args(argv[1:])
        print(render(run_map(margs), fmt=margs.format), end="")
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[1500, 5000],
                    help="comma-separated node counts (default 1500,5000)")
    ap.add_argument("--edges-per-node", type=float, default=4.0)
    ap.add_argument("--view", choices=["papers", "links", "entities"], default="papers")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--no-browser", action="store_true", help="only time render_html")
    ap.add_argument("--format", choices=["table", "json"], default="table")
    args = ap.parse_args(argv)
    rows = run(args)
    print(render(rows, fmt=args.format), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
