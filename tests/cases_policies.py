"""Conformance cases for the policies (augkit.policies): image classification inputs for the
image policies, and the text and series sets through RandAugment's ``modality``."""

from __future__ import annotations

import numpy as np

from augkit import policies as P
from tests.conformance_cases import Case, add


def image_only(rng: np.random.Generator) -> dict:
    return {"image": rng.integers(0, 256, size=(40, 48, 3), dtype=np.uint8)}


def check_image(inp: dict, out: dict) -> None:
    assert out["image"].shape == inp["image"].shape
    assert out["image"].dtype == inp["image"].dtype


BAD = [({"modality": "audio"}, ValueError, "'modality'"), ({"ops": ["Nope"]}, ValueError,
                                                            "'ops'")]
add("RandAugment", Case(build=lambda: P.RandAugment(num_ops=3, magnitude=9), data=image_only,
                        bad_args=[*BAD, ({"magnitude": -1}, ValueError, "'magnitude'")],
                        check=check_image))
add("TrivialAugmentWide", Case(build=lambda: P.TrivialAugmentWide(ops=[
    "Rotate", "ShearX", "Solarize", "Color"]), data=image_only,
    bad_args=[*BAD, ({"num_bins": 0}, ValueError, "'num_bins'")], check=check_image))
add("AugMix", Case(build=lambda: P.AugMix(), data=image_only,
                   bad_args=[*BAD, ({"width": 0}, ValueError, "'width'")], check=check_image))
