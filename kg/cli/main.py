"""The ``kg`` command: thin wrappers over library functions.

Each command lives in ``kg/commands/<name>.py`` with ``add_parser(subparsers)``
and ``run(args) -> int``; heavy imports happen inside ``run`` so that
``kg --help`` stays instant.
"""

import argparse
import importlib
import signal
import sys
from collections.abc import Sequence

from kg import __version__
from kg.errors import KGError

COMMANDS = ("papers", "extract", "evaluate", "build", "export", "query", "push")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg", description="Turn listings of machine-learning papers into a knowledge graph.")
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="hide progress bars")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMANDS:
        module = importlib.import_module(f"kg.cli.{name}")
        p = module.add_parser(sub)
        p.set_defaults(_run=module.run)
        # the global flags work after the command too: `kg build --debug ...`
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        p.add_argument("--no-progress", dest="progress", action="store_false", default=argparse.SUPPRESS,
                       help=argparse.SUPPRESS)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args._run(args) or 0)
    except KGError as e:
        if args.debug:
            raise
        print(f"kg {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `kg papers ... | head`: the reader went away, which is not an error
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        return 0


if __name__ == "__main__":
    sys.exit(main())
