"""The learned decider's model: two linear classifiers over string features, fitted with numpy.

- ``kind``: softmax over ("none", "method", "model", "dataset"): is a group of candidates an
  entity, and of which type;
- ``role``: logistic "proposed or used", fitted on the groups that are entities.

Both are L2-regularised and fitted by full-batch Adam for a fixed number of steps from zero
weights, so the same examples give the same model. The model is plain JSON (feature names
and rounded weights): no pickle, nothing executable, readable in a diff.
"""

import hashlib
import json
from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Any

import numpy as np

from kg.errors import InputError

KINDS = ("none", "method", "model", "dataset")
FORMAT = "kg-decider/1"


@dataclass(frozen=True)
class Fit:
    """How a model is fitted: the figures training takes, recorded in the model file."""

    min_count: int = 2  # a feature seen in fewer training groups is left out
    l2: float = 1e-3
    steps: int = 300
    lr: float = 0.1


class _Sparse:
    """A 0/1 matrix as the (row, column) pairs of its ones: groups have ~50 of ~10^4 features."""

    def __init__(self, rows: Sequence[Sequence[str]], index: dict[str, int]) -> None:
        pairs = [(i, index[f]) for i, feats in enumerate(rows) for f in sorted(set(feats)) if f in index]
        self.r = np.array([a for a, _ in pairs], dtype=np.int64)
        self.c = np.array([b for _, b in pairs], dtype=np.int64)
        self.shape = (len(rows), len(index))

    def take(self, keep: Sequence[int]) -> "_Sparse":
        new = {old: i for i, old in enumerate(keep)}
        mask = np.isin(self.r, np.array(list(keep), dtype=np.int64))
        out = _Sparse([], {})
        out.r = np.array([new[int(v)] for v in self.r[mask]], dtype=np.int64)
        out.c = self.c[mask]
        out.shape = (len(keep), self.shape[1])
        return out

    def dot(self, w: np.ndarray) -> np.ndarray:  # x @ w
        return np.stack([np.bincount(self.r, weights=w[self.c, k], minlength=self.shape[0])
                         for k in range(w.shape[1])], axis=1)

    def tdot(self, d: np.ndarray) -> np.ndarray:  # x.T @ d
        return np.stack([np.bincount(self.c, weights=d[self.r, k], minlength=self.shape[1])
                         for k in range(d.shape[1])], axis=1)


def _adam(x: _Sparse, y: np.ndarray, fit: Fit, softmax: bool) -> np.ndarray:
    """Weights (features x outputs) minimising mean log loss + l2/2 |w|^2 (the bias is a feature)."""
    n, d = x.shape
    k = y.shape[1]
    w = np.zeros((d, k))
    m = np.zeros_like(w)
    v = np.zeros_like(w)
    b1, b2, eps = 0.9, 0.999, 1e-8
    for t in range(1, fit.steps + 1):
        z = x.dot(w)
        if softmax:
            z -= z.max(axis=1, keepdims=True)
            p = np.exp(z)
            p /= p.sum(axis=1, keepdims=True)
        else:
            p = 1.0 / (1.0 + np.exp(-z))
        g = x.tdot(p - y) / max(n, 1) + fit.l2 * w
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        w -= fit.lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
    return w


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    kind_w: tuple[tuple[float, ...], ...]  # per feature, one weight per KINDS entry
    role_w: tuple[float, ...]  # per feature, the weight towards "proposed"
    fit: Fit
    trained_on: int = 0  # groups it was fitted on
    # names learnt from the gold: key -> papers in which it was each of KINDS (kg.extract.learn.names)
    names: dict[str, tuple[int, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_index", {f: i for i, f in enumerate(self.features)})
        both = np.hstack([np.array(self.kind_w, dtype=np.float64).reshape(len(self.features), len(KINDS)),
                          np.array(self.role_w, dtype=np.float64).reshape(-1, 1)])
        object.__setattr__(self, "_w", both)
        # the same after a row of zeros, row 0, which every group's row list ends with (never empty):
        # feature i is row i + 1, so that a feature the model lacks (index.get: None) is filtered
        # out in C (filter(None, ...)); a sum of the same rows in the same order, bit for bit
        object.__setattr__(self, "_index1", {f: i + 1 for i, f in enumerate(self.features)})
        object.__setattr__(self, "_w0", np.vstack([np.zeros((1, both.shape[1])), both]))
        # features in strictly increasing order (as train writes them): the ids of a sorted row
        # of features are then in increasing order, and a set of ids sorted is that row's ids
        object.__setattr__(self, "_ordered", all(a < b for a, b in pairwise(self.features)))
        object.__setattr__(self, "_conjoined", {})

    def scores(self, feats: Sequence[str]) -> tuple[list[float], float]:
        """(probabilities over KINDS, probability of "proposed") of one group's features."""
        index: dict[str, int] = self.__dict__["_index"]
        rows = [i for i in map(index.get, feats) if i is not None]
        z = self.__dict__["_w"][rows].sum(axis=0)
        kind = np.exp(z[:-1] - z[:-1].max())
        kind /= kind.sum()
        return [float(v) for v in kind], float(1.0 / (1.0 + np.exp(-z[-1])))

    def scores_many(self, rows: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`scores` of many groups at once: (n x KINDS probabilities, n "proposed" probabilities).

        One gather and one segmented sum for all of a doc's groups, in place of numpy calls per group.
        """
        return self.scores_of_ids(self.ids(rows))

    def ids(self, rows: Sequence[Sequence[str]]) -> list[list[int]]:
        """Each row's features as rows of the weights (:meth:`scores_of_ids`), the features the
        model lacks left out. (Not 0.0 for them: numpy's sums group their terms by their number.)"""
        get = self.__dict__["_index1"].get
        return [list(filter(None, map(get, feats))) for feats in rows]

    @property
    def ordered(self) -> bool:
        """Whether the features stand in strictly increasing order (as :func:`train` writes them)."""
        return bool(self.__dict__["_ordered"])

    def conjoined(self, prefix: str) -> dict[str, int]:
        """The :meth:`ids` of the features ``prefix&f``, by ``f`` (made once per prefix)."""
        table: dict[str, dict[str, int]] = self.__dict__["_conjoined"]
        out = table.get(prefix)
        if out is None:
            p = f"{prefix}&"
            out = table[prefix] = {f[len(p):]: i + 1 for i, f in enumerate(self.features) if f.startswith(p)}
        return out

    def ids_of_parts(self, alone: Iterable[str], conj: Collection[str], prefixes: Iterable[str]) -> list[int]:
        """``ids([sorted(features)])[0]`` of the features ``alone``, ``conj`` and ``p&f`` for each
        prefix ``p`` and each ``f`` in ``conj``, without making the strings ``p&f``; only for an
        :attr:`ordered` model."""
        get = self.__dict__["_index1"].get
        ids = set(map(get, alone))
        ids.update(map(get, conj))
        for p in prefixes:
            ids.update(map(self.conjoined(p).get, conj))
        ids.discard(None)
        return sorted(ids)

    def scores_of_ids(self, rows: Sequence[Sequence[int]]) -> tuple[np.ndarray, np.ndarray]:
        """:meth:`scores_many` of rows already given as :meth:`ids`, each summed in its order."""
        if not rows:
            return np.zeros((0, len(KINDS))), np.zeros(0)
        w0: np.ndarray = self.__dict__["_w0"]
        ids: list[int] = []
        starts: list[int] = []
        for row in rows:
            starts.append(len(ids))
            ids += row
            ids.append(0)  # the row of zeros: no group's rows are none
        z = np.add.reduceat(w0[np.array(ids, dtype=np.intp)], np.array(starts, dtype=np.intp), axis=0)
        kind = np.exp(z[:, :-1] - z[:, :-1].max(axis=1, keepdims=True))
        kind /= kind.sum(axis=1, keepdims=True)
        return kind, 1.0 / (1.0 + np.exp(-z[:, -1]))

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "fit": self.fit.__dict__, "trained_on": self.trained_on,
                "kinds": list(KINDS), "features": list(self.features),
                "kind_weights": [list(r) for r in self.kind_w], "role_weights": list(self.role_w),
                "names": {k: list(v) for k, v in self.names.items()}}

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n", encoding="utf-8")
        return path

    def digest(self) -> str:
        return hashlib.sha256(json.dumps(self.to_json(), sort_keys=True).encode()).hexdigest()[:16]


def from_json(d: Any, where: str | Path = "model") -> Model:
    """A model from its JSON object; a malformed one is an InputError naming ``where``."""
    try:
        if d.get("format") != FORMAT:
            raise InputError(where, f"not a kg decider model (format {d.get('format')!r}, expected {FORMAT!r})")
        feats = tuple(str(f) for f in d["features"])
        kind_w = tuple(tuple(float(v) for v in row) for row in d["kind_weights"])
        role_w = tuple(float(v) for v in d["role_weights"])
        if len(kind_w) != len(feats) or len(role_w) != len(feats) or any(len(r) != len(KINDS) for r in kind_w):
            raise InputError(where, "weights do not match the features")
        names = {str(k): tuple(int(x) for x in v) for k, v in (d.get("names") or {}).items()}
        if any(len(v) != len(KINDS) for v in names.values()):
            raise InputError(where, "learnt names must give one count per kind")
        return Model(feats, kind_w, role_w, Fit(**d["fit"]), int(d.get("trained_on", 0)), names)
    except (AttributeError, KeyError, TypeError, ValueError) as e:
        raise InputError(where, f"malformed model: {e}") from None


def load(path: str | Path) -> Model:
    path = Path(path)
    try:
        d = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(path, "no such model file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as e:
        raise InputError(path, f"not a JSON model: {e}") from None
    return from_json(d, path)


def train(rows: Sequence[Sequence[str]], kinds: Sequence[str], roles: Sequence[str | None],
          fit: Fit | None = None) -> Model:
    """Fit both classifiers: ``kinds[i]`` in KINDS; ``roles[i]`` for entities ("proposed"/"used")."""
    fit = fit or Fit()
    counts = Counter(f for feats in rows for f in set(feats))
    feats = tuple(sorted(f for f, c in counts.items() if c >= fit.min_count))
    index = {f: i for i, f in enumerate(feats)}
    x = _Sparse(rows, index)
    y = np.zeros((len(rows), len(KINDS)))
    for i, k in enumerate(kinds):
        y[i, KINDS.index(k)] = 1.0
    kind_w = _adam(x, y, fit, softmax=True)
    pos = [i for i, r in enumerate(roles) if r is not None]
    yr = np.array([[1.0 if roles[i] == "proposed" else 0.0] for i in pos]).reshape(-1, 1)
    role_w = _adam(x.take(pos), yr, fit, softmax=False)[:, 0] if pos else np.zeros(len(feats))
    return Model(feats, tuple(tuple(round(float(v), 5) for v in row) for row in kind_w),
                 tuple(round(float(v), 5) for v in role_w), fit, len(rows))
