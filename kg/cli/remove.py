"""Remove papers from a build: the corpus-level stages (entities and their support, families,
links) run again over the papers that stay, and the store and exports are written anew; the
extractions of those papers are reused, so nothing is extracted again. A paper is named by its
id (arxiv:2401.00001 or 2401.00001) or its title, any case; a name that matches no paper stops
with the closest ones before anything changes. The build's recorded settings are kept. A later
`kg build` whose inputs still hold the paper adds it back (`kg build --prune` keeps a corpus to
exactly its inputs)."""

import argparse
import sys

from kg.cli.args import add_summary_format

HELP = "remove papers from a build (support, families and links follow)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from kg.settings import Settings

    p.add_argument("papers", nargs="+", metavar="ID", help="paper ids or titles")
    p.add_argument("-o", "--output", default=None, metavar="DIR",
                   help=f"output directory of the build (default: {Settings().output_dir})")
    add_summary_format(p)


def run(args: argparse.Namespace) -> int:
    from kg.build.prune import remove
    from kg.build.run import BuildTerminated
    from kg.cli.build import print_summary
    from kg.settings import Settings

    output = args.output if args.output is not None else Settings().output_dir
    try:
        summary = remove(args.papers, output, progress=args.progress)
    except BuildTerminated as e:
        print(f"kg remove: {e}", file=sys.stderr)
        return 128 + 15
    print_summary(summary, args.format)
    return 0
