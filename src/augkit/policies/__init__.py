"""Learned and random augmentation policies over augkit's ops, for every modality.

``RandAugment``, ``TrivialAugmentWide``, ``AugMix`` and ``AutoAugment`` draw ops by name from
an op set (:func:`op_set`) and set each op's strength through its magnitude hook
(:mod:`augkit.core.magnitude`); see docs/policies.md.

>>> import numpy as np
>>> from augkit.policies import RandAugment
>>> text = RandAugment(num_ops=1, magnitude=5, modality="text")
>>> isinstance(text(text="a small example sentence for the docs", seed=0)["text"], str)
True
"""

from augkit.policies.augmix import AugMix
from augkit.policies.autoaugment import AutoAugment
from augkit.policies.ops import PolicyOp, op_set
from augkit.policies.randaugment import RandAugment, TrivialAugmentWide
from augkit.policies.search import SearchResult, search
from augkit.policies.timm import from_timm

__all__ = ["AugMix", "AutoAugment", "PolicyOp", "RandAugment", "SearchResult",
           "TrivialAugmentWide", "from_timm", "op_set", "search"]
