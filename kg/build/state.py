"""The state of a build's output directory: what the next build and ``kg export`` read back.

``papers.jsonl`` and ``extractions.jsonl`` hold the corpus, one record a line in id
order; ``build.json`` holds the summary, the settings and the extractor fingerprint
that says whether the extractions can be reused.
"""

import contextlib
import hashlib
import json
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any

from kg.errors import InputError, KGError, StoreError
from kg.fileio import atomic_write
from kg.records import Paper, PaperEntities, Source
from kg.settings import Settings
from kg.store.generation import GENERATION_PREFIX, Generation, reading, resolve

PAPERS = "papers.jsonl"
EXTRACTIONS = "extractions.jsonl"
SUMMARY = "build.json"
# a build's record of its settings leaves these out: they say where and how it ran, not what
UNRECORDED = ("output_dir", "progress", "n_process")
_DECODER = json.JSONDecoder()


# ---------------------------------------------------------------- the extraction cache key

def extractor_fingerprint(settings: Settings) -> str:
    """Changes whenever extraction could give another result for the same text."""
    from spacy import about

    from kg import __version__
    from kg.extract import EXTRACTOR_VERSION

    h = hashlib.sha256()
    for part in (__version__, EXTRACTOR_VERSION, about.__version__, settings.spacy_mode,
                 repr(settings.min_confidence), settings.extractor):
        h.update(part.encode() + b"\0")
    extract = _extract_dir()
    for f in extractor_files():
        h.update(str(f.relative_to(extract)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def _extract_dir() -> Path:
    return Path(__file__).parent.parent / "extract"


def extractor_files() -> list[Path]:
    """The rules (code) and knowledge (data) of extraction: a change to any re-extracts."""
    return sorted(p for p in _extract_dir().rglob("*")
                  if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")


def code_fingerprint() -> str:
    """Changes with kg's code and data (every file of the package) and the libraries' versions."""
    from kg.build.run import versions

    root = Path(__file__).parent.parent
    h = hashlib.sha256(json.dumps(versions(), sort_keys=True).encode())
    for f in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                    and p.suffix != ".pyc"):
        h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes())
    return h.hexdigest()[:16]


def _setup_hash(settings: Settings, extractor: str, code: str | None) -> "hashlib._Hash":
    """A hash started with what a build's outputs depend on besides its input:
    code (``code``: :func:`code_fingerprint`, made here if None), extractor, settings and
    ``SOURCE_DATE_EPOCH`` (void.ttl's date)."""
    h = hashlib.sha256()
    settings_json = json.dumps(settings_dict(settings), sort_keys=True, default=str)
    for part in (code if code is not None else code_fingerprint(), extractor, settings_json,
                 os.environ.get("SOURCE_DATE_EPOCH", "")):
        h.update(part.encode() + b"\0")
    return h


def build_fingerprint(read: Mapping[str, Paper], settings: Settings, extractor: str,
                      code: str | None = None) -> str:
    """The same for two builds that must give the same outputs: the same papers read (every
    field), settings, code and ``SOURCE_DATE_EPOCH`` (void.ttl's date).

    The same inputs over the state of a build made from them change nothing (builds are
    idempotent), so a build whose fingerprint is the live build's has nothing to do.
    ``code`` is :func:`code_fingerprint`'s (made here if None): a build makes it once.
    """
    h = _setup_hash(settings, extractor, code)
    for pid in sorted(read):
        h.update(json.dumps(paper_dict(read[pid]), sort_keys=True, ensure_ascii=False).encode() + b"\n")
    return h.hexdigest()[:32]


_PAPER_FIELDS = tuple(f.name for f in fields(Paper))
_PAPER_LISTS = ("authors", "repos", "categories", "keywords")
_SOURCE_FIELDS = tuple(f.name for f in fields(Source))


def paper_dict(paper: Paper) -> dict[str, Any]:
    """``paper.to_dict()``, the same keys in the same order, made without ``asdict``'s deep
    copies (a Paper's values are strings, numbers and tuples of them): ten times faster.

    >>> p = Paper(id="title:x", title="X", abstract="A.", authors=("B",), sources=(Source("f", "jsonl", 1),))
    >>> paper_dict(p) == p.to_dict() and list(paper_dict(p)) == list(p.to_dict())
    True
    """
    d = {k: getattr(paper, k) for k in _PAPER_FIELDS}
    for k in _PAPER_LISTS:
        d[k] = list(d[k])
    d["sources"] = [{k: getattr(s, k) for k in _SOURCE_FIELDS} for s in paper.sources]
    return d


def inputs_key(inputs: Sequence[str | Path], input_format: str | None, settings: Settings,
               extractor: str, code: str | None = None) -> str | None:
    """The same for two builds that read the same bytes from the same paths, in the same
    format, with the same settings and code: the papers they read are then the same
    (the readers depend on nothing else), and so is :func:`build_fingerprint`.

    A build whose key is the one the live build recorded has nothing to do, and need
    not read and merge its inputs to find out. The key reads every byte (a fast hash,
    no parsing): a file touched but not changed keeps its key, a file changed, renamed,
    added or left out changes it. None when an input cannot be read (reading it says why).
    ``code`` as for :func:`build_fingerprint`.
    """
    keys = leading_keys(inputs, input_format, settings, extractor, code)
    return keys[-1] if keys is not None else None


def leading_keys(inputs: Sequence[str | Path], input_format: str | None, settings: Settings,
                 extractor: str, code: str | None = None) -> list[str] | None:
    """:func:`inputs_key` of the first 0, 1, 2, ... of the files ``inputs`` name (a directory
    stands for its files): the last is the key of them all. None as for :func:`inputs_key`."""
    from kg.sources import expand_paths

    h = _setup_hash(settings, extractor, code)
    h.update(f"format={input_format}\0".encode())
    keys = [h.hexdigest()[:32]]
    try:
        for path in expand_paths(inputs):  # the files in the order, and under the names, read
            with open(path, "rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
                size = os.fstat(f.fileno()).st_size
            h.update(f"{path}\0{size}\0{digest}\n".encode("utf-8", "surrogateescape"))
            keys.append(h.hexdigest()[:32])
    except (OSError, KGError, UnicodeEncodeError):
        return None
    return keys


def live_record(live: Generation | None, key: str | None = None,
                value: str | None = None) -> dict[str, Any] | None:
    """The live build's ``build.json`` when its ``key`` (``fingerprint``: of the papers it
    read; ``inputs_key``: of the files it read them from) is ``value``: that build was
    made from the same input, settings and code. With no ``key``, the record whatever it holds."""
    if live is None or live.id is None or (key is not None and value is None):
        return None
    try:
        info = json.loads((live.root / SUMMARY).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(info, dict) or (key is not None and info.get(key) != value) \
            or info.get("generation") != live.id:
        return None
    return info


def text_hash(paper: Paper, fingerprint: str) -> str:
    """The cache key of a paper's extraction: its text and the extractor.

    >>> a = Paper(id="title:x", title="X", abstract="About x.")
    >>> text_hash(a, "fp") == text_hash(Paper(id="arxiv:1", title="X", abstract="About x."), "fp")
    True
    >>> text_hash(a, "fp") == text_hash(a, "another extractor")
    False
    """
    return hashlib.sha256(f"{fingerprint}\0{paper.title}\0{paper.abstract}".encode()).hexdigest()[:16]


# ---------------------------------------------------------------- reading

@dataclass
class State:
    """The corpus of the previous build, as its state files hold it."""

    papers: dict[str, Paper] = field(default_factory=dict)
    extractions: dict[str, PaperEntities] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)  # build.json


def _read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as e:
                    raise InputError(path, f"damaged state file: {e.msg}", n) from None


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
    """The settings a build recorded in ``build.json`` (unknown keys ignored).

    JSON has no tuples, so the recorded exports come back as lists; they are made
    pairs again, so the settings equal the ones the build ran with.

    >>> info = {"settings": settings_dict(Settings(link_max_neighbours=5))}
    >>> settings_from_info(json.loads(json.dumps(info))) == Settings(link_max_neighbours=5)
    True
    """
    base = base or Settings()
    names = {f.name for f in fields(Settings)} - set(UNRECORDED)
    changes = {k: v for k, v in (info.get("settings") or {}).items() if k in names}
    if "exports" in changes:
        changes["exports"] = tuple((str(name), str(fmt)) for name, fmt in changes["exports"])
    return base.with_(**changes)


def settings_dict(settings: Settings) -> dict[str, Any]:
    """The settings as ``build.json`` records them (what :func:`settings_from_info` reads)."""
    return {k: v for k, v in asdict(settings).items() if k not in UNRECORDED}


@contextlib.contextmanager
def reading_state(output_dir: str | Path) -> Iterator[Path]:
    """The directory holding the live build's state files, held while the ``with`` lasts.

    That is the live generation (:func:`kg.store.generation.reading`), which no build
    deletes meanwhile and whose files all come from one build; for an output
    directory without a store, the directory itself.
    """
    if resolve(output_dir) is None:
        yield Path(output_dir)
        return
    with reading(output_dir) as gen:
        yield gen.root


def load_corpus(output_dir: str | Path, settings: Settings | None = None) -> Any:
    """The Corpus of a build, rebuilt from its state files (for ``kg export``/``kg query``).

    The files are those of one build, even while another build swaps its outputs in.
    """
    from kg.corpus import Corpus

    output_dir = Path(output_dir)
    with reading_state(output_dir) as root:
        if not (root / PAPERS).exists():
            raise StoreError(f"no build in {output_dir} (no {PAPERS}); run `kg build` first "
                             "or pass --store DIR")
        state = load_state(root, strict=True)
    recorded = state.info.get("generation")
    if root.name.startswith(GENERATION_PREFIX) and recorded != root.name.removeprefix(GENERATION_PREFIX):
        raise StoreError(f"{root / SUMMARY} belongs to generation {recorded!r}, not to "
                         f"{root.name}; run `kg build` again")
    settings = settings or settings_from_info(state.info).with_(output_dir=output_dir)
    papers = [state.papers[k] for k in sorted(state.papers)]
    extractions = [state.extractions.get(p.id) or PaperEntities(p.id, p.title) for p in papers]
    return Corpus.from_extractions(papers, extractions, settings)


def open_build(output_dir: str | Path = "outputs") -> Any:
    """The :class:`kg.corpus.BuiltCorpus` of the build in ``output_dir`` (``kg.open``).

    Nothing is rebuilt: ``query()`` runs on the build's store, and the records are read
    from its state files only when a table, graph or figure needs them. The settings
    are the ones the build recorded. A directory without a build is a :class:`StoreError`.

    >>> import kg
    >>> kg.open("no/such/dir")
    Traceback (most recent call last):
    ...
    kg.errors.StoreError: no build in no/such/dir (no build.json); run `kg build` first or pass --store DIR
    """
    from kg.corpus import BuiltCorpus

    output_dir = Path(output_dir)
    if resolve(output_dir) is None:
        raise StoreError(f"no build in {output_dir} (no {SUMMARY}); run `kg build` first "
                         "or pass --store DIR")
    with reading_state(output_dir) as root:
        state = State()
        if (root / SUMMARY).exists():
            try:
                state.info = json.loads((root / SUMMARY).read_text(encoding="utf-8"))
            except (ValueError, OSError) as e:
                raise StoreError(f"{root / SUMMARY} is damaged ({e}); run `kg build` again") from None
    settings = settings_from_info(state.info).with_(output_dir=output_dir)
    return BuiltCorpus(output_dir, settings, lambda: load_corpus(output_dir, settings))


# ---------------------------------------------------------------- writing

def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> None:
    """A state file, written atomically."""
    with atomic_write(path) as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False, sort_keys=False) + "\n")


def _line_id(line: str) -> str | None:
    """The id a state file's line starts with (``{"id": "..."``), decoded alone."""
    if not line.startswith('{"id": "'):
        return None
    try:
        value, _ = _DECODER.raw_decode(line, 7)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def write_records(path: Path, records: Iterable[Paper | PaperEntities], previous: Path | None = None,
                  loaded: Mapping[str, Paper | PaperEntities] | None = None) -> int:
    """A state file of ``records`` (in id order), written atomically; how many lines were copied.

    ``previous`` is the same file of the live build, written by the same code, and ``loaded``
    its records as :func:`load_state` read them: a record equal to the one loaded from a line
    is written as that line, copied (to_dict and json.dumps give it back byte for byte,
    so the file is the one :func:`write_jsonl` would write). Both files are in id order,
    so the old one is read once, alongside.
    """
    copied = 0
    loaded = loaded or {}
    with contextlib.ExitStack() as stack:
        f = stack.enter_context(atomic_write(path))
        old = iter(stack.enter_context(open(previous, encoding="utf-8")) if previous is not None
                   and previous.exists() else ())
        line = next(old, None)
        line_id = _line_id(line) if line is not None else None
        for record in records:
            while line is not None and (line_id is None or line_id < record.id):
                line = next(old, None)
                line_id = _line_id(line) if line is not None else None
            prior = loaded.get(record.id)
            if line is not None and line_id == record.id and line.endswith("\n") and prior is not None \
                    and (prior is record or prior == record):
                f.write(line)
                copied += 1
            else:
                d = paper_dict(record) if isinstance(record, Paper) else record.to_dict()
                f.write(json.dumps(d, ensure_ascii=False) + "\n")
    return copied


def write_summary(path: Path, record: dict[str, Any]) -> None:
    """``build.json``, written atomically."""
    with atomic_write(path) as f:
        json.dump(record, f, ensure_ascii=False, indent=2)
        f.write("\n")
