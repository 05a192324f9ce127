"""`no_grad()` is per thread (and per asyncio task): a block in one thread does not stop others
from recording their graphs. Threads sorting graphs that share nodes each get the whole order."""

from __future__ import annotations

import asyncio
import sys
import threading

from autograd import Value, is_grad_enabled, no_grad, topological_order


def _gradient_of_square(x: float) -> float:
    v = Value(x)
    (v * v + 1.0).backward()
    return v.grad


def test_a_thread_inside_no_grad_leaves_other_threads_recording():
    inside, done = threading.Event(), threading.Event()
    seen = {}

    def evaluate() -> None:
        with no_grad():
            seen["enabled in the block"] = is_grad_enabled()
            seen["result is a leaf"] = (Value(2.0) * 3.0).is_leaf
            inside.set()
            done.wait(timeout=30)

    worker = threading.Thread(target=evaluate)
    worker.start()
    try:
        assert inside.wait(timeout=30)
        # while the other thread is inside its block, this one records as usual
        assert is_grad_enabled()
        assert [_gradient_of_square(float(k)) for k in range(50)] == [2.0 * k for k in range(50)]
    finally:
        done.set()
        worker.join()
    assert seen == {"enabled in the block": False, "result is a leaf": True}


def test_threads_entering_and_leaving_blocks_at_random_record_exactly_their_own_graphs():
    errors = []
    start = threading.Barrier(4)

    def work(k: int) -> None:
        start.wait()
        for i in range(300):
            if (i + k) % 3 == 0:
                with no_grad():
                    if not (Value(1.0) + 1.0).is_leaf:
                        errors.append(f"thread {k}: a node recorded inside no_grad")
            elif _gradient_of_square(float(i)) != 2.0 * i:
                errors.append(f"thread {k}: wrong gradient outside no_grad")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert is_grad_enabled()


def test_asyncio_tasks_have_their_own_switch():
    async def in_block(entered: asyncio.Event, release: asyncio.Event) -> bool:
        with no_grad():
            entered.set()
            await release.wait()
            return (Value(2.0) * 2.0).is_leaf

    async def recording(entered: asyncio.Event, release: asyncio.Event) -> float:
        await entered.wait()
        gradient = _gradient_of_square(3.0)  # while the other task sits inside its block
        release.set()
        return gradient

    async def main() -> tuple[bool, float]:
        entered, release = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(in_block(entered, release), recording(entered, release))

    assert asyncio.run(main()) == [True, 6.0]


def test_an_error_inside_a_block_in_a_thread_restores_recording_there():
    outcome = {}

    def work() -> None:
        try:
            with no_grad():
                raise RuntimeError("inside")
        except RuntimeError:
            pass
        outcome["enabled"] = is_grad_enabled()
        outcome["gradient"] = _gradient_of_square(4.0)

    t = threading.Thread(target=work)
    t.start()
    t.join()
    assert outcome == {"enabled": True, "gradient": 8.0}


def test_threads_sorting_graphs_that_share_nodes_each_get_their_whole_order():
    """A sort marks the nodes it reaches with its own number; a sort in another thread waits for
    it, so no thread takes a node as seen because another thread's sort marked it."""
    x = Value(0.5)
    roots = []
    for k in range(4):
        y = Value(float(k))
        for _ in range(3000):
            y = y * x + x  # every chain goes back to the shared x at each step
        roots.append(y)
    expected = [[id(n) for n in topological_order(root)] for root in roots]
    got: dict[int, list[list[int]]] = {k: [] for k in range(len(roots))}

    def sort_again(k: int) -> None:
        for _ in range(15):
            got[k].append([id(n) for n in topological_order(roots[k])])

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # threads switch often, also in the middle of a sort
    try:
        threads = [threading.Thread(target=sort_again, args=(k,)) for k in range(len(roots))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert all(order == expected[k] for k in got for order in got[k])
    assert [len(got[k]) for k in got] == [15] * len(roots)
