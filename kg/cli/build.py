"""Read the inputs, extract entities from new or changed papers, resolve and link the whole
corpus, load the SPARQL store and write the exports into the output directory. Building again
adds new papers and keeps the earlier ones; --prune drops those the inputs no longer hold. The
same inputs change nothing."""

import argparse
import sys
from typing import Any

from kg.cli.args import (
    add_extractor_arg,
    add_input_args,
    add_jobs_arg,
    add_mode_arg,
    add_summary_format,
    jobs,
)
from kg.errors import report_word

HELP = "build or update the knowledge graph (state, store, exports)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from kg.settings import Settings

    add_input_args(p)
    p.add_argument("-o", "--output", default=None, metavar="DIR",
                   help=f"output directory (default: {Settings().output_dir})")
    p.add_argument("--base-iri", default=None, metavar="IRI", help="prefix of the IRIs minted")
    p.add_argument("--prune", action="store_true",
                   help="drop the papers of earlier builds that these inputs no longer hold")
    add_mode_arg(p)
    add_extractor_arg(p)
    add_jobs_arg(p)
    p.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                   help="extract on the Dask cluster of this scheduler (pip install 'kg[dask]')")
    add_summary_format(p)


def summary_rows(summary: Any) -> list[dict[str, Any]]:
    """The summary as (what, value) rows for a table."""
    s = summary
    rows: list[tuple[str, Any]] = [
        ("papers", s.papers),
        ("  new", s.papers_new), ("  updated", s.papers_updated),
        ("  unchanged", s.papers_unchanged), ("  kept from earlier builds", s.papers_kept),
        ("  extracted", s.papers_extracted),
    ]
    if s.papers_removed:
        rows.append(("  removed", s.papers_removed))
    if s.skipped:
        rows.append(("  bad records skipped", s.skipped))
    rows.append(("entities", sum(s.entities.values())))
    rows += [(f"  {t}", n) for t, n in s.entities.items()]
    rows += [("links", s.links), ("triples", s.triples)]
    rows += [(f"time {stage} (s)", f"{t:.2f}") for stage, t in s.timings.items()]
    return [{"what": k, "value": v} for k, v in rows]


def run(args: argparse.Namespace) -> int:
    from kg.build import build
    from kg.build.run import BuildTerminated
    from kg.rdf.iri import check_base
    from kg.settings import Settings

    changes: dict[str, Any] = {"skip_bad": args.skip_bad, "progress": args.progress,
                               "n_process": jobs(args)}
    if args.base_iri:
        changes["base_iri"] = check_base(args.base_iri)
    if args.mode:
        changes["spacy_mode"] = args.mode
    if args.extractor:
        changes["extractor"] = args.extractor
    settings = Settings().with_(**changes)
    output = args.output if args.output is not None else settings.output_dir

    def report(error: Exception) -> None:
        print(f"kg build: {report_word(error)}: {error}", file=sys.stderr)

    try:
        summary = build(args.inputs, output, settings, progress=args.progress,
                        input_format=args.input_format, on_error=report, prune=args.prune,
                        scheduler=args.scheduler)
    except BuildTerminated as e:
        print(f"kg build: {e}", file=sys.stderr)
        return 128 + 15  # as a shell reports a process SIGTERM stopped
    print_summary(summary, args.format)
    return 0


def print_summary(summary: Any, fmt: str) -> None:
    """A build's summary (kg build, kg remove) on stdout: a table, or ``fmt="json"``."""
    import json

    from kg.cli.render import render

    if fmt == "json":
        print(json.dumps(summary.to_dict(), ensure_ascii=False, indent=2))
    else:
        sys.stdout.write(render(summary_rows(summary), ["what", "value"], fmt="table"))
        print(f"outputs in {summary.output_dir}: {', '.join(summary.outputs)}")
