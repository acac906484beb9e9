"""Paper links: the rules of kg.resolve.links one by one, and against a brute-force reference."""

import math
import random
from itertools import combinations

import pytest

from kg.records import Entity, Evidence, Mention, Occurrence
from kg.resolve.links import ancestors, link_cutoff, paper_links
from kg.resolve.similarity import cosine, similar_pairs, text_vectors, words
from kg.settings import Settings

# every rule off but the one a test is about
LOOSE = Settings().with_(link_min_weight=0.0, link_max_neighbours=100, link_max_df=1.0,
                         link_rare_df=1000, link_max_per_entity=1000)


TITLE = "A title"  # every paper's title in TITLES; evidence inside it is at offset 0
IN_TITLE, IN_ABSTRACT = Evidence(TITLE, 0, 1), Evidence("Abstract.", 20, 21)


def occ(table: dict[str, list[str]]) -> list[Occurrence]:
    """Occurrences from {paper: [entity, ...]}; ``+e`` is an entity the paper proposes,
    ``^e`` one its title names (when the titles are given: see :func:`titles`)."""
    out = []
    for p, es in table.items():
        for e in es:
            name = e.lstrip("+^")
            ev = IN_TITLE if "^" in e else IN_ABSTRACT
            out.append(Occurrence(p, name, "proposed" if "+" in e else "used",
                                  Mention("method", name, evidence=(ev,))))
    return out


def titles(table: dict[str, list[str]]) -> dict[str, str]:
    return dict.fromkeys(table, TITLE)


def fam(parents: dict[str, str]) -> list[Entity]:
    return [Entity(child, "model", child, parent=parent) for child, parent in parents.items()]


def pairs(links):
    return [(k.source, k.target) for k in links]


def by_pair(links):
    return {(k.source, k.target): k for k in links}


# ---------------------------------------------------------------- weights and shares

def test_weight_sums_the_rarity_of_every_shared_entity():
    table = {"a": ["x", "y"], "b": ["x", "y"], "c": ["x"], "d": []}
    link = by_pair(paper_links(occ(table), 4, LOOSE))["a", "b"]
    assert link.weight == pytest.approx(math.log(4 / 3) + math.log(4 / 2))
    assert link.shared == ("y", "x")  # heaviest share first
    assert [(s.entity, s.kind, s.df) for s in link.shares] == [("y", "shared", 2), ("x", "shared", 3)]
    assert math.fsum(s.weight for s in link.shares) == pytest.approx(link.weight)
    assert link.rule == "several" and link.proposer is None


def test_families_are_shared_at_a_discount_and_to_any_depth():
    # a names a grandchild, b a child on another branch: they share the grandparent only
    parents = {"llava-1.5-7b": "llava-1.5", "llava-1.5": "llava", "llava-next": "llava"}
    table = {"a": ["llava-1.5-7b"], "b": ["llava-next"], "c": ["z"], "d": ["z"]}
    link = by_pair(paper_links(occ(table), 4, LOOSE, fam(parents)))["a", "b"]
    (share,) = link.shares
    assert (share.entity, share.kind, share.df) == ("llava", "family", 2)
    assert share.weight == pytest.approx(LOOSE.link_family_discount * math.log(4 / 2))
    # without the families the two papers share nothing
    assert ("a", "b") not in by_pair(paper_links(occ(table), 4, LOOSE))


def test_an_implied_ancestor_adds_nothing():
    # both name the 7B model; its families llava-1.5 and llava are implied, not added
    parents = {"llava-1.5-7b": "llava-1.5", "llava-1.5": "llava"}
    table = {"a": ["llava-1.5-7b"], "b": ["llava-1.5-7b", "llava"], "c": ["llava"]}
    links = by_pair(paper_links(occ(table), 3, LOOSE, fam(parents)))
    assert [(s.entity, s.kind) for s in links["a", "b"].shares] == [("llava-1.5-7b", "shared")]
    # c names the family; a reaches it through its variant
    assert [(s.entity, s.kind) for s in links["a", "c"].shares] == [("llava", "family")]


def test_family_cycles_do_not_hang():
    assert ancestors("a", {"a": "b", "b": "a"}) == ["b"]
    links = paper_links(occ({"p": ["a"], "q": ["b"]}), 2, LOOSE, fam({"a": "b", "b": "a"}))
    assert pairs(links) == [("p", "q")]


def test_proposer_and_user_are_strongly_related_in_that_direction():
    table = {"mamba": ["+m"], "user": ["m"], "peer": ["m"], "x": []}
    links = by_pair(paper_links(occ(table), 4, LOOSE))
    built = links["mamba", "user"]
    assert built.rule == "builds-on" and built.proposer == "mamba"
    assert built.shares[0].kind == "builds-on"
    assert built.weight == pytest.approx(LOOSE.link_builds_on_boost * math.log(4 / 3))
    assert links["peer", "user"].rule == "rare" and links["peer", "user"].proposer is None
    assert built.weight > links["peer", "user"].weight


def test_builds_on_through_a_variant_of_what_was_proposed():
    table = {"llava": ["+llava"], "user": ["llava-1.5-7b"]}
    parents = {"llava-1.5-7b": "llava-1.5", "llava-1.5": "llava"}
    link = paper_links(occ(table), 10, LOOSE, fam(parents))[0]
    assert (link.rule, link.proposer, link.shared) == ("builds-on", "llava", ("llava",))


def test_builds_on_needs_the_proposer_to_name_it_in_its_title():
    table = {"mamba": ["+^m"], "user": ["m"], "x": ["q"]}
    built = paper_links(occ(table), 10, LOOSE, (), titles(table))
    assert [(k.rule, k.proposer) for k in built] == [("builds-on", "mamba")]
    # a paper proposing m without naming it in its title is not taken at its word
    table = {"survey": ["+m", "q"], "user": ["m", "q"]}
    (link,) = paper_links(occ(table), 10, LOOSE, (), titles(table))
    assert link.rule == "several" and link.proposer is None
    assert {s.kind for s in link.shares} == {"shared"}


def test_one_rare_entity_links_only_when_a_title_names_it():
    table = {"a": ["^tiny"], "b": ["tiny"], "c": ["tool"], "d": ["tool"]}
    links = paper_links(occ(table), 10, LOOSE, (), titles(table))
    assert pairs(links) == [("a", "b")] and links[0].shares[0].titled
    # two shared entities need no title
    table = {"c": ["tool", "bench"], "d": ["tool", "bench"]}
    assert [k.rule for k in paper_links(occ(table), 10, LOOSE, (), titles(table))] == ["several"]


def test_a_mention_without_evidence_counts_as_titled():
    table = {"a": ["tiny"], "b": ["tiny"]}
    bare = [Occurrence(o.paper, o.entity, o.role, Mention("method", o.entity)) for o in occ(table)]
    assert pairs(paper_links(bare, 10, LOOSE, (), titles(table))) == [("a", "b")]
    assert paper_links(occ(table), 10, LOOSE, (), titles(table)) == []


def test_a_title_naming_a_variant_makes_its_family_titled():
    table = {"a": ["^llava-1.5-7b"], "b": ["llava-next"]}
    parents = {"llava-1.5-7b": "llava", "llava-next": "llava"}
    (link,) = paper_links(occ(table), 10, LOOSE, fam(parents), titles(table))
    assert (link.shared, link.rule, link.shares[0].titled) == (("llava",), "rare", True)


def test_an_entity_two_papers_claim_to_propose_builds_nothing():
    table = {"a": ["+m"], "b": ["+m"], "c": ["m"]}
    links = paper_links(occ(table), 10, LOOSE)
    assert {k.rule for k in links} == {"rare"} and all(k.proposer is None for k in links)


# ---------------------------------------------------------------- evidence

def test_one_common_entity_is_not_enough_evidence():
    s = LOOSE.with_(link_max_df=0.2)
    table = {f"p{i:02d}": ["cot"] for i in range(10)}  # in half of the 20 papers
    table["p00"].append("r")
    table["p01"].append("r")
    links = paper_links(occ(table), 20, s)
    assert pairs(links) == [("p00", "p01")]
    shares = {x.entity: x for x in links[0].shares}
    assert shares["cot"].common and not shares["r"].common
    assert links[0].weight == pytest.approx(math.log(20 / 2) + math.log(20 / 10))


def test_one_entity_links_alone_only_when_rare_enough():
    table = {f"p{i}": ["gsm8k"] for i in range(4)} | {"q0": ["tiny"], "q1": ["tiny"]}
    s = LOOSE.with_(link_rare_df=3)
    assert pairs(paper_links(occ(table), 100, s)) == [("q0", "q1")]
    assert len(paper_links(occ(table), 100, s.with_(link_rare_df=4))) == 7


def test_two_shared_entities_link_even_when_neither_is_rare():
    table = {f"p{i}": ["a"] for i in range(5)} | {f"q{i}": ["b"] for i in range(5)}
    table["p0"].append("b")
    table["q0"].append("a")
    links = paper_links(occ(table), 100, LOOSE.with_(link_rare_df=2))
    assert pairs(links) == [("p0", "q0")] and links[0].rule == "several"


def test_a_shared_family_is_half_the_evidence_of_a_shared_entity():
    # a and b each name some member of two families, never the same one
    parents = {"llama-2": "llama", "llama-3": "llama", "gpt-4": "gpt", "gpt-2": "gpt"}
    table = {"a": ["llama-2", "gpt-4"], "b": ["llama-3", "gpt-2"], "c": ["x"], "d": ["x"]}
    s = LOOSE.with_(link_rare_df=1)
    assert ("a", "b") not in by_pair(paper_links(occ(table), 10, s, fam(parents)))
    # naming the same two models is enough
    table["b"] = ["llama-2", "gpt-4"]
    assert by_pair(paper_links(occ(table), 10, s, fam(parents)))["a", "b"].rule == "several"
    # and so is a shared model plus two shared families
    table = {"a": ["llama-2", "gpt-4", "bert"], "b": ["llama-3", "gpt-2", "bert"]}
    assert by_pair(paper_links(occ(table), 10, s, fam(parents)))["a", "b"].rule == "several"


def test_min_weight_drops_light_links():
    table = {"a": ["x"], "b": ["x"], "c": ["x"], "d": []}
    light = math.log(4 / 3)
    assert len(paper_links(occ(table), 4, LOOSE.with_(link_min_weight=light - 0.01))) == 3
    assert paper_links(occ(table), 4, LOOSE.with_(link_min_weight=light + 0.01)) == []


# ---------------------------------------------------------------- caps

def test_an_entity_leads_at_most_its_cap_of_links_the_heaviest_kept():
    table = {f"p{i}": ["cot"] for i in range(6)}
    table["p4"].append("r")
    table["p5"].append("r")  # p4-p5 share cot and a rarer entity: the heaviest
    s = LOOSE.with_(link_max_per_entity=2)
    links = paper_links(occ(table), 50, s)
    led_by_cot = [k for k in links if k.shares[0].entity == "cot"]
    assert len(led_by_cot) == 2 and ("p4", "p5") in pairs(links)
    assert len(paper_links(occ(table), 50, LOOSE)) == 15


def test_neighbour_cap_keeps_link_when_either_end_keeps_it():
    # hub shares one entity with each of 3 papers; each keeps its only link
    table = {"hub": ["a", "b", "c"], "x": ["a"], "y": ["b"], "z": ["c"]}
    got = pairs(paper_links(occ(table), 6, LOOSE.with_(link_max_neighbours=1)))
    assert got == [("hub", "x"), ("hub", "y"), ("hub", "z")]


def test_no_occurrences_no_links():
    assert paper_links([], 10, Settings()) == []


def test_links_are_sorted_and_source_before_target():
    table = {"c": ["e1", "e2"], "a": ["e1", "e2"], "b": ["e1"]}
    links = paper_links(occ(table), 5, LOOSE)
    assert pairs(links) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert all(k.source < k.target for k in links)


# ---------------------------------------------------------------- text similarity

# a corpus written for the tests: two papers on pruning, two on dialogue, fillers
TEXTS = {
    "a": "Structured pruning of transformer layers\nWe prune attention heads and sparse "
         "subnetworks of transformer layers with magnitude pruning.",
    "b": "Magnitude pruning finds sparse subnetworks\nIterative magnitude pruning of dense "
         "layers finds sparse subnetworks that train well.",
    "c": "Coherent dialogue agents\nWe learn dialogue acts for coherent dialogue agents.",
    "d": "Dialogue acts and coherence\nA study of dialogue acts and coherent agents.",
    # function words ("we", "of", "and", "for", "a") are in most texts: above any cut-off
    **{f"f{i}": f"Filler paper {i}\nWe write a text of topic{i} and word{i} for filler." for i in range(6)},
}


def test_words_split_hyphens_and_drop_single_characters():
    assert words("Chain-of-Thought a GPT-4 3D") == ["chain", "of", "thought", "gpt", "3d"]


def test_text_vectors_are_unit_and_keep_words_of_mid_frequency_only():
    vectors = text_vectors(TEXTS, 3)
    assert all(math.isclose(math.fsum(x * x for x in v.values()), 1.0) for v in vectors.values() if v)
    assert "pruning" in vectors["a"] and "filler" not in vectors["a"]  # 'filler': in 6 > 3 texts
    assert vectors["f0"] == {}  # every word of f0 is in no other text or in too many


def test_similar_pairs_equal_all_pairs_cosines():
    vectors = text_vectors(TEXTS, 4)
    every = {(a, b): cosine(vectors[a], vectors[b]) for a, b in combinations(sorted(TEXTS), 2)}
    for floor in (0.0001, 0.1, 0.3):
        assert similar_pairs(vectors, floor) == {k: v for k, v in every.items() if v >= floor}
    for words_ in (1, 2, 3):
        assert similar_pairs(vectors, 0.0001, words_) == {
            (a, b): v for (a, b), v in every.items()
            if v >= 0.0001 and len(set(vectors[a]) & set(vectors[b])) >= words_}
    assert max(every, key=every.__getitem__) in {("a", "b"), ("c", "d")}


def test_a_similarity_resting_on_too_few_words_links_nothing():
    # two papers sharing one rare word are alike by chance: cosine high, one word
    texts = {"a": "alpha beta", "b": "alpha gamma", **{f"f{i}": f"delta{i} eps" for i in range(8)}}
    s = LOOSE.with_(link_text_min=0.1, link_max_df=0.5, link_text_alone=True)
    vectors = text_vectors(texts, 5)
    assert cosine(vectors["a"], vectors["b"]) == pytest.approx(1.0)
    assert paper_links([], len(texts), s.with_(link_text_min_words=1), texts=texts) != []
    assert paper_links([], len(texts), s, texts=texts) == []


def test_one_shared_entity_and_alike_texts_link_as_similar():
    table = {"a": ["llama"], "b": ["llama"], "c": ["llama"], "d": ["llama"]}
    s = LOOSE.with_(link_rare_df=0, link_similar_min=0.1, link_text_min=2.0, link_max_df=0.5)
    links = by_pair(paper_links(occ(table), len(TEXTS), s, titles=titles(table), texts=TEXTS))
    # llama alone links nothing (not rare enough); the alike texts decide
    assert set(links) == {("a", "b"), ("c", "d")}
    link = links["a", "b"]
    assert link.rule == "similar" and link.shared == ("llama",)
    sim = cosine(*(text_vectors(TEXTS, link_cutoff(len(TEXTS), s))[p] for p in "ab"))
    assert link.similarity == pytest.approx(sim) and sim >= 0.1
    assert link.weight == pytest.approx(link.shares[0].weight + s.link_similarity_weight * sim)
    # without texts the same corpus has no link
    assert paper_links(occ(table), len(TEXTS), s, titles=titles(table)) == []


def test_alike_texts_without_a_shared_entity_do_not_link_with_text_alone_off():
    # link_text_alone=False: every link shares an entity, alike texts alone are not one
    s = LOOSE.with_(link_similar_min=2.0, link_text_min=0.2, link_max_df=0.5, link_text_alone=False)
    assert paper_links([], len(TEXTS), s, texts=TEXTS) == []


def test_alike_texts_alone_link_as_text_even_without_entities():
    s = LOOSE.with_(link_similar_min=2.0, link_text_min=0.2, link_max_df=0.5, link_text_alone=True)
    links = paper_links([], len(TEXTS), s, texts=TEXTS)
    assert {(k.source, k.target) for k in links} == {("a", "b"), ("c", "d")}
    assert all(k.rule == "text" and k.shared == () and k.similarity >= 0.2 for k in links)


def test_a_common_entity_is_no_evidence_for_similar():
    table = {p: ["llm"] for p in TEXTS}  # in every paper: common
    s = Settings().with_(link_min_weight=0.0, link_similar_min=0.01, link_text_min=2.0)
    assert paper_links(occ(table), len(TEXTS), s, titles=titles(table), texts=TEXTS) == []


def test_text_links_are_capped_apart_from_entity_links():
    # "x" leads one entity link (rare, titled) and by text one more, with a cap of 1 each
    table = {"a": ["x"], "b": ["x"], "c": ["^x"], "d": ["^x"]}
    s = LOOSE.with_(link_max_per_entity=1, link_rare_df=4, link_similar_min=0.05,
                    link_text_min=2.0, link_max_df=0.5)
    links = paper_links(occ(table), len(TEXTS), s, titles=titles(table), texts=TEXTS)
    rules = sorted(k.rule for k in links)
    assert rules == ["rare", "similar"]


# ---------------------------------------------------------------- against all pairs

def brute_force(table: dict[str, list[str]], parents: dict[str, str], n: int, s: Settings,
                with_titles: bool, texts: dict[str, str] | None = None):
    """Every pair of papers, the documented rules applied literally."""
    vectors = (text_vectors(texts, min(link_cutoff(max(n, len(table)), s), s.link_text_max_postings))
               if texts else {})
    floor = min(s.link_similar_min, s.link_text_min)
    def up(e):
        chain, seen = [], {e}
        while parents.get(e) is not None and parents[e] not in seen:
            e = parents[e]
            chain.append(e)
            seen.add(e)
        return chain

    direct = {p: {} for p in table}
    titled = {p: set() for p in table}
    for p, es in table.items():
        for e in es:
            name = e.lstrip("+^")
            direct[p][name] = direct[p].get(name, False) or "+" in e
            if "^" in e or not with_titles:
                titled[p].update([name, *up(name)])
    reach = {p: set(d) | {a for e in d for a in up(e)} for p, d in direct.items()}
    df = {}
    for r in reach.values():
        for e in r:
            df[e] = df.get(e, 0) + 1
    proposers = {}
    for p, d in direct.items():
        for e, prop in d.items():
            if prop:
                proposers.setdefault(e, set()).add(p)
    common = {e for e in df if df[e] > link_cutoff(n, s)}
    cand = {}
    for a, b in combinations(sorted(p for p in table if direct[p] or texts), 2):
        sim = (cosine(vectors[a], vectors[b]) if texts and len(set(vectors[a]) & set(vectors[b]))
               >= s.link_text_min_words else None)
        sim = sim if sim is not None and sim >= floor else None
        both = reach[a] & reach[b]
        lowest = both - {x for e in both for x in up(e) if e not in up(x)}
        shares, builds = [], []
        for e in lowest:
            idf = math.log(n / df[e])
            pa, pb = direct[a].get(e, False), direct[b].get(e, False)
            proposer_ = a if pa else b
            if pa != pb and proposers[e] == {proposer_} and e in titled[proposer_]:
                w, kind = idf * s.link_builds_on_boost, "builds-on"
                if e not in common:
                    builds.append((w, a if pa else b))
            elif e in direct[a] and e in direct[b]:
                w, kind = idf, "shared"
            else:
                w, kind = idf * s.link_family_discount, "family"
            shares.append((round(w, 9), kind, df[e], e, e in titled[a] or e in titled[b]))
        shares.sort(key=lambda t: (-t[0], t[2], t[3]))
        evidence = [t for t in shares if t[3] not in common]
        proposer = None
        if builds:
            best = max(w for w, _ in builds)
            proposer = min(p for w, p in builds if w == best)
            rule = "builds-on"
        elif sum(s.link_family_discount if t[1] == "family" else 1 for t in evidence) >= 2:
            rule = "several"
        elif any(t[2] <= s.link_rare_df and t[4] for t in evidence):
            rule = "rare"
        elif sim is not None and evidence and sim >= s.link_similar_min:
            rule = "similar"
        elif sim is not None and (shares or s.link_text_alone) and sim >= s.link_text_min:
            rule = "text"
        else:
            continue
        w = round(math.fsum([t[0] for t in shares] + [s.link_similarity_weight * (sim or 0.0)]), 9)
        if w >= s.link_min_weight:
            cand[a, b] = (w, tuple(t[3] for t in shares), rule, proposer,
                          evidence[0][3] if evidence else None, sim)
    led = {}
    capped = set()
    for pair, v in cand.items():
        if v[4] is None:
            capped.add(pair)  # a text link on no entity: no entity cap
        else:
            led.setdefault((v[4], v[2] in ("similar", "text")), []).append((-v[0], pair))
    capped |= {pair for group in led.values() for _, pair in sorted(group)[:s.link_max_per_entity]}
    keep = set()
    for p in table:
        mine = sorted((-cand[pair][0], q, pair) for pair in capped if p in pair
                      for q in pair if q != p)
        keep.update(pair for _, _, pair in mine[:s.link_max_neighbours])
    return [(a, b, round(cand[a, b][0], 6), cand[a, b][1], cand[a, b][2], cand[a, b][3],
             None if cand[a, b][5] is None else round(cand[a, b][5], 6)) for a, b in sorted(keep)]


def _random_case(seed):
    """The links of a random corpus, from paper_links and from the brute force."""
    rng = random.Random(seed)
    n_papers, n_ent = rng.randint(2, 40), rng.randint(2, 30)
    names = [f"e{i}" for i in range(n_ent)]
    parents = {e: rng.choice(names) for e in names if rng.random() < 0.3}
    table = {f"p{i:02d}": [("+" if rng.random() < 0.1 else "") + ("^" if rng.random() < 0.3 else "")
                           + e for e in rng.sample(names, rng.randint(0, min(6, n_ent)))]
             for i in range(n_papers)}
    with_titles = rng.random() < 0.7
    n_total = n_papers + rng.randint(0, 10)
    s = Settings().with_(link_max_df=rng.choice([0.1, 0.2, 0.5]),
                         link_min_weight=rng.choice([0.0, 1.0, 2.5]),
                         link_max_neighbours=rng.choice([1, 3, 10]),
                         link_max_postings=rng.choice([5, 1000]),
                         link_rare_df=rng.choice([2, 3, 5]),
                         link_max_per_entity=rng.choice([1, 4, 100]))
    # texts of a small random vocabulary for one corpus in two: the similarity rules too
    vocab = [f"w{i}" for i in range(rng.randint(3, 40))]
    texts = ({p: " ".join(rng.choices(vocab, k=rng.randint(0, 12))) for p in table}
             if rng.random() < 0.5 else None)
    s = s.with_(link_similar_min=rng.choice([0.05, 0.2, 0.5]),
                link_text_min=rng.choice([0.1, 0.3, 0.8]), link_text_min_words=rng.choice([1, 3]),
                link_text_alone=rng.random() < 0.5,
                link_text_max_postings=rng.choice([3, 200]))
    got = [(k.source, k.target, round(k.weight, 6), k.shared, k.rule, k.proposer,
            None if k.similarity is None else round(k.similarity, 6))
           for k in paper_links(occ(table), n_total, s, fam(parents),
                                titles(table) if with_titles else None, texts)]
    return got, brute_force(table, parents, n_total, s, with_titles, texts)


@pytest.mark.parametrize("seed", range(30))
def test_equals_brute_force_on_random_corpus(seed):
    got, expected = _random_case(seed)
    assert got == expected


def test_the_random_corpora_exercise_every_rule():
    rules = {k[4] for seed in range(30) for k in _random_case(seed)[1]}
    assert rules == {"builds-on", "several", "rare", "similar", "text"}


def test_siblings_share_their_nearest_family_only():
    parents = {"llava-1.5-7b": "llava-1.5", "llava-1.5-13b": "llava-1.5", "llava-1.5": "llava"}
    table = {"a": ["llava-1.5-7b"], "b": ["llava-1.5-13b"]}
    link = paper_links(occ(table), 10, LOOSE, fam(parents))[0]
    assert [(s.entity, s.kind) for s in link.shares] == [("llava-1.5", "family")]


# ---------------------------------------------------------------- explained in RDF and tables

def _linked_corpus():
    from kg.corpus import Corpus
    from kg.records import Paper, PaperEntities

    papers = [Paper("p1", "Mamba: a new model", "We propose Mamba."),
              Paper("p2", "Using it", "We use Mamba-2.8B and the Pile."),
              Paper("p3", "Other", "We use the Pile."), Paper("p4", "Nothing", "")]

    def m(name: str, start: int, role: str = "used", parent: str | None = None) -> Mention:
        return Mention("model", name, role=role, parent=parent,
                       evidence=(Evidence("s", start, start + len(name), name),))

    found = [PaperEntities("p1", papers[0].title, (m("Mamba", 0, "proposed"),)),
             PaperEntities("p2", papers[1].title, (m("Mamba-2.8B", 20, parent="Mamba"),
                                                   m("Pile", 30))),
             PaperEntities("p3", papers[2].title, (m("Pile", 30),))]
    # texts alike enough for no rule: the builds-on link alone
    return Corpus.from_extractions(papers, found, Settings().with_(
        link_min_weight=0.1, link_similar_min=1.01, link_text_min=1.01))


def test_links_reach_the_rdf_explained_and_conforming_to_the_shapes():
    from importlib.resources import files

    import pyshacl
    from rdflib import Graph, Literal
    from rdflib.namespace import RDF

    from kg.rdf.convert import corpus_to_graph
    from kg.rdf.iri import mint
    from kg.rdf.vocab import KG

    corpus = _linked_corpus()
    (link,) = corpus.links  # p2 builds on p1; the Pile is in no title, so p2-p3 is no link
    assert (link.source, link.target, link.rule, link.proposer) == ("p1", "p2", "builds-on", "p1")
    g = corpus_to_graph(corpus)
    node = mint("link", ("p1", "p2"))
    assert g.value(node, KG.linkRule) == Literal("builds-on")
    assert (mint("paper", "p2"), KG.buildsOn, mint("paper", "p1")) in g
    shares = list(g.objects(node, KG.share))
    assert len(shares) == len(link.shares) == 1
    assert g.value(shares[0], KG.shareOf) == mint("entity", link.shares[0].entity)
    assert g.value(shares[0], KG.shareKind) == Literal("builds-on")
    total = sum(float(g.value(s, KG.shareWeight).toPython()) for s in shares)
    assert total == pytest.approx(float(g.value(node, KG.weight).toPython()), abs=1e-5)
    shapes = Graph().parse(data=files("kg.schemas").joinpath("kg.shapes.ttl").read_text("utf-8"),
                           format="turtle")
    ok, _, text = pyshacl.validate(g, shacl_graph=shapes)
    assert ok, text
    # a share of an unknown kind, or one without its entity, is refused
    bad = Graph() + g
    bad.set((shares[0], KG.shareKind, Literal("vibes")))
    assert not pyshacl.validate(bad, shacl_graph=shapes)[0]
    bad = Graph() + g
    bad.remove((shares[0], KG.shareOf, None))
    assert not pyshacl.validate(bad, shacl_graph=shapes)[0]
    bad = Graph() + g
    bad.add((node, KG.linkRule, Literal("because")))
    assert not pyshacl.validate(bad, shacl_graph=shapes)[0]
    assert (shares[0], RDF.type, KG.LinkShare) in g


def test_links_table_holds_rule_proposer_and_aligned_shares():
    from kg.export import tables

    corpus = _linked_corpus()
    df = tables.links_df(corpus.links)
    row = df.iloc[0]
    link = corpus.links[0]
    assert (row["rule"], row["proposer"]) == ("builds-on", "p1")
    assert row["shared"] == list(link.shared)
    assert [float(w) for w in row["share_weights"]] == pytest.approx([s.weight for s in link.shares])
    assert row["share_kinds"] == ["builds-on"]
    back = tables.parse_csv(tables.to_csv(df), "links")
    assert back.iloc[0]["share_kinds"] == ["builds-on"] and back.iloc[0]["rule"] == "builds-on"


def test_a_text_link_reaches_rdf_and_tables_with_its_similarity_and_conforms():
    from importlib.resources import files

    import pyshacl
    from rdflib import Graph

    from kg.corpus import Corpus
    from kg.export import tables
    from kg.rdf.convert import corpus_to_graph
    from kg.rdf.iri import mint
    from kg.rdf.vocab import KG
    from kg.records import Paper

    papers = [Paper(pid, *text.split("\n")) for pid, text in TEXTS.items()]
    corpus = Corpus.from_extractions(papers, [], Settings().with_(link_max_df=0.5, link_text_alone=True))
    assert {(k.source, k.target, k.rule) for k in corpus.links} == {("a", "b", "text"),
                                                                    ("c", "d", "text")}
    link = corpus.links[0]
    g = corpus_to_graph(corpus)
    node = mint("link", ("a", "b"))
    assert float(g.value(node, KG.linkSimilarity).toPython()) == pytest.approx(link.similarity,
                                                                               abs=1e-6)
    assert g.value(node, KG.sharedEntity) is None
    shapes = Graph().parse(data=files("kg.schemas").joinpath("kg.shapes.ttl").read_text("utf-8"),
                           format="turtle")
    ok, _, text = pyshacl.validate(g, shacl_graph=shapes)
    assert ok, text
    bad = Graph() + g
    bad.remove((node, KG.linkSimilarity, None))  # no entity and no similarity: unexplained
    assert not pyshacl.validate(bad, shacl_graph=shapes)[0]
    back = tables.parse_csv(tables.to_csv(tables.links_df(corpus.links)), "links")
    assert back.iloc[0]["similarity"] == pytest.approx(link.similarity)
