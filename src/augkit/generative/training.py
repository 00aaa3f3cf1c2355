"""The GAN training loop: seeded, checkpointed, exactly resumable on CPU.

Every random draw of step ``k`` (noise, differentiable augmentation) comes from a
``torch.Generator`` seeded by ``(seed, k)``, and the batch of step ``k`` is read from the
``(seed, epoch)`` permutations of the data (of each class, with class-balanced batches), so
a step is a pure function of the seed, the step number and the state before it. A
checkpoint therefore holds all there is: the networks' and optimisers' state dicts
(tensors only, read back with ``torch.load(weights_only=True)``), the ADA probability and
its running ``r_t`` sums, the step, and a fingerprint of the data. A run stopped at step
``k`` and resumed gives the same weights, bit for bit, as an uninterrupted run (same thread
count, same torch build).

Files in the model folder: ``model.json`` (settings, data spec, step, ADA state, loss
history, file hashes), ``generator-<step>.pt`` and ``state-<step>.pt`` (discriminator and
optimisers). ``model.json`` is written last and names the files, so an interrupted write
leaves the previous checkpoint usable.
"""

from __future__ import annotations

import hashlib
import io
import json
import time
from pathlib import Path
from typing import Any

import numpy as np

from augkit.data.paths import atomic_write
from augkit.generative.config import GANConfig
from augkit.generative.diffaug import augment
from augkit.generative.nets import build, to_channels_first
from augkit.generative.scaling import DataSpec, describe

FORMAT = "augkit-gan/1"
LOG_EVERY = 10  # steps between history rows


def step_seed(seed: int, step: int, stream: int = 0) -> int:
    """The seed of step ``step``'s generator (63 bits)."""
    state = np.random.SeedSequence([seed, stream, step]).generate_state(1, np.uint64)[0]
    return int(state >> np.uint64(1))


def fingerprint(x: np.ndarray, y: np.ndarray) -> str:
    digest = hashlib.sha256(f"{x.dtype}{x.shape}".encode())
    digest.update(np.ascontiguousarray(x).tobytes())
    digest.update(np.ascontiguousarray(y, dtype=np.int64).tobytes())
    return digest.hexdigest()[:16]


def file_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]


def _torch_bytes(torch, obj: Any) -> bytes:
    buffer = io.BytesIO()
    torch.save(obj, buffer)
    return buffer.getvalue()


class _Stream:
    """Positions ``[a, b)`` of the concatenated epoch permutations of ``members`` (epoch
    ``e``: a permutation seeded by ``(seed, stream, e)``)."""

    def __init__(self, members: np.ndarray, seed: int, stream: int):
        self.members, self.seed, self.stream = members, seed, stream
        self._cache: dict[int, np.ndarray] = {}

    def _perm(self, epoch: int) -> np.ndarray:
        if epoch not in self._cache:
            if len(self._cache) > 4:
                self._cache.clear()
            ss = np.random.SeedSequence([self.seed, 1, self.stream, epoch])
            self._cache[epoch] = self.members[np.random.default_rng(ss).permutation(
                self.members.size)]
        return self._cache[epoch]

    def take(self, start: int, stop: int) -> np.ndarray:
        epochs, within = np.divmod(np.arange(start, stop), self.members.size)
        return np.array([self._perm(int(e))[i] for e, i in zip(epochs, within, strict=True)],
                        dtype=np.int64)


class _Order:
    """Step ``k``'s batch, a pure function of (seed, k). Plain: positions ``[kB, (k+1)B)``
    of the data's epoch permutations. Class-balanced: each of the K classes fills ``B // K``
    slots from its own permutation stream, and the ``B % K`` extra slots rotate over the
    classes step by step, so a rare class is seen as often as a common one."""

    def __init__(self, y: np.ndarray, batch: int, seed: int, balanced: bool):
        self.batch = batch
        classes = np.flatnonzero(np.bincount(y))
        if balanced and classes.size > 1:
            self.streams = [_Stream(np.flatnonzero(y == c), seed, 1 + i)
                            for i, c in enumerate(classes)]
        else:
            self.streams = [_Stream(np.arange(y.size), seed, 0)]

    def _used(self, c: int, step: int) -> int:
        """Slots of stream ``c`` in steps ``0 .. step - 1``."""
        k = len(self.streams)
        base, extra = divmod(self.batch, k)
        cycles, rest = divmod(step, k)
        tail = sum(1 for j in range(cycles * k, step) if (c - j) % k < extra)
        return step * base + cycles * extra + tail

    def indices(self, step: int) -> np.ndarray:
        parts = [s.take(self._used(c, step), self._used(c, step + 1))
                 for c, s in enumerate(self.streams)]
        return np.concatenate(parts)


class Trainer:
    """One model folder's training state; :func:`train` drives it."""

    def __init__(self, torch, spec: DataSpec, config: GANConfig, seed: int, data_hash: str):
        self.torch, self.spec, self.config, self.seed = torch, spec, config, seed
        self.data_hash = data_hash
        self.ops = config.ops(spec.kind)
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            self.g, self.d = build(spec.kind, spec.shape, spec.classes, config.z_dim,
                                   config.width, config.d_width, config.spectral_norm)
        betas = (0.5, 0.999)
        self.opt_g = torch.optim.Adam(self.g.parameters(), lr=config.lr_g, betas=betas)
        self.opt_d = torch.optim.Adam(self.d.parameters(), lr=config.lr_d, betas=betas)
        self.step = 0
        self.ada = {"p": 0.0 if config.ada else (config.p if self.ops else 0.0),
                    "sum": 0.0, "count": 0, "r_t": 0.0}
        self.history: list[dict[str, float]] = []
        self.seconds = 0.0

    # -- one step ------------------------------------------------------------------------------
    def run_step(self, x, y, order: _Order) -> dict[str, float]:
        torch, cfg = self.torch, self.config
        F = torch.nn.functional
        gen = torch.Generator().manual_seed(step_seed(self.seed, self.step))
        idx = torch.from_numpy(order.indices(self.step))
        real, labels = x[idx], y[idx]
        n, p = real.shape[0], self.ada["p"]
        self.g.train()
        self.d.train()

        z = torch.randn((n, cfg.z_dim), generator=gen)
        with torch.no_grad():
            fake = self.g(z, labels)
        real_in = augment(real, self.ops, p, gen)
        if cfg.r1_gamma > 0:
            real_in = real_in.detach().requires_grad_(True)
        d_real = self.d(real_in, labels)
        d_fake = self.d(augment(fake, self.ops, p, gen), labels)
        loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
        if cfg.r1_gamma > 0:
            (grad,) = torch.autograd.grad(d_real.sum(), real_in, create_graph=True)
            loss_d = loss_d + 0.5 * cfg.r1_gamma * grad.pow(2).flatten(1).sum(1).mean()
        self.opt_d.zero_grad(set_to_none=True)
        loss_d.backward()
        self.opt_d.step()

        z = torch.randn((n, cfg.z_dim), generator=gen)
        d_gen = self.d(augment(self.g(z, labels), self.ops, p, gen), labels)
        loss_g = F.softplus(-d_gen).mean()
        self.opt_g.zero_grad(set_to_none=True)
        loss_g.backward()
        self.opt_g.step()

        self._ada_update(float(torch.sign(d_real.detach()).sum()), n)
        self.step += 1
        row = {"step": self.step, "loss_d": loss_d.item(), "loss_g": loss_g.item(),
               "r_t": self.ada["r_t"], "p": self.ada["p"]}
        if self.step % LOG_EVERY == 0:
            self.history.append(row)
        return row

    def _ada_update(self, sign_sum: float, n: int) -> None:
        ada, cfg = self.ada, self.config
        ada["sum"] += sign_sum
        ada["count"] += n
        if (self.step + 1) % cfg.ada_interval:
            return
        ada["r_t"] = ada["sum"] / max(1, ada["count"])
        if cfg.ada and self.ops:
            adjust = np.sign(ada["r_t"] - cfg.ada_target) * cfg.ada_interval / cfg.ada_steps
            ada["p"] = float(min(1.0, max(0.0, ada["p"] + adjust)))
        ada["sum"], ada["count"] = 0.0, 0

    # -- checkpoints ---------------------------------------------------------------------------
    def save(self, folder: Path, extra: dict[str, Any] | None = None) -> None:
        torch = self.torch
        g_bytes = _torch_bytes(torch, self.g.state_dict())
        s_bytes = _torch_bytes(torch, {"discriminator": self.d.state_dict(),
                                       "opt_g": self.opt_g.state_dict(),
                                       "opt_d": self.opt_d.state_dict()})
        g_name, s_name = f"generator-{self.step:08d}.pt", f"state-{self.step:08d}.pt"
        atomic_write(folder / g_name, g_bytes)
        atomic_write(folder / s_name, s_bytes)
        meta = {"format": FORMAT, "spec": self.spec.to_dict(), "config": self.config.to_dict(),
                "seed": self.seed, "step": self.step, "data": self.data_hash,
                "ada": self.ada, "generator": g_name, "generator_hash": file_hash(g_bytes),
                "state": s_name, "state_hash": file_hash(s_bytes),
                "seconds": round(self.seconds, 3), "history": self.history,
                "torch": torch.__version__, **(extra or {})}
        atomic_write(folder / "model.json", json.dumps(meta, indent=1).encode("utf-8"))
        for old in list(folder.glob("generator-*.pt")) + list(folder.glob("state-*.pt")):
            if old.name not in (g_name, s_name):
                old.unlink()

    def load(self, folder: Path, meta: dict[str, Any]) -> None:
        torch = self.torch
        g_bytes = (folder / meta["generator"]).read_bytes()
        s_bytes = (folder / meta["state"]).read_bytes()
        if file_hash(g_bytes) != meta["generator_hash"] or file_hash(s_bytes) != meta[
                "state_hash"]:
            raise ValueError(f"{folder}: the checkpoint files do not match model.json "
                             "(changed or damaged); train again into an empty folder")
        self.g.load_state_dict(torch.load(io.BytesIO(g_bytes), weights_only=True))
        state = torch.load(io.BytesIO(s_bytes), weights_only=True)
        self.d.load_state_dict(state["discriminator"])
        self.opt_g.load_state_dict(state["opt_g"])
        self.opt_d.load_state_dict(state["opt_d"])
        self.step = int(meta["step"])
        self.ada = dict(meta["ada"])
        self.history = list(meta["history"])
        self.seconds = float(meta.get("seconds", 0.0))


def read_meta(folder: Path) -> dict[str, Any]:
    path = Path(folder) / "model.json"
    if not path.is_file():
        raise FileNotFoundError(2, "no augkit GAN model here (model.json missing)", str(folder))
    meta = json.loads(path.read_text(encoding="utf-8"))
    if meta.get("format") != FORMAT:
        raise ValueError(f"{folder}: model.json is not an {FORMAT} model "
                         f"(format {meta.get('format')!r})")
    return meta


def train(x, y, out: str | Path, *, steps: int, seed: int = 0, config: GANConfig | None = None,
          class_names: list[str] | None = None, kind: str | None = None, resume: bool = False,
          progress: bool | None = False, checkpoint_seconds: float = 180.0,
          extra: dict[str, Any] | None = None):
    """Train a class-conditional GAN on ``x`` (images (N, H, W[, C]) or series (N, T[, C]))
    with integer labels ``y`` for ``steps`` steps in all, writing the model folder ``out``
    (a checkpoint every ``checkpoint_seconds`` and at the end). ``resume=True`` continues
    the run saved in ``out`` (same data, seed and settings) up to ``steps``. Returns the
    trained :class:`~augkit.generative.model.GANModel`. ``kind``: "image" or "timeseries"
    (None: unsigned-integer or 4-D arrays are images, other arrays series; pass it for float
    images). ``class_names``: names of the label indices (default "0", "1", ...).
    ``extra``: JSON-able facts stored in ``model.json`` (the CLI keeps the source format).
    """
    import torch

    from augkit.core.validate import check_number
    from augkit.generative.model import GANModel

    check_number("train", "steps", steps, 1, 10**9, integer=True)
    check_number("train", "seed", seed, 0, 2**63 - 1, integer=True)
    spec, x, y = describe(x, y, class_names, kind)
    data_hash = fingerprint(x, y)
    folder = Path(out)
    meta = None
    if resume:
        meta = read_meta(folder)
        stored = GANConfig.from_dict(meta["config"])
        if config is not None and config != stored:
            raise ValueError(f"train: resume={resume} with settings that differ from the saved "
                             f"run's ({stored}); resume with the same settings")
        config = stored
        if meta["data"] != data_hash:
            raise ValueError(f"train: {folder} was trained on other data (fingerprint "
                             f"{meta['data']}, this data {data_hash}); resume on the same data")
        if int(meta["seed"]) != seed:
            raise ValueError(f"train: seed {seed} differs from the saved run's seed "
                             f"{meta['seed']}; resume with the same seed")
        if steps < int(meta["step"]):
            raise ValueError(f"train: steps {steps} is below the {meta['step']} steps already "
                             "trained; ask for at least that many")
    else:
        if (folder / "model.json").exists():
            raise ValueError(f"train: {folder} already holds a model; resume it "
                             "(resume=True, --resume) or choose another folder")
        config = config or GANConfig()
    folder.mkdir(parents=True, exist_ok=True)

    threads = torch.get_num_threads()
    if config.threads is not None:
        torch.set_num_threads(config.threads)
    try:
        trainer = Trainer(torch, spec, config, seed, data_hash)
        if meta is not None:
            trainer.load(folder, meta)
        _loop(torch, trainer, x, y, folder, steps, progress, checkpoint_seconds, extra)
    finally:
        torch.set_num_threads(threads)
    return GANModel.load(folder)


def _loop(torch, trainer: Trainer, x, y, folder: Path, steps: int, progress, every: float,
          extra) -> None:
    from augkit.core.progress import Progress

    xt = to_channels_first(torch, trainer.spec.to_network(x))
    yt = torch.from_numpy(y)
    order = _Order(y, trainer.config.batch_size, trainer.seed, trainer.config.balanced)
    bar = Progress(steps - trainer.step, "step", "gan train", enabled=progress)
    last_save = time.perf_counter()
    started = time.perf_counter()
    base = trainer.seconds
    try:
        while trainer.step < steps:
            row = trainer.run_step(xt, yt, order)
            trainer.seconds = base + time.perf_counter() - started
            bar.step(f"D {row['loss_d']:.2f} G {row['loss_g']:.2f} r_t {row['r_t']:+.2f} "
                     f"p {row['p']:.2f}")
            if time.perf_counter() - last_save >= every and trainer.step < steps:
                trainer.save(folder, extra)
                last_save = time.perf_counter()
    finally:
        bar.close()
    trainer.save(folder, extra)
