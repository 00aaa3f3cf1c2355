"""augkit: data augmentation for images, text and time series, with one contract.

>>> import numpy as np
>>> import augkit
>>> from augkit import image as A
>>> aug = augkit.Compose([A.HorizontalFlip(p=0.5), A.Rotate(limit=15)], seed=0)
>>> out = aug(image=np.zeros((32, 32, 3), np.uint8), return_record=True)
>>> out["image"].shape, out["record"].names[-1]
((32, 32, 3), 'Rotate')
"""

from augkit.core import (
    Compose,
    MultiView,
    OneOf,
    PerFrame,
    RandomOrder,
    Record,
    SomeOf,
    Sometimes,
    Transform,
    from_dict,
    load,
    registered,
    save,
)
from augkit.core.limits import Limits, get_limits, override_limits, set_limits

__version__ = "0.1.0"

__all__ = [
    "Compose", "Limits", "MultiView", "OneOf", "PerFrame", "RandomOrder", "Record", "SomeOf",
    "Sometimes", "Transform", "__version__", "from_dict", "get_limits", "load", "override_limits",
    "registered", "save", "set_limits",
]
