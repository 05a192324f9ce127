"""The verbs' options: argparse types that refuse bad text with a message naming it, and the
check that an output directory is usable (made before any work)."""

from __future__ import annotations

import argparse
from pathlib import Path

from autograd.files import check_writable_directory
from autograd.notation.numbers import parse_number
from autograd.validation import check_positive_int
from stepgrad.verb import UsageError

__all__ = [
    "finite_number",
    "positive_float",
    "non_negative_float",
    "noise_level",
    "fraction",
    "positive_int",
    "layer_sizes",
    "output_directory",
    "writable_directory",
]

MAX_COUNT = 1_000_000  # the largest whole-number option (samples, epochs, batch size)
MAX_LAYER_WIDTH = 1024
MAX_LAYERS = 16
MAX_NOISE = 10.0  # the data sets' noise is a standard deviation; their points lie within about ±2


def finite_number(text: str) -> float:
    """A finite number ('2', '-0.5', '1e-3'); 'nan', 'inf' and '' are refused."""
    try:
        return parse_number(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive_float(text: str, most: float | None = None) -> float:
    """A finite number above 0 ('0.5'), and at most `most` when given."""
    value = finite_number(text)
    if value <= 0.0 or (most is not None and value > most):
        bound = "" if most is None else f" up to {most:g}"
        raise argparse.ArgumentTypeError(f"expected a positive number{bound}, got {text!r}")
    return value


def non_negative_float(text: str) -> float:
    value = finite_number(text)
    if value < 0.0:
        raise argparse.ArgumentTypeError(f"expected a number ≥ 0, got {text!r}")
    return value


def noise_level(text: str) -> float:
    value = non_negative_float(text)
    if value > MAX_NOISE:
        raise argparse.ArgumentTypeError(f"expected a noise level from 0 to {MAX_NOISE:g}, got {text!r}")
    return value


def fraction(text: str) -> float:
    value = finite_number(text)
    if not 0.0 <= value < 1.0:
        raise argparse.ArgumentTypeError(f"expected a fraction in [0, 1), got {text!r}")
    return value


def _positive(n: int, what: str | None, maximum: int) -> int:
    """`check_positive_int`'s check and message, as argparse's error."""
    try:
        return check_positive_int(n, what, maximum=maximum)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def positive_int(text: str, most: int = MAX_COUNT) -> int:
    """A whole number from 1 to `most` ('100')."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    return _positive(value, None, most)


def layer_sizes(text: str) -> list[int]:
    """'16,16' → [16, 16]; '' → [] (no hidden layer)."""
    if not text.strip():
        return []
    try:
        sizes = [int(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated layer sizes like 16,16, got {text!r}"
        ) from None
    if len(sizes) > MAX_LAYERS:
        raise argparse.ArgumentTypeError(f"at most {MAX_LAYERS} layer sizes, got {len(sizes)} in {text!r}")
    return [_positive(n, "layer sizes", MAX_LAYER_WIDTH) for n in sizes]


def output_directory(text: str) -> Path:
    """A directory to write into ('out/wxb'); '' is refused (Path would read it as the current folder)."""
    if not text.strip():
        raise argparse.ArgumentTypeError(
            "expected a directory, got an empty path (for the current folder: .)"
        )
    return Path(text)


def writable_directory(path: Path, option: str = "--out") -> Path:
    """`path` if files can be written into it (checked before any work), else a UsageError naming it."""
    try:
        return check_writable_directory(path)
    except OSError as error:
        where = f" ({error.filename})" if error.filename and error.filename != str(path) else ""
        raise UsageError(f"{option} {path}: cannot write files there: {error.strerror}{where}") from None
