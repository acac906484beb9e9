"""Show the card of one paper or entity of the last build, found by any id, arXiv id, title,
name or alias (any case): an entity's family (up and down), aliases, the papers naming it with
their dates, the entities named with it and its code; a paper's dates, entities by role, related
papers with the link's weight and shared entities, and its code and project links. A name that
matches nothing is an error (exit 2) that suggests the closest names."""

import argparse
import sys

from kg.cli.args import add_store_arg, store_dir

HELP = "show the card of a paper or entity of a build"


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("name", nargs="+", metavar="NAME",
                   help="a paper id, arXiv id or title, or an entity id, name or alias "
                        "(several words are one name)")
    add_store_arg(p, "read")
    p.add_argument("--all", action="store_true", help="list every paper (default: the first 20)")
    p.add_argument("--format", choices=("table", "json"), default="table", help="text or JSON")


def run(args: argparse.Namespace) -> int:
    import json

    from kg.export.report.cards import card
    from kg.export.report.stored import read_digest

    found = card(read_digest(store_dir(args)), " ".join(args.name))
    if args.format == "json":
        sys.stdout.write(json.dumps(found.to_dict(), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(found.text(limit=None if args.all else 20))
    return 0
