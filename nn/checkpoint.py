"""Save and load an `MLP` as JSON: documented, validated, never executed.

The format (version 1), one object with exactly these keys:

    {
      "format": "stepgrad-mlp",
      "version": 1,
      "nin": 2,
      "layers": [
        {"activation": "relu", "weights": [[w₀₀, w₀₁], ...], "biases": [b₀, ...]},
        ...
      ],
      "metadata": {"dataset": "moons", ...}
    }

`weights[j]` holds neuron j's nin weights (nin of the layer: the previous layer's
width); `biases[j]` its bias. Every number is a finite JSON number. `metadata` maps
strings to strings, finite numbers or booleans (optional, free-form). Loading checks
all of it and raises `ValueError` with a message saying what is wrong and where.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from autograd.files import as_path, write_atomic
from autograd.validation import check_positive_int
from nn.module import ACTIVATIONS, MLP

__all__ = ["FORMAT", "VERSION", "to_dict", "to_json", "from_dict", "save", "load"]

FORMAT = "stepgrad-mlp"
VERSION = 1
MAX_BYTES = 64 * 1024 * 1024  # a larger file is refused before parsing
MAX_LAYERS = 64
MAX_WIDTH = 4096
MAX_PARAMETERS = 2_000_000
MAX_METADATA = 64


def to_dict(model: MLP, metadata: dict[str, Any] | None = None) -> dict[str, Any]:
    """The model as a JSON-ready dict in the format above."""
    if not isinstance(model, MLP):
        raise TypeError(f"can only save an nn.MLP, got {type(model).__name__}")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "nin": model.nin,
        "layers": [
            {
                "activation": layer.activation,
                "weights": [[w.data for w in n.w] for n in layer.neurons],
                "biases": [n.b.data for n in layer.neurons],
            }
            for layer in model.layers
        ],
        "metadata": dict(metadata or {}),
    }
    for i, layer in enumerate(document["layers"]):
        for j, row in enumerate(layer["weights"]):
            _check_finite(row, f"layers[{i}].weights[{j}]")
        _check_finite(layer["biases"], f"layers[{i}].biases")
    _check_metadata(document["metadata"])
    return document


def _check_finite(row: list[float], where: str) -> None:
    """ValueError naming the first parameter in `row` that is NaN or infinite: JSON has no such number."""
    for k, x in enumerate(row):
        if not math.isfinite(x):
            raise ValueError(
                f"{where}[{k}] is {x}; a checkpoint holds finite numbers only (did training diverge?)"
            )


def to_json(model: MLP, metadata: dict[str, Any] | None = None) -> str:
    """The model as the text of a checkpoint file (what `save` writes)."""
    return json.dumps(to_dict(model, metadata), indent=1, allow_nan=False) + "\n"


def save(model: MLP, path: str | os.PathLike[str], metadata: dict[str, Any] | None = None) -> Path:
    """Write the model's JSON atomically (temporary file, then rename); returns the path."""
    target = as_path(path, "save")
    try:
        text = to_json(model, metadata)
    except ValueError as error:
        raise ValueError(f"{target}: {error}; nothing was written") from None
    return write_atomic(target, text)


def load(path: str | os.PathLike[str]) -> MLP:
    """Read, validate and rebuild a model saved by `save`; see `from_dict` for the checks."""
    with open(as_path(path, "load"), "rb") as f:
        raw = f.read(MAX_BYTES + 1)
    if len(raw) > MAX_BYTES:
        raise ValueError(f"{path}: larger than {MAX_BYTES} bytes; not a stepgrad model")
    try:
        document = json.loads(
            raw.decode("utf-8"), parse_constant=_refuse_constant, object_pairs_hook=_unique_keys
        )
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not UTF-8 text ({error.reason})") from None
    except RecursionError:
        raise ValueError(f"{path}: JSON nested too deeply") from None
    except ValueError as error:  # json.JSONDecodeError, NaN/Infinity, duplicate keys
        raise ValueError(f"{path}: not valid JSON (truncated or corrupt?): {error}") from None
    try:
        return from_dict(document)
    except ValueError as error:
        raise ValueError(f"{path}: {error}") from None


def from_dict(document: object) -> MLP:
    """Validate a decoded document and rebuild the `MLP` (ValueError on anything wrong)."""
    if not isinstance(document, dict):
        raise ValueError(f"expected a JSON object, got {_kind(document)}")
    expected = {"format", "version", "nin", "layers", "metadata"}
    if set(document) != expected:
        missing, unknown = expected - set(document), set(document) - expected
        raise ValueError(f"keys: missing {sorted(missing)}, unknown {sorted(unknown)}")
    if document["format"] != FORMAT:
        raise ValueError(f"format is {document['format']!r}, expected {FORMAT!r}")
    version = check_positive_int(document["version"], "version")
    if version > VERSION:
        raise ValueError(
            f"version {version} was written by a newer stepgrad (this one reads version {VERSION})"
        )
    nin = check_positive_int(document["nin"], "nin", maximum=MAX_WIDTH)
    layers = document["layers"]
    if not isinstance(layers, list) or not 1 <= len(layers) <= MAX_LAYERS:
        raise ValueError(f"layers must be a list of 1 to {MAX_LAYERS} layers")
    _check_metadata(document["metadata"])
    width, total = nin, 0
    for i, layer in enumerate(layers):
        where = f"layers[{i}]"
        if not isinstance(layer, dict) or set(layer) != {"activation", "weights", "biases"}:
            raise ValueError(f"{where} must be an object with keys activation, weights, biases")
        if not isinstance(layer["activation"], str) or layer["activation"] not in ACTIVATIONS:
            raise ValueError(
                f"{where}.activation {_shown(layer['activation'])} is not one of {', '.join(ACTIVATIONS)}"
            )
        weights, biases = layer["weights"], layer["biases"]
        if not isinstance(weights, list) or not 1 <= len(weights) <= MAX_WIDTH:
            raise ValueError(f"{where}.weights must be a list of 1 to {MAX_WIDTH} neurons")
        total += len(weights) * (width + 1)
        if total > MAX_PARAMETERS:
            raise ValueError(f"more than {MAX_PARAMETERS} parameters")
        for j, row in enumerate(weights):
            _numbers(row, width, f"{where}.weights[{j}]")
        _numbers(biases, len(weights), f"{where}.biases")
        width = len(weights)
    model = MLP(
        nin, [len(layer["weights"]) for layer in layers], activation=[layer["activation"] for layer in layers]
    )
    for layer, saved in zip(model.layers, layers):
        for neuron, row, bias in zip(layer.neurons, saved["weights"], saved["biases"]):
            for w, value in zip(neuron.w, row):
                w.data = float(value)
            neuron.b.data = float(bias)
    return model


def _numbers(row: object, length: int, where: str) -> None:
    if not isinstance(row, list) or len(row) != length:
        got = f"{len(row)} entries" if isinstance(row, list) else _kind(row)
        raise ValueError(f"{where} must be a list of {length} numbers, got {got}")
    for k, x in enumerate(row):
        if not _is_finite_number(x):
            raise ValueError(f"{where}[{k}] must be a finite number, got {_shown(x)}")


def _is_finite_number(x: object) -> bool:
    """A JSON number (not a boolean) that is a finite float: a 400-digit integer is not."""
    if isinstance(x, bool) or not isinstance(x, int | float):
        return False
    try:
        return math.isfinite(x)
    except OverflowError:  # an int too large for a float
        return False


def _shown(x: object) -> str:
    """`x` as Python writes it, cut to 40 characters (a 400-digit number, a long list)."""
    text = repr(x)
    return text if len(text) <= 40 else f"{text[:37]}... ({len(text)} characters)"


def _check_metadata(metadata: object) -> None:
    if not isinstance(metadata, dict) or len(metadata) > MAX_METADATA:
        raise ValueError(f"metadata must be an object with at most {MAX_METADATA} entries")
    for key, value in metadata.items():
        ok = isinstance(value, str | bool) or _is_finite_number(value)
        if not isinstance(key, str) or not ok or (isinstance(value, str) and len(value) > 1000):
            raise ValueError(
                f"metadata[{key!r}] must be a string (≤ 1000 characters), a finite number or a boolean"
            )


def _kind(x: object) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(x), type(x).__name__
    )


def _refuse_constant(name: str) -> None:
    raise ValueError(f"non-finite number {name} (NaN and ±Infinity are refused)")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [k for k, _ in pairs]
    if len(set(keys)) != len(keys):
        raise ValueError(f"duplicate key in object: {sorted(k for k in set(keys) if keys.count(k) > 1)}")
    return dict(pairs)
