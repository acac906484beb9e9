"""Name keys: of an entity, of the scorer, for ids, for lookups; and variant suffixes."""

import re
import unicodedata
from functools import lru_cache

from kg.keys.papers import unaccented

# Names. One key says when two spellings name one entity, in a paper (extraction groups a
# paper's mentions by it) and across the corpus (resolution): entity_key. The reference
# scorer compares names a little differently (scorer_key); only the evaluation uses that.
# a point not between two digits: not followed by one, or not preceded by one (the look-behind
# spans the point itself). Written to begin with the literal point, so that a scan jumps from
# point to point instead of trying a look-behind at every position (30 us an abstract less)
_LONE_DOT = re.compile(r"\.(?:(?!\d)|(?<!\d\.))")
_NOT_KEPT = re.compile(r"[^\w+.]|_")
_SLUG_DROP = re.compile(r"[^a-z0-9.+]+")


def singular(s: str) -> str:
    """``s`` less a plural ``s``: on keys longer than three characters, not on ``ss``.

    The last step of :func:`entity_key`, for a name whose last letter may be a plural
    (:func:`plural_ending`).
    """
    return s[:-1] if len(s) > 3 and s.endswith("s") and not s.endswith("ss") else s


# a name's last character that counts (a letter, digit or "+"), and the one before it
_LAST_TWO = re.compile(r"([^\W_]|\+)?([^\W_]|\+)[^\w+]*$")


def plural_ending(name: str) -> bool:
    """Whether the name may end in a plural ``s``: a small ``s`` right after a letter
    ("LLMs", "ViTs", "Gated State Spaces"). A capital S, or one after a digit, a hyphen or
    a space, is a size or part of the name: "ViT-S", "YOLOv8s", "Swin-S", "VITS", "MOSES".

    >>> [plural_ending(n) for n in ("LLMs", "ViT-S", "YOLOv8s", "VITS", "ViT s", "Loss")]
    [True, False, False, False, False, True]
    """
    m = _LAST_TWO.search(name)
    return m is not None and m.group(2) == "s" and m.group(1) is not None and m.group(1).isalpha()


_plural = singular


def entity_key(name: str) -> str:
    """The one "same entity" key of a name: per paper and across the corpus.

    Equal: case, accents and compatibility forms ("é" is "e", "ﬁ" is "fi"), spaces,
    hyphens, dashes, slashes and every other punctuation, and a plural ``s`` (a small
    ``s`` after a letter, on keys longer than three characters, not ``ss``: "LLMs" is "LLM",
    "Gated State Spaces" is "Gated State Space", "Loss" stays; "ViT-S", "YOLOv8s" and "VITS"
    are not "ViT", "YOLOv8" and "ViT": :func:`plural_ending`). What counts: letters of any
    script ("μP" is not "P"), digits, ``+`` ("UNet++" is not "UNet") and a point between
    digits ("OPT-1.3B" is not "OPT-13B").

    >>> entity_key("ImageNet-1k") == entity_key("imagenet 1K") == entity_key("imagenet_1k")
    True
    >>> entity_key("LLMs") == entity_key("LLM"), entity_key("Café") == entity_key("cafe")
    (True, True)
    >>> entity_key("OPT-1.3B") == entity_key("OPT-13B"), entity_key("UNet++") == entity_key("UNet")
    (False, False)
    >>> entity_key("ViT-S") == entity_key("ViT"), entity_key("YOLOv8s") == entity_key("YOLOv8")
    (False, False)
    """
    # extraction asks for the keys of the same words again and again: short names are kept
    return _kept_key(name) if len(name) <= _KEPT_LENGTH else _key(name)


def _key(name: str) -> str:
    s = unaccented(unicodedata.normalize("NFKC", name)).casefold()
    s = _NOT_KEPT.sub("", _LONE_DOT.sub("", s))
    return _plural(s) if plural_ending(name) else s


_KEPT_LENGTH = 80
_kept_key = lru_cache(maxsize=1 << 20)(_key)  # 100k papers ask for ~206,000 distinct names
_PART = "\u00b5"  # a character the key keeps (a word character) that no ASCII text holds


def ascii_key_cores(parts: list[str]) -> list[str]:
    """:func:`entity_key` of each ASCII part but for its last step (:func:`singular`), in one
    pass over them all: ``entity_key(p)`` is ``singular(core)`` when ``plural_ending(p)``,
    else ``core``.

    On ASCII, the key is the lower case less every character that does not count, each
    judged by itself and its neighbours; the cores of the parts are split at a kept
    character none of them holds.

    >>> ascii_key_cores(["ImageNet-1k", "LLMs", "v1.5", "e.g."])
    ['imagenet1k', 'llms', 'v1.5', 'eg']
    """
    if not parts:
        return []
    joined = _PART.join(parts).lower()
    return _NOT_KEPT.sub("", _LONE_DOT.sub("", joined)).split(_PART)


# the ASCII characters _NOT_KEPT drops, but the space: deleted by bytes.translate, one C pass
_ASCII_DROPPED = bytes(c for c in range(128) if chr(c) != " " and _NOT_KEPT.match(chr(c)))


def spaced_key_cores(lowered: str) -> list[str]:
    """``ascii_key_cores(lowered.split(" "))`` of a lower-case ASCII text: the space stands
    where the parts meet (like the joining character there, it counts for nothing and is no
    digit), and the characters that do not count are dropped by one ``bytes.translate``.

    >>> spaced_key_cores("imagenet-1k  v1.5 e.g.")
    ['imagenet1k', '', 'v1.5', 'eg']
    """
    kept = _LONE_DOT.sub("", lowered).encode("ascii").translate(None, _ASCII_DROPPED)
    return kept.decode("ascii").split(" ")


#: The name the extraction modules import: the same function as :func:`entity_key`.
match_key = entity_key


def scorer_key(name: str) -> str:
    """A name as the reference scorer (``gold/score.py``) compares it; for the evaluation only.

    Like :func:`entity_key`, but letters outside a-z are dropped, not folded ("Café"
    is "caf"), and so are ``+`` and the point between digits ("OPT-1.3B" is "OPT-13B").

    >>> scorer_key("Café"), scorer_key("OPT-1.3B") == scorer_key("OPT-13B"), scorer_key("LLMs")
    ('caf', True, 'llm')
    """
    return _plural(re.sub(r"[^0-9a-z]+", "", unicodedata.normalize("NFKC", name).lower()))


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


# Variant suffixes: the one vocabulary of the variant rules below. Each takes its own
# part of it. base_names (families, at resolution) strips every kind, one at a time, with
# a separator or after a count; VARIANT_SUFFIX and SIZE_VARIANT are extraction's (what a
# known family's variant and a sized model look like) and keep the part they always had,
# as extraction quality was measured with them: VARIANT_SUFFIX strips editions and
# counts in K, SIZE_VARIANT knows neither G nor Mini and lets a size letter carry a digit.
SIZE_LETTERS = "TSBLH"  # ViT-B, Swin-T
SIZE_WORDS = ("Tiny", "Small", "Base", "Large", "Huge", "XL", "XXL")
RARE_SIZES = ("G", "Mini")  # shortened away by the name rules, not a sign of a model
FLAVOURS = ("Instruct", "Chat", "Base", "HF", "hf", "it")
EDITIONS = ("Pro", "Plus", "Max", "Turbo", "Lite", "Flash", "Ultra", "Coder", "Math", "Vision", "VL")
MODALITIES = ("VL", "Vision", "Audio", "Omni", "Video")  # Qwen2.5-VL, Llama 3.2 Vision
FINE_TUNES = ("SFT", "DPO", "RLHF", "Preview")  # -Instruct and -Chat are FLAVOURS
_COUNT = r"\d+(?:\.\d+)?"  # a parameter count before its unit: 7B, 1.3B, 125M
_VERSION = r"\d+(?:\.\d+)*"  # 2, 1.5, 2.5.1


def _either(*groups: str | tuple[str, ...]) -> str:
    return "|".join(w for g in groups for w in g)


# for base_names: one suffix at a time, outermost first; the separator is part of the suffix
_BASE_SUFFIXES = tuple(re.compile(p) for p in (
    rf"[\s\-_]+(?:{_either(FLAVOURS, FINE_TUNES)})$",
    rf"[\s\-_]+(?:{_either(EDITIONS, MODALITIES)})$",
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
    """Shorter names ``name`` may be a variant of, nearest first: one size, version,
    modality, edition or fine-tune suffix less at each step.

    >>> base_names("LLaVA-1.5-7B")
    ['LLaVA-1.5', 'LLaVA']
    >>> base_names("Llama 3 8B Instruct")
    ['Llama 3 8B', 'Llama 3', 'Llama']
    >>> base_names("Qwen2.5-VL-7B")
    ['Qwen2.5-VL', 'Qwen2.5', 'Qwen']
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


_MINOR_VERSION = re.compile(r"(\d+)\.\d+$")


def major_version(name: str) -> str | None:
    """The name of the major version a minor one belongs to, if ``name`` ends in one.

    A family may or may not have that level ("Llama 3.1" is a Llama 3, "Qwen2.5" is no
    Qwen2): a caller uses it only when it names an entity.

    >>> major_version("Llama-3.1"), major_version("Qwen2.5"), major_version("Llama 3")
    ('Llama-3', 'Qwen2', None)
    """
    shorter = _MINOR_VERSION.sub(r"\1", name.strip())
    return shorter if shorter != name.strip() else None


_LAST_WORD = re.compile(r"^(?P<head>.+?)[\s\-_]+(?P<word>[^\s\-_]+)$")
_LAST_HYPHENATED = re.compile(r"^(?P<head>[^\s]+?)-(?P<word>[^\s\-_]+)$")
_VARIANT_WORDS = frozenset(w.casefold() for w in (
    *SIZE_WORDS, *RARE_SIZES, *FLAVOURS, *EDITIONS, *MODALITIES, *FINE_TUNES, "Giant"))


def modifier_compound(name: str) -> bool:
    """Whether ``name`` ends in a lowercase word that makes it an adjective or a kind,
    not a variant ("CoT-based", "LLaMa-like"): a capitalised name, then such a word.

    >>> modifier_compound("CoT-based"), modifier_compound("LLaVA-NeXT"), modifier_compound("t5-base")
    (True, False, False)
    """
    m = _LAST_WORD.match(name.strip())
    if m is None or not any(c.isupper() for c in m["head"]):
        return False
    word = m["word"]
    return word.isalpha() and word.islower() and word.casefold() not in _VARIANT_WORDS


def named_variant_head(name: str) -> str | None:
    """The head of a named variant: a one-word ``name`` less its last hyphenated part when
    that part is a name (capitalised: "LLaVA-NeXT"), not a modifier ("CoT-based").

    >>> named_variant_head("LLaVA-NeXT"), named_variant_head("CoT-based"), named_variant_head("BERT")
    ('LLaVA', None, None)
    >>> named_variant_head("Memory Networks")  # after a space, as often the head noun
    """
    m = _LAST_HYPHENATED.match(name.strip())
    if m is None or not m["word"][:1].isupper() or len(re.sub(r"[^A-Za-z0-9]", "", m["head"])) < 2:
        return None
    return m["head"]
