"""Score predictions against document-level gold: precision, recall and F1 per type, typed and
untyped, and links (see kg/extract/evaluate.py)."""

import argparse
import json

HELP = "score extraction JSONL against gold JSONL"
# table and csv are render's; json is the whole report (scores and errors)
FORMATS = ("table", "json", "csv")


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("gold", help="gold JSONL: title, entities (names, type, optional, alt_types), repos")
    p.add_argument("pred", help="predicted JSONL, as written by kg extract")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.add_argument("--errors", action="store_true", help="also list every miss (FN) and false hit (FP)")


def run(args: argparse.Namespace) -> int:
    from kg.cli.render import render
    from kg.extract.evaluate import evaluate, load_jsonl

    rep = evaluate(load_jsonl(args.gold), load_jsonl(args.pred))
    rows = rep.rows()
    if args.format == "json":
        doc = {"papers": rep.papers, "unmatched_titles": rep.unmatched_titles,
               "scores": rows, "errors": rep.errors if args.errors else []}
        print(json.dumps(doc, indent=2))
        return 0
    print(render(rows, fmt=args.format), end="")
    if args.format == "table":
        print(f"\n{rep.papers} gold papers, {rep.unmatched_titles} without a prediction")
        if args.errors:
            print()
            print(render([{"kind": e["kind"], "type": e["type"], "names": e["names"],
                           "title": e["title"]} for e in rep.errors], fmt="table", max_width=50), end="")
    return 0
