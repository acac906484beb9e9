"""Write one JSON line per paper: id, title, entities, repos, links."""

import argparse
import json
import sys

from kg.cli.args import add_extractor_arg, add_input_args, add_jobs_arg, add_mode_arg, jobs
from kg.errors import report_word

HELP = "extract methods, models, datasets and code links as JSONL"


def add_arguments(p: argparse.ArgumentParser) -> None:
    add_input_args(p)
    p.add_argument("-o", "--output", default="-", help="output file (default: standard output)")
    add_mode_arg(p)
    add_extractor_arg(p)
    add_jobs_arg(p)


def run(args: argparse.Namespace) -> int:
    from kg.build.parallel import extract_parallel
    from kg.fileio import atomic_write, progress
    from kg.settings import Settings
    from kg.sources import read_papers

    settings = Settings(skip_bad=args.skip_bad, progress=args.progress, n_process=jobs(args))
    if args.mode:
        settings = settings.with_(spacy_mode=args.mode)
    if args.extractor:
        settings = settings.with_(extractor=args.extractor)

    def report(err: Exception) -> None:
        print(f"kg extract: {report_word(err)}: {err}", file=sys.stderr)

    papers = list(read_papers(args.inputs, input_format=args.input_format,
                              skip_bad=args.skip_bad, on_error=report))
    n = 0
    with atomic_write(args.output) as out:
        for pe in progress(extract_parallel(papers, settings), "extracting", settings.progress,
                           total=len(papers), unit="paper"):
            out.write(json.dumps(pe.to_dict(), ensure_ascii=False, sort_keys=False) + "\n")
            n += 1
    if args.output != "-":
        print(f"kg extract: {n} papers -> {args.output}", file=sys.stderr)
    return 0
