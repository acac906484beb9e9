"""Faster ways to the same bytes: the CSV cells of common values and the map's disc packing
give exactly what the general code gives."""

import math
import random
from collections.abc import Sequence

import pytest

from kg.export.html.maplayout import MARGIN, disc_radius, pack
from kg.export.tables import CSV_CELLS, _fast


class Text(str):
    pass


VALUES: list[object] = [
    None, "", "a", "a; b", Text("sub"), 0, 1, -7, 10**20, True, False, 0.0, -0.0, 1.5,
    float("nan"), float("inf"), 1e-300, 3.0, ["a", "b"], ("x",), [], (), [1, 2], ["a", None],
    [Text("t")], {"k"}, 2.5e17,
]


@pytest.mark.parametrize("kind", sorted(CSV_CELLS))
def test_a_fast_cell_is_the_general_cell(kind: str) -> None:
    fast, general = _fast(kind), CSV_CELLS[kind]
    for v in VALUES:
        try:
            want = general(v)
        except (TypeError, ValueError, OverflowError) as e:
            with pytest.raises(type(e)):
                fast(v)
            continue
        assert fast(v) == want, (kind, v)


def _pack_every_disc(radii: Sequence[float]) -> list[tuple[float, float]]:
    """The packing as first written: every placed disc tested at every point of the spiral."""
    placed: list[tuple[float, float, float]] = []
    out = []
    for r in radii:
        if not placed:
            spot = (0.0, 0.0)
        else:
            step = max(6.0, r * 0.5)
            angle, dist = 0.0, 0.0
            while True:
                x, y = dist * math.cos(angle), dist * math.sin(angle) * 0.75
                if all(math.hypot(x - px, y - py) >= r + pr + MARGIN for px, py, pr in placed):
                    spot = (x, y)
                    break
                turn = step / max(dist, step)
                angle += turn
                dist += step * turn / (2 * math.pi)
        placed.append((spot[0], spot[1], r))
        out.append(spot)
    return out


@pytest.mark.parametrize("seed", range(3))
def test_packing_gives_the_very_centres_of_the_full_test(seed: int) -> None:
    rng = random.Random(seed)
    sizes = sorted((int(rng.paretovariate(1.2)) for _ in range(80)), reverse=True)
    radii = [disc_radius(n) for n in sizes]
    assert pack(radii) == _pack_every_disc(radii)
    unsorted = [disc_radius(rng.randint(1, 60)) for _ in range(60)]  # not largest first
    assert pack(unsorted) == _pack_every_disc(unsorted)
