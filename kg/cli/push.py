"""Send the store of a build to a SPARQL 1.1 Graph Store HTTP Protocol endpoint, in chunks,
then check the triple count through its query service. With --graph or --default-graph all
triples are sent as N-Triples to that graph; with neither, kg's named graphs (one per paper,
and one for the corpus-level triples) are sent as N-Quads. --replace replaces only that
target, through a staging graph swapped in by one SPARQL update; nothing else is touched."""

import argparse
import os
import sys
from pathlib import Path

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
    p.add_argument("--auth", choices=AUTH_SCHEMES, default="basic",
                   help="basic (sent with every request) or digest (one HEAD first collects the "
                        "challenge, so each chunk is sent once); default %(default)s")
    p.add_argument("--chunk-triples", type=int, default=50_000, metavar="N",
                   help="triples per request (default %(default)s)")
    p.add_argument("--query-endpoint", metavar="URL",
                   help="SPARQL query URL for the count check (default: guessed from --endpoint)")
    p.add_argument("--update-endpoint", metavar="URL",
                   help="SPARQL update URL --replace swaps the staged graph in with "
                        "(default: guessed from --endpoint)")
    p.add_argument("--replace", action="store_true",
                   help="replace the target (the --graph, the default graph, or in a dataset push "
                        "kg's graphs under BASE/graph/) instead of adding to it; nothing else is touched")
    p.add_argument("--no-verify", dest="verify", action="store_false",
                   help="do not check the triple counts")
    p.add_argument("--timeout", type=float, default=120, metavar="S",
                   help="seconds for each request, from connecting to the answer's last byte "
                        "(default %(default)s)")
    p.add_argument("--deadline", type=float, default=3600, metavar="S",
                   help="seconds for the whole push, retries included (default %(default)s)")
    p.add_argument("--retries", type=int, default=3, metavar="N",
                   help="times to repeat a request that is safe to repeat after a network error, "
                        "a timeout or HTTP 408/429/502/503/504, waiting 0.5 s, 1 s, ... (default %(default)s)")
    add_summary_format(p)


def build_base_iri(output_dir: str | Path) -> str:
    """The base IRI the build in ``output_dir`` used (build.json), else the default."""
    import json

    from kg.build.state import SUMMARY, settings_from_info
    from kg.errors import StoreError
    from kg.settings import Settings

    path = Path(output_dir) / SUMMARY
    try:
        info = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings().base_iri
    except (ValueError, OSError) as e:
        raise StoreError(f"{path} is damaged ({e}); run `kg build` again") from None
    return settings_from_info(info if isinstance(info, dict) else {}).base_iri


def run(args: argparse.Namespace) -> int:
    import json

    from kg.cli.render import render
    from kg.store.push import push

    password = args.password if args.password is not None else os.environ.get("KG_ENDPOINT_PASSWORD")
    out = store_dir(args)
    summary = push(out, args.endpoint,
                   graph=args.graph, default_graph=args.default_graph, user=args.user,
                   password=password, auth=args.auth, chunk_triples=args.chunk_triples,
                   query_endpoint=args.query_endpoint, update_endpoint=args.update_endpoint,
                   replace=args.replace, verify=args.verify, timeout=args.timeout,
                   deadline=args.deadline, retries=args.retries, base_iri=build_base_iri(out))
    if args.format == "json":
        print(json.dumps(summary.to_dict(), indent=2))
    else:
        rows = [{"what": k, "value": v} for k, v in summary.to_dict().items()]
        sys.stdout.write(render(rows, ["what", "value"], fmt="table"))
    return 0
