"""Snapshot of what a build writes, to show that a refactoring changed no behaviour.

``take`` runs ``kg build`` (the command, so it works whatever the package layout) on
the inputs into a fresh directory and records a digest of every output that must not
change: sorted N-Quads, each table, the extractions, the papers, GraphML and Turtle.
``compare`` prints the outputs whose digests differ between two snapshots and exits 1
when any does.

    python bench/snapshot.py take ../shared/seeds -o /tmp/snap-before.json
    # ... change the code ...
    python bench/snapshot.py take ../shared/seeds -o /tmp/snap-after.json
    python bench/snapshot.py compare /tmp/snap-before.json /tmp/snap-after.json

``--keep DIR`` keeps the build (to diff the files themselves).
"""

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
from pathlib import Path

# build.json and void.ttl hold the build's time and timings: not compared
COMPARED = ("graph.nq", "graph.ttl", "graph.graphml", "papers.jsonl", "extractions.jsonl",
            "tables/papers.csv", "tables/entities.csv", "tables/mentions.csv", "tables/links.csv",
            "tables/repos.csv")
SORTED = {"graph.nq"}  # line order of N-Quads carries no meaning


def digest(path: Path, sort_lines: bool) -> dict[str, object]:
    data = path.read_bytes()
    lines = data.splitlines()
    if sort_lines:
        data = b"\n".join(sorted(lines))
    return {"sha256": hashlib.sha256(data).hexdigest(), "lines": len(lines)}


def take(inputs: list[str], out: Path, keep: Path | None) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="kg-snapshot-") as tmp:
        build_dir = keep or Path(tmp) / "build"
        # -P: the kg measured is the one PYTHONPATH or the install names, never a kg/ that
        # happens to sit in the working directory; inputs made absolute, since papers.jsonl
        # records each source's path as given (the same inputs named two ways would differ)
        paths = [str(Path(i).resolve()) for i in inputs]
        cmd = [sys.executable, "-P", "-m", "kg", "--no-progress", "build", *paths, "-o", str(build_dir)]
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
        snap = {name: digest(build_dir / name, name in SORTED) for name in COMPARED
                if (build_dir / name).exists()}
        missing = sorted(set(COMPARED) - set(snap))
    record = {"inputs": inputs, "outputs": snap, "missing": missing}
    out.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    return record


def compare(a: Path, b: Path) -> int:
    left = json.loads(a.read_text(encoding="utf-8"))["outputs"]
    right = json.loads(b.read_text(encoding="utf-8"))["outputs"]
    differ = sorted(n for n in set(left) | set(right) if left.get(n) != right.get(n))
    for name in sorted(set(left) | set(right)):
        print(f"{'DIFFERS' if name in differ else 'same   '}  {name}")
    print(f"{len(differ)} of {len(set(left) | set(right))} outputs differ")
    return 1 if differ else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="cmd", required=True)
    t = sub.add_parser("take", help="build the inputs and record the digests of the outputs")
    t.add_argument("inputs", nargs="+")
    t.add_argument("-o", "--output", type=Path, required=True, help="the snapshot file (JSON)")
    t.add_argument("--keep", type=Path, default=None, help="build into this directory and keep it")
    c = sub.add_parser("compare", help="compare two snapshots")
    c.add_argument("before", type=Path)
    c.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.cmd == "take":
        record = take(args.inputs, args.output, args.keep)
        print(f"{len(record['outputs'])} outputs recorded in {args.output}"
              + (f"; missing: {', '.join(record['missing'])}" if record["missing"] else ""))
        return 0
    return compare(args.before, args.after)


if __name__ == "__main__":
    sys.exit(main())
