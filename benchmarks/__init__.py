"""The benchmark suite: stepgrad against micrograd, PyTorch scalar-at-a-time, a minimal Value and a
hand-written floor.

Run it with `python -m benchmarks` (or `make bench`); `--quick` runs tiny sizes. Modules:

    engines.py    each autodiff engine behind the same five operations (leaf, sigmoid, relu, backward, grad)
    floor.py      the same computations written by hand with lists and loops: no graph at all
    workloads.py  neuron, chain, mlp and transformer for every engine, from the same data and parameters
    transformer.py  a microgpt-shaped step in plain Value arithmetic, and its baseline, a minimal Value
    agreement.py  the check that every engine computes the same loss and gradients
    timing.py     interleaved rounds and medians
    memory.py     tracemalloc: bytes per graph node, per mlp step, peak of the long chain
    report.py     the markdown tables and the targets
    plot.py       the times as a chart (`--plot PATH`)
    profiling.py  one workload of stepgrad's under cProfile (`--profile WORKLOAD`)
    __main__.py   the command line
"""
