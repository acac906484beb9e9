"""The ``kg`` command: thin wrappers over library functions.

Each command lives in ``kg/cli/<name>.py``: its docstring (what ``kg NAME --help``
says), ``HELP`` (its line in ``kg --help``), ``add_arguments(parser)`` and
``run(args) -> int``. Arguments are
added only to the command being run (:class:`CommandParser`) and heavy imports happen
inside ``run``, so that ``kg --help`` stays instant.
"""

import argparse
import contextlib
import importlib
import os
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from kg import __version__
from kg.errors import KGError
from kg.fileio import write_failure

COMMANDS = ("papers", "extract", "evaluate", "train", "build", "remove", "export", "query", "push",
            "stats", "show")


class CommandParser(argparse.ArgumentParser):
    """The parser of one command, whose arguments are added the first time it is used.

    A command's arguments offer the names of registries (input formats, spaCy modes,
    export formats...), and some registries import heavy packages (the spaCy modes live
    beside the pipeline): only the command being parsed, or whose help is shown, loads them.
    """

    def __init__(self, *args: Any, add_arguments: Callable[[argparse.ArgumentParser], None] | None = None,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._add_arguments = add_arguments

    def _complete(self) -> None:
        if self._add_arguments is not None:
            add, self._add_arguments = self._add_arguments, None
            add(self)

    def parse_known_args(self, args: Iterable[str] | None = None,
                         namespace: Any = None) -> tuple[Any, list[str]]:
        self._complete()
        return super().parse_known_args(args, namespace)

    def format_usage(self) -> str:
        self._complete()
        return super().format_usage()

    def format_help(self) -> str:
        self._complete()
        return super().format_help()


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kg", description="Turn listings of machine-learning papers into a knowledge graph.")
    parser.add_argument("--version", action="version", version=f"kg {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    parser.add_argument("--no-progress", dest="progress", action="store_false",
                        help="hide progress bars")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for name in COMMANDS:
        module = importlib.import_module(f"kg.cli.{name}")
        p = sub.add_parser(name, help=module.HELP, description=module.__doc__,
                           add_arguments=module.add_arguments)
        p.set_defaults(_run=module.run)
        # the global flags work after the command too: `kg build --debug ...`
        p.add_argument("--debug", action="store_true", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
        p.add_argument("--no-progress", dest="progress", action="store_false", default=argparse.SUPPRESS,
                       help=argparse.SUPPRESS)
    return parser


def not_utf8(token: str) -> str | None:
    """``token`` as typed, if it is not UTF-8 text (Python hands such bytes over as
    lone surrogates), else None.

    >>> not_utf8("caf\\udcc3"), not_utf8("café")
    ('caf\\\\xc3', None)
    """
    try:
        token.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = token.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            return token.encode("utf-8", "backslashreplace").decode("utf-8")
        return raw.decode("utf-8", "backslashreplace")
    return None


def _discard_stdout() -> None:
    """After standard output failed, keep Python's flush at exit from failing (and printing) again."""
    try:
        sys.stdout.flush()
    except (OSError, ValueError):
        if sys.__stdout__ is not None and sys.stdout is sys.__stdout__:  # not when a test captures it
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.__stdout__.fileno())
            os.close(devnull)


def run() -> None:
    """The ``kg`` command: :func:`main`, then the process ends at once.

    When :func:`main` returns, every file is written and closed; what is left is to free
    the objects a build made one by one, millions of them, which takes seconds (measured:
    1 s after an add of 1,000 papers to 101,000; 3.9 s for the state of that build held with
    the collector not frozen) and changes nothing. Standard output and error are flushed first.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):
            stream.flush()
    os._exit(code)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in argv if a in COMMANDS), "")
    for token in argv:
        shown = not_utf8(token)
        if shown is not None:  # kg writes its arguments into UTF-8 outputs (and queries)
            print(f"kg{' ' + command if command else ''}: error: argument '{shown}' is not "
                  "UTF-8 text", file=sys.stderr)
            return 2
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "_run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        code = int(args._run(args) or 0)
        sys.stdout.flush()  # a full device fails here, where it can be reported, not at exit
        return code
    except KGError as e:
        if args.debug:
            raise
        _discard_stdout()
        print(f"kg {args.command}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"kg {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `kg papers ... | head`: the reader went away, which is not an error
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
        return 0
    except OSError as e:
        # files are written by kg.fileio.atomic_write, which names them: this is standard output
        failure = write_failure(e, e.filename or "standard output")
        if failure is None or args.debug:
            raise
        _discard_stdout()
        print(f"kg {args.command}: error: {failure}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
