"""The workloads, for every engine they apply to and for the hand-written floor.

- neuron: z = wx + b, y = σ(z), L = ½(y − t)² + (λ/2)w²; forward + backward, fresh leaves each time.
- chain: v ← v·a + c repeated (a `*` and a `+` per step, Value operands); forward + backward.
- mlp:   micrograd's demo step: MLP(2, [16, 16, 1]), two moons, hinge loss + 1e-4·Σp²,
         full batch: forward, zero_grad, backward, SGD update (lr 1.0 → 0.1 linearly).
- transformer: a microgpt-shaped training step in plain Value arithmetic
         (`benchmarks.transformer`), stepgrad against the minimal tuple-based Value.

Every engine starts from the same numbers: the same leaves, the same data
(`nn.make_moons`, seeded) and the same initial parameters (stepgrad's `MLP(2, [16, 16, 1])`
after `random.seed(1337)`, which are also micrograd's, copied into every engine).
A `Case` is one engine on one workload: `run()` is what gets timed, `result()` computes
the loss and the gradients afresh for the agreement check.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from autograd import Value
from benchmarks import floor
from benchmarks.engines import MICROGRAD, STEPGRAD, Engine
from benchmarks.transformer import MinimalValue, Transformer
from nn import MLP, SGD, LinearDecay, hinge, l2, make_moons, signed

__all__ = [
    "Sizes",
    "FULL",
    "QUICK",
    "Result",
    "Case",
    "Workload",
    "NEURON_INPUTS",
    "CHAIN_LEAVES",
    "neuron_once",
    "build_chain",
    "chain_once",
    "MLPProblem",
    "mlp_problem",
    "StepgradMLP",
    "MicrogradMLP",
    "TorchScalarMLP",
    "floor_mlp",
    "mlp_models",
    "MINIMAL",
    "transformer_models",
    "make_workloads",
]


@dataclass(frozen=True)
class Sizes:
    """How big each workload is and how often it is timed."""

    rounds: int = 15  # interleaved timing rounds
    neuron_iterations: int = 2000  # neuron iterations per timed call
    chain_ops: int = 500  # the compared chain: deep enough to matter, shallow enough for micrograd
    chain_repeats: int = 10  # chains per timed call
    long_chain_ops: int = 1_000_000  # stepgrad only (micrograd's recursive sort cannot)
    long_chain_rounds: int = 3
    mlp_points: int = 100
    mlp_hidden: tuple[int, ...] = (16, 16)
    memory_nodes: int = 100_000  # nodes of the binary-op graph measured for bytes per node
    process_steps: int = 20  # transformer steps per whole-process run (a microgpt-length script)
    process_rounds: int = 5  # interleaved rounds of whole processes


FULL = Sizes()
QUICK = Sizes(
    rounds=3,
    neuron_iterations=50,
    chain_ops=100,
    chain_repeats=2,
    long_chain_ops=10_000,
    long_chain_rounds=1,
    mlp_points=12,
    mlp_hidden=(4, 4),
    memory_nodes=2_000,
    process_steps=1,
    process_rounds=1,
)


@dataclass
class Result:
    """What the agreement check compares: the loss (or output) and every gradient, in a fixed order."""

    loss: float
    grads: list[float]


@dataclass
class Case:
    run: Callable[[], object]  # one timed call
    result: Callable[[], Result]  # loss and gradients, computed from the initial state


@dataclass
class Workload:
    name: str
    unit: str  # e.g. "µs/iter"
    per_second: float  # unit per second of one timed call: e.g. 1e6 / iterations
    baseline: str = "micrograd"  # the engine the others are compared with
    cases: dict[str, Case] = field(default_factory=dict)


# ---- neuron ------------------------------------------------------------------------------
#: the lecture's regularized sigmoid neuron (`stepgrad wxb --neuron`): w, x, b, target t, λ
NEURON_INPUTS = {"w": 2.0, "x": 3.0, "b": 1.0, "t": 0.5, "lam": 0.1}


def neuron_once(engine: Engine) -> tuple[Any, list[Any]]:
    """One forward + backward of the regularized neuron; returns the loss and the leaves w, x, b."""
    t, lam = NEURON_INPUTS["t"], NEURON_INPUTS["lam"]
    w, x, b = (
        engine.leaf(NEURON_INPUTS["w"]),
        engine.leaf(NEURON_INPUTS["x"]),
        engine.leaf(NEURON_INPUTS["b"]),
    )
    z = w * x + b
    y = engine.sigmoid(z)
    loss = 0.5 * (y - t) ** 2 + 0.5 * lam * w**2
    engine.backward(loss)
    return loss, [w, x, b]


def _engine_result(engine: Engine, once: Callable[[], tuple[Any, list[Any]]]) -> Result:
    root, leaves = once()
    return Result(engine.data(root), [engine.grad(v) for v in leaves])


def _neuron_case(engine: Engine, iterations: int) -> Case:
    def run() -> None:
        for _ in range(iterations):
            neuron_once(engine)

    return Case(run, lambda: _engine_result(engine, lambda: neuron_once(engine)))


def _neuron_floor_case(iterations: int) -> Case:
    args = NEURON_INPUTS.values()

    def run() -> None:
        for _ in range(iterations):
            floor.neuron(*args)

    return Case(run, lambda: Result(*floor.neuron(*args)))


# ---- chain --------------------------------------------------------------------------------
#: the chain's leaves: v starts at x0 and v ← v·a + c (v tends to 1; ∂v/∂x0 = aⁿ stays representable)
CHAIN_LEAVES = (0.5, 0.999, 0.001)


def build_chain(leaves: Sequence[Any], n_ops: int) -> Any:
    """n_ops binary ops alternating `*` and `+`, every operand a node: v ← v·a + c from v = x0."""
    v, a, c = leaves
    for _ in range(n_ops // 2):
        v = v * a + c
    return v


def chain_once(engine: Engine, n_ops: int) -> tuple[Any, list[Any]]:
    """Forward + backward of the chain; returns its end and the leaves x0, a, c."""
    leaves = [engine.leaf(x) for x in CHAIN_LEAVES]
    root = build_chain(leaves, n_ops)
    engine.backward(root)
    return root, leaves


def _chain_case(engine: Engine, n_ops: int, repeats: int) -> Case:
    def run() -> None:
        for _ in range(repeats):
            chain_once(engine, n_ops)

    return Case(run, lambda: _engine_result(engine, lambda: chain_once(engine, n_ops)))


def _chain_floor_case(n_ops: int, repeats: int) -> Case:
    def run() -> None:
        for _ in range(repeats):
            floor.chain(*CHAIN_LEAVES, n_ops)

    return Case(run, lambda: Result(*floor.chain(*CHAIN_LEAVES, n_ops)))


# ---- mlp ----------------------------------------------------------------------------------
#: micrograd's learning rate 1.0 − 0.9·k/100, held at 0.1 after step 100 (where micrograd's demo stops)
MICROGRAD_SCHEDULE = LinearDecay(1.0, 0.1, 100)


@dataclass(frozen=True)
class MLPProblem:
    """micrograd's demo: data, labels ±1, layer sizes, initial parameters (flat, micrograd's order)."""

    X: list[list[float]]
    labels: list[float]
    sizes: list[int]  # [nin, hidden..., 1]
    initial: list[float]
    alpha: float = 1e-4  # micrograd's reg_loss = alpha · Σ p²
    schedule: Callable[[int], float] = MICROGRAD_SCHEDULE

    @property
    def nouts(self) -> list[int]:
        return self.sizes[1:]


def mlp_problem(points: int = 100, hidden: Sequence[int] = (16, 16), seed: int = 1337) -> MLPProblem:
    """Two moons (noise 0.1) and the parameters `MLP(2, [*hidden, 1])` draws after `random.seed(seed)`.

    The global `random` state is restored afterwards.
    """
    X, y = make_moons(points, noise=0.1, seed=seed)
    state = random.getstate()
    try:
        random.seed(seed)
        initial = [p.data for p in MLP(2, [*hidden, 1]).parameters()]
    finally:
        random.setstate(state)
    return MLPProblem(X, signed(y), [2, *hidden, 1], initial)


def _layers(
    problem: MLPProblem, make: Callable[[float], Any]
) -> list[tuple[list[list[Any]], list[Any], bool]]:
    """The flat initial parameters as layers (weight rows, biases, relu?), each number through `make`."""
    values = iter(problem.initial)
    layers = []
    last = len(problem.sizes) - 2
    for index, (nin, nout) in enumerate(zip(problem.sizes, problem.sizes[1:])):
        W, B = [], []
        for _ in range(nout):
            W.append([make(next(values)) for _ in range(nin)])
            B.append(make(next(values)))
        layers.append((W, B, index != last))
    return layers


def _load(params: Sequence[Any], values: Sequence[float]) -> None:
    if len(params) != len(values):
        raise ValueError(f"{len(values)} initial values for {len(params)} parameters")
    for p, v in zip(params, values):
        p.data = v


class StepgradMLP:
    """The demo step written with stepgrad's public API: nn.MLP, nn.hinge, nn.l2, nn.SGD."""

    def __init__(self, problem: MLPProblem) -> None:
        self.problem = problem
        self.model = MLP(problem.sizes[0], problem.nouts, rng=random.Random(0))
        _load(self.model.parameters(), problem.initial)
        self.optimizer = SGD(self.model, lr=problem.schedule)

    def forward(self) -> Any:
        p = self.problem
        scores = [self.model(x) for x in p.X]
        return hinge(scores, p.labels) + l2(self.model, 2 * p.alpha)  # l2 is (λ/2)Σp²: λ = 2α

    def finish(self, loss: Any) -> None:
        self.optimizer.zero_grad()
        loss.backward()
        self.optimizer.step()

    def step(self) -> float:
        loss = self.forward()
        self.finish(loss)
        return loss.data

    def gradients(self) -> list[float]:
        return [p.grad for p in self.model.parameters()]


class MicrogradMLP:
    """micrograd's demo step, as in its demo notebook (inputs wrapped in Values, sum(), p*p)."""

    def __init__(self, problem: MLPProblem) -> None:
        from micrograd.engine import Value
        from micrograd.nn import MLP as MicroMLP

        self.problem, self.Value, self.steps = problem, Value, 0
        state = random.getstate()
        self.model = MicroMLP(problem.sizes[0], problem.nouts)  # draws from `random`: restored below
        random.setstate(state)
        _load(self.model.parameters(), problem.initial)

    def forward(self) -> Any:
        p, model = self.problem, self.model
        inputs = [list(map(self.Value, xrow)) for xrow in p.X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(p.labels, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = p.alpha * sum(q * q for q in model.parameters())
        return data_loss + reg_loss

    def finish(self, loss: Any) -> None:
        self.model.zero_grad()
        loss.backward()
        learning_rate = self.problem.schedule(self.steps)
        for q in self.model.parameters():
            q.data -= learning_rate * q.grad
        self.steps += 1

    def step(self) -> float:
        loss = self.forward()
        self.finish(loss)
        return loss.data

    def gradients(self) -> list[float]:
        return [float(q.grad) for q in self.model.parameters()]


class TorchScalarMLP:
    """The demo step in PyTorch, one 0-d float64 tensor per number (PyTorch has no scalar MLP):
    z = b + Σ wᵢaᵢ one op at a time, relu, hinge, α·Σp², backward, SGD under `no_grad`."""

    def __init__(self, engine: Engine, problem: MLPProblem) -> None:
        self.engine, self.problem, self.steps = engine, problem, 0
        self.layers = _layers(problem, engine.leaf)
        self.params = [q for W, B, _ in self.layers for row, b in zip(W, B) for q in (*row, b)]

    def forward(self) -> Any:
        p, relu = self.problem, self.engine.relu
        scores = []
        for x in p.X:
            a = x
            for W, B, is_relu in self.layers:
                out = []
                for row, b in zip(W, B):
                    z = b
                    for w_i, a_i in zip(row, a):
                        z = z + w_i * a_i
                    out.append(relu(z) if is_relu else z)
                a = out
            scores.append(a[0])
        data_loss = sum(relu(1.0 - s * y) for s, y in zip(scores, p.labels)) * (1.0 / len(scores))
        return data_loss + p.alpha * sum(q * q for q in self.params)

    def finish(self, loss: Any) -> None:
        """Gradients set to None (PyTorch's zero_grad), backward, then SGD outside the graph."""
        for q in self.params:
            q.grad = None
        self.engine.backward(loss)
        learning_rate = self.problem.schedule(self.steps)
        with self.engine.torch.no_grad():  # type: ignore[attr-defined]
            for q in self.params:
                q -= learning_rate * q.grad
        self.steps += 1

    def step(self) -> float:
        loss = self.forward()
        self.finish(loss)
        return self.engine.data(loss)

    def gradients(self) -> list[float]:
        return [self.engine.grad(q) for q in self.params]


def floor_mlp(problem: MLPProblem) -> floor.FloorMLP:
    """The hand-written floor on the same problem."""
    return floor.FloorMLP(_layers(problem, float), problem.X, problem.labels, problem.alpha, problem.schedule)


def mlp_models(engines: dict[str, Engine]) -> dict[str, Callable[[MLPProblem], Any]]:
    """engine name → a function that builds that engine's demo model for a problem."""
    makers: dict[str, Callable[[MLPProblem], Any]] = {}
    for name, engine in engines.items():
        if engine is STEPGRAD:
            makers[name] = StepgradMLP
        elif engine is MICROGRAD:
            makers[name] = MicrogradMLP
        else:
            makers[name] = lambda problem, engine=engine: TorchScalarMLP(engine, problem)
    makers["floor"] = floor_mlp
    return makers


def _mlp_case(make: Callable[[MLPProblem], Any], problem: MLPProblem) -> Case:
    timed = make(problem)

    def result() -> Result:
        fresh = make(problem)
        loss = fresh.step()
        return Result(loss, fresh.gradients())

    return Case(timed.step, result)


# ---- transformer ----------------------------------------------------------------------------
#: the baseline engine of the transformer workload
MINIMAL = "minimal Value"


def transformer_models() -> dict[str, Callable[[], Transformer]]:
    """engine name → a function that builds that engine's transformer (same parameters and names)."""
    return {STEPGRAD.name: lambda: Transformer(Value), MINIMAL: lambda: Transformer(MinimalValue)}


def _transformer_case(make: Callable[[], Transformer]) -> Case:
    timed = make()

    def result() -> Result:
        return Result(*make().gradients())

    return Case(timed.step, result)


# ---- all of them ----------------------------------------------------------------------------
def make_workloads(engines: dict[str, Engine], sizes: Sizes) -> list[Workload]:
    """neuron, chain and mlp, each with a case for every engine and for the floor; the transformer,
    stepgrad against the minimal Value."""
    neuron = Workload("neuron", "µs/iter", 1e6 / sizes.neuron_iterations)
    chain = Workload(
        f"chain ({sizes.chain_ops:,} ops)", "µs/op", 1e6 / (sizes.chain_repeats * sizes.chain_ops)
    )
    hidden = ", ".join(map(str, sizes.mlp_hidden))
    mlp = Workload(f"mlp (MLP(2, [{hidden}, 1]), {sizes.mlp_points} points)", "ms/step", 1e3)
    for name, engine in engines.items():
        neuron.cases[name] = _neuron_case(engine, sizes.neuron_iterations)
        chain.cases[name] = _chain_case(engine, sizes.chain_ops, sizes.chain_repeats)
    neuron.cases["floor"] = _neuron_floor_case(sizes.neuron_iterations)
    chain.cases["floor"] = _chain_floor_case(sizes.chain_ops, sizes.chain_repeats)
    problem = mlp_problem(sizes.mlp_points, sizes.mlp_hidden)
    for name, make in mlp_models(engines).items():
        mlp.cases[name] = _mlp_case(make, problem)
    transformer = Workload("transformer (microgpt-shaped, plain arithmetic)", "ms/step", 1e3, MINIMAL)
    for name, make in transformer_models().items():
        transformer.cases[name] = _transformer_case(make)
    return [neuron, chain, mlp, transformer]
