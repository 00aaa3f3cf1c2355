"""The dataset runner behind ``augkit augment``: plan, workers, journal, resume.

Each output is a pure function of (seed, source key, copy index): its generator seed comes
from ``numpy.random.SeedSequence`` over those, so outputs do not depend on ``workers`` or on
the order work finishes. Every file is written atomically, and a row is appended to the
journal (``DST/.augkit/journal.jsonl``) only once its file is in place, so after a kill at
any point ``resume=True`` redoes exactly what is missing. The end of a run writes the files
that gather outputs (labels CSV, .npz, text and UCR tables), ``summary.json`` and
``manifest.jsonl`` (rows in plan order), then drops the journal.

The work of the items (decode, augment, write) runs on an engine: the local one here (this
process or spawned processes) or Ray (``engine="ray"``, :mod:`augkit.data.ray_engine`);
everything else runs in this process, so DST is the same bytes whichever engine ran it.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import shutil
import signal
import sys
import threading
import time
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from augkit.core.compose import label_keyword
from augkit.core.limits import check_copies, short_repr
from augkit.core.progress import Progress
from augkit.core.record import Record
from augkit.core.serialize import from_dict
from augkit.data.formats import Layout, open_dataset, output_path
from augkit.data.imagefile import BadFile
from augkit.data.paths import atomic_write, remove_temporaries
from augkit.data.sample import Dataset

KEYWORD = {"image": "image", "text": "text", "timeseries": "series"}
ENGINES = ("local", "ray")
STATE, JOURNAL, PARTS = ".augkit/state.json", ".augkit/journal.jsonl", ".augkit/parts"


class RunError(ValueError):
    """A job that cannot start as asked (bad folders, mismatched resume)."""


def output_seed(seed: int, key: str, copy: int) -> int:
    """The seed of one output: ``SeedSequence`` over (seed, the key's SHA-256, copy).

    >>> output_seed(0, "cats/1.png", 0) == output_seed(0, "cats/1.png", 0)
    True
    >>> output_seed(0, "cats/1.png", 0) != output_seed(0, "cats/1.png", 1)
    True
    """
    words = np.frombuffer(hashlib.sha256(key.encode("utf-8")).digest()[:16], "<u4")
    state = np.random.SeedSequence([seed, *words.tolist(), copy]).generate_state(2, np.uint32)
    return int(state[0]) | (int(state[1]) << 32)


def pipeline_hash(config: dict[str, Any]) -> str:
    """SHA-256 (first 16 hex digits) of the pipeline's canonical JSON config."""
    text = json.dumps(config, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def copies_per_item(dataset: Dataset, copies: int, balance: bool, seed: int,
                    originals: bool) -> list[int]:
    """Augmented copies of each item. With ``balance`` every class ends with as many outputs
    as the majority class: a class of n items gets T - n (originals kept) or T copies, T =
    majority x (copies + originals), spread evenly; which items get one more is fixed by a
    hash of (seed, key)."""
    if not balance:
        return [copies] * len(dataset)
    if any(lab is None for lab in dataset.labels):
        raise RunError("--balance needs labelled data; this dataset has unlabelled items")
    counts = Counter(dataset.labels)
    target = max(counts.values()) * (copies + int(originals))
    result = [0] * len(dataset)
    members: dict[str, list[int]] = {}
    for i, lab in enumerate(dataset.labels):
        members.setdefault(lab, []).append(i)
    for items in members.values():
        needed = target - (len(items) if originals else 0)
        base, extra = divmod(needed, len(items))
        order = sorted(items, key=lambda i: hashlib.sha256(
            f"{seed}:{dataset.keys[i]}".encode()).digest())
        for rank, i in enumerate(order):
            result[i] = base + (rank < extra)
    return result


@dataclass
class Job:
    """One ``augkit augment`` run (see :func:`run`)."""

    src: Path
    dst: Path
    pipeline: Any
    copies: int = 1
    seed: int = 0
    balance: bool = False
    originals: bool = True
    fmt: str = "same"
    workers: int = 1
    resume: bool = False
    force: bool = False
    reader_options: dict[str, Any] = field(default_factory=dict)
    modality: str | None = None
    progress: bool = True
    engine: str = "local"  # "local" (process pool) or "ray" (augkit.data.ray_engine)
    address: str | None = None  # the Ray cluster of engine="ray"; None: a local Ray


# -- the work one process does -------------------------------------------------------------
_context: dict[str, Any] = {}


def _init(dataset: Dataset, layout: Layout, config: dict, dst: str, digest: str,
          parent: int | None = None, worker: bool = False) -> None:
    if parent is not None:
        _die_with(parent)
    if worker or parent is not None:  # one process per core already: OpenCV's own thread
        import cv2  # pool would oversubscribe the cores (~30 % more CPU time at 2 workers)

        cv2.setNumThreads(1)
    pipeline = from_dict(config)
    _context.update(dataset=dataset, layout=layout, pipeline=pipeline, dst=Path(dst),
                    digest=digest, keyword=KEYWORD[dataset.modality], checked=set(),
                    label_keyword=label_keyword(pipeline))


def _die_with(parent: int) -> None:
    """Make a worker end when the runner is killed (kill -9 leaves workers orphaned, and an
    orphan writing on while a resumed run starts would leave stray files): Linux's
    PR_SET_PDEATHSIG where available, else a thread that watches the parent id."""
    if sys.platform.startswith("linux"):
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # 1 = PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)
            return

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.1)
        os._exit(1)
    threading.Thread(target=watch, daemon=True).start()


def _target(dst: Path, layout: Layout, seq: int, rel: str,
            checked: set[str] | None = None) -> Path:
    if layout.aggregate:
        return dst / PARTS / f"{seq}.part"
    return output_path(dst, rel, checked)


def _process(i: int, outputs: list[tuple[int, int | None, str, int | None]]):
    """Decode item ``i`` once and write its outputs; returns ("ok", rows) or ("skip", ...)."""
    ds, layout, dst = _context["dataset"], _context["layout"], _context["dst"]
    try:
        sample = ds.load(i)
    except BadFile as bad:
        return "skip", ds.keys[i], bad.reason, bad.detail
    rows, written = [], []
    keyword = _context["keyword"]
    inputs = {keyword: sample.data}
    if sample.targets is not None:  # detection: boxes (pixel xyxy) and masks move too
        inputs.update(sample.targets, bbox_format="pascal_voc")
    if _context["label_keyword"] is not None:  # GenerativeAugment: the item's class
        if sample.label is None:
            return "skip", ds.keys[i], "no label", (
                "the pipeline needs each item's class and this item has none")
        inputs[_context["label_keyword"]] = sample.label
    try:
        for seq, copy, rel, seed in outputs:
            record = out = None
            if copy is None:
                data = (ds.source_bytes(i) if layout.copy_originals_as_bytes
                        else layout.encode_for(i, None, sample.data))
                image = sample.data
            else:
                probed = layout.probes_geometry(i) and "keypoints" not in inputs and (
                    _context["label_keyword"] is None)
                extra = {"keypoints": probe_points(sample.data)} if probed else {}
                out = _context["pipeline"](**inputs, **extra, seed=seed, return_record=True)
                image = out[keyword]
                data = layout.encode_for(i, copy, image, pixel_steps(out) if probed else None)
                record = out["record"].to_dict()
                unchanged = _same(image, sample.data)
            row = {"output": rel, "source": sample.key, "copy": copy, "seed": seed,
                   "label": sample.label, "record": record, "pipeline": _context["digest"],
                   "seq": seq}
            if layout.detection:  # side files (YOLO labels) first: the image marks it done
                row["targets"] = ds.output_targets(i, out, image)
                for side, side_data in ds.side_files(rel, copy, row["targets"], i).items():
                    path = output_path(dst, side, _context["checked"])
                    atomic_write(path, side_data)
                    written.append(path)
            target = _target(dst, layout, seq, rel, _context["checked"])
            atomic_write(target, data)
            written.append(target)
            if copy is not None:
                row["unchanged"] = unchanged
            rows.append(row)
    except (ValueError, TypeError) as err:
        for path in written:  # an item fails whole, never half
            path.unlink(missing_ok=True)
            if path.parent != dst and not any(path.parent.iterdir()):
                path.parent.rmdir()
        return "skip", ds.keys[i], "augment failed", " ".join(str(err).split())[:300]
    return "ok", rows


def probe_points(image: np.ndarray) -> np.ndarray:
    """Three keypoints at the image centre (it, one pixel right, one down): moved with the
    pixels, they give the outputs' pixel geometry (DICOM PixelSpacing)."""
    h, w = image.shape[:2]
    return np.array([[w / 2, h / 2], [w / 2 + 1, h / 2], [w / 2, h / 2 + 1]])


def pixel_steps(out: dict[str, Any]) -> np.ndarray:
    """From the moved probe points: the 2x2 matrix whose columns are one output pixel step
    along x and along y, in source pixels (the inverse of the move's local Jacobian)."""
    p0, px, py = np.asarray(out["keypoints"], np.float64)[:, :2]
    jacobian = np.column_stack([px - p0, py - p0])
    return np.linalg.inv(jacobian) if abs(np.linalg.det(jacobian)) > 1e-12 else np.eye(2)


def _same(new: Any, old: Any) -> bool:
    """Whether an augmented copy equals its source (a duplicate, not a new sample)."""
    if isinstance(new, str) or isinstance(old, str):
        return new == old
    new, old = np.asarray(new), np.asarray(old)
    return new.shape == old.shape and np.array_equal(new, old, equal_nan=new.dtype.kind == "f")


# -- the job -------------------------------------------------------------------------------
def _check_folders(job: Job, dataset: Dataset) -> None:
    src, dst = job.src.resolve(), job.dst.resolve()
    root = src if src.is_dir() else src.parent
    if dst == root or (src.is_dir() and dst.is_relative_to(root)):
        raise RunError(f"--out {str(job.dst)!r} is inside the source {str(job.src)!r}; "
                       "choose a folder outside it (SRC is never modified)")
    image_root = getattr(dataset, "image_root", None)  # COCO images may live elsewhere
    if image_root is not None and dst.is_relative_to(Path(image_root).resolve()):
        raise RunError(f"--out {str(job.dst)!r} is inside the source images "
                       f"{str(image_root)!r}; choose a folder outside it")
    if src.is_relative_to(dst):
        raise RunError(f"the source {str(job.src)!r} is inside --out {str(job.dst)!r}; "
                       "choose a folder outside it (SRC is never modified)")
    if dst.exists() and not dst.is_dir():
        raise RunError(f"--out {str(job.dst)!r} is a file, not a folder")
    if dst.exists() and any(dst.iterdir()):
        ours = (dst / STATE).is_file()
        if not ours and not job.force:
            raise RunError(f"--out {str(job.dst)!r} is not empty and was not written by augkit; "
                           "pass --force to write into it anyway")
        if ours and not (job.resume or job.force):
            raise RunError(f"--out {str(job.dst)!r} holds an earlier augkit run; pass --resume "
                           "to finish it or --force to start over")


def _state(job: Job, dataset: Dataset, config: dict) -> dict[str, Any]:
    return {"augkit": 1, "source": dataset.describe(), "pipeline": config,
            "pipeline_hash": pipeline_hash(config), "copies": job.copies, "seed": job.seed,
            "balance": job.balance, "originals": job.originals, "format": job.fmt}


def _read_rows(path: Path) -> list[dict[str, Any]]:
    """Rows of a JSONL file; a line cut short by a kill (no newline, bad JSON) is dropped."""
    if not path.is_file():
        return []
    rows = []
    for line in path.read_bytes().split(b"\n"):
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict) and "seq" in row:
            rows.append(row)
    return rows


def _line(row: dict[str, Any]) -> bytes:
    return json.dumps(row, sort_keys=True).encode() + b"\n"



def run(job: Job) -> dict[str, Any]:
    """Run (or resume) the job; returns the summary (also in ``DST/summary.json``)."""
    check_copies("augkit augment", "--copies", job.copies)
    if job.copies < 0:
        raise RunError(f"--copies got {job.copies}; expected an integer >= 0")
    if job.workers < 1:
        raise RunError(f"--workers got {job.workers}; expected an integer >= 1")
    if job.engine not in ENGINES:
        raise RunError(f"--engine got {job.engine!r}; expected one of {', '.join(ENGINES)}")
    if job.address is not None and job.engine != "ray":
        raise RunError("--address names a Ray cluster; it needs --engine ray")
    if job.engine == "ray":
        from augkit.data.ray_engine import import_ray
        import_ray()  # a missing extra is said before anything is written
    dataset = open_dataset(job.src, job.modality, **job.reader_options)
    pipeline = job.pipeline
    if pipeline.modality not in ("any", dataset.modality):
        raise RunError(f"the pipeline is for {pipeline.modality} data but {str(job.src)!r} "
                       f"holds {dataset.modality} data")
    layout = Layout(dataset, job.fmt)
    _check_folders(job, dataset)
    dst = job.dst.resolve()
    config = pipeline.to_dict()
    state = _state(job, dataset, config)
    resuming = (dst / STATE).is_file() and job.resume
    if resuming:
        old = json.loads((dst / STATE).read_text())
        changed = sorted(k for k in state if old.get(k) != state[k])
        if changed:
            raise RunError(f"--resume: {str(job.dst)!r} was written with different "
                           f"{', '.join(changed)}; rerun with the same arguments or use --force")
    with _engine(job) as engine:  # Ray starts (or is reached) before DST is touched
        return _run(job, dataset, layout, dst, config, state, resuming, engine)


@contextmanager
def _engine(job: Job):
    if job.engine == "ray":
        from augkit.data.ray_engine import connect

        with connect(job.address, job.workers) as engine:
            yield engine
    else:
        yield LocalEngine(job.workers)


def _run(job: Job, dataset: Dataset, layout: Layout, dst: Path, config: dict,
         state: dict[str, Any], resuming: bool, engine) -> dict[str, Any]:
    if not resuming and (dst / ".augkit").exists():  # --force over an earlier run: stale
        shutil.rmtree(dst / ".augkit")
    dst.mkdir(parents=True, exist_ok=True)
    remove_temporaries(dst)
    atomic_write(dst / STATE, json.dumps(state, sort_keys=True, indent=1).encode())
    _preload_pyarrow()

    # the plan: every output, in order, with its seed; then what is already done
    counts = copies_per_item(dataset, job.copies, job.balance, job.seed, job.originals)
    for n in counts:
        check_copies("augkit augment", "--copies (after --balance)", n)
    plan: list[tuple[int, list[tuple[int, int | None, str, int | None]]]] = []
    seq, names, taken = 0, {}, set()
    for i, n in enumerate(counts):
        outs = []
        for copy in ([None] if job.originals else []) + list(range(n)):
            seed = None if copy is None else output_seed(job.seed, dataset.keys[i], copy)
            name = layout.name(i, copy)
            if not layout.aggregate and name in taken:
                raise RunError(f"two outputs would be written to {short_repr(name)} (the "
                               f"source has an item named like another's copy, e.g. "
                               f"{short_repr(dataset.keys[i])}); rename it")
            names[seq] = name
            taken.add(name)
            outs.append((seq, copy, name, seed))
            seq += 1
        plan.append((i, outs))
    journal = dst / JOURNAL
    rows = {r["seq"]: r for r in _read_rows(dst / "manifest.jsonl") + _read_rows(journal)}
    rows = {s: r for s, r in rows.items() if names.get(s) == r.get("output") and r.get(
        "pipeline") == state["pipeline_hash"] and _target(dst, layout, s, names[s]).is_file()}
    # rows are held as their JSON lines (~10x smaller than dicts of the replay records)
    rows = {s: _line(r) for s, r in rows.items()}
    atomic_write(journal, b"".join(rows[s] for s in sorted(rows)))  # drop a cut-off line
    todo = [(i, [o for o in outs if o[0] not in rows]) for i, outs in plan]
    todo = [(i, outs) for i, outs in todo if outs]

    skipped = list(dataset.skipped)
    decode_skips: dict[int, Any] = {}
    progress = Progress(len(todo), "item", enabled=job.progress)
    with open(journal, "ab") as log:
        def take(i, result):
            if result[0] == "skip":
                decode_skips[i] = {"key": result[1], "reason": result[2], "detail": result[3]}
            else:
                lines = [_line(row) for row in result[1]]
                for row, line in zip(result[1], lines, strict=True):
                    rows[row["seq"]] = line
                log.write(b"".join(lines))
                log.flush()
            progress.step()
        args = (dataset, layout, config, str(dst), state["pipeline_hash"])
        engine.run(args, todo, take)
    progress.close()
    summary = _finish(dst, dataset, layout, plan, rows, skipped, decode_skips, state)
    # how the work ran: returned, never written (DST does not depend on the engine)
    summary["engine"] = dict(engine.report)
    return summary


def _process_chunk(chunk: list) -> list:
    return [(i, _process(i, outs)) for i, outs in chunk]


class LocalEngine:
    """The local engine: this process (``workers=1``) or spawned processes. An engine's
    ``run(args, todo, take)`` does the work of ``todo`` (``(item, outputs)`` pairs) with
    :func:`_init` (``args``) and :func:`_process_chunk`, calling ``take(i, result)`` here as
    each item returns; ``report`` then says how it ran. ``augkit.data.ray_engine`` is the
    other."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.report: dict[str, Any] = {"engine": "local", "items": 0, "tasks": 0,
                                       "processes": workers}

    def run(self, args: tuple, todo: list, take, chunk: int = 8) -> None:
        self.report["items"] = len(todo)
        if self.workers == 1:
            _init(*args)
            for i, outs in todo:
                take(i, _process(i, outs))
            self.report["tasks"] = len(todo)
        else:
            self.report["tasks"] = _pool(self.workers, args, todo, take, chunk)


def _pool(workers: int, args: tuple, todo: list, take, chunk: int = 8) -> int:
    """Run ``todo`` on spawned processes in chunks of ``chunk`` items (fewer round trips),
    at most two chunks per worker in flight (memory stays flat); returns the chunk count."""
    context = multiprocessing.get_context("spawn")
    tasks = 0
    with ProcessPoolExecutor(workers, mp_context=context, initializer=_init,
                             initargs=(*args, os.getpid())) as pool:
        pending: set = set()

        def drain(until: int) -> None:
            nonlocal pending
            while len(pending) > until:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in done:
                    for i, result in future.result():
                        take(i, result)
        for start in range(0, len(todo), chunk):
            pending.add(pool.submit(_process_chunk, todo[start:start + chunk]))
            tasks += 1
            drain(2 * workers - 1)
        drain(0)
    return tasks


def _finish(dst: Path, dataset: Dataset, layout: Layout, plan, rows, skipped, decode_skips,
            state) -> dict[str, Any]:
    """Write the gathering files, the summary and the manifest; drop journal and parts."""
    manifest, entries, index = [], [], 0
    boxes: dict[str, Any] = {"kept": 0, "dropped": 0, "outputs": []}
    per_class: Counter = Counter()
    originals = unchanged = 0
    for i, outs in plan:
        if i in decode_skips:
            continue
        for seq, copy, rel, _seed in outs:
            if seq not in rows:
                raise RuntimeError(f"output {seq} of {dataset.keys[i]!r} is missing after the "
                                   "run; rerun with --resume")
            data, line = None, rows[seq]
            label = dataset.labels[i]
            if layout.detection:
                data = json.loads(line)["targets"]
                boxes["dropped"] += len(data["dropped"])
                boxes["kept"] += len(data["kept"])
                if data["dropped"]:
                    boxes["outputs"].append({"output": rel, "source": dataset.keys[i],
                                             "dropped": data["dropped"]})
            if layout.aggregate:
                data = layout.decode_part((dst / PARTS / f"{seq}.part").read_bytes())
                row = json.loads(line)
                row["index"] = index
                line = _line(row)
                index += 1
            entries.append((i, copy, data, label))
            manifest.append(line)
            unchanged += copy is not None and json.loads(line).get("unchanged", False)
            per_class[str(label)] += 1
            originals += copy is None
    for rel, data in layout.finalize(entries).items():
        atomic_write(output_path(dst, rel), data)
    summary = {
        "source": state["source"]["path"], "format": state["source"]["format"],
        "read": len(dataset) - len(decode_skips),
        "skipped": [s.to_dict() for s in skipped] + [decode_skips[i]
                                                     for i in sorted(decode_skips)],
        "written": len(manifest) - originals, "originals": originals,
        # copies equal to their source: duplicates that add no variety (a mild pipeline,
        # or p < 1); shown so that a run of duplicates is seen, not trained on unknowingly
        "unchanged": unchanged,
        "per_class": dict(sorted(per_class.items())), "notes": dataset.notes,
    }
    if layout.detection:  # boxes the pipeline dropped (min_visibility, crops), by output
        summary["boxes"] = boxes
    tabled = _manifest_table(manifest)
    if tabled is None:
        summary["notes"] = [*summary["notes"], "manifest.parquet not written: pyarrow is not "
                            "installed (pip install 'augkit[parquet]'); manifest.jsonl has "
                            "the same rows"]
    atomic_write(dst / "summary.json", json.dumps(summary, indent=1).encode())
    atomic_write(dst / "manifest.jsonl", b"".join(manifest))
    if tabled is not None:
        atomic_write(dst / "manifest.parquet", tabled)
    remove_temporaries(dst)
    (dst / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(dst / PARTS, ignore_errors=True)
    return summary


_preloading: list[threading.Thread] = []


def _preload_pyarrow() -> None:
    """Import pyarrow (for manifest.parquet) in a thread while the items are processed:
    where pandas is installed, pyarrow's first array imports it too, ~0.3 s that would
    otherwise come at the end of every run. (OpenCV releases the GIL while it works.)"""
    import importlib.util

    if "pyarrow.parquet" not in sys.modules and importlib.util.find_spec("pyarrow"):
        def load() -> None:
            try:
                from augkit.data.parquet import manifest_parquet_bytes

                manifest_parquet_bytes([{"output": "", "source": "", "copy": None}])
            except Exception:  # only a warm-up: _manifest_table reports a real failure
                pass
        thread = threading.Thread(target=load, name="augkit-pyarrow", daemon=True)
        thread.start()
        _preloading.append(thread)


def _manifest_table(lines: list[bytes]) -> bytes | None:
    """The manifest as Parquet bytes, or None without pyarrow."""
    while _preloading:
        _preloading.pop().join()
    try:
        from augkit.data.parquet import manifest_parquet_bytes, pyarrow

        pyarrow()
    except ImportError:
        return None
    return manifest_parquet_bytes([json.loads(line) for line in lines])


# -- replay --------------------------------------------------------------------------------
def replay(manifest: str | Path, row: int | None = None, output: str | None = None):
    """Regenerate one manifest row from its source and replay record; returns
    ``(row, regenerated bytes-or-data, stored bytes-or-data)`` (equal when all is well)."""
    manifest = Path(manifest)
    dst = manifest.parent
    rows = _read_rows(manifest)
    if row is not None:
        if not 0 <= row < len(rows):
            raise RunError(f"--row {row} is outside the manifest's {len(rows)} rows")
        entry = rows[row]
    else:
        found = [r for r in rows if r["output"] == output]
        if not found:
            raise RunError(f"--output {short_repr(output)} is not in {str(manifest)!r}")
        if len(found) > 1:
            raise RunError(f"--output {short_repr(output)} names a file that gathers "
                           f"{len(found)} outputs; pick one with --row")
        entry = found[0]
    state = json.loads((dst / STATE).read_text())
    source = state["source"]
    dataset = open_dataset(source["path"], source["modality"], **source["options"])
    layout = Layout(dataset, state["format"])
    i = dataset.keys.index(entry["source"])
    sample = dataset.load(i)
    keyword = KEYWORD[dataset.modality]
    steps = None
    if entry["record"] is None:
        data = sample.data
    else:
        record = Record.from_dict(entry["record"])
        probed = layout.probes_geometry(i) and sample.targets is None and (
            label_keyword(from_dict(state["pipeline"])) is None)
        extra = {"keypoints": probe_points(sample.data)} if probed else {}
        out = record.apply(**{keyword: sample.data}, **extra)
        data, steps = out[keyword], (pixel_steps(out) if probed else None)
    if not layout.aggregate:
        made = (dataset.source_bytes(i) if entry["copy"] is None
                and layout.copy_originals_as_bytes else layout.encode_for(i, entry["copy"],
                                                                         data, steps))
        return entry, made, output_path(dst, entry["output"]).read_bytes()
    stored = _stored(dst, layout, entry)
    if dataset.modality == "text":
        return entry, " ".join(data.split()), " ".join(stored.split())
    return entry, np.asarray(data).astype(stored.dtype).tobytes(), stored.tobytes()


def _stored(dst: Path, layout: Layout, entry: dict[str, Any]) -> Any:
    ds = layout.dataset
    path = output_path(dst, entry["output"])
    if ds.modality == "image":
        options = {"split": ds.options["split"]} if layout.fmt == "same" else {}
        return open_dataset(path, "image", **options).load(entry["index"]).data
    if ds.modality == "text":
        options = {k: v for k, v in ds.options.items() if k in ("text_column", "label_column")}
        return open_dataset(path, "text", **options).load(entry["index"]).data
    if path.suffix == ".parquet":  # the source's column names, or series / label
        options = ds.options if layout.fmt == "same" else {}
        return open_dataset(path, "timeseries", **options).load(entry["index"]).data
    if layout.fmt == "same" and not path.suffix == ".npz":
        return open_dataset(path, "timeseries").load(entry["index"]).data
    options = ds.options if layout.fmt == "same" else {"data_key": "X", "label_key": "y"}
    return open_dataset(path, "timeseries", **options).load(entry["index"]).data


__all__ = ["Job", "RunError", "copies_per_item", "output_seed", "pipeline_hash", "replay",
           "run"]
