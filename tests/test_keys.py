"""The "same thing" keys: what each one counts as equal, and the union-find's roots."""

import functools
import json
import random
import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kg.keys import (
    CODE_HOSTS,
    SIZE_VARIANT,
    VARIANT_SUFFIX,
    UnionFind,
    base_names,
    canonical_repo,
    clean_text,
    entity_key,
    lookup_key,
    major_version,
    match_key,
    modifier_compound,
    named_variant_head,
    paper_id,
    parse_arxiv_id,
    repo_address,
    repo_iri_key,
    repo_match_key,
    scorer_key,
    slug,
    title_key,
    trim_url,
)
from kg.keys.names import plural_ending, singular

# papers ------------------------------------------------------------------------------


def test_clean_text_unwraps_latex_and_spacing():
    assert clean_text("Fig.~3 \\emph{\\textbf{Bold}}\x07 and 5\\% ``quoted''") == \
        'Fig. 3 Bold and 5% "quoted"'
    assert clean_text("") == ""


def test_title_key_ignores_case_punctuation_and_accents_only():
    assert title_key("Déjà Vu: A Study!") == title_key("deja vu -- a study") == "dejavuastudy"
    assert title_key("ResNet 50") != title_key("ResNet 5O")
    assert title_key("Łódź and Søren") == title_key("Lodz and Soren")
    assert title_key("ＧＰＴ－４ ﬁne-tuning") == title_key("GPT-4 fine-tuning")  # compatibility forms


NON_LATIN_TITLES = [
    "基于图神经网络的知识图谱补全", "大规模语言模型的对齐方法",  # Chinese
    "深層学習による画像認識", "かきの研究", "がきの研究",  # Japanese, differing only in a dakuten
    "نموذج لغوي كبير للترجمة", "تعلم الآلة العميق",  # Arabic
    "למידה עמוקה לראייה ממוחשבת", "מודלים של שפה",  # Hebrew
    "Глубокое обучение для графов", "Мой метод", "Мои методы",  # Cyrillic
    "α-Divergence Variational Inference", "β-Divergence Variational Inference",
    "हिंदी में मशीन अनुवाद", "हिंदी मे मशीन अनुवाद",  # Devanagari, differing only in a vowel sign
]


def test_titles_without_ascii_letters_get_distinct_ids():
    # issue 12, case 2: every one of these was title:da39a3ee5e6b4b0d (the hash of ""),
    # or "divergencevariationalinference" for both Greek ones: one paper, later builds replacing it
    keys = [title_key(t) for t in NON_LATIN_TITLES]
    assert all(keys) and len(set(keys)) == len(keys)
    ids = {paper_id(t) for t in NON_LATIN_TITLES}
    assert len(ids) == len(NON_LATIN_TITLES) and "title:da39a3ee5e6b4b0d" not in ids
    # the same title, however it is typed, is still one paper
    assert title_key("Глубокое Обучение") == title_key("глубокое обучение!")
    assert title_key("か\u3099き") == title_key("がき")  # decomposed and composed dakuten
    assert paper_id("ΑΛΦΑ models") == paper_id("αλφα Models")


def test_titles_without_letters_or_digits_do_not_collide():
    keys = [title_key(t) for t in ("???", "!!!", "🙂", "🚀🚀", "—")]
    assert all(keys) and len(set(keys)) == len(keys)
    assert title_key("🙂 🙂") == title_key("🙂🙂")  # spacing still does not count
    assert paper_id("???") != paper_id("!!!") != "title:da39a3ee5e6b4b0d"


@settings(max_examples=500, derandomize=True)
@given(st.text(alphabet=st.characters(max_codepoint=127), max_size=30))
def test_ascii_titles_take_the_fast_path_to_the_key_of_the_general_one(title):
    """An ASCII title's key (a shortcut) is the one the per-character rules give: appending
    an "é" sends the title down the general path, which adds its "e" and nothing else."""
    if any(c.isalnum() for c in title):
        assert title_key(title + "\u00e9") == title_key(title) + "e"
    else:
        assert title_key(title + "\u00e9") == "e" and title_key(title) == re.sub(r"\s+", "", title.lower())


@settings(max_examples=1000, derandomize=True)
@given(st.text(alphabet=st.sampled_from("ab Z09 .,;`'\\{}%&~_$#\t\n\x01\x7f"), max_size=40)
       | st.sampled_from(["\\textbf{Flow} ``cut''", "Fig.~3", "a\\% b", "x  y\t"]))
def test_plain_ascii_text_takes_the_fast_path_to_what_cleaning_makes_of_it(text):
    """ASCII text cleaned at once (a shortcut) is what the general rules make of it: framed in
    "é", the text goes down the general path, which cleans it and keeps the frame."""
    inner = clean_text(text)
    assert clean_text("\u00e9 " + text + " \u00e9") == ("\u00e9 " + inner + " \u00e9" if inner else "\u00e9 \u00e9")


def _key_before_issue_12(title):
    """title_key as it was: the key every existing build's title ids are hashes of."""
    t = unicodedata.normalize("NFKD", title)
    return re.sub(r"[^0-9a-z]+", "", "".join(c for c in t if not unicodedata.combining(c)).lower())


def _has_only_ascii_letters(title):
    """Whether every letter and digit of a title, accents taken off, is ASCII (so its key was whole)."""
    t = unicodedata.normalize("NFKD", title)
    return all(c.isascii() for c in t if c.isalnum() and not unicodedata.combining(c))


@settings(max_examples=300, derandomize=True, database=None)
@given(st.text(max_size=40) | st.lists(st.sampled_from(["Déjà", "ﬁ", "Ⅻ", "²", "İ", "K", "ǅ", "é", "-", "x",
                                                          "\u0301", "ſ", "①", "½", "σ", "ß"])).map("".join))
def test_title_key_is_unchanged_for_titles_in_ascii_letters(title):
    if _has_only_ascii_letters(title) and _key_before_issue_12(title):
        assert title_key(title) == _key_before_issue_12(title)


@pytest.mark.slow
def test_title_key_changes_only_where_a_letter_was_dropped():
    # every code point, alone and between letters: where the key differs from the old one,
    # the old key had dropped a letter or digit (ß, ø, Greek, CJK ...), the bug of case 2
    for cp in range(0x110000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        title = f"A{chr(cp)}b"
        if title_key(title) != _key_before_issue_12(title):
            assert not _has_only_ascii_letters(title), hex(cp)


def test_seed_and_gold_title_ids_are_unchanged(shared):
    from kg.sources import read_papers

    titles = [p.title for p in read_papers(shared / "seeds")]
    for name in ("dev.jsonl", "train.jsonl"):
        lines = (shared / "gold" / name).read_text(encoding="utf-8").splitlines()
        titles += [json.loads(line)["title"] for line in lines if line.strip()]
    assert len(titles) > 1000
    changed = {t for t in titles if title_key(t) != _key_before_issue_12(t)}
    assert changed == {"σ-GPTs: A New Approach to Autoregressive Models"}  # its σ was dropped
    assert all(_has_only_ascii_letters(t) for t in set(titles) - changed)


def test_parse_arxiv_id_drops_versions_and_finds_old_style_ids():
    assert parse_arxiv_id("arXiv:2401.01234v3") == "2401.01234"
    assert parse_arxiv_id("https://arxiv.org/pdf/2401.01234") == "2401.01234"
    assert parse_arxiv_id("cs.LG/0101001") == "cs.LG/0101001"
    assert parse_arxiv_id("no id here") is None
    assert parse_arxiv_id(None) is None


def test_paper_id_prefers_arxiv_and_hashes_the_title_key():
    assert paper_id("Anything", "2401.01234") == "arxiv:2401.01234"
    assert paper_id("Déjà Vu!") == paper_id("deja vu") != paper_id("deja vu 2")
    assert paper_id("T", doi="10.1/x") == paper_id("T")  # the DOI is not identity


# names -------------------------------------------------------------------------------


def test_scorer_key_is_the_scorers_comparison():
    assert scorer_key("ImageNet-1k") == scorer_key("imagenet 1K") == "imagenet1k"
    assert scorer_key("LLMs") == scorer_key("LLM")  # a plural s
    assert scorer_key("Loss") == "loss"  # but not "ss"
    assert scorer_key("GANs") == "gan" and scorer_key("VAs") == "vas"  # and not on short keys
    assert scorer_key("Café") == "caf"  # letters outside a-z are dropped, not folded
    assert scorer_key("Q&A") == scorer_key("QA") and scorer_key("OPT-1.3B") == scorer_key("OPT-13B")


@pytest.mark.shared
@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_scorer_key_equals_the_reference_scorers_norm(text: str) -> None:
    score = _reference_scorer()
    assert scorer_key(text) == score.norm(text)


@functools.cache
def _reference_scorer():
    import importlib.util

    from conftest import SHARED

    path = SHARED / "gold" / "score.py"
    if not path.is_file():
        pytest.skip(f"{path} is absent (only CI and the team have ../shared)")
    spec = importlib.util.spec_from_file_location("reference_score", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_entity_key_is_the_one_key_per_paper_and_across_the_corpus():
    assert match_key is entity_key  # extraction's name for it: one function
    assert entity_key("ImageNet-1k") == entity_key("ImageNet 1K") == entity_key("imagenet_1k")
    assert entity_key("a/b") == entity_key("a\u2013b") == entity_key("ab") == entity_key("a.b")
    assert entity_key("Q&A") == entity_key("QA")  # punctuation never counts
    assert entity_key("Café") == entity_key("cafe")  # accents are folded
    assert entity_key("ＧＰＴ－４") == entity_key("GPT-4")  # compatibility forms
    # plurals: the regression of the graph-quality issue (they split "Gated State Space(s)")
    assert entity_key("Gated State Spaces") == entity_key("Gated State Space")
    assert entity_key("Transformers") == entity_key("Transformer") and entity_key("LLMs") == entity_key("LLM")
    assert entity_key("Loss") != entity_key("Los") and entity_key("VAs") != entity_key("VA")


def test_entity_key_keeps_what_tells_entities_apart():
    assert entity_key("OPT-1.3B") != entity_key("OPT-13B")  # a point between digits
    assert entity_key("LLaVA-1.5") != entity_key("LLaVA-15")
    assert entity_key("UNet++") != entity_key("UNet") and entity_key("CodeT5+") != entity_key("CodeT5")
    assert entity_key("μP") != entity_key("P") and entity_key("ΨPO") != entity_key("PO")  # other scripts
    # a final s is a plural only small and after a letter: sizes and acronyms keep theirs
    assert entity_key("LLMs") == entity_key("LLM") and entity_key("ViTs") == entity_key("ViT")
    assert entity_key("Gated State Spaces") == entity_key("gated state space")
    assert entity_key("ViT-S") != entity_key("ViT") and entity_key("Swin-S") != entity_key("Swin")
    assert entity_key("YOLOv8s") != entity_key("YOLOv8") and entity_key("VITS") != entity_key("ViT")
    assert entity_key("MOSES") != entity_key("MOSE") and entity_key("PNAS") != entity_key("PNA")


@given(st.text(max_size=30))
@settings(max_examples=300, deadline=None)
def test_entity_key_is_idempotent_and_coarser_than_case_and_spacing(text: str) -> None:
    key = entity_key(text)
    up, low = entity_key(text.upper()), entity_key(text.lower())
    # case counts only in a final s: a small one after a letter may be a plural, a capital is not
    assert up == low or not text.isascii() or (plural_ending(text.lower()) and singular(up) == low)
    assert entity_key(" ".join(text.split())) == entity_key(text.replace(" ", "-"))
    assert entity_key(key) == key or key.endswith("s")  # a key drops one plural s per call


def test_variant_name_rules():
    assert major_version("Llama-3.1") == "Llama-3" and major_version("Qwen2.5") == "Qwen2"
    assert major_version("Llama 3") is None
    assert modifier_compound("CoT-based") and modifier_compound("LLaMa-like")
    assert modifier_compound("LDMs-based")
    assert not modifier_compound("LLaVA-NeXT") and not modifier_compound("Llama-2-7b-chat")
    assert not modifier_compound("bert-base-uncased")  # a lowercase name throughout
    assert named_variant_head("LLaVA-OneVision") == "LLaVA" and named_variant_head("LLaVA-Med") == "LLaVA"
    assert named_variant_head("CoT-based") is None and named_variant_head("Memory Networks") is None


def test_slug_is_id_safe_and_may_clash():
    assert slug("LLaVA-1.5 7B") == "llava-1.5-7b"
    assert slug("Müller++ v2") == "muller++-v2"
    assert slug("Q&A") == slug("Q-A") == "q-a"
    assert slug("-.x.-") == "x" and slug("") == "x" and slug("???") == "x"


def test_lookup_key_ignores_only_case_and_spacing():
    assert lookup_key("  Vision\tTransformer ") == lookup_key("vision transformer")
    assert lookup_key("Vision-Transformer") != lookup_key("vision transformer")


# variants ----------------------------------------------------------------------------


@pytest.mark.parametrize("name, bases", [
    ("LLaVA-1.5-7B", ["LLaVA-1.5", "LLaVA"]),
    ("Llama 3 8B Instruct", ["Llama 3 8B", "Llama 3", "Llama"]),
    ("ViT-B/16", ["ViT-B", "ViT"]),
    ("Qwen2.5-VL-7B-Instruct", ["Qwen2.5-VL-7B", "Qwen2.5-VL", "Qwen2.5", "Qwen"]),  # modality too
    ("Zephyr-7B-DPO", ["Zephyr-7B", "Zephyr"]),  # a fine-tune
    ("Gemini 1.5 Pro", ["Gemini 1.5", "Gemini"]),  # an edition
    ("ResNet50", ["ResNet"]),
    ("Gemini-Preview", ["Gemini"]),
    ("EVA-Giant", ["EVA"]),
    ("Mistral-v0.2", ["Mistral"]),
    ("T5", []),
    ("GPT-4", ["GPT"]),
])
def test_base_names_shorten_one_suffix_at_a_time(name, bases):
    assert base_names(name) == bases


def test_variant_suffix_strips_the_families_vocabulary():
    strip = lambda n: VARIANT_SUFFIX.sub("", n)  # noqa: E731
    assert strip("Mamba-3B") == "Mamba"
    assert strip("Mixtral-8x7B") == "Mixtral"
    assert strip("GPT-4-Turbo") == "GPT-4"
    assert strip("DeiT-S") == "DeiT" and strip("EVA-G") == "EVA"
    assert strip("Phi-Mini") == "Phi"
    assert strip("ViT-B/16") == "ViT"
    assert strip("Data-650K") == "Data"
    # unlike base_names, it has never known these
    assert strip("Gemini-Preview") == "Gemini-Preview"
    assert strip("EVA-Giant") == "EVA-Giant"


def test_size_variant_marks_a_model_size_only():
    for name in ("Llama-7B", "Pythia 1.4B", "BERT-125M", "Swin-T", "EfficientNet-B0", "ViT-XL", "DeiT-Small"):
        assert SIZE_VARIANT.search(name), name
    for name in ("Data-650K", "Llama-7b", "EVA-G", "Phi-Mini", "Llama7B", "Qwen-Chat", "GPT-4", "ViT-H14"):
        assert not SIZE_VARIANT.search(name), name


# repositories ------------------------------------------------------------------------


def test_trim_url_drops_glued_punctuation_but_a_balanced_bracket():
    assert trim_url("https://github.com/o/r).") == "https://github.com/o/r"
    assert trim_url("https://en.wikipedia.org/wiki/A_(b)") == "https://en.wikipedia.org/wiki/A_(b)"
    assert trim_url("https://x.org/a\u201d*") == "https://x.org/a"


@pytest.mark.parametrize("url, repository, kind", [
    ("HTTP://WWW.GitHub.com/Owner/Repo.git/", "https://github.com/Owner/Repo", "code"),
    ("github.com/o/r/blob/main/x.py", "https://github.com/o/r", "code"),
    ("https://huggingface.co/org/model/tree/main", "https://huggingface.co/org/model", "model"),
    ("https://huggingface.co/spaces/o/demo/", "https://huggingface.co/spaces/o/demo", "space"),
    ("https://huggingface.co/datasets/o", "https://huggingface.co/datasets/o", "project"),
    ("https://github.com/owner", "https://github.com/owner", "project"),
    ("https://proj.github.io/Page/", "https://proj.github.io/Page", "project"),
])
def test_canonical_repo(url, repository, kind):
    repo = canonical_repo(url)
    assert (repo.repository, repo.kind) == (repository, kind)
    assert repo.host == repository.split("/")[2]


def test_every_code_host_names_repositories_by_owner_and_name():
    for host in CODE_HOSTS.keys() - {"gitlab.com"}:  # GitLab nests groups: tests/test_keys_repos.py
        assert canonical_repo(f"https://{host}/o/r/x/y").repository == f"https://{host}/o/r"


def test_repo_match_key_ignores_case_scheme_and_deeper_paths():
    assert repo_match_key("https://www.GitHub.com/A/B.git") == repo_match_key("http://github.com/a/b/tree/x")
    assert repo_match_key("https://huggingface.co/datasets/O/D/viewer") == "huggingface.co/datasets/o/d"
    assert repo_match_key("https://github.com/a/b") != repo_match_key("https://github.com/a/c")
    # a project page is kept whole
    assert repo_match_key("https://proj.io/a/b/c/") == "proj.io/a/b/c"


def test_repo_iri_key_drops_only_the_scheme():
    assert repo_iri_key("https://github.com/o/r") == repo_iri_key("http://github.com/o/r")
    assert repo_iri_key("https://proj.io/") == "proj.io/"  # the slash stays in the IRI
    assert repo_iri_key("https://github.com/O/R") != repo_iri_key("https://github.com/o/r")
    assert repo_iri_key("https://") == "https://"


def test_repo_address_drops_space_and_final_slashes_only():
    assert repo_address(" https://proj.io// ") == repo_address("https://proj.io") == "https://proj.io"
    assert repo_address("https://proj.io/A") != repo_address("https://proj.io/a")
    assert repo_address("http://proj.io") != repo_address("https://proj.io")


# union-find --------------------------------------------------------------------------


def test_union_find_groups_transitively():
    uf: UnionFind[int] = UnionFind()
    uf.union(1, 2)
    uf.union(3, 4)
    assert uf.find(1) == uf.find(2) != uf.find(3) == uf.find(4)
    uf.union(2, 4)
    assert len({uf.find(i) for i in (1, 2, 3, 4)}) == 1
    assert uf.find(9) == 9  # unseen: a set of its own


def test_union_find_root_is_the_smallest_item_whatever_the_order():
    pairs = [(5, 9), (9, 2), (7, 8), (8, 3), (2, 7), (11, 10)]
    for seed in range(20):
        shuffled = random.Random(seed).sample(pairs, len(pairs))
        uf: UnionFind[int] = UnionFind()
        for a, b in shuffled:
            uf.union(*random.Random(seed).sample((a, b), 2))
        assert {i: uf.find(i) for i in (2, 3, 5, 7, 8, 9, 10, 11)} == \
            {2: 2, 3: 2, 5: 2, 7: 2, 8: 2, 9: 2, 10: 10, 11: 10}


def test_union_returns_the_root_of_the_joined_set():
    uf: UnionFind[str] = UnionFind()
    assert uf.union("n:b", "n:c") == "n:b"
    assert uf.union("n:c", "kb:a") == "kb:a"
    assert uf.union("n:b", "n:b") == "kb:a"
    assert uf.find("n:c") == "kb:a"
