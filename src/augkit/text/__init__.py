"""Text augmentation: lossless tokenization, an offline WordNet thesaurus, the EDA family,
character noise, guards with rejection counts, and (optional, local models only)
back-translation and contextual replacement.

>>> from augkit import text as T
>>> T.SynonymReplacement(rate=0.3)(text="The movie was a great film.", seed=5)["text"]
'The movie was an outstanding film.'
>>> out = T.augment("The movie was great!", T.eda(rate=0.2), n_aug=2, seed=0)
>>> len(out.texts)
2
"""

from augkit.text.base import TextAdapter, TextTransform
from augkit.text.char_ops import KeyboardTypo, Misspelling, OCRNoise, RandomCharNoise
from augkit.text.contextual import ContextualReplacement
from augkit.text.guards import (
    AugmentResult,
    Guard,
    MaxChangedFraction,
    ProtectedTerms,
    SemanticSimilarity,
    augment,
)
from augkit.text.lexicon import Lexicon, get_lexicon, load_lexicon
from augkit.text.tokenize import detokenize, tokenize
from augkit.text.translate import BackTranslation, translate
from augkit.text.word_ops import (
    RandomDeletion,
    RandomInsertion,
    RandomSwap,
    SynonymReplacement,
    WordShuffle,
    eda,
)

__all__ = [
    "AugmentResult", "BackTranslation", "ContextualReplacement", "Guard", "KeyboardTypo",
    "Lexicon", "MaxChangedFraction", "Misspelling", "OCRNoise", "ProtectedTerms",
    "RandomCharNoise", "RandomDeletion", "RandomInsertion", "RandomSwap", "SemanticSimilarity",
    "SynonymReplacement", "TextAdapter", "TextTransform", "WordShuffle", "augment",
    "detokenize", "eda", "get_lexicon", "load_lexicon", "tokenize", "translate",
]
