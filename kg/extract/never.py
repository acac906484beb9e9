"""Names that are never entities: units, scales, venues, hardware and words made from names.

"PetaFLOPs", "kHz", "8xA800", "NeurIPS 2024", "100K", "RTX 3090" look like coined names to
the shape rules (capitals, digits), but a knowledge graph of ML papers holds none of them.
Nor does a word made from a name: a possessive ("Euler's", "Let's"), an adjective or verb
derived from it ("LLM-generated", "CoT-based", "CoI-tuned", "ACMized"), or a phrase a
function word opens ("as FcaNet"); the name inside is found on its own.
The rule ``never-entity`` drops them before grouping; the learned decider reads the same
verdict as a feature.
"""

import re
from functools import lru_cache

# units of measure, with SI prefixes spelt or abbreviated: kHz, GFLOPs, PetaFLOPs, TB/s, dB
_PREFIX = r"(?:[kKMGTPE]|[Kk]ilo|[Mm]ega|[Gg]iga|[Tt]era|[Pp]eta|[Ee]xa)?"
_UNIT = re.compile(
    rf"^(?:\d+(?:\.\d+)?\s*)?{_PREFIX}(?:Hz|FLOPS|FLOPs|FLOP|OPS|OPs|MACs|B/s|bps|iB|dB|fps|FPS|Wh)$")
# scales: 100K, 1.5B, 8x, x16, 4K, 10^6
_SCALE = re.compile(r"^(?:~?\d+(?:[.,]\d+)?\s*[KMBTkmbx×]|[x×]\d+|\d+\^\d+|\d+[kKmM]?\+)$")
# accelerators and machines: A100, H800, 8xA800, 8×H100, V100s, RTX 3090, TPUv4, Ascend 910B
_HARDWARE = re.compile(
    r"^(?:\d+\s*[x×]\s*)?(?:NVIDIA\s+)?(?:[AHVPLBT]\d{2,3}[A-Za-z]?s?|(?:RTX|GTX)\s*\d{3,4}(?:\s*Ti)?"
    r"|TPU\s*v?\d+[a-z]?|Ascend\s*\d+[A-Z]?|MI\d{3}X?|Jetson\s+\w+|[GTNCxDIL]PUs?|FPGAs?|ASICs?)$")
# venues, with or without a year: NeurIPS 2024, CVPR'25, ICLR-2023
_VENUE = re.compile(
    r"^(?:NeurIPS|NIPS|ICML|ICLR|CVPR|ICCV|ECCV|ACL|EMNLP|NAACL|COLING|AAAI|IJCAI|KDD|SIGGRAPH|"
    r"SIGIR|WACV|BMVC|MICCAI|ICASSP|INTERSPEECH|Interspeech|CoRL|RSS|ICRA|IROS|WWW|TPAMI|"
    r"arXiv|ArXiv|TMLR|JMLR)(?:[\s\-']*(?:19|20)?\d{2})?$")

# words made from a name: its possessive, a derived adjective or verb, a phrase a small
# function word opens
_DERIVED = re.compile(
    r"^(?:.+['’]s|.+-(?i:based|like|trained|tuned|generated|guided|driven|powered|enabled)"
    r"|[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*i[sz]ed|(?:as|of|the|and|by|with|for|to|via|from)\s.+)$")

KINDS = (("unit", _UNIT), ("scale", _SCALE), ("hardware", _HARDWARE), ("venue", _VENUE),
         ("derived", _DERIVED))


@lru_cache(maxsize=1 << 16)  # pure, and asked of the same names again and again
def never_entity(name: str) -> str | None:
    """The kind of non-entity ``name`` is ("unit", "scale", "hardware", "venue", "derived"),
    or None.

    >>> [never_entity(n) for n in ("PetaFLOPs", "kHz", "8xA800", "NeurIPS", "100K", "FlowCut")]
    ['unit', 'unit', 'hardware', 'venue', 'scale', None]
    >>> [never_entity(n) for n in ("Euler's", "CoT-based", "ACMized", "as FcaNet", "DETR-style set prediction")]
    ['derived', 'derived', 'derived', 'derived', None]
    """
    name = name.strip()
    if len(name) > 30:
        return None
    for kind, pattern in KINDS:
        if pattern.match(name):
            return kind
    return None
