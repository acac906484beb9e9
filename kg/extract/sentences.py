"""Component ``kg_sentences``: the title is its own sentence, and so is each paragraph.

The paper text is ``title + "\\n\\n" + abstract``; spaCy's sentencizer knows
nothing of blank lines. Placed before the parser (small pipeline) or after the
sentencizer (blank pipeline).
"""


from spacy.language import Language
from spacy.tokens import Doc
from spacy.util import compile_suffix_regex

from kg.extract.candidate import register_extensions


def add_name_suffix_rule(nlp: Language) -> None:
    """Split a sentence's full stop from a name ending in a capital or digit ("LLaVA-1.5-7B.").

    spaCy keeps "7B." whole (as in "U.S."), which hides the sentence end.
    """
    suffixes = [*(nlp.Defaults.suffixes or ()), r"(?<=[A-Z0-9])\.(?=$)"]
    nlp.tokenizer.suffix_search = compile_suffix_regex(suffixes).search  # type: ignore[union-attr]


class SentenceBreaks:
    def __call__(self, doc: Doc) -> Doc:
        for tok in doc[:-1]:
            if tok.is_space and "\n" in tok.text:
                doc[tok.i + 1].is_sent_start = True
        return doc


@Language.factory("kg_sentences")
def make_sentence_breaks(nlp: Language, name: str) -> SentenceBreaks:
    register_extensions()
    return SentenceBreaks()


