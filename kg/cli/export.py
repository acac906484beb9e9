"""Write the corpus of the last build in one format: --format, else the format whose suffix -o
ends with (before a .gz, which compresses the output). RDF formats are written by pyoxigraph
from the build's N-Quads (or its store); the others from the corpus read back from the build's state."""

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from kg.cli.args import add_store_arg, store_dir
from kg.errors import KGError

if TYPE_CHECKING:
    from kg.export.registry import Format

HELP = "write the knowledge graph as RDF, GraphML, tables, JSONL or HTML"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from kg.export.html import TITLES, VIEWS
    from kg.export.registry import FORMATS
    from kg.settings import Settings

    suffixes = ", ".join(f"{s} {f.name}" for f in FORMATS for s in f.suffixes)
    directories = " and ".join(f.name for f in FORMATS if f.directory)
    p.add_argument("--format", "-f", dest="format", metavar="F",
                   help=f"{', '.join(f.name for f in FORMATS)} (or an alias of one; default: from "
                        f"the -o suffix: {suffixes}); {directories} write a directory of tables")
    p.add_argument("-o", "--output", default="-", metavar="FILE",
                   help=f"output file (a name ending in .gz is gzip-compressed: graph.nq.gz), or "
                        f"directory for {directories} ('-' = stdout, the default)")
    add_store_arg(p, "export")
    p.add_argument("--base-iri", default=None, metavar="IRI",
                   help="base of the minted IRIs (default: the build's own)")
    h = p.add_argument_group("html options")
    h.add_argument("--view", choices=VIEWS, default="map",
                   help="; ".join(f"{v}: {TITLES[v]}" for v in VIEWS))
    h.add_argument("--focus", metavar="NAME", help="only the neighbourhood of this paper or entity")
    h.add_argument("--depth", type=int, default=1, metavar="N", help="neighbourhood depth (default 1)")
    h.add_argument("--types", metavar="T,T", help="entity types to show, e.g. model,dataset")
    h.add_argument("--min-support", type=int, default=1, metavar="N",
                   help="hide entities named by fewer papers")
    h.add_argument("--max-nodes", type=int, default=None, metavar="N",
                   help=f"most nodes to draw (default {Settings().html_max_nodes}; 0 = all)")


def run(args: argparse.Namespace) -> int:
    from kg.errors import FormatError, KGError
    from kg.export.registry import (
        format_names,
        get_format,
        guess_format,
        write_export,
        write_output,
    )
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

    if fmt.rdf and not base_iri:  # pyoxigraph writes it from the build's store: nothing is converted
        return _from_store(Path(store_dir(args)), fmt, args.output)

    from kg.build import load_corpus

    corpus = load_corpus(Path(store_dir(args)))
    # the build's own settings, so that its base IRI is kept unless --base-iri says otherwise
    settings = getattr(corpus, "settings", None) or Settings()
    settings = settings.with_(progress=getattr(args, "progress", True))
    if base_iri:
        settings = settings.with_(base_iri=base_iri)

    if fmt.name == "html":
        value = fmt.exporter(corpus, settings, view=args.view, focus=args.focus, depth=args.depth,
                             types=args.types, min_support=args.min_support,
                             max_nodes=args.max_nodes)
        written = write_output(value, args.output)
    else:  # streamed to disk by the formats that can (GraphML, CSV): the corpus is not held twice
        written = write_export(corpus, fmt.name, args.output, settings)
    for path in written:
        print(f"wrote {fmt.name} to {path}", file=sys.stderr)
    return 0


def _from_store(build_dir: Path, fmt: "Format", output: str) -> int:
    """Write an RDF format from the live store of ``build_dir`` (held while it is written)."""
    from kg.build.state import PAPERS, reading_state
    from kg.errors import StoreError
    from kg.export.registry import write_store_export
    from kg.store.embedded import open_store
    from kg.store.generation import reading, resolve

    if resolve(build_dir) is None:
        with reading_state(build_dir) as root:  # the same message as for the other formats
            if not (root / PAPERS).exists():
                raise StoreError(f"no build in {build_dir} (no {PAPERS}); run `kg build` first "
                                 "or pass --store DIR")
    with reading(build_dir) as gen:
        quads = _build_quads(gen.root)
        if quads is not None:  # the N-Quads the store was loaded from: the same quads, read faster
            written = write_store_export(quads, fmt, output)
        else:
            store = open_store(gen.store, read_only=True)
            try:
                written = write_store_export(store, fmt, output)
            finally:
                del store
    for path in written:
        print(f"wrote {fmt.name} to {path}", file=sys.stderr)
    return 0


def _build_quads(root: Path) -> Path | None:
    """The N-Quads export of the build whose files are in ``root`` (graph.nq), if it wrote one."""
    from kg.build.stages import quads_export
    from kg.build.state import SUMMARY, settings_from_info
    from kg.errors import StoreError

    try:
        info = json.loads((root / SUMMARY).read_text(encoding="utf-8"))
    except OSError:
        return None
    except ValueError as e:
        raise StoreError(f"{root / SUMMARY} is damaged ({e}); run `kg build` again") from None
    try:
        name = quads_export(settings_from_info(info))
    except (KGError, TypeError, ValueError, AttributeError):
        return None
    return root / name if name and (root / name).is_file() else None
