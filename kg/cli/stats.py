"""Print the figures of the last build, as report.html shows them: counts and coverage, how
papers are dated, the top methods, models and datasets, papers and top entities per month,
the entities rising fastest, the share of papers with official code per month, and the largest
communities of related papers. Reads the build's store; nothing is rebuilt."""

import argparse
import sys

from kg.cli.args import add_store_arg, store_dir

HELP = "print the corpus figures of a build (what report.html shows)"
FORMATS = ("table", "json", "csv")


def add_arguments(p: argparse.ArgumentParser) -> None:
    from kg.export.report.figures import FIGURE_NAMES

    add_store_arg(p, "describe")
    p.add_argument("--figure", action="append", choices=FIGURE_NAMES, metavar="NAME",
                   help=f"only this figure (repeatable): {', '.join(FIGURE_NAMES)}")
    p.add_argument("--top", type=int, default=None, metavar="N",
                   help="rows of each ranked figure (default: the build's, 10)")
    p.add_argument("--format", choices=FORMATS, default="table",
                   help="table; json (every figure with its rows); csv (one figure's table, or "
                        "every value as figure,row,column,value)")


def run(args: argparse.Namespace) -> int:
    import json

    from kg.cli.render import render, render_sections
    from kg.errors import KGError
    from kg.export.report.figures import corpus_figures
    from kg.export.report.stored import build_settings, read_digest

    if args.top is not None and args.top < 1:
        raise KGError(f"--top must be 1 or more, not {args.top}")
    directory = store_dir(args)
    settings = build_settings(directory)
    if args.top is not None:
        settings = settings.with_(report_top=args.top)
    figures = corpus_figures(read_digest(directory), settings, args.figure)
    if args.format == "json":
        text = json.dumps(figures.to_dict(), ensure_ascii=False, indent=2) + "\n"
    elif args.format == "csv":
        tables = list(figures)
        text = (render(tables[0].records(), tables[0].columns, fmt="csv") if len(tables) == 1
                else render(figures.long_rows(), ["figure", "row", "column", "value"], fmt="csv"))
    else:
        text = render_sections([(t.title, t.records(), t.columns, t.note) for t in figures])
    sys.stdout.write(text)
    return 0
