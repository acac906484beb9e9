"""The one union-find of kg: groups of items that some key says are the same."""

from typing import Generic, TypeVar

_T = TypeVar("_T", int, str)


class UnionFind(Generic[_T]):
    """Disjoint sets of ints or strings; an item unseen so far is a set of its own.

    The smaller root wins a union, so a set's root is always its smallest item,
    whatever order the unions came in: the earliest index, the first string.

    >>> uf: UnionFind[int] = UnionFind()
    >>> uf.union(3, 1), uf.union(5, 3), uf.find(5), uf.find(4)
    (1, 1, 1, 4)
    """

    def __init__(self) -> None:
        self._up: dict[_T, _T] = {}

    def find(self, x: _T) -> _T:
        """The root of ``x``'s set."""
        up = self._up
        root = up.setdefault(x, x)
        while up[root] != root:
            root = up[root]
        while up[x] != root:  # path compression
            up[x], x = root, up[x]
        return root

    def union(self, a: _T, b: _T) -> _T:
        """Join the sets of ``a`` and ``b``; returns the root of ``a``'s set afterwards."""
        ra, rb = self.find(a), self.find(b)
        if rb < ra:
            ra, rb = rb, ra
        if ra != rb:
            self._up[rb] = ra
        return ra
