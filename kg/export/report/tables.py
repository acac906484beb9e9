"""The figures of a corpus as plain tables: what ``kg stats`` prints and ``report.html`` draws.

Each figure is a :class:`Table` (a name, a title, columns and rows of plain values,
and a note saying what it leaves out); :class:`Figures` holds them in report order.

>>> t = Table("counts", "Counts", ("what", "count"), (("papers", 3),))
>>> t.records()
[{'what': 'papers', 'count': 3}]
"""

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from kg.errors import FormatError

Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    """One figure: rows of plain values under named columns."""

    name: str
    title: str
    columns: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""  # what the numbers leave out, or why there are none

    def records(self) -> list[dict[str, Cell]]:
        """Rows as dicts (what :func:`kg.cli.render.render` takes)."""
        return [dict(zip(self.columns, r, strict=True)) for r in self.rows]

    def column(self, name: str) -> list[Cell]:
        i = self.columns.index(name)
        return [r[i] for r in self.rows]

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "columns": list(self.columns), "rows": self.records(),
                "note": self.note}

    def __len__(self) -> int:
        return len(self.rows)


@dataclass(frozen=True)
class Figures:
    """Every figure of a corpus, in the order the report shows them."""

    tables: tuple[Table, ...]

    def __getitem__(self, name: str) -> Table:
        for t in self.tables:
            if t.name == name:
                return t
        raise FormatError("figure", name, list(self.names()))

    def __iter__(self) -> Iterator[Table]:
        return iter(self.tables)

    def names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.tables)

    def to_dict(self) -> dict[str, Any]:
        return {t.name: t.to_dict() for t in self.tables}

    def long_rows(self) -> list[dict[str, Cell]]:
        """Every value as one (figure, row, column, value) row: all figures in one CSV."""
        return [{"figure": t.name, "row": i, "column": c, "value": v}
                for t in self.tables for i, r in enumerate(t.rows, 1)
                for c, v in zip(t.columns, r, strict=True)]


def table(name: str, title: str, columns: Sequence[str], rows: Sequence[Sequence[Cell]],
          note: str = "") -> Table:
    return Table(name, title, tuple(columns), tuple(tuple(r) for r in rows), note)


def share(part: int, whole: int) -> float:
    """``part / whole`` rounded to 4 places, 0.0 for an empty whole.

    >>> share(1, 3), share(0, 0)
    (0.3333, 0.0)
    """
    return round(part / whole, 4) if whole else 0.0


def papers(n: int) -> str:
    """``n papers``, or ``1 paper``.

    >>> papers(1), papers(3)
    ('1 paper', '3 papers')
    """
    return f"{n} paper" if n == 1 else f"{n} papers"
