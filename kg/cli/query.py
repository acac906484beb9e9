"""Run a read-only SPARQL query on the store written by `kg build`. The default graph is the
union of all graphs (each paper has its own named graph). Presets take parameters with --param
key=value; values are bound as RDF terms, never pasted into the query. Updates are refused, and
so are SERVICE clauses (requests to other servers) unless --allow-service; a query stops after
--timeout seconds or on Ctrl-C.

--format: table (the default; Turtle for a CONSTRUCT or DESCRIBE graph) and jsonl give plain
values; json, csv and tsv are the W3C SPARQL 1.1 Query Results formats; turtle and nt write a
CONSTRUCT or DESCRIBE graph. A preset whose paper or entity parameter names nothing in the
store says so, with the closest names, and exits with code 2."""

import argparse
import sys

from kg.cli.args import add_store_arg, store_dir
from kg.cli.render import FORMATS as TABLE_FORMATS
from kg.cli.render import QUERY_FORMATS

HELP = "run SPARQL (or a preset query) on the store of a build"
DEFAULT_TIMEOUT = 60.0


def add_arguments(p: argparse.ArgumentParser) -> None:
    from kg.store.presets import preset_names

    p.add_argument("sparql", nargs="?", help="the query text (or use --file / --preset)")
    p.add_argument("--file", metavar="Q.rq", help="read the query from this file")
    # no choices: kg.store.presets refuses an unknown name, in kg's own one-line error
    p.add_argument("--preset", metavar="NAME",
                   help=f"run a ready-made query: {', '.join(preset_names())} (see --list-presets)")
    p.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                   help="a preset parameter (repeatable)")
    p.add_argument("--list-presets", action="store_true", help="list the presets and their parameters")
    p.add_argument("--show-query", action="store_true", help="print the preset's SPARQL instead of running it")
    add_store_arg(p, "query")
    p.add_argument("--format", choices=QUERY_FORMATS, default=None,
                   help="table (the default for SELECT and ASK), json, csv or tsv (the W3C SPARQL "
                        "results formats), jsonl (one object of plain values a row); a CONSTRUCT or "
                        "DESCRIBE graph also as turtle (its default) or nt")
    p.add_argument("--timeout", type=_seconds, default=DEFAULT_TIMEOUT, metavar="SECONDS",
                   help=f"stop the query after this long (default {DEFAULT_TIMEOUT:g}; 0 = no limit)")
    p.add_argument("--allow-service", action="store_true",
                   help="let SERVICE clauses send requests to the servers they name")


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds >= 0, got {text!r}")
    return value


def run(args: argparse.Namespace) -> int:
    from kg.cli.render import query_text, render
    from kg.errors import InputError, QueryError
    from kg.store.embedded import query_output
    from kg.store.presets import describe_presets, parse_params, preset_query, presets_help

    if args.list_presets:
        if args.format not in (None, *TABLE_FORMATS):
            raise QueryError(f"--list-presets is written as {', '.join(TABLE_FORMATS)}, "
                             f"not {args.format}")
        text = (presets_help() if args.format in (None, "table")
                else render(describe_presets(), fmt=args.format))
        sys.stdout.write(text)
        return 0
    given = [x for x in (args.sparql, args.file, args.preset) if x]
    if len(given) != 1:
        raise QueryError("give exactly one of: a SPARQL query, --file Q.rq, --preset NAME")
    if args.param and not args.preset:
        raise QueryError("--param goes with --preset")
    if args.preset:
        sparql = preset_query(args.preset, parse_params(args.param))
    elif args.file:
        try:
            with open(args.file, encoding="utf-8") as f:
                sparql = f.read()
        except (OSError, UnicodeDecodeError) as e:
            raise InputError(args.file, f"cannot read the query: {e}") from None
    else:
        sparql = args.sparql
    if args.show_query:
        print(sparql)
        return 0
    result = query_output(store_dir(args), sparql, allow_service=args.allow_service,
                          timeout=args.timeout)
    if args.preset and not result.rows and not result.triples and not result.boolean:
        from kg.store.lookup import check_keys

        check_keys(args.preset, parse_params(args.param),  # raises naming what is unknown
                   lambda q: query_output(store_dir(args), q, timeout=args.timeout))
    sys.stdout.write(query_text(result, args.format))
    return 0

