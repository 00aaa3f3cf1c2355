"""One conformance suite, run over every registered augkit transform.

For each transform: the sample/apply contract, determinism under a seed, replay from a JSON
record, input left unmodified, p=0 as identity, the modality's dtype/shape/target rules, the
config round-trip (dict, JSON, YAML) and clear errors for bad arguments.

Batch-only transforms (``Case.batch_only``: they mix the samples of a batch) run the batch
equivalents of these checks through ``.batch``; the single-call-only ones (record replay)
skip with the reason, and a single call must refuse with a TypeError pointing to ``.batch``.
"""

from __future__ import annotations

import copy
import importlib
import json
import pkgutil

import numpy as np
import pytest

import augkit
from augkit.core.compose import Container
from augkit.core.serialize import to_jsonable
from augkit.core.targets import get_adapter
from augkit.policies.base import Policy
from tests.conformance_cases import CASES
from tests.helpers import assert_same, without_record

# Each modality's cases live in tests/cases_<modality>.py; import them all.
for _module in pkgutil.iter_modules([__import__("os").path.dirname(__file__)]):
    if _module.name.startswith("cases_"):
        importlib.import_module(f"tests.{_module.name}")

LEAVES = sorted(name for name, cls in augkit.registered().items()
                if not issubclass(cls, Container))


def test_every_registered_transform_has_a_case():
    missing = sorted(set(LEAVES) - set(CASES))
    assert not missing, f"add conformance cases for: {missing}"
    unknown = sorted(set(CASES) - set(LEAVES))
    assert not unknown, f"cases for unregistered transforms: {unknown}"


@pytest.fixture(params=LEAVES)
def name(request):
    if request.param not in CASES:
        pytest.fail(f"no conformance case for {request.param}")
    return request.param


def _data(name, seed=0):
    return CASES[name].data(np.random.default_rng(seed))


def _run(transform, name, data_seed=0, **kwargs):
    """One call of ``transform`` (a transform or a Compose) on the case's data: a single call,
    or ``.batch`` for batch-only transforms."""
    data = _data(name, data_seed)
    if CASES[name].batch_only:
        records = kwargs.pop("return_record", False)
        return transform.batch(**data, return_records=records, **kwargs)
    return transform(**data, **kwargs)


def _single_call_only(name):
    if CASES[name].batch_only:
        pytest.skip(f"{name} is batch-only (it mixes the samples of a batch) and its records "
                    "name partner samples, so they do not replay on other data")


BATCH_ONLY = sorted(n for n in LEAVES if n in CASES and CASES[n].batch_only)


def test_call_returns_same_keys_and_modality_rules(name):
    case = CASES[name]
    transform = case.build()
    data = _data(name)
    out = _run(transform, name, seed=1)
    keys = set(data) - {"inputs"} | ({"images"} if case.batch_only else set())
    assert keys <= set(out), f"{name} lost keys: {keys - set(out)}"
    if case.check is not None:
        case.check(data, out)


def test_input_is_not_modified(name):
    data = _data(name)
    before = copy.deepcopy(data)
    if CASES[name].batch_only:
        CASES[name].build().batch(**data, seed=2)
    else:
        CASES[name].build()(**data, seed=2)
    assert_same(data, before, "input")


def test_same_seed_same_output(name):
    a = _run(CASES[name].build(), name, seed=123)
    b = _run(CASES[name].build(), name, seed=123)
    assert_same(a, b)


def test_seeded_compose_reproducible_across_instances(name):
    first = augkit.Compose([CASES[name].build()], seed=7)
    second = augkit.Compose([CASES[name].build()], seed=7)
    for _ in range(3):
        assert_same(_run(first, name), _run(second, name))


def test_different_seeds_give_different_outputs(name):
    case = CASES[name]
    if not case.random:
        pytest.skip(f"{name} has no random parameters")
    transform = case.build()
    outputs = [without_record(_run(transform, name, seed=s)) for s in range(8)]
    distinct = set()
    for out in outputs:
        distinct.add(json.dumps(to_jsonable(out), sort_keys=True, default=str))
    assert len(distinct) > 1, f"{name} gave the same output for 8 seeds"


def test_record_replays_exactly_after_json(name):
    _single_call_only(name)
    transform = CASES[name].build()
    out = transform(**_data(name), seed=5, return_record=True)
    record = out["record"]
    if isinstance(transform, Policy):  # its record holds the ops it drew
        assert record.names and set(record.names) <= transform.op_types
    else:
        assert record.names == [name]
    text = record.to_json()
    replayed = augkit.Record.from_json(text).apply(**_data(name))
    assert_same(without_record(out), replayed)


def test_probability_zero_is_identity(name):
    case = CASES[name]
    config = case.build().to_dict()
    config["p"] = 0.0
    transform = augkit.from_dict(config)
    adapter = get_adapter(transform.modality)
    options = adapter.check_options({})
    if case.batch_only:  # the batch passed through the adapter with no transform
        out = transform.batch(**_data(name), seed=3)
        data = _data(name)
        reference = adapter.finalize_batch(
            adapter.prepare_batch(data.pop("inputs"), data, options), options)
        assert_same(out, reference)
        return
    out = transform(**_data(name), seed=3, return_record=True)
    assert out["record"].steps == []
    # the reference is the data passed through the modality's adapter with no transform
    assert_same(without_record(out), adapter.finalize(adapter.prepare(_data(name), options),
                                                      options))


def test_config_round_trip(name, tmp_path):
    transform = CASES[name].build()
    config = transform.to_dict()
    json.dumps(config)  # plain JSON types only
    rebuilt = augkit.from_dict(config)
    assert rebuilt == transform and rebuilt.to_dict() == config
    for suffix in (".json", ".yaml"):
        path = tmp_path / f"t{suffix}"
        augkit.save(transform, path)
        assert augkit.load(path).to_dict() == config
    # the rebuilt transform behaves the same
    assert_same(_run(transform, name, seed=9), _run(rebuilt, name, seed=9))


def test_bad_probability_names_transform_and_argument(name):
    config = CASES[name].build().to_dict()
    config["p"] = 1.5
    with pytest.raises(ValueError, match=rf"{name}.*'p'.*1\.5"):
        augkit.from_dict(config)


def test_unknown_argument_is_rejected(name):
    config = CASES[name].build().to_dict()
    config["no_such_argument"] = 1
    with pytest.raises(ValueError, match=rf"{name}.*no_such_argument"):
        augkit.from_dict(config)


def test_bad_arguments_give_clear_errors(name):
    case = CASES[name]
    base = case.build().to_dict()
    base.pop("type")
    cls = augkit.registered()[name]
    assert case.bad_args, f"{name}: list at least one bad argument in its case"
    for kwargs, error, text in case.bad_args:
        with pytest.raises(error) as info:
            cls(**{**base, **kwargs})
        message = str(info.value)
        assert name in message and text in message, message


@pytest.mark.parametrize("name", BATCH_ONLY)
def test_batch_only_single_call_points_to_batch(name):
    data = _data(name)
    single = {"image": data["inputs"][0]}
    said = CASES[name].batch_message
    with pytest.raises(TypeError, match=rf"{name} {said}.*\.batch\("):
        CASES[name].build()(**single)
    with pytest.raises(TypeError, match=rf"{name} {said}"):
        augkit.Compose([CASES[name].build()])(**single)
