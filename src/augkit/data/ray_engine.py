"""The Ray engine of ``augkit augment --engine ray``: the local runner's work as Ray tasks.

Planning, the journal, ``--resume`` and the end of the run (gathered files, summary,
manifest) stay in the runner's process exactly as with the local engine; only the work of
one chunk of items (decode each item once, write its outputs, return their manifest rows)
runs as a Ray task, the same function the local process pool runs. Outputs are a function of
(seed, key, copy) alone, so they are byte-identical to the local engine's whatever the
chunking, the node or the order tasks finish in; a row reaches the journal only once the
task that wrote its file has returned, so an interrupted run resumes the same way.

Workers write into DST themselves: on a cluster DST must be a folder every node can write
at the same path (shared storage), SRC must be readable at its path on every node, and
augkit must be installed on every node. Ray is an optional extra (``augkit[ray]``),
imported only here and only when the engine is asked for.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

INSTALL = "pip install 'augkit[ray]'"


def import_ray():
    """The ``ray`` module, or :class:`~augkit.data.runner.RunError` naming the extra."""
    from augkit.data.runner import RunError

    try:
        import ray
    except ImportError:
        raise RunError(f"--engine ray needs Ray, which is not installed; install the "
                       f"'ray' extra: {INSTALL}") from None
    return ray


class RayEngine:
    """Runs the runner's chunks of work as Ray tasks on a connected Ray (see :func:`connect`).

    After :meth:`run`, ``report`` holds how the work ran: items, tasks, worker processes
    and nodes."""

    def __init__(self, ray) -> None:
        self.ray = ray
        self.report: dict[str, Any] = {"engine": "ray", "items": 0, "tasks": 0,
                                       "processes": 0, "nodes": 0}

    def run(self, args: tuple, todo: list, take, chunk: int | None = None) -> None:
        """Process ``todo`` (the runner's ``(item, outputs)`` pairs) in tasks of ``chunk``
        items, at most two tasks per CPU of the cluster in flight; ``take(i, result)`` is
        called in this process for every item as its task returns."""
        ray = self.ray
        self.report["items"] = len(todo)
        cpus = max(1, int(ray.cluster_resources().get("CPU", 1)))
        if chunk is None:  # about four tasks per CPU, so the CPUs share the work evenly
            chunk = max(1, min(8, -(-len(todo) // (4 * cpus))))
        task = ray.remote(max_retries=3)(_chunk)  # a crashed worker's chunk runs again
        token = uuid.uuid4().hex  # a worker reused from an earlier run builds afresh
        shared = [ray.put(args)]  # in a list: Ray hands it over unresolved, fetched once
        pending: list = []
        processes, nodes = set(), set()

        def drain(until: int) -> None:
            nonlocal pending
            while len(pending) > until:
                done, pending = ray.wait(pending, num_returns=1)
                pid, node, results = ray.get(done[0])
                processes.add((node, pid))
                nodes.add(node)
                for i, result in results:
                    take(i, result)
        try:
            for start in range(0, len(todo), chunk):
                pending.append(task.remote(token, shared, todo[start:start + chunk]))
                self.report["tasks"] += 1
                drain(2 * cpus - 1)
            drain(0)
        except BaseException:  # Ctrl-C or a failed task: stop every write still under way
            for ref in pending:
                ray.cancel(ref, force=True)
            raise
        finally:
            self.report.update(processes=len(processes), nodes=len(nodes))


def _chunk(token: str, shared: list, chunk: list) -> tuple[int, str, list]:
    """One task: the local pool's chunk function, after building the worker's context for
    this run if the worker has not yet (workers outlive tasks and serve later runs)."""
    import ray

    from augkit.data import runner

    if runner._context.get("token") != token:
        runner._context.clear()
        runner._init(*ray.get(shared[0]), worker=True)
        runner._context["token"] = token
    node = ray.get_runtime_context().get_node_id()
    return os.getpid(), node, runner._process_chunk(chunk)


@contextmanager
def connect(address: str | None, workers: int) -> Iterator[RayEngine]:
    """A :class:`RayEngine` on a Ray that is already initialised in this process (reused,
    left running), on the cluster at ``address`` (``"auto"``, ``HOST:PORT``,
    ``ray://HOST:PORT``; also ``RAY_ADDRESS``), or else on a local Ray started with
    ``workers`` CPUs and shut down at the end."""
    from augkit.data.runner import RunError

    ray = import_ray()
    started = not ray.is_initialized()
    if started:
        options: dict[str, Any] = {"include_dashboard": False,
                                   "logging_level": logging.ERROR}
        if address is None and not os.environ.get("RAY_ADDRESS"):
            # "local": a new Ray of our own, even where a `ray start` cluster runs here
            address, options["num_cpus"] = "local", workers
        try:
            ray.init(address=address, **options)
        except (ConnectionError, RuntimeError, ValueError, TimeoutError) as err:
            where = f" at --address {address!r}" if address not in (None, "local") else ""
            detail = " ".join(str(err).split())[:300]
            raise RunError(f"--engine ray: could not start or reach Ray{where}: "
                           f"{detail}") from None
    try:
        yield RayEngine(ray)
    finally:
        if started:
            ray.shutdown()


__all__ = ["INSTALL", "RayEngine", "connect", "import_ray"]
