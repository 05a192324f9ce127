"""A small, safe expression language for `stepgrad grad "EXPR" name=value ...`.

The language is a subset of Python expression syntax:

    numbers         2   0.5   1e-3
    variables       w  x1  bias      (identifiers; no dunder names, not a function name)
    operators       a + b   a - b   a * b   a / b   a ** b   -a   +a   ( ... )
    functions       exp(a)  log(a)  tanh(a)  sigmoid(a)  relu(a)   (one argument each)

The text is parsed with `ast` and every node is checked against this whitelist
before anything is evaluated; it is never passed to `eval`. Anything else
(attribute access, subscripts, calls to other functions, lambdas,
comprehensions, comparisons, strings, ...) is refused with an `ExpressionError`
naming the construct and its column. So are texts longer than `MAX_LENGTH`
characters, nesting deeper than `MAX_DEPTH`, and literal exponents larger than
`MAX_EXPONENT` in magnitude (`9**9**9`). Evaluation builds `Value`s: each
variable becomes one leaf labelled with its name (used twice, it is the same
node), and numbers stay constants.
"""

from __future__ import annotations

import ast
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from autograd.engine.value import Value
from autograd.notation.numbers import parse_number

__all__ = [
    "ExpressionError",
    "Expression",
    "parse",
    "evaluate",
    "parse_assignments",
    "python_name",
    "FUNCTIONS",
    "MAX_LENGTH",
    "MAX_DEPTH",
    "MAX_EXPONENT",
]

MAX_LENGTH = 1000  # characters
MAX_DEPTH = 200  # nested operations (a flat sum of n terms nests n deep)
MAX_EXPONENT = 100  # |n| for a literal exponent in a ** n

FUNCTIONS = ("exp", "log", "tanh", "sigmoid", "relu")
_OPERATORS = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**"}

# What to call the constructs the language refuses, by ast class.
_REFUSED = {
    ast.Attribute: "attribute access",
    ast.Subscript: "subscript",
    ast.Slice: "slice",
    ast.Lambda: "lambda",
    ast.ListComp: "comprehension",
    ast.SetComp: "comprehension",
    ast.DictComp: "comprehension",
    ast.GeneratorExp: "generator expression",
    ast.Compare: "comparison",
    ast.BoolOp: "boolean operator (and/or)",
    ast.IfExp: "conditional expression (if/else)",
    ast.NamedExpr: "assignment expression (:=)",
    ast.Starred: "starred expression",
    ast.JoinedStr: "f-string",
    ast.FormattedValue: "f-string",
    ast.List: "list",
    ast.Tuple: "tuple",
    ast.Set: "set",
    ast.Dict: "dict",
    ast.Await: "await",
    ast.Yield: "yield",
    ast.YieldFrom: "yield",
}
_OPERATOR_NAMES = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitXor: "^",
    ast.BitAnd: "&",
    ast.Not: "not",
    ast.Invert: "~",
}


class ExpressionError(ValueError):
    """The expression or its variables are not acceptable; `column` is 1-based (or None)."""

    def __init__(self, message: str, column: int | None = None) -> None:
        super().__init__(f"column {column}: {message}" if column is not None else message)
        self.column = column


@dataclass(frozen=True)
class Expression:
    """A checked expression: its text, its syntax tree and its variables (first use first)."""

    text: str
    tree: ast.Expression
    variables: tuple[str, ...]


def parse(text: str) -> Expression:
    """Parse and check `text` against the language; nothing is evaluated."""
    if not isinstance(text, str):
        raise TypeError(f"parse: expected a str, got {type(text).__name__}")
    if len(text) > MAX_LENGTH:
        raise ExpressionError(f"expression too long: {len(text)} characters (limit {MAX_LENGTH})")
    if not text.strip():
        raise ExpressionError("empty expression")
    if "\n" in text or "\r" in text:
        raise ExpressionError("the expression must be on one line")
    line = text.strip()
    try:
        tree = ast.parse(line, mode="eval")
    except SyntaxError as exc:
        raise _syntax_error(line, exc) from None
    except (RecursionError, MemoryError, ValueError) as exc:
        raise ExpressionError(f"expression cannot be parsed: {type(exc).__name__}") from None
    stack: list[tuple[ast.AST, int]] = [(tree.body, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > MAX_DEPTH:
            message = f"expression nested too deeply (limit {MAX_DEPTH} levels)"
            raise ExpressionError(message, _column(line, node))
        stack.extend((child, depth + 1) for child in _check(node, line))
    functions = {id(node.func) for node in ast.walk(tree) if isinstance(node, ast.Call)}
    first_use: dict[str, int] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and id(node) not in functions:
            first_use[node.id] = min(first_use.get(node.id, node.col_offset), node.col_offset)
    return Expression(text, tree, tuple(sorted(first_use, key=first_use.__getitem__)))


# A number run into a name, as in 2w or 1.5e3x (Python says "invalid decimal literal").
_NUMBER_THEN_NAME = re.compile(r"(?<![\w.])(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?)([A-Za-z_]\w*)")


def _syntax_error(line: str, error: SyntaxError) -> ExpressionError:
    """Python's syntax error said for this language, with a 1-based column inside the line."""
    glued = _NUMBER_THEN_NAME.search(line)
    if glued and "literal" in (error.msg or ""):
        number, name = glued.groups()
        return ExpressionError(
            f"a number directly followed by a name ({number}{name}): write {number}*{name} for a product",
            glued.start() + 1,
        )
    if error.offset is None or not 1 <= error.offset <= len(line):  # past the end
        return ExpressionError("syntax error: the expression is incomplete", len(line) + 1)
    return ExpressionError(f"syntax error: {error.msg}", error.offset)


# Advice for operators of Python that the language does not have.
_OPERATOR_ADVICE = {"^": "use ** for powers", "//": "use / for division", "%": "no remainder operator"}


def _check(node: ast.AST, line: str) -> Iterable[ast.expr]:
    """Refuse anything outside the language; return the sub-expressions to check next."""
    column = _column(line, node)
    if isinstance(node, ast.Constant):
        value = node.value
        if isinstance(value, bool) or not isinstance(value, int | float):
            kind = "string" if isinstance(value, str | bytes) else type(value).__name__
            raise ExpressionError(f"{kind} literal {value!r} is not allowed (only numbers)", column)
        if (isinstance(value, int) and abs(value) > 1e300) or not math.isfinite(value):
            raise ExpressionError("number too large for a float", column)
        return ()
    if isinstance(node, ast.Name):
        _check_name(node.id, column)
        return ()
    if isinstance(node, ast.BinOp):
        if type(node.op) not in _OPERATORS:
            symbol = _operator_name(node.op)
            advice = f" ({_OPERATOR_ADVICE[symbol]})" if symbol in _OPERATOR_ADVICE else ""
            at = _operator_column(line, node, symbol)
            raise ExpressionError(f"operator {symbol!r} is not allowed{advice}", at)
        if isinstance(node.op, ast.Pow):
            _check_exponent(node.right, _column(line, node.right))
        return (node.left, node.right)
    if isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, ast.USub | ast.UAdd):
            raise ExpressionError(f"operator {_operator_name(node.op)!r} is not allowed", column)
        return (node.operand,)
    if isinstance(node, ast.Call):
        return _check_call(node, column)
    what = _REFUSED.get(type(node), type(node).__name__)
    if isinstance(node, ast.Attribute | ast.Subscript):  # point at the '.' or '[' after the value
        column = _column(line, node.value, end=True)
    raise ExpressionError(f"{what} is not allowed", column)


def _operator_column(line: str, node: ast.BinOp, symbol: str) -> int:
    """The 1-based column of a binary operator: the first `symbol` between its operands."""
    start, end = _column(line, node.left, end=True), _column(line, node.right)
    found = line.find(symbol, start - 1, end - 1)
    return found + 1 if found >= 0 else _column(line, node)


def _operator_name(op: ast.AST) -> str:
    return _OPERATOR_NAMES.get(type(op), type(op).__name__)


def _check_name(name: str, column: int) -> None:
    if name.startswith("__") or name.endswith("__"):
        raise ExpressionError(f"dunder name {name!r} is not allowed", column)
    if name in FUNCTIONS:
        raise ExpressionError(f"{name!r} is a function: call it, as in {name}(x)", column)


def _check_call(node: ast.Call, column: int) -> Iterable[ast.expr]:
    if not isinstance(node.func, ast.Name):
        if type(node.func) in _REFUSED:
            return (node.func,)  # refused in its own right, at its own column
        raise ExpressionError(f"call of an expression is not allowed (only {', '.join(FUNCTIONS)})", column)
    name = node.func.id
    if name not in FUNCTIONS:
        raise ExpressionError(f"call to {name!r} is not allowed (only {', '.join(FUNCTIONS)})", column)
    if node.keywords or len(node.args) != 1 or isinstance(node.args[0], ast.Starred):
        raise ExpressionError(f"{name}() takes exactly one positional argument", column)
    return (node.args[0],)


def _check_exponent(exponent: ast.expr, column: int) -> None:
    """An exponent made of numbers only must satisfy |n| ≤ MAX_EXPONENT (so `9**9**9` is refused)."""
    value = _constant_value(exponent)
    if value is not None and not abs(value) <= MAX_EXPONENT:
        message = f"exponent {ast.unparse(exponent)} is too large (limit ±{MAX_EXPONENT})"
        raise ExpressionError(message, column)


def _constant_value(node: ast.expr) -> float | None:
    """The value of a sub-expression made of numbers and operators only, in floats (which
    cannot take long: an overflow gives inf); None if it uses a variable or a function."""
    if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
        return float(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _constant_value(node.operand)
        return None if inner is None else (-inner if isinstance(node.op, ast.USub) else inner)
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _constant_value(node.left), _constant_value(node.right)
        if left is None or right is None:
            return None
        try:
            result = _binary(node.op, left, right)
        except OverflowError:
            return math.inf
        except (ZeroDivisionError, ValueError):
            return None  # evaluation reports it
        return abs(result) if isinstance(result, complex) else result
    return None


def _column(line: str, node: ast.AST, end: bool = False) -> int:
    """The 1-based character column where `node` starts (or just after it ends, with `end`).

    ast counts UTF-8 bytes from 0; this counts characters from 1.
    """
    offset = getattr(node, "end_col_offset" if end else "col_offset", 0)
    return len(line.encode("utf-8")[:offset].decode("utf-8", errors="ignore")) + 1


def evaluate(expression: Expression | str, values: Mapping[str, float]) -> Value:
    """Build the graph of `expression` with `values` for its variables; returns the root.

    Every variable becomes one leaf `Value(values[name], label=name)`. The variables in
    `values` must be exactly those the expression uses. Domain errors of the engine
    (log of 0, division by zero, overflow) propagate as DomainError, ZeroDivisionError
    or OverflowError. An expression without variables is refused (nothing to differentiate).
    """
    expr = parse(expression) if isinstance(expression, str) else expression
    normalized = {python_name(name): value for name, value in values.items()}
    if len(normalized) < len(values):
        twice = sorted({python_name(name) for name in values if python_name(name) != name})
        raise ExpressionError(f"{', '.join(twice)} given twice (as two spellings of one name)")
    values = normalized
    missing = [name for name in expr.variables if name not in values]
    unknown = [name for name in values if name not in expr.variables]
    problems = []
    if missing:
        problems.append(f"missing value for {', '.join(missing)}")
    if unknown:
        problems.append(f"{', '.join(unknown)} not used in the expression")
    if problems:
        raise ExpressionError("; ".join(problems) + f" (the expression uses: {', '.join(expr.variables)})")
    if not expr.variables:
        raise ExpressionError("the expression has no variables: nothing to differentiate")
    leaves = {name: Value(values[name], label=name) for name in expr.variables}
    return _build(expr.tree.body, leaves)  # a Value: an op with a Value operand gives a Value


def _build(node: ast.expr, leaves: Mapping[str, Value]) -> Value | float:
    """Evaluate a checked tree (depth ≤ MAX_DEPTH, so recursion is bounded)."""
    if isinstance(node, ast.Constant):
        return float(node.value)
    if isinstance(node, ast.Name):
        return leaves[node.id]
    if isinstance(node, ast.UnaryOp):
        operand = _build(node.operand, leaves)
        return -operand if isinstance(node.op, ast.USub) else operand
    if isinstance(node, ast.BinOp):
        left, right = _build(node.left, leaves), _build(node.right, leaves)
        if not isinstance(left, Value) and not isinstance(right, Value):
            left = Value(left)  # constant folding through the engine, which checks domains
            return _binary(node.op, left, right).data
        return _binary(node.op, left, right)
    if isinstance(node, ast.Call):
        argument = _build(node.args[0], leaves)
        if isinstance(argument, Value):
            return getattr(argument, node.func.id)()
        return getattr(Value(argument), node.func.id)().data
    raise ExpressionError(f"unexpected {type(node).__name__}")  # parse() refuses these


def _binary(op: ast.operator, left: Value | float, right: Value | float) -> Value:
    if isinstance(op, ast.Add):
        return left + right
    if isinstance(op, ast.Sub):
        return left - right
    if isinstance(op, ast.Mult):
        return left * right
    if isinstance(op, ast.Div):
        return left / right
    return left**right


def python_name(name: str) -> str:
    """`name` as Python reads an identifier: NFKC-normalized, so the italic 𝑥 of a PDF is x.

    The expression's variables are normalized by the parser; the names given values must be too.
    """
    return unicodedata.normalize("NFKC", name)


def parse_assignments(pairs: Iterable[str]) -> dict[str, float]:
    """Read `name=value` pairs (as typed on the command line) into a dict.

    Every problem is collected and reported at once: a pair without '=', a bad name,
    a value that is not a finite number, a name given twice.
    """
    values: dict[str, float] = {}
    problems = []
    for pair in pairs:
        name, sep, text = pair.partition("=")
        name = python_name(name.strip())
        if not sep:
            problems.append(f"{pair!r} is not name=value")
            continue
        if not name.isidentifier() or name.startswith("__") or name in FUNCTIONS:
            problems.append(f"{name!r} is not a valid variable name")
            continue
        try:
            value = parse_number(text)
        except ValueError as exc:
            problems.append(f"{name}: {exc}")
            continue
        if name in values:
            problems.append(f"{name} is given twice")
        else:
            values[name] = value
    if problems:
        raise ExpressionError("bad variables: " + "; ".join(problems))
    return values
