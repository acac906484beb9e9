"""Name keys: within a paper, across the corpus, for ids, for lookups; and variant suffixes."""

import re
import unicodedata

from kg.keys.papers import unaccented

# Names. match_key drops a plural "s" and name_key keeps it ("LLMs" / "LLM"): a known
# difference, left for the graph-quality issue to unify, as it changes which mentions
# become one entity.
_NAME_DROP = re.compile(r"[\s\-_\u2010-\u2015/]+")
_SLUG_DROP = re.compile(r"[^a-z0-9.+]+")


def match_key(name: str) -> str:
    """A name as the reference scorer compares it, and as one paper's mentions are grouped.

    Equal: case, punctuation, spaces and a plural ``s`` (on keys longer than three
    characters, not ``ss``). Letters outside a-z are dropped, not folded.

    >>> match_key("ImageNet-1k") == match_key("imagenet 1K")
    True
    >>> match_key("LLMs") == match_key("LLM"), match_key("Loss") == match_key("Los")
    (True, False)
    """
    s = re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", name).lower())
    if len(s) > 3 and s.endswith("s") and not s.endswith("ss"):
        s = s[:-1]
    return s


def name_key(name: str) -> str:
    """A surface form as resolution compares it across the corpus.

    Equal: case, accents, spaces, hyphens and dashes, underscores and slashes.
    Other punctuation and a plural ``s`` count.

    >>> name_key("ImageNet-1k") == name_key("ImageNet 1K") == name_key("imagenet_1k")
    True
    >>> name_key("LLMs") == name_key("LLM"), name_key("Q&A") == name_key("QA")
    (False, False)
    """
    return _NAME_DROP.sub("", unaccented(name).casefold())


def slug(text: str) -> str:
    """The id-safe form of a name: lowercase a-z, digits, ``.`` and ``+`` joined by ``-``.

    Names that differ only in other characters share a slug, so ids built from
    it need a clash rule.

    >>> slug("LLaVA-1.5 7B"), slug("Q&A") == slug("Q-A"), slug("??")
    ('llava-1.5-7b', True, 'x')
    """
    return _SLUG_DROP.sub("-", unaccented(text).lower()).strip("-.") or "x"


def lookup_key(text: str) -> str:
    """What a user typed, as compared with ids, titles and names: case and spacing ignored.

    >>> lookup_key("  Masked  Image\\tmodeling") == lookup_key("masked image modeling")
    True
    """
    return " ".join(text.casefold().split())


# Variant suffixes: the one vocabulary of the three variant rules below. Each takes its
# own part of it, and outputs depend on that: base_names also strips "Preview", "Giant"
# and counts in b or T; VARIANT_SUFFIX also strips editions and counts in K, with or
# without a separator; SIZE_VARIANT knows neither G nor Mini, and lets a size letter
# carry a digit ("B0"). Aligning them is for the graph-quality issue.
SIZE_LETTERS = "TSBLH"  # ViT-B, Swin-T
SIZE_WORDS = ("Tiny", "Small", "Base", "Large", "Huge", "XL", "XXL")
RARE_SIZES = ("G", "Mini")  # shortened away by the name rules, not a sign of a model
FLAVOURS = ("Instruct", "Chat", "Base", "HF", "hf", "it")
EDITIONS = ("Pro", "Plus", "Max", "Turbo", "Lite", "Flash", "Ultra", "Coder", "Math", "Vision", "VL")
_COUNT = r"\d+(?:\.\d+)?"  # a parameter count before its unit: 7B, 1.3B, 125M
_VERSION = r"\d+(?:\.\d+)*"  # 2, 1.5, 2.5.1


def _either(*groups: str | tuple[str, ...]) -> str:
    return "|".join(w for g in groups for w in g)


# for base_names: one suffix at a time, outermost first; the separator is part of the suffix
_BASE_SUFFIXES = tuple(re.compile(p) for p in (
    rf"[\s\-_]+(?:{_either(FLAVOURS, ('Preview',))})$",
    rf"[\s\-_/]*{_COUNT}[BbMT]$",  # -7B, 8B, -1.3B, -125M, -7b
    r"/\d+$",  # ViT-B/16
    rf"[\s\-_]+(?:{_either(SIZE_LETTERS, SIZE_WORDS, RARE_SIZES, ('Giant',))})$",
    rf"[\s\-_]*[vV]{_VERSION}$",  # v2, -v1.5
    rf"[\s\-_]+{_VERSION}$",  # -1.5, " 3"
    rf"(?<=[a-z]){_VERSION}$",  # ResNet50, Qwen2.5 (after a lowercase letter)
))
#: One size, flavour, edition or version suffix of a gazetteer family's name ("Mamba-3B").
VARIANT_SUFFIX = re.compile(
    rf"(?:[-_ ]?(?:{_COUNT}[BMK]|\d+x\d+[BM]|v?{_VERSION}|V\d|"
    rf"{_either(SIZE_LETTERS, SIZE_WORDS, RARE_SIZES, FLAVOURS, EDITIONS)})(?:/\d+)?)$")
#: A size suffix that makes a name a model: a parameter count in B or M ("-650K" is a
#: dataset's size) or a size letter or word.
SIZE_VARIANT = re.compile(rf"[-_ ](?:{_COUNT}[BM]|[{SIZE_LETTERS}]\d?|{_either(SIZE_WORDS)})$")


def base_names(name: str) -> list[str]:
    """Shorter names ``name`` may be a variant of, nearest first.

    >>> base_names("LLaVA-1.5-7B")
    ['LLaVA-1.5', 'LLaVA']
    >>> base_names("Llama 3 8B Instruct")
    ['Llama 3 8B', 'Llama 3', 'Llama']
    """
    out: list[str] = []
    current = name.strip()
    while True:
        for pattern in _BASE_SUFFIXES:
            shorter = pattern.sub("", current).strip(" -_/")
            if shorter != current and len(re.sub(r"[^A-Za-z0-9]", "", shorter)) >= 2:
                break
        else:
            return out
        out.append(shorter)
        current = shorter
