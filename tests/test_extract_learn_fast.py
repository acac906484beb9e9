"""The fast paths of the learned decider's own candidates give what the plain code gave.

The code as it was (a61b3c0) is written out here as the oracle and compared with the fast
path on texts written for the test, on texts drawn by hypothesis from the words and
characters that matter, and on the seeds. Speed itself is in bench/bench_extract.py.
"""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_extract_speed import SEED_TEXTS, TEXTS
from test_extract_speed3 import _reference_resolve_overlaps

from kg.extract.candidate import Candidate, found
from kg.extract.learn import recall
from kg.extract.learn.recall import (
    _BREAKS,
    _ENDINGS,
    _breaks_phrase,
    _generic,
    _phrase_words,
    _stops,
    _strip_stops,
    _trie,
    recall_candidates,
)
from kg.extract.lexicon import type_heads
from kg.extract.rules import RECALL_CAPS, RECALL_PHRASE

# --- the oracle: recall_candidates as it was -------------------------------------------------

_CAP_WORD = r"(?:[A-Z][\w\-\.\+']*[\w\+]|[A-Z])"
_CAPS_RUN = re.compile(rf"(?<![\w\-]){_CAP_WORD}(?:\s+(?:of|for|and|with|on|in|to|-)?\s*{_CAP_WORD}){{0,5}}")
_LOWER_CAP = re.compile(r"(?<![\w\-])[a-z]+(?:-[A-Za-z0-9]+)*-?[A-Z0-9][\w\-]*[\w]")
_LOWER_WORD = re.compile(r"(?<![\w\-])[a-z][a-z]+(?:-[a-z0-9]+)*(?![\w\-])")


def _head_ends() -> re.Pattern[str]:
    heads = [w for w, t in type_heads().items() if t == "method" and re.fullmatch(r"[a-z0-9]+", w)]
    forms = set(heads) | {w + "s" for w in heads if len(w) >= 3}
    return re.compile(rf"(?:{'|'.join(_ENDINGS)})(?![\w\-])|\b{_trie(sorted(forms))}(?![\w\-])")


_HEAD_ENDS = _head_ends()


_OPENER = re.compile(r"([A-Z][a-z]+(?:-[a-z]+)*) $")


def _sentence_opener(text: str, start: int, sent_starts: set[int]) -> int | None:
    m = _OPENER.search(text, max(0, start - 30), start)
    if m is None:
        return None
    s = m.start(1)
    if s not in sent_starts and s != 0 and text[max(0, s - 2): s] not in (". ", "? ", "! ", ": "):
        return None
    w = m.group(1)
    if w in _stops() or _breaks_phrase(w.lower(), _phrase_words()[0]) or w.lower() in _BREAKS:
        return None
    return s


def plain_recall(text: str, title_end: int, sent_starts: set[int]) -> list[Candidate]:
    out: list[Candidate] = []
    for m in _CAPS_RUN.finditer(text):
        raw = m.group(0)
        words = raw.split()
        kept = _strip_stops(words)
        if not kept:
            continue
        start = m.start() + raw.index(kept[0])
        end = start + len(kept[0])
        for w in kept[1:]:
            end = text.index(w, end) + len(w)
        name = text[start:end]
        at_start = start in sent_starts or start == 0 or text[max(0, start - 2): start].strip() in (".", "")
        if (len(kept) == 1 and at_start) or len(name) < 2 or _generic(name) or "\n" in name:
            continue
        out.append(found(RECALL_CAPS, start, end, name))
    for m in _LOWER_CAP.finditer(text):
        out.append(found(RECALL_CAPS, m.start(), m.end(), m.group(0)))
    lower = [m.span() for m in _LOWER_WORD.finditer(text, title_end)]
    ends = {e: i for i, (_, e) in enumerate(lower)}
    breaks, kinds, not_heads = _phrase_words()
    seen: set[tuple[int, int]] = set()
    for h in _HEAD_ENDS.finditer(text, title_end):
        n = ends.get(h.end())
        if n is None:
            continue
        head = text[lower[n][0]: lower[n][1]]
        if head in not_heads:
            continue
        if head in kinds:
            if n == 0 or text[lower[n - 1][1]: lower[n][0]] != " ":
                continue
            n -= 1
        first = n
        while first > 0 and n - first < 2 and text[lower[first - 1][1]: lower[first][0]] == " " \
                and not _breaks_phrase(text[lower[first - 1][0]: lower[first - 1][1]], breaks):
            first -= 1
        if _breaks_phrase(text[lower[n][0]: lower[n][1]], breaks):
            continue
        start, end = lower[first][0], lower[n][1]
        opener = _sentence_opener(text, start, sent_starts) if n - first < 2 else None
        if opener is not None:
            start = opener
        elif first == n:
            continue
        name = text[start:end]
        if (start, end) not in seen and not _generic(name):
            seen.add((start, end))
            out.append(found(RECALL_PHRASE, start, end, name))
    return out


# --- the words and characters that matter ----------------------------------------------------

_breaks, _kinds, _not_heads = _phrase_words()
_HEADS = sorted(w for w, t in type_heads().items() if t == "method")[:40]
_WORDS = (["continuous", "batching", "sequence", "parallelism", "graph", "graphs", "paragraph", "pre-training",
           "x-training", "state-of-the-art", "gpt-4", "ab", "a", "namely", "early", "with", "the", "of", "and",
           "Sequence", "We", "This", "Large", "Language", "Models", "FlowCut", "LLaMA", "GPT-4o", "ViT-B/16",
           "kHz", "mAP", "sparseGPT", "image-to-3D", "x-MoE", "ab-CD", "abC-", "zepingyu0512", "github.com/a",
           "Deep-Learning", "N:M", "O'Neil", "C++", "foo_bar", "café", "naïve", "İstanbul", "ß", "ing", "tion",
           "mentions", "ism", "city", "ment", "Sequence-mixing", "Low-rank-", "Namely", "Abcdefghijklmnopqrstuvwxyzabcd",
           "Abcdefghijklmnopqrstuvwxyzabc", "xSparse"]
          + _HEADS + sorted(_kinds)[:6] + sorted(_not_heads)[:6] + sorted(_breaks)[:10] + sorted(_BREAKS)[:10])
_SEPS = [" ", " ", " ", " ", "  ", "\n", "\n\n", ". ", ", ", "(", ")", "-", "/", ": ", "? ", "\t", "_", "'"]


@st.composite
def _docs(draw: st.DrawFn) -> tuple[str, int, set[int]]:
    parts = draw(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_SEPS)), max_size=40))
    text = "".join(w + s for w, s in parts)
    title_end = draw(st.integers(0, len(text)))
    starts = set(draw(st.lists(st.integers(0, max(0, len(text) - 1)), max_size=6)))
    return text, title_end, starts


def _same(text: str, title_end: int, starts: set[int]) -> None:
    assert recall_candidates(text, title_end, starts) == plain_recall(text, title_end, starts), (text, title_end)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_docs())
def test_recall_candidates_equal_the_plain_way_on_drawn_texts(doc: tuple[str, int, set[int]]) -> None:
    _same(*doc)


@settings(max_examples=1500, deadline=None)
@given(st.text(alphabet="aAzZ09-_ .\n(),'+éİ", max_size=60), st.integers(0, 60))
def test_recall_candidates_equal_the_plain_way_on_drawn_characters(text: str, title_end: int) -> None:
    _same(text, min(title_end, len(text)), {0})


def test_recall_candidates_equal_the_plain_way_on_the_seeds() -> None:
    for text in TEXTS + SEED_TEXTS:
        title_end = max(0, text.find("\n\n"))
        starts = {0} | {m.end() for m in re.finditer(r"[.!?]\s+", text)}
        for te in (0, title_end):
            _same(text, te, starts)


def test_the_lower_caps_hint_is_in_every_match() -> None:
    """The fast path reads only the words holding a capital or digit after a small letter or hyphen."""
    for text in TEXTS + SEED_TEXTS + [w + " " + v for w in _WORDS for v in ("x", "aB", "a-1b")]:
        assert recall._lower_caps(text) == [m.span() for m in _LOWER_CAP.finditer(text)]


def test_head_words_are_where_the_head_regex_ends_a_lower_word() -> None:
    for w in _WORDS + _HEADS + [h + "s" for h in _HEADS] + ["ab-" + h for h in _HEADS] + ["x" + h for h in _HEADS]:
        text = f"so {w} here"
        lower_ends = {m.end() for m in _LOWER_WORD.finditer(text)}
        plain = [h.end() for h in _HEAD_ENDS.finditer(text) if h.end() in lower_ends]
        fast = [m.end() for m in recall._head_words().finditer(text) if recall._is_head_word(m.group(0))]
        assert fast == plain, w


# --- acronym support: a definition, the places it is written ---------------------------------

def plain_defined(text: str, name: str) -> bool:
    n = re.escape(name)
    return re.search(rf"[A-Za-z][\w\-]*\s*\(\s*{n}\s*[\),;]|(?<![\w\-]){n}\s*\(\s*[A-Za-z][\w\-]*\s+[A-Za-z]",
                     text) is not None


def plain_spots(text: str, name: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(rf"(?<![\w\-]){re.escape(name)}(?![\w\-])", text)]


_ACRO_NAMES = ["AB", "ABs", "RAG", "B1", "ABA"]
_SPACES = ["", "", " ", "  ", "\t", "\n", "\xa0", "\x1c", "\u2028"]
_BESIDE = ["", "a", "ab", "1", "_", "-", "a-", "é", "\u0301", "x1", "1a", "(", ")", ",", ";", ".", "]", "/", "AB"]


@st.composite
def _acronym_texts(draw: st.DrawFn) -> tuple[str, str]:
    """Texts near the two definition patterns: "<word> ( NAME )" and "NAME ( <word> <word>",
    each part drawn from what the patterns tell apart."""
    name = draw(st.sampled_from(_ACRO_NAMES))
    part = st.sampled_from(_BESIDE)
    space = st.sampled_from(_SPACES)
    pieces = []
    for _ in range(draw(st.integers(1, 3))):
        if draw(st.booleans()):
            pieces += [draw(part), draw(part), draw(space), "(", draw(space), draw(st.sampled_from([name, name[:-1]])),
                       draw(space), draw(part)]
        else:
            pieces += [draw(part), name, draw(space), draw(st.sampled_from(["(", "[", ""])), draw(space), draw(part),
                       draw(part), draw(space), draw(part)]
        pieces.append(draw(st.text(alphabet="aB1 (),;-_é\xa0", max_size=3)))
    return "".join(pieces), name


@settings(max_examples=4000, deadline=None)
@given(_acronym_texts())
def test_defined_and_spots_equal_the_patterns(case: tuple[str, str]) -> None:
    from kg.extract.learn.acronym import _defined, _spots

    text, name = case
    assert _defined(text, name) == plain_defined(text, name), (text, name)
    assert _spots(text, name) == plain_spots(text, name), (text, name)


def test_defined_on_written_texts() -> None:
    from kg.extract.learn.acronym import _defined

    for text, name, want in [("Retrieval-Augmented Generation (RAG) helps", "RAG", True),
                             ("RAG (retrieval augmented generation)", "RAG", True),
                             ("RAG (retrieval) only", "RAG", False), ("x-RAG (a b)", "RAG", False),
                             ("1 (RAG)", "RAG", False), ("é (RAG)", "RAG", False), ("ab1 ( RAG ;", "RAG", True)]:
        assert _defined(text, name) == plain_defined(text, name) == want, text
    for text in TEXTS + SEED_TEXTS:
        for name in set(re.findall(r"\b[A-Z]{2,4}(?:s|\d)?\b", text)):
            assert _defined(text, name) == plain_defined(text, name), name


# --- candidate groups: overlaps resolved, the decider's candidates in the gaps ---------------

def plain_resolve_overlaps(cands, blocked, off=frozenset()):
    """assemble._resolve_overlaps as it was: the reference test_extract_speed3 keeps."""
    return _reference_resolve_overlaps(cands, blocked, off)


def _rules():
    from kg.extract.rules import RULES

    return sorted({r.priority: r for r in RULES}.values(), key=lambda r: r.priority) + [RECALL_CAPS, RECALL_PHRASE]


@st.composite
def _candidates(draw: st.DrawFn) -> list[Candidate]:
    out = []
    for _ in range(draw(st.integers(0, 14))):
        start = draw(st.integers(0, 24))
        end = start + draw(st.integers(-1, 8))
        out.append(found(draw(st.sampled_from(_rules())), start, end, "x" * max(0, end - start),
                         long_form=draw(st.sampled_from([None, None, "Long Form", "Other"])),
                         role=draw(st.sampled_from(["used", "proposed"]))))
    return out


@settings(max_examples=1500, deadline=None)
@given(_candidates(), st.lists(st.tuples(st.integers(0, 24), st.integers(0, 30)), max_size=2),
       st.sets(st.sampled_from(["strong-first", "same-span"])))
def test_resolve_overlaps_equals_the_plain_loop(cands: list[Candidate], blocked: list[tuple[int, int]],
                                                 off_names: set[str]) -> None:
    from kg.extract.assemble import _resolve_overlaps
    from kg.extract.rules import RULES

    off = frozenset(r for r in RULES if r.name in off_names)
    assert _resolve_overlaps(cands, blocked, off) == plain_resolve_overlaps(cands, blocked, off)
    assert _resolve_overlaps(cands, [], off) == plain_resolve_overlaps(cands, [], off)


def test_the_rules_named_in_the_overlap_test_exist() -> None:
    from kg.extract.rules import RULES

    assert {"strong-first", "same-span"} <= {r.name for r in RULES}


@settings(max_examples=500, deadline=None)
@given(_candidates(), st.lists(st.tuples(st.integers(0, 24), st.integers(0, 30)), max_size=3))
def test_overlaps_equals_any(cands: list[Candidate], spans: list[tuple[int, int]]) -> None:
    from kg.extract.assemble import _overlaps

    for c in cands:
        assert _overlaps(c.start, c.end, spans) == any(c.start < e and s < c.end for s, e in spans)


def plain_candidate_groups(doc, off=frozenset(), keep_generic=False, extra=None):
    from collections import defaultdict

    from kg.extract.assemble import _generic
    from kg.extract.candidate import get_ext
    from kg.extract.lexicon import word_list
    from kg.extract.never import never_entity
    from kg.extract.rules import GENERIC, NEVER_ENTITY, USED_TOOL
    from kg.keys import UnionFind, match_key

    cands = plain_resolve_overlaps(list(get_ext(doc, "kg_candidates") or []),
                                   list(get_ext(doc, "kg_link_spans") or []), off)
    extra = [c for c in extra or () if c.found_by not in off]
    if keep_generic and extra:
        taken = [(c.start, c.end) for c in cands] + list(get_ext(doc, "kg_link_spans") or [])
        cands += plain_resolve_overlaps([c for c in extra if not any(c.start < e and s < c.end for s, e in taken)],
                                        [], off)
        cands.sort(key=lambda c: c.start)
    if NEVER_ENTITY not in off:
        cands = [c for c in cands if never_entity(c.text) is None]
    if USED_TOOL not in off:
        cands = [c for c in cands if c.role == "proposed" or c.text.lower() not in word_list("tools")]
    if keep_generic:
        cands = [c if c.type else c.with_(type="method") for c in cands]
    else:
        cands = [c for c in cands if c.type and (GENERIC in off or not _generic(c))]
    groups = UnionFind()
    key_of, kb_of = {}, {}
    for i, c in enumerate(cands):
        for key in filter(None, (match_key(c.text), match_key(c.long_form) if c.long_form else "")):
            if key in key_of:
                groups.union(i, key_of[key])
            else:
                key_of[key] = i
        if c.kb_id:
            if c.kb_id in kb_of:
                groups.union(i, kb_of[c.kb_id])
            else:
                kb_of[c.kb_id] = i
    members = defaultdict(list)
    for i, c in enumerate(cands):
        members[groups.find(i)].append(c)
    return list(members.values())


def test_candidate_groups_equal_the_plain_way_on_the_seeds() -> None:
    from kg.extract import build_nlp
    from kg.extract.assemble import candidate_groups
    from kg.extract.learn.titled import decider_extra
    from kg.extract.rules import RULES
    from kg.settings import Settings

    nlp = build_nlp(Settings())
    # the plain way groups by key and kb id only: the grouping rules that came after it (each pinned and
    # tested as a component) are off on both sides
    later = ("sharp-apart", "abbreviated", "written-inside", "twice-over-known")
    offs = [frozenset(r for r in RULES if r.name in later),
            frozenset(r for r in RULES if r.name in ("strong-first", "same-span", "never-entity", "used-tool", *later))]
    for doc in nlp.pipe(TEXTS + SEED_TEXTS[::3]):
        extra = decider_extra(doc)
        for off in offs:
            for keep in (False, True):
                assert candidate_groups(doc, off, keep, extra) == plain_candidate_groups(doc, off, keep, extra)


# --- the title's phrases as features of a group ----------------------------------------------

def plain_phrase_features(group, text, title_end):
    from kg.extract.learn.titled import _occurrences, title_phrases
    from kg.extract.lexicon import head_type
    from kg.keys import match_key

    title = text[:title_end]
    keys = {match_key(c.text) for c in group}
    spans = [(s, e) for s, e in title_phrases(title) if match_key(title[s:e]) in keys]
    if not spans:
        return set()
    s, e = spans[0]
    phrase = title[s:e]
    body = [c for c in group if c.start >= title_end]
    occ = len(_occurrences(text, phrase, title_end))
    out = {"tp", f"tp&body={min(len(body), 3)}", f"tp&occ={min(occ, 3)}"}
    if any(c.text[:1].islower() for c in body):
        out.add("tp&lower")
    lead = title[:s].strip()
    if not lead or lead.lower() in ("the", "a", "an"):
        out.add("tp&lead=start")
    elif lead.endswith(":") and " " not in lead:
        out.add("tp&lead=colon")
    t = head_type(phrase.split()[-1].split("-")[-1])
    out.add(f"tp&head={t}")
    out.add(f"tp&head={t}&occ={min(occ, 2)}")
    return out


def test_phrase_features_equal_the_plain_way() -> None:
    from kg.extract import build_nlp
    from kg.extract.assemble import candidate_groups
    from kg.extract.learn.titled import decider_extra, phrase_features, title_candidates
    from kg.extract.learn.view import DocView
    from kg.settings import Settings

    nlp = build_nlp(Settings())
    texts = TEXTS + SEED_TEXTS[::2] + [
        "Prompt Chaining or Stepwise Prompt? Refinement in Text Summarization\n\nWe compare stepwise prompts "
        "and prompt chaining.", "LoongTrain: Efficient Training of Long Models\n\nEfficient training of long models."]
    named = 0
    for doc in nlp.pipe(texts):
        view = DocView.of(doc)
        groups = candidate_groups(doc, keep_generic=True, extra=decider_extra(doc))
        mine = title_candidates(view.text, view.title_end)
        groups += [mine[::-1], mine[1:], [c.with_(text=c.text.lower() + "s") for c in mine]]
        for g in groups:
            want = plain_phrase_features(g, view.text, view.title_end)
            assert phrase_features(g, view.text, view.title_end) == want, g
            named += bool(want)
    assert named > 100  # the groups tested name title phrases, not only others
