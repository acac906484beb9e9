"""kg export: write the last build in one of the registered formats."""

import argparse
import sys
from pathlib import Path


def add_parser(subparsers: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = subparsers.add_parser(
        "export", help="write the knowledge graph as RDF, GraphML, tables, JSONL or HTML",
        description="Write the corpus of the last build in one format. The format is "
                    "--format, else guessed from the suffix of -o (.ttl, .nt, .nq, .trig, "
                    ".jsonld, .rdf, .graphml, .gexf, .jsonl, .html); csv and parquet write "
                    "a directory of tables.")
    p.add_argument("--format", "-f", dest="format", metavar="F",
                   help="turtle, nt, nquads, trig, jsonld, xml, graphml, gexf, csv, parquet, "
                        "jsonl, html")
    p.add_argument("-o", "--output", default="-", metavar="FILE",
                   help="output file, or directory for csv/parquet ('-' = stdout, the default)")
    p.add_argument("--store", type=Path, default=None, metavar="DIR",
                   help="directory of the build to export (default: the settings' output_dir)")
    p.add_argument("--base-iri", default=None, metavar="IRI",
                   help="base of the minted IRIs (default: https://w3id.org/kg/)")
    h = p.add_argument_group("html options")
    h.add_argument("--view", choices=("papers", "links", "entities"), default="papers",
                   help="papers and their entities, paper-paper links, or entity co-occurrence")
    h.add_argument("--focus", metavar="NAME", help="only the neighbourhood of this paper or entity")
    h.add_argument("--depth", type=int, default=1, metavar="N", help="neighbourhood depth (default 1)")
    h.add_argument("--types", metavar="T,T", help="entity types to show, e.g. model,dataset")
    h.add_argument("--min-support", type=int, default=1, metavar="N",
                   help="hide entities named by fewer papers")
    h.add_argument("--max-nodes", type=int, default=None, metavar="N",
                   help="most nodes to draw (default 1500; 0 = all)")
    return p


def run(args: argparse.Namespace) -> int:
    from kg.errors import FormatError, KGError
    from kg.export.registry import format_names, get_format, guess_format, write_output
    from kg.rdf.iri import check_base
    from kg.settings import Settings

    base_iri = check_base(args.base_iri) if args.base_iri else None
    if args.format:
        fmt = get_format(args.format)
    else:
        guessed = guess_format(args.output) if args.output != "-" else None
        if guessed is None:
            raise FormatError("format (give --format, or an -o suffix it can be guessed from)",
                              Path(args.output).suffix or args.output, format_names())
        fmt = guessed
    if fmt.directory and args.output == "-":
        raise KGError(f"{fmt.name} writes several files: give a directory with -o DIR")

    from kg.build import load_corpus

    store = args.store if args.store is not None else Settings().output_dir
    corpus = load_corpus(Path(store))
    # the build's own settings, so that its base IRI is kept unless --base-iri says otherwise
    settings = getattr(corpus, "settings", None) or Settings()
    settings = settings.with_(progress=getattr(args, "progress", True))
    if base_iri:
        settings = settings.with_(base_iri=base_iri)

    if fmt.name == "html":
        value = fmt.exporter(corpus, settings, view=args.view, focus=args.focus, depth=args.depth,
                             types=args.types, min_support=args.min_support,
                             max_nodes=args.max_nodes)
    else:
        value = fmt.exporter(corpus, settings)
    written = write_output(value, args.output)
    for path in written:
        print(f"wrote {fmt.name} to {path}", file=sys.stderr)
    return 0
