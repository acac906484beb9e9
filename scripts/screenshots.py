"""The README's screenshots: the map (graph.html), a paper's panel and the report.

Builds the seed listings (or reads an existing build), opens its graph.html and
report.html in Debian's headless Chromium (/usr/bin/chromium, driven by playwright;
nothing is downloaded) and writes PNG files:

    python scripts/screenshots.py                          # kg build ../shared/seeds, then shoot
    python scripts/screenshots.py --store /tmp/seedsout    # an existing build's outputs
    python scripts/screenshots.py --out docs               # where the PNGs go (the default)

Writes docs/map.png, docs/map-panel.png and docs/report.png.
"""

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def build_seeds(seeds: Path, out: Path) -> Path:
    from kg.build import build
    from kg.settings import Settings

    build([seeds], out, settings=Settings(progress=False), progress=False)
    return out


def shoot_map(browser: Any, graph: Path, out: Path) -> list[Path]:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.goto(graph.resolve().as_uri())
    page.wait_for_function("window.kgReady === true", timeout=60000)
    page.wait_for_timeout(300)
    written = [out / "map.png", out / "map-panel.png"]
    page.screenshot(path=str(written[0]))
    # the panel of the paper with the most related papers, as a click would open it
    i = page.evaluate("""() => {
        const d = window.kg.data, n = d.config.drawn;
        let best = 0;
        for (let i = 0; i < n; i++) {
            if (d.details[i].kind === 'paper' && d.details[i].related.rows.length >
                (d.details[best].related ? d.details[best].related.rows.length : -1)) best = i;
        }
        return best;
    }""")
    page.evaluate("i => window.kg.select(i)", i)
    page.locator("#kg-panel-body h3", has_text="Related papers").scroll_into_view_if_needed()
    page.wait_for_timeout(300)
    page.screenshot(path=str(written[1]))
    page.close()
    return written


def shoot_report(browser: Any, report: Path, out: Path) -> Path:
    page = browser.new_page(viewport={"width": 1280, "height": 1100})
    page.goto(report.resolve().as_uri())
    page.wait_for_load_state("load")
    path = out / "report.png"
    page.screenshot(path=str(path))
    page.close()
    return path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", type=Path, default=ROOT.parent / "shared" / "seeds",
                    help="listings to build (default ../shared/seeds)")
    ap.add_argument("--store", type=Path, help="an existing build's output directory instead")
    ap.add_argument("--out", type=Path, default=ROOT / "docs", help="where the PNGs go")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        built = args.store or build_seeds(args.seeds, Path(tmp) / "out")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            written = shoot_map(browser, built / "graph.html", args.out)
            written.append(shoot_report(browser, built / "report.html", args.out))
            browser.close()
    for path in written:
        print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}",
              file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
