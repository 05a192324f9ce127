"""Neural networks built from autograd Values: modules, losses, optimizers, data, training.

    import random
    from nn import MLP, SGD, LinearDecay, fit, hinge, make_moons, signed

    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    X, y = make_moons(100, noise=0.1, seed=1337)
    history = fit(model, X, signed(y), loss=hinge, l2=2e-4, epochs=100,
                  optimizer=SGD(model, lr=LinearDecay(1.0, 0.1, 100)))

Plots (`nn.plots`) and the JSON checkpoint (`nn.checkpoint`) are separate modules
so that importing `nn` never imports matplotlib.
"""

from nn.data import (
    batches,
    make_blobs,
    make_circles,
    make_moons,
    make_spam,
    make_spirals,
    make_xor,
    one_hot,
    signed,
    split,
)
from nn.losses import bce_with_logits, half_squared_error, hinge, l2, mse, softmax_cross_entropy, sse
from nn.module import MLP, Layer, Module, Neuron
from nn.optim import SGD, Adam, Constant, LinearDecay, StepDecay
from nn.train import History, TrainingDiverged, accuracy, evaluate, fit, predict

__all__ = [
    "Module",
    "Neuron",
    "Layer",
    "MLP",
    "mse",
    "sse",
    "half_squared_error",
    "bce_with_logits",
    "hinge",
    "softmax_cross_entropy",
    "l2",
    "SGD",
    "Adam",
    "Constant",
    "LinearDecay",
    "StepDecay",
    "make_moons",
    "make_circles",
    "make_xor",
    "make_spirals",
    "make_blobs",
    "make_spam",
    "signed",
    "one_hot",
    "batches",
    "split",
    "fit",
    "evaluate",
    "predict",
    "accuracy",
    "History",
    "TrainingDiverged",
]
