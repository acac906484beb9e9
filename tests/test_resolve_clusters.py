"""Resolution's clusters never join two different kb_ids, whichever side the root is."""

from hypothesis import given, settings
from hypothesis import strategies as st

from kg.resolve.entities import _Clusters


def test_a_known_side_keeps_its_kb_id_when_the_other_side_becomes_the_root() -> None:
    uf = _Clusters()
    uf.kb[uf.find("b")] = "x"
    root = uf.union("b", "a")          # "a" < "b": the unknown side is the root
    assert root == "a" and uf.kb[root] == "x"
    uf.kb[uf.find("c")] = "y"
    uf.union("a", "c")                  # x and y: refused
    assert uf.find("c") != uf.find("b")


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from("abcdefgh"), st.sampled_from("xyz"), max_size=5),
       st.lists(st.tuples(st.sampled_from("abcdefgh"), st.sampled_from("abcdefgh")), max_size=20))
def test_no_cluster_ever_holds_two_kb_ids(kbs: dict[str, str], pairs: list[tuple[str, str]]) -> None:
    uf = _Clusters()
    for node, kb in kbs.items():
        uf.kb[uf.find(node)] = kb
    for a, b in pairs:
        uf.union(a, b)
    seen: dict[str, str] = {}
    for node, kb in kbs.items():
        root = uf.find(node)
        assert seen.setdefault(root, kb) == kb
        assert uf.kb[root] == kb
