"""Fit the learned extraction decider on gold annotations (see kg/extract/train.py)."""

import argparse

HELP = "train the extraction decider on gold JSONL: kg train GOLD... --papers LISTING... -o DIR"


def add_arguments(p: argparse.ArgumentParser) -> None:
    from kg.extract.train import add_arguments as train_arguments

    train_arguments(p)


def run(args: argparse.Namespace) -> int:
    from kg.extract.train import run as train

    info = train(args.gold, args.papers, args.output)
    print(" ".join(f"{k}={v}" for k, v in info.items()))
    return 0
