"""Send the store of a build to a SPARQL 1.1 Graph Store HTTP Protocol endpoint, in chunks,
then check the triple count through its query service. With --graph or --default-graph all
triples are sent as N-Triples to that graph; with neither, the dataset (one named graph per
paper) is sent as N-Quads."""

import argparse
import os
import sys

from kg.cli.args import add_store_arg, add_summary_format, store_dir

HELP = "send the graph to a triple store (SPARQL Graph Store protocol)"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from kg.store.push import AUTH_SCHEMES

    p.add_argument("--endpoint", required=True, metavar="URL",
                   help="graph store URL, e.g. http://localhost:7878/store (Oxigraph) or "
                        "http://localhost:8890/sparql-graph-crud-auth (Virtuoso)")
    target = p.add_mutually_exclusive_group()
    target.add_argument("--graph", metavar="IRI", help="the named graph to write")
    target.add_argument("--default-graph", action="store_true", help="write the default graph")
    add_store_arg(p, "push")
    p.add_argument("--user", metavar="U")
    p.add_argument("--password", metavar="P",
                   help="password (default: the KG_ENDPOINT_PASSWORD environment variable)")
    p.add_argument("--auth", choices=AUTH_SCHEMES, default="basic")
    p.add_argument("--chunk-triples", type=int, default=50_000, metavar="N",
                   help="triples per request (default %(default)s)")
    p.add_argument("--query-endpoint", metavar="URL",
                   help="SPARQL query URL for the count check (default: guessed from --endpoint)")
    p.add_argument("--replace", action="store_true",
                   help="replace the target graph (first chunk PUT) instead of adding to it")
    p.add_argument("--no-verify", dest="verify", action="store_false",
                   help="do not check the triple count afterwards")
    p.add_argument("--timeout", type=float, default=120, metavar="S", help="seconds per request")
    add_summary_format(p)


def run(args: argparse.Namespace) -> int:
    import json

    from kg.cli.render import render
    from kg.store.push import push

    password = args.password if args.password is not None else os.environ.get("KG_ENDPOINT_PASSWORD")
    summary = push(store_dir(args), args.endpoint,
                   graph=args.graph, default_graph=args.default_graph, user=args.user,
                   password=password, auth=args.auth, chunk_triples=args.chunk_triples,
                   query_endpoint=args.query_endpoint, replace=args.replace, verify=args.verify,
                   timeout=args.timeout)
    if args.format == "json":
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        rows = [{"what": k, "value": v} for k, v in summary.to_dict().items()]
        sys.stdout.write(render(rows, ["what", "value"], fmt="table"))
    return 0
