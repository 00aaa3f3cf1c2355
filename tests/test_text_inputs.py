"""Bad text inputs and arguments fail at once with messages that name the argument, the
value (briefly) and what is allowed."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import augkit
from augkit import text as T
from augkit.text._hf import check_device


@pytest.mark.parametrize("device", ["cpu", "cuda", "cuda:0", "cuda:12", "mps", "xpu:1", "meta"])
def test_good_devices_are_kept(device):
    assert T.BackTranslation("fwd", "bwd", device=device).device == device
    assert T.ContextualReplacement("model", device=device).device == device


@pytest.mark.parametrize("device, error", [("bogus", ValueError), ("cuda:x", ValueError),
                                           ("CPU", ValueError), ("cuda:", ValueError),
                                           ("", ValueError), (None, TypeError),
                                           (0, TypeError)])
def test_bad_devices_fail_when_the_op_is_built(device, error):
    for build in (lambda: T.BackTranslation("fwd", "bwd", device=device),
                  lambda: T.ContextualReplacement("model", device=device)):
        with pytest.raises(error, match=r"argument 'device' got .*expected a torch device"):
            build()


def test_device_check_does_not_import_torch():
    code = ("import sys; from augkit import text as T; T.BackTranslation('a', 'b', device='cuda:1')"
            "\ntry:\n T.ContextualReplacement('m', device='gpu')\nexcept ValueError: pass"
            "\nassert 'torch' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_device_check_uses_torch_once_it_is_imported():
    torch = pytest.importorskip("torch")
    assert check_device("op", torch.device("cuda", 1)) == "cuda:1"
    with pytest.raises(ValueError, match="'device' got 'cuda:x'"):
        check_device("op", "cuda:x")


def test_augment_n_aug_is_bounded_by_the_copies_limit():
    with pytest.raises(ValueError, match=r"augment: argument 'n_aug' got 1000000; at most 10000"):
        T.augment("The movie was great", T.RandomSwap(), n_aug=10**6)
    with augkit.override_limits(max_copies=2):
        with pytest.raises(ValueError, match="'n_aug' got 3; at most 2 copies"):
            T.augment("The movie was great", T.RandomSwap(), n_aug=3)
        assert len(T.augment("The movie was a great film", T.RandomSwap(rate=0.5), n_aug=2,
                             seed=0).texts) == 2


@pytest.mark.parametrize("value, message", [
    (b"bytes", r"'text' got bytes b'bytes'; expected a str: decode it first"),
    (bytearray(b"x" * 10**6), r"got bytearray\(b'xxx.*characters\); expected a str"),
    (np.zeros(10**6), r"got ndarray of shape \(1000000,\) and dtype float64; expected a non"),
    (12, "'text' got int 12; expected a non-empty str"),
])
def test_non_str_text_errors_are_short_and_clear(value, message):
    with pytest.raises(TypeError, match=message) as err:
        T.KeyboardTypo()(text=value)
    assert len(str(err.value)) < 250


def test_batch_and_augment_name_the_bad_item():
    op = T.KeyboardTypo()
    with pytest.raises(TypeError, match=r"'texts\[2\]' got bytes b'x'; expected a str"):
        op.batch(["ok", "fine", b"x"])
    with pytest.raises(TypeError, match=r"'texts\[1\]' got float 3.5"):
        op.batch(["ok", 3.5])
    with pytest.raises(ValueError, match=r"one entry per text \(2\); got \[1\]"):
        op.batch(["a", "b"], label=[1])
    with pytest.raises(TypeError, match=r"'text\[1\]' got int 3"):
        T.augment(["a fine text", 3], op)
    with pytest.raises(TypeError, match=r"batch got tuple \(\); expected a non-empty list"):
        op.batch(())


@pytest.mark.filterwarnings("ignore:Recommended. pip install sacremoses")
def test_model_ops_name_a_lone_surrogate_instead_of_failing_in_the_tokenizer():
    pytest.importorskip("transformers")
    from tests.text_models import tiny_bert, tiny_marian

    bad = "fine words \ud800 here"
    for op in (T.BackTranslation(tiny_marian(), tiny_marian(), max_new_tokens=8, p=1.0),
               T.ContextualReplacement(tiny_bert(), rate=0.5, p=1.0)):
        with pytest.raises(ValueError, match=r"'text' holds '\\ud800' at character 11, a lone "
                                             "surrogate"):
            op(text=bad, seed=0)
        with pytest.raises(ValueError, match=r"'text\[1\]' holds '\\ud800'"):
            op.batch(["good text here", bad], seed=0)
        assert isinstance(op(text="café au lait ok", seed=0)["text"], str)  # non-ASCII is fine
