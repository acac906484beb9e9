"""One module per ``kg`` command: ``add_parser(subparsers)`` and ``run(args) -> int``."""

import argparse

INPUT_FORMATS_HELP = ("dailypapers, jsonl, json, csv, arxiv-atom, arxiv-snapshot, hf-api "
                      "(default: detected per file)")


def add_input_args(p: argparse.ArgumentParser) -> None:
    """The arguments of every command that reads paper listings."""
    p.add_argument("inputs", nargs="+", metavar="INPUT", help="paper listings: files or directories")
    p.add_argument("--input-format", default=None, metavar="NAME",
                   help=f"read every input in this format: {INPUT_FORMATS_HELP}")
    p.add_argument("--skip-bad", action="store_true",
                   help="report each bad record or file on stderr and go on")
