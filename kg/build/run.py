"""``kg build``: read, extract, resolve and link, load the store, write the exports.

The output directory holds the state of the corpus (``papers.jsonl``,
``extractions.jsonl``), the store (``store/``), the exports and ``build.json``.

- **Incremental.** Papers already built are kept; a paper is extracted again only
  when it is new, its title or abstract changed, or the extractor changed.
  Resolution, linking, the store and the exports are redone over the whole corpus,
  so corpus-level figures (support, links) always reflect every paper.
- **Idempotent.** The same inputs give the same state, store and exports.
- **Safe.** Everything is built in ``.staging-<pid>/`` and moved into place at the
  end; the store is a symlink switched atomically, so a build that dies at any
  point leaves the previous outputs usable. A second build of the same output
  directory fails at once (:func:`kg.build.swap.build_lock`).
"""

import contextlib
import hashlib
import json
import os
import shutil
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from kg.errors import InputError, StoreError
from kg.fileio import atomic_write, progress
from kg.records import Paper, PaperEntities
from kg.settings import Settings
from kg.build.swap import build_lock, clean_leftovers, swap_into_place
from kg.store.embedded import STORE_NAME

PAPERS = "papers.jsonl"
EXTRACTIONS = "extractions.jsonl"
SUMMARY = "build.json"
STAGING_PREFIX = ".staging-"


@dataclass(frozen=True)
class BuildSummary:
    """What a build did; ``build.json`` holds the same."""

    output_dir: str
    papers: int = 0  # in the corpus after the build
    papers_new: int = 0
    papers_updated: int = 0  # same id, new title or abstract: replaced
    papers_unchanged: int = 0  # read again with the same text
    papers_kept: int = 0  # from earlier builds, not in this build's inputs
    papers_extracted: int = 0
    skipped: int = 0  # bad records skipped with --skip-bad
    entities: dict[str, int] = field(default_factory=dict)  # by type
    occurrences: int = 0
    links: int = 0
    triples: int = 0
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    outputs: tuple[str, ...] = ()
    versions: dict[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["outputs"] = list(self.outputs)
        return d


# ---------------------------------------------------------------- state

def extractor_fingerprint(settings: Settings) -> str:
    """Changes whenever extraction could give another result for the same text."""
    import spacy

    from kg import __version__
    from kg.extract import EXTRACTOR_VERSION

    h = hashlib.sha256()
    for part in (__version__, EXTRACTOR_VERSION, spacy.__version__, settings.spacy_mode,
                 repr(settings.min_confidence)):
        h.update(part.encode() + b"\0")
    extract = Path(__file__).parent.parent / "extract"
    for f in extractor_files():
        h.update(str(f.relative_to(extract)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def extractor_files() -> list[Path]:
    """The rules (code) and knowledge (data) of extraction: a change to any re-extracts."""
    extract = Path(__file__).parent.parent / "extract"
    return sorted(p for p in extract.rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def text_hash(paper: Paper, fingerprint: str) -> str:
    """The cache key of a paper's extraction: its text and the extractor."""
    return hashlib.sha256(f"{fingerprint}\0{paper.title}\0{paper.abstract}".encode()).hexdigest()[:16]


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(path, f"damaged state file: {e.msg}", n) from None


@dataclass
class State:
    """The corpus of the previous build, as its state files hold it."""

    papers: dict[str, Paper] = field(default_factory=dict)
    extractions: dict[str, PaperEntities] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)  # build.json


def _load_records(path: Path, parse: Any) -> list[Any]:
    """Records of a state file; a damaged one is an InputError naming its line."""
    if not path.exists():
        return []
    out = []
    for n, d in enumerate(_read_jsonl(path), 1):
        try:
            out.append(parse(d))
        except (KeyError, TypeError, ValueError, AttributeError) as e:
            raise InputError(path, f"damaged state record ({e!r}); rebuild into a new output "
                             "directory", n) from None
    return out


def load_state(output_dir: str | Path, strict: bool = False) -> State:
    """The previous build's papers, extractions and summary (all empty for a new directory).

    A damaged record is an error; a damaged ``build.json`` is one only when ``strict``
    (a new build can do without it, an export cannot: it holds the build's settings).
    """
    output_dir = Path(output_dir)
    state = State()
    state.papers = {p.id: p for p in _load_records(output_dir / PAPERS, Paper.from_dict)}
    state.extractions = {e.id: e for e in _load_records(output_dir / EXTRACTIONS,
                                                         PaperEntities.from_dict)}
    if (output_dir / SUMMARY).exists():
        try:
            state.info = json.loads((output_dir / SUMMARY).read_text(encoding="utf-8"))
        except (ValueError, OSError) as e:
            if strict:
                raise StoreError(f"{output_dir / SUMMARY} is damaged ({e}); run `kg build` again") from None
    return state


def settings_from_info(info: dict[str, Any], base: Settings | None = None) -> Settings:
    """The settings a build recorded in ``build.json`` (unknown keys ignored)."""
    base = base or Settings()
    names = {f.name for f in fields(Settings)} - {"output_dir", "progress"}
    changes = {k: v for k, v in (info.get("settings") or {}).items() if k in names}
    return base.with_(**changes)


def load_corpus(output_dir: str | Path, settings: Settings | None = None) -> Any:
    """The Corpus of a build, rebuilt from its state files (for ``kg export``/``kg query``)."""
    from kg.corpus import Corpus

    output_dir = Path(output_dir)
    if not (output_dir / PAPERS).exists():
        raise StoreError(f"no build in {output_dir} (no {PAPERS}); run `kg build` first "
                         "or pass --store DIR")
    state = load_state(output_dir, strict=True)
    settings = settings or settings_from_info(state.info).with_(output_dir=output_dir)
    papers = [state.papers[k] for k in sorted(state.papers)]
    extractions = [state.extractions.get(p.id) or PaperEntities(p.id, p.title) for p in papers]
    return Corpus.from_extractions(papers, extractions, settings)


# ---------------------------------------------------------------- the build

class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    @contextlib.contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = round(self.timings.get(name, 0.0) + time.perf_counter() - t0, 3)


def versions() -> dict[str, str]:
    """Versions of kg and the libraries whose output a build depends on."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": sys.version.split()[0]}
    for name in ("kg", "spacy", "rdflib", "pyoxigraph", "networkx"):
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "?"
    return out


def build(inputs: Sequence[str | Path], output_dir: str | Path | None = None,
          settings: Settings | None = None, progress: bool = True,
          input_format: str | None = None,
          on_error: Any = None) -> BuildSummary:
    """Build (or update) the knowledge graph of ``inputs`` in ``output_dir``.

    ``on_error`` receives each bad record skipped with ``settings.skip_bad``.
    """
    settings = settings or Settings()
    output_dir = Path(output_dir if output_dir is not None else settings.output_dir)
    settings = settings.with_(output_dir=output_dir)
    from kg.sources import expand_paths, get_reader

    expand_paths(inputs)  # a missing input or an unknown format fails before anything is written
    if input_format:
        get_reader(input_format)
    with build_lock(output_dir):
        clean_leftovers(output_dir, STAGING_PREFIX)
        staging = output_dir / f"{STAGING_PREFIX}{os.getpid()}"
        try:
            summary = _build(inputs, output_dir, staging, settings, progress, input_format, on_error)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    return summary


def _same_ids_as_before(new: dict[str, Paper], before: dict[str, Paper], papers: dict[str, Paper],
                        extractions: dict[str, PaperEntities]) -> tuple[dict[str, Paper], set[str]]:
    """The identity rule of the readers across builds: the same title is the same paper.

    A paper built earlier by title alone and now read with its arXiv id takes the arXiv
    id (the old record goes); one read by title alone keeps the arXiv id it was built with.
    Returns the papers under their ids and the ids that replaced a title id.
    """
    from dataclasses import replace

    from kg.keys import title_key

    renamed: set[str] = set()
    by_title = {title_key(p.title): pid for pid, p in before.items()}
    out: dict[str, Paper] = {}
    for pid, paper in new.items():
        old_id = by_title.get(title_key(paper.title))
        if old_id and old_id != pid:
            if pid.startswith("arxiv:") and old_id.startswith("title:"):
                papers.pop(old_id, None)
                extractions.pop(old_id, None)
                renamed.add(pid)
            elif pid.startswith("title:") and old_id.startswith("arxiv:"):
                paper = replace(paper, id=old_id, arxiv_id=before[old_id].arxiv_id)
                pid = old_id
        out[pid] = paper
    return out, renamed


def _build(inputs: Sequence[str | Path], output_dir: Path, staging: Path, settings: Settings,
           show: bool, input_format: str | None, on_error: Any) -> BuildSummary:
    clock = _Clock()
    prev = load_state(output_dir)
    fingerprint = extractor_fingerprint(settings)
    prev_fp = prev.info.get("extractor") if prev.extractions else None

    with clock.stage("read"):
        new, skipped = read_inputs(inputs, settings, show, input_format, on_error)

    counts: Counter[str] = Counter()
    papers = dict(prev.papers)
    extractions = dict(prev.extractions) if prev_fp == fingerprint else {}
    new, renamed = _same_ids_as_before(new, prev.papers, papers, extractions)
    for pid, paper in new.items():
        old = prev.papers.get(pid)
        if old is None and pid in renamed:
            counts["updated"] += 1
        elif old is None:
            counts["new"] += 1
        elif text_hash(old, fingerprint) != text_hash(paper, fingerprint):
            counts["updated"] += 1
            extractions.pop(pid, None)
        else:
            counts["unchanged"] += 1
        papers[pid] = paper
    papers = {k: papers[k] for k in sorted(papers)}
    todo = [p for p in papers.values() if p.id not in extractions]

    with clock.stage("extract"):
        for pe in extract_papers(todo, settings, show):
            extractions[pe.id] = pe
    with clock.stage("resolve"):
        corpus = resolve_corpus(list(papers.values()), [extractions[k] for k in papers], settings)

    staging.mkdir(parents=True)
    with clock.stage("state"):
        _write_jsonl(staging / PAPERS, (p.to_dict() for p in papers.values()))
        _write_jsonl(staging / EXTRACTIONS, (extractions[k].to_dict() for k in papers))
    with clock.stage("rdf"):
        dataset = to_rdf(corpus, settings)
    with clock.stage("store"):
        triples = load_store(dataset, staging / STORE_NAME, show)
    with clock.stage("export"):
        outputs = export_all(corpus, dataset, staging, settings, show)

    entity_types = Counter(e.type for e in corpus.entities.values())
    info = BuildSummary(
        output_dir=str(output_dir), papers=len(papers), papers_new=counts["new"],
        papers_updated=counts["updated"], papers_unchanged=counts["unchanged"],
        papers_kept=len(papers) - sum(counts.values()), papers_extracted=len(todo), skipped=skipped,
        entities=dict(sorted(entity_types.items())), occurrences=len(corpus.occurrences),
        links=len(corpus.links), triples=triples, timings=clock.timings,
        outputs=tuple(sorted([PAPERS, EXTRACTIONS, STORE_NAME + "/", SUMMARY, *outputs])),
        versions=versions())
    with clock.stage("swap"):
        record = info.to_dict() | {"extractor": fingerprint, "inputs": [str(p) for p in inputs],
                                   "settings": _settings_dict(settings)}
        with atomic_write(staging / SUMMARY) as f:
            json.dump(record, f, ensure_ascii=False, indent=2)
            f.write("\n")
        swap_into_place(staging, output_dir)
    return BuildSummary(**{**asdict(info), "timings": clock.timings, "outputs": info.outputs})


def _settings_dict(settings: Settings) -> dict[str, Any]:
    return {k: v for k, v in asdict(settings).items() if k not in ("output_dir", "progress")}


def _write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    with atomic_write(path) as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")


# ---------------------------------------------------------------- stages (each one a function, so
# a test can make one fail for real and check that the previous outputs survive)

def read_inputs(inputs: Sequence[str | Path], settings: Settings, show: bool,
                input_format: str | None, on_error: Any) -> tuple[dict[str, Paper], int]:
    """The papers of ``inputs`` by id (merged by the readers) and how many bad records were skipped."""
    from kg.sources import read_papers

    skipped = 0

    def report(error: InputError) -> None:
        nonlocal skipped
        skipped += 1
        if on_error is not None:
            on_error(error)

    papers: dict[str, Paper] = {}
    stream = read_papers(list(inputs), input_format=input_format, skip_bad=settings.skip_bad,
                         on_error=report)
    for paper in progress(stream, "read", enabled=show, unit="paper"):
        papers[paper.id] = paper
    return papers, skipped


def extract_papers(papers: list[Paper], settings: Settings, show: bool) -> Iterator[PaperEntities]:
    """Extraction of ``papers`` (the spaCy pipeline is loaded only when there is work)."""
    if not papers:
        return
    from kg.extract import build_nlp, extract_entities

    nlp = build_nlp(settings)
    yield from progress(extract_entities(papers, nlp=nlp, settings=settings), "extract",
                        enabled=show, total=len(papers), unit="paper")


def resolve_corpus(papers: list[Paper], extractions: list[PaperEntities], settings: Settings) -> Any:
    """Resolution and linking over the whole corpus."""
    from kg.corpus import Corpus

    return Corpus.from_extractions(papers, extractions, settings)


def to_rdf(corpus: Any, settings: Settings) -> Any:
    """The corpus as an rdflib Dataset (one named graph per paper)."""
    from kg.rdf.convert import corpus_to_dataset

    return corpus_to_dataset(corpus, settings)


def load_store(dataset: Any, path: Path, show: bool) -> int:
    """A new on-disk store at ``path`` holding ``dataset``; its number of quads."""
    import gc

    from kg.store.embedded import load_dataset, open_store, rdflib_to_quads

    store = open_store(path)
    n = load_dataset(store, progress(rdflib_to_quads(dataset), "store", enabled=show, unit="quad"))
    del store
    gc.collect()  # the store's files must be closed before the directory moves
    return n


def default_exports(settings: Settings) -> list[tuple[str, str]]:
    """(file or directory name, format name) of what every build writes."""
    return [("graph.ttl", "turtle"), ("graph.nq", "nquads"), ("tables", "csv"),
            ("graph.graphml", "graphml"), ("graph.html", "html")]


def export_all(corpus: Any, dataset: Any, staging: Path, settings: Settings, show: bool) -> list[str]:
    """Write the default exports and ``void.ttl`` into ``staging``; the names written."""
    from kg.export.registry import export, write_output
    from kg.rdf.void import void_description

    written = []
    for name, fmt in progress(default_exports(settings), "export", enabled=show, unit="file"):
        write_output(export(corpus, fmt, settings), staging / name)
        written.append(name + ("/" if (staging / name).is_dir() else ""))
    void = void_description(dataset, settings, {"data_dump": None})
    write_output(void.serialize(format="turtle"), staging / "void.ttl")
    written.append("void.ttl")
    return written
