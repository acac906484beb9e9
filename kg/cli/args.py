"""Arguments that several commands share, with the names they offer read from the registries.

These run inside a command's ``add_arguments``, which :class:`kg.cli.main.CommandParser`
calls only for the command at hand: the registries are imported there, not when the
module is, so that ``kg --help`` imports none of them.
"""

import argparse
from pathlib import Path

# a summary prints as a table, or as its own JSON object (not rows: render's json)
SUMMARY_FORMATS = ("table", "json")


def add_input_args(p: argparse.ArgumentParser) -> None:
    """The arguments of every command that reads paper listings."""
    from kg.sources import INPUT_FORMATS

    p.add_argument("inputs", nargs="+", metavar="INPUT", help="paper listings: files or directories")
    # no choices: kg.sources.get_reader refuses an unknown name, in kg's own one-line error
    p.add_argument("--input-format", default=None, metavar="NAME",
                   help=f"read every input in this format: {', '.join(INPUT_FORMATS)} "
                        "(default: detected per file)")
    p.add_argument("--skip-bad", action="store_true",
                   help="report each bad record or file on stderr and go on")


def add_mode_arg(p: argparse.ArgumentParser) -> None:
    """``--mode``: the spaCy pipeline (kg.settings.SPACY_MODES)."""
    from kg.settings import SPACY_MODES as MODES
    from kg.settings import Settings

    p.add_argument("--mode", choices=MODES, default=None,
                   help="spaCy pipeline: blank English, or sm, the small English model "
                        f"(default: {Settings().spacy_mode})")


def add_extractor_arg(p: argparse.ArgumentParser) -> None:
    """``--extractor``: who decides the mentions (kg.settings.EXTRACTORS)."""
    from kg.settings import EXTRACTORS, Settings

    p.add_argument("--extractor", choices=EXTRACTORS, default=None,
                   help="rules: the hand rules (fast); learned: the shipped learned decider over "
                        "the rules' candidates (more accurate, about a third of the speed) "
                        f"(default: {Settings().extractor})")


def add_summary_format(p: argparse.ArgumentParser) -> None:
    """``--format`` of a command that ends with a summary."""
    p.add_argument("--format", choices=SUMMARY_FORMATS, default="table", help="summary format")


def add_store_arg(p: argparse.ArgumentParser, verb: str) -> None:
    """``--store DIR``: the build a command reads (see :func:`store_dir`)."""
    from kg.settings import Settings

    p.add_argument("--store", metavar="DIR", default=None,
                   help=f"output directory of the build to {verb} (default: {Settings().output_dir})")


def store_dir(args: argparse.Namespace) -> str | Path:
    """The build directory ``--store`` names, else the settings' output directory."""
    from kg.settings import Settings

    return args.store if args.store is not None else Settings().output_dir


def _jobs(text: str) -> int:
    try:
        n = int(text)
    except ValueError:
        n = 0
    if n < 1:
        raise argparse.ArgumentTypeError(f"invalid number of jobs {text!r}: expected 1 or more")
    return n


def add_jobs_arg(p: argparse.ArgumentParser) -> None:
    """``--jobs N``: extraction processes (kg.build.parallel), by default one per core."""
    p.add_argument("--jobs", "-j", type=_jobs, default=None, metavar="N",
                   help="extract on N processes; the output is the same for any N "
                        "(default: the machine's cores)")


def jobs(args: argparse.Namespace) -> int:
    """The ``--jobs`` given, else the cores this process may use."""
    from kg.build.parallel import default_jobs

    return int(args.jobs) if args.jobs is not None else default_jobs()
