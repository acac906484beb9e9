"""Read paper listings in any of the input formats (see --input-format), merge the same paper
met several times, and print one record per paper."""

import argparse
import sys
from typing import Any

from kg.cli.args import add_input_args
from kg.records import Paper

OUTPUT_FORMATS = ("jsonl", "csv", "table")
_TABLE_COLUMNS = ("id", "title", "date", "n_authors", "upvotes", "sightings")
_CSV_COLUMNS = ("id", "title", "abstract", "arxiv_id", "doi", "url", "authors", "n_authors", "date",
                "page_date", "upvotes", "repos", "categories", "keywords", "sources")


HELP = "read paper listings and print merged paper records"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_input_args(p)
    p.add_argument("--format", choices=OUTPUT_FORMATS, default=None,
                   help="output format (default: from the -o suffix, else table on a terminal, jsonl otherwise)")
    p.add_argument("-o", "--output", default="-", metavar="FILE", help="write here instead of stdout")


def _output_format(args: argparse.Namespace) -> str:
    if args.format:
        return str(args.format)
    if args.output != "-":
        suffix = args.output.rsplit(".", 1)[-1].lower()
        return {"csv": "csv", "txt": "table"}.get(suffix, "jsonl")
    return "table" if sys.stdout.isatty() else "jsonl"


def _row(paper: Paper) -> dict[str, Any]:
    d = paper.to_dict()
    d["sources"] = [f"{s['path']}:{s['line'] or s['position']}" for s in d["sources"]]
    d["sightings"] = len(paper.sources)
    return d


def run(args: argparse.Namespace) -> int:
    import json

    from kg.cli.render import render
    from kg.errors import InputError, InputWarning, report_word
    from kg.fileio import atomic_write
    from kg.sources import expand_paths, get_reader, iter_records, merge_papers

    fmt = _output_format(args)
    if args.input_format:
        get_reader(args.input_format)  # an unknown name fails before any file is read
    skipped = 0

    def report(error: InputError) -> None:
        nonlocal skipped
        skipped += not isinstance(error, InputWarning)  # a warned record is kept
        print(f"kg papers: {report_word(error)}: {error}", file=sys.stderr)

    files = expand_paths(args.inputs)
    entries = 0

    def sightings() -> Any:
        nonlocal entries
        for f in files:
            for paper in iter_records(f, args.input_format, args.skip_bad, report):
                entries += 1
                yield paper

    papers = list(merge_papers(sightings()))  # reading ends (or fails) before anything is written
    with atomic_write(args.output) as out:
        if fmt == "jsonl":
            for p in papers:
                out.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")
        else:
            columns = _TABLE_COLUMNS if fmt == "table" else _CSV_COLUMNS
            out.write(render([_row(p) for p in papers], columns, fmt=fmt))
    if args.output != "-" or fmt == "table":
        note = f", {skipped} skipped" if skipped else ""
        print(f"kg papers: {entries} entries from {len(files)} file{'s' * (len(files) != 1)}, "
              f"{len(papers)} distinct papers{note}", file=sys.stderr)
    return 0
