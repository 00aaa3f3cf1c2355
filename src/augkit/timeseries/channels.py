"""Channel transforms for multichannel series: rotation, sign flip, channel shuffle."""

from __future__ import annotations

import numpy as np

from augkit.core.magnitude import Magnitude
from augkit.core.transform import Params, State
from augkit.core.validate import check_number
from augkit.timeseries.base import SeriesTransform, channels, check_bool, n_series
from augkit.timeseries.functional import values as V
from augkit.timeseries.targets import NAN_KEY


def _need_channels(owner, state: State, k: int = 2) -> int:
    c = channels(state)
    if c < k:
        raise ValueError(f"{type(owner).__name__}: needs series with at least {k} channels; "
                         f"got {c}")
    return c


class SeriesRotation(SeriesTransform):
    """Rotate each time step's channel vector by an angle up to ``angle`` degrees in a random
    plane (for 3 channels: about a random axis), per series. Needs >= 2 channels.

    >>> import numpy as np
    >>> x = np.random.default_rng(0).normal(size=(20, 3))
    >>> y = SeriesRotation(angle=30, p=1.0)(series=x, seed=0)["series"]
    >>> bool(np.allclose(np.linalg.norm(y, axis=1), np.linalg.norm(x, axis=1)))
    True
    """

    def __init__(self, angle: float = 15.0, p: float = 0.5):
        super().__init__(p=p)
        self.angle = check_number(self, "angle", angle, 0.0, 180.0)

    magnitude = Magnitude(lambda v: {"angle": v}, span=30.0, unit="largest angle in degrees")

    def sample(self, rng, state):
        c = _need_channels(self, state)
        n = n_series(state)
        angles = np.deg2rad(rng.uniform(-self.angle, self.angle, n))
        uv = rng.standard_normal((n, 2, c))
        mats = [V.plane_rotation(uv[i, 0], uv[i, 1], angles[i]) for i in range(n)]
        return {"matrix": np.asarray(mats).tolist()}

    def apply_state(self, state: State, params: Params) -> State:
        out = super().apply_state(state, params)
        if NAN_KEY in state:  # a rotated step mixes channels: missing in one, missing in all
            nan = state[NAN_KEY]
            out[NAN_KEY] = ([np.repeat(m.any(-1, keepdims=True), m.shape[-1], -1) for m in nan]
                            if isinstance(nan, list)
                            else np.repeat(nan.any(-1, keepdims=True), nan.shape[-1], -1))
        return out

    def apply_series(self, x, params):
        return V.rotate(x, np.asarray(params["matrix"]))


class SignFlip(SeriesTransform):
    """Negate series: each channel with probability 1/2 (``per_channel``), else whole series.

    >>> import numpy as np
    >>> SignFlip(per_channel=False, p=1.0)(series=np.ones(3), seed=1)["series"].tolist()
    [-1.0, -1.0, -1.0]
    """

    def __init__(self, per_channel: bool = True, p: float = 0.5):
        super().__init__(p=p)
        self.per_channel = check_bool(self, "per_channel", per_channel)

    def sample(self, rng, state):
        n = n_series(state)
        if self.per_channel:
            signs = np.where(rng.random((n, channels(state))) < 0.5, -1.0, 1.0)
        else:  # acting at all means flipping
            signs = -np.ones((n, 1))
        return {"factor": signs.tolist()}

    def apply_series(self, x, params):
        return V.scale(x, np.asarray(params["factor"]))


class SeriesChannelShuffle(SeriesTransform):
    """Reorder the channels of each series at random (NaN positions follow). Needs >= 2."""

    def __init__(self, p: float = 0.5):
        super().__init__(p=p)

    def sample(self, rng, state):
        c = _need_channels(self, state)
        return {"order": np.argsort(rng.random((n_series(state), c)), axis=1).tolist()}

    def apply_state(self, state: State, params: Params) -> State:
        out = super().apply_state(state, params)
        if NAN_KEY in state:
            nan = state[NAN_KEY]
            if isinstance(nan, list):
                out[NAN_KEY] = [V.shuffle_channels(m[None], [params["order"][i]])[0]
                                for i, m in enumerate(nan)]
            else:
                out[NAN_KEY] = V.shuffle_channels(nan, params["order"])
        return out

    def apply_series(self, x, params):
        return V.shuffle_channels(x, params["order"])
