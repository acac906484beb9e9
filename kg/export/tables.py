"""pandas tables of a resolved corpus, and their CSV / Parquet bytes.

Five tables, each with the columns listed in :data:`COLUMNS` (in that order):

* ``papers``: one row per paper.
* ``entities``: one row per canonical entity.
* ``mentions``: one row per occurrence (paper, entity), with the number of
  evidence sentences and the first one.
* ``links``: one row per paper-paper link: the rule that made it, the proposer of
  a builds-on link, and its shares (``shared``, ``share_weights``, ``share_kinds``
  are aligned, heaviest share first; a weight is written with 6 decimals).
* ``repos``: one row per (paper, repository).

Column kinds: ``str`` (pandas ``string`` dtype; an empty text is stored as
missing, since CSV cannot tell them apart), ``int`` (nullable ``Int64``),
``float``, ``bool`` and ``list`` (Python lists of strings). Parquet keeps lists
as Parquet lists; CSV joins them with ``"; "``. :func:`parse_csv` and
:func:`parse_parquet` restore exactly the frame that was written.
"""

import csv
import io
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, TypeVar

import pandas as pd

from kg.errors import FormatError, InputError
from kg.records import CorpusRecords, Entity, Link, Occurrence, Paper, PaperEntities

LIST_SEPARATOR = "; "
T = TypeVar("T")

COLUMNS: dict[str, dict[str, str]] = {
    "papers": {"id": "str", "title": "str", "abstract": "str", "arxiv_id": "str", "doi": "str",
               "url": "str", "date": "str", "page_date": "str", "upvotes": "int",
               "n_authors": "int", "authors": "list", "categories": "list", "keywords": "list",
               "repos": "list", "n_entities": "int"},
    "entities": {"id": "str", "type": "str", "name": "str", "kb_id": "str", "parent": "str",
                 "support": "int", "n_proposed": "int", "aliases": "list", "papers": "list",
                 "proposed_by": "list"},
    "mentions": {"paper": "str", "entity": "str", "type": "str", "role": "str",
                 "surface": "str", "confidence": "float", "n_evidence": "int",
                 "evidence": "str", "start": "int", "end": "int"},
    "links": {"source": "str", "target": "str", "weight": "float", "rule": "str",
              "proposer": "str", "n_shared": "int", "shared": "list", "share_weights": "list",
              "share_kinds": "list", "similarity": "float"},
    "repos": {"paper": "str", "repository": "str", "url": "str", "kind": "str", "host": "str",
              "official": "bool"},
}


def _frame(table: str, rows: list[dict[str, Any]]) -> pd.DataFrame:
    return coerce(pd.DataFrame(rows, columns=list(COLUMNS[table])), table)


def coerce(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """``df`` with the documented columns and dtypes of ``table`` (a new frame)."""
    if table not in COLUMNS:
        raise FormatError("table", table, list(COLUMNS))
    out = pd.DataFrame(index=pd.RangeIndex(len(df)))
    for col, kind in COLUMNS[table].items():
        values = df[col].tolist() if col in df else [None] * len(df)
        if kind == "list":
            out[col] = pd.Series([_as_list(v) for v in values], dtype=object)
        elif kind == "str":
            out[col] = pd.Series([None if _missing(v) or v == "" else str(v) for v in values],
                                 dtype="string")
        elif kind == "int":
            out[col] = pd.Series([None if v is None or _missing(v) else int(v) for v in values],
                                 dtype="Int64")
        elif kind == "float":
            out[col] = pd.Series(values, dtype="float64")
        else:
            out[col] = pd.Series([bool(v) and not _missing(v) for v in values], dtype="bool")
    return out


def _missing(v: object) -> bool:
    return v is None or v is pd.NA or (isinstance(v, float) and v != v)


def _as_list(v: Any) -> list[str]:
    if isinstance(v, str):
        return v.split(LIST_SEPARATOR) if v else []
    if _missing(v):
        return []
    return [str(x) for x in v]


def _iter(items: Mapping[str, T] | Iterable[T]) -> Iterable[T]:
    return items.values() if isinstance(items, Mapping) else items


def papers_rows(papers: Mapping[str, Paper] | Iterable[Paper],
                occurrences: Iterable[Occurrence] = ()) -> Iterator[dict[str, Any]]:
    counts: dict[str, int] = {}
    for o in occurrences:
        counts[o.paper] = counts.get(o.paper, 0) + 1
    fields = [k for k in COLUMNS["papers"] if k != "n_entities"]
    for p in _iter(papers):
        yield {**{k: getattr(p, k) for k in fields}, "n_entities": counts.get(p.id, 0)}


def papers_df(papers: Mapping[str, Paper] | Iterable[Paper],
              occurrences: Iterable[Occurrence] = ()) -> pd.DataFrame:
    """One row per paper; ``n_entities`` counts its resolved entities."""
    return _frame("papers", list(papers_rows(papers, occurrences)))


def entities_rows(entities: Mapping[str, Entity] | Iterable[Entity]) -> Iterator[dict[str, Any]]:
    for e in _iter(entities):
        yield {"id": e.id, "type": e.type, "name": e.name, "kb_id": e.kb_id, "parent": e.parent,
               "support": e.support, "n_proposed": len(e.proposed_by), "aliases": e.aliases,
               "papers": e.papers, "proposed_by": e.proposed_by}


def entities_df(entities: Mapping[str, Entity] | Iterable[Entity]) -> pd.DataFrame:
    """One row per entity; ``support`` is its number of papers."""
    return _frame("entities", list(entities_rows(entities)))


def mentions_rows(occurrences: Iterable[Occurrence],
                  entities: Mapping[str, Entity] | None = None) -> Iterator[dict[str, Any]]:
    for o in occurrences:
        ev = o.mention.evidence[0] if o.mention.evidence else None
        ent = entities.get(o.entity) if entities else None
        yield {"paper": o.paper, "entity": o.entity,
               "type": ent.type if ent else o.mention.type, "role": o.role,
               "surface": o.mention.name, "confidence": o.mention.confidence,
               "n_evidence": len(o.mention.evidence), "evidence": ev.text if ev else None,
               "start": ev.start if ev else None, "end": ev.end if ev else None}


def mentions_df(occurrences: Iterable[Occurrence],
                entities: Mapping[str, Entity] | None = None) -> pd.DataFrame:
    """One row per occurrence; ``type`` is the entity's resolved type when ``entities`` is given."""
    return _frame("mentions", list(mentions_rows(occurrences, entities)))


def links_rows(links: Iterable[Link]) -> Iterator[dict[str, Any]]:
    for k in links:
        yield {"source": k.source, "target": k.target, "weight": k.weight, "rule": k.rule,
               "proposer": k.proposer, "n_shared": len(k.shared), "shared": k.shared,
               "share_weights": [f"{s.weight:.6f}" for s in k.shares],
               "share_kinds": [s.kind for s in k.shares], "similarity": k.similarity}


def links_df(links: Iterable[Link]) -> pd.DataFrame:
    """One row per link; ``shared`` lists entity ids, heaviest share first.

    ``share_weights`` and ``share_kinds`` give each shared entity's weight and kind
    in the same order (empty for a link read back without its shares).
    """
    return _frame("links", list(links_rows(links)))


def repos_rows(extractions: Mapping[str, PaperEntities] | Iterable[PaperEntities]
               ) -> Iterator[dict[str, Any]]:
    rows: dict[tuple[str, str], dict[str, Any]] = {}
    for pe in _iter(extractions):
        for r in pe.links:
            row = rows.setdefault((pe.id, r.repository), {
                "paper": pe.id, "repository": r.repository, "url": r.url, "kind": r.kind,
                "host": r.host, "official": False})
            row["official"] = row["official"] or r.official
    return (rows[k] for k in sorted(rows))


def repos_df(extractions: Mapping[str, PaperEntities] | Iterable[PaperEntities]) -> pd.DataFrame:
    """One row per (paper, repository); ``official`` when any sighting says so."""
    return _frame("repos", list(repos_rows(extractions)))


def corpus_tables(corpus: CorpusRecords) -> dict[str, pd.DataFrame]:
    """The five tables of a corpus, keyed and ordered as :data:`COLUMNS`."""
    return {name: _frame(name, list(rows)) for name, rows in corpus_rows(corpus).items()}


def corpus_rows(corpus: CorpusRecords) -> dict[str, Iterator[dict[str, Any]]]:
    """The rows of the five tables of a corpus (made as they are read), keyed as :data:`COLUMNS`."""
    return {"papers": papers_rows(corpus.papers, corpus.occurrences),
            "entities": entities_rows(corpus.entities),
            "mentions": mentions_rows(corpus.occurrences, corpus.entities),
            "links": links_rows(corpus.links),
            "repos": repos_rows(corpus.extractions)}


def to_csv(df: pd.DataFrame) -> str:
    """CSV text; list cells are joined with ``"; "``."""
    flat = df.copy()
    for col in flat.columns:
        if flat[col].dtype == object:
            flat[col] = [LIST_SEPARATOR.join(v) if isinstance(v, list) else v for v in flat[col]]
    text: str = flat.to_csv(index=False, lineterminator="\n")
    return text


# a cell of each column kind as to_csv writes it from the frame coerce makes
CSV_CELLS: dict[str, Callable[[Any], str]] = {
    "str": lambda v: "" if _missing(v) or v == "" else str(v),
    "int": lambda v: "" if _missing(v) else str(int(v)),
    "float": lambda v: "" if _missing(v) else repr(float(v)),
    "bool": lambda v: "True" if bool(v) and not _missing(v) else "False",
    "list": lambda v: LIST_SEPARATOR.join(_as_list(v)),
}
CSV_BATCH = 4096  # rows written at once


def _fast(kind: str) -> Callable[[Any], str]:
    """:data:`CSV_CELLS` ``[kind]`` with the common values (a str, an int...) written
    without its general checks: the same text, in a fraction of the time (a table of
    100,000 papers has millions of cells)."""
    slow = CSV_CELLS[kind]
    if kind in ("str", "list"):  # a str is its own cell; a list of str is joined as is
        def cell(v: Any) -> str:
            t = type(v)
            if t is str:
                return v  # type: ignore[no-any-return]
            if kind == "list" and (t is tuple or t is list):
                try:
                    return LIST_SEPARATOR.join(v)
                except TypeError:
                    pass
            return slow(v)
    elif kind == "int":
        def cell(v: Any) -> str:
            return str(v) if type(v) is int else slow(v)
    elif kind == "float":
        def cell(v: Any) -> str:
            return repr(v) if type(v) is float and v == v else slow(v)
    elif kind == "bool":
        def cell(v: Any) -> str:
            return ("True" if v else "False") if type(v) is bool else slow(v)
    else:
        return slow
    return cell


def write_csv(table: str, rows: Iterable[dict[str, Any]], out: IO[bytes]) -> None:
    """Write the rows of ``table`` to ``out`` as CSV, row by row: the bytes of
    ``to_csv(coerce(pd.DataFrame(rows), table))`` without the frame."""
    if table not in COLUMNS:
        raise FormatError("table", table, list(COLUMNS))
    cells = [(col, _fast(kind)) for col, kind in COLUMNS[table].items()]
    text = io.TextIOWrapper(out, encoding="utf-8", newline="")
    writer = csv.writer(text, lineterminator="\n")  # what pandas writes with
    writer.writerow(list(COLUMNS[table]))
    batch = []
    for row in rows:
        batch.append([cell(row.get(col)) for col, cell in cells])
        if len(batch) >= CSV_BATCH:
            writer.writerows(batch)
            batch = []
    writer.writerows(batch)
    text.flush()
    text.detach()


def csv_bytes(table: str, rows: Iterable[dict[str, Any]]) -> bytes:
    """The CSV of ``table`` (see :func:`write_csv`) as bytes."""
    buf = io.BytesIO()
    write_csv(table, rows, buf)
    return buf.getvalue()


def to_parquet(df: pd.DataFrame) -> bytes:
    """Parquet bytes (pyarrow); list columns stay lists."""
    buf = io.BytesIO()
    df.to_parquet(buf, engine="pyarrow", index=False)
    return buf.getvalue()


def parse_csv(text: str, table: str) -> pd.DataFrame:
    """The frame of ``table`` written by :func:`to_csv`."""
    if table not in COLUMNS:
        raise FormatError("table", table, list(COLUMNS))
    kinds = COLUMNS[table]
    df = pd.read_csv(io.StringIO(text), keep_default_na=False, na_values=[""],
                     dtype={c: "str" for c, k in kinds.items() if k in ("str", "list")})
    return coerce(df, table)


def parse_parquet(data: bytes, table: str) -> pd.DataFrame:
    """The frame of ``table`` written by :func:`to_parquet`."""
    return coerce(pd.read_parquet(io.BytesIO(data), engine="pyarrow"), table)


def read_csv(path: str | Path, table: str) -> pd.DataFrame:
    """Read a table CSV file; a bad file raises :class:`InputError`."""
    try:
        return parse_csv(Path(path).read_text(encoding="utf-8"), table)
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(path, f"cannot read {table} CSV: {exc}") from exc


def read_parquet(path: str | Path, table: str) -> pd.DataFrame:
    """Read a table Parquet file; a bad file raises :class:`InputError`."""
    try:
        return parse_parquet(Path(path).read_bytes(), table)
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(path, f"cannot read {table} Parquet: {exc}") from exc


WRITERS: dict[str, Callable[[pd.DataFrame], str | bytes]] = {"csv": to_csv,
                                                             "parquet": to_parquet}


def table_bytes(df: pd.DataFrame, fmt: str) -> bytes:
    """The table in format ``fmt`` (``csv`` or ``parquet``) as bytes."""
    if fmt not in WRITERS:
        raise FormatError("table format", fmt, list(WRITERS))
    out = WRITERS[fmt](df)
    return out.encode("utf-8") if isinstance(out, str) else bytes(out)
