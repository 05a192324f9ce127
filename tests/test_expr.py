"""The expression language: what it accepts, what it refuses, and that it never evaluates refused input."""

import math
from pathlib import Path

import pytest

import autograd.teaching.expr as expr
from autograd import leaves
from autograd.engine.check import central_difference
from autograd.teaching.expr import ExpressionError, evaluate, parse, parse_assignments

# (expression, words the message must contain, 1-based column)
HOSTILE = [
    ("x.__class__", "attribute access", 2),
    ("exp(x).real", "attribute access", 7),
    ("1 + x.y", "attribute access", 6),
    ("x[0]", "subscript", 2),
    ("lambda: 1", "lambda", 1),
    ("2 * (lambda q: q)(x)", "lambda is not allowed", 6),
    ("2 * (x + 1)(x)", "call of an expression", 5),
    ("[x for x in y]", "comprehension", 1),
    ("{x: 1 for x in y}", "comprehension", 1),
    ("sum(x for x in y)", "call to 'sum'", 1),
    ("foo(x)", "call to 'foo'", 1),
    ("x + open('/etc/passwd')", "call to 'open'", 5),
    ("__import__('os').system('true')", "attribute access", 17),
    ("__import__", "dunder name '__import__'", 1),
    ("x + __builtins__", "dunder name", 5),
    ("9**9**9", "exponent 9 ** 9 is too large", 4),
    ("x ** 1000", "exponent 1000 is too large", 6),
    ("x ** -(9**9)", "too large", 6),
    ("2 ** (2 ** 3 ** 4)", "too large", 7),
    ("-" * 250 + "x", "nested too deeply", 201),
    ("+".join(["x"] * 300), "nested too deeply", 201),
    ("(" * 300 + "x" + ")" * 300, "too many nested parentheses", 201),
    ("x" * 1001, "too long", None),
    ("exp", "'exp' is a function", 1),
    ("exp(x, x)", "exactly one positional argument", 1),
    ("tanh(x=1)", "exactly one positional argument", 1),
    ("'text'", "string literal", 1),
    ("x if x else 1", "conditional expression", 1),
    ("x < 1", "comparison", 1),
    ("x and 1", "boolean operator", 1),
    ("x // 2", "operator '//' is not allowed (use / for division)", 3),
    ("x % 2", "operator '%'", 3),
    ("x^2", "operator '^' is not allowed (use ** for powers)", 2),
    ("(x + y) ^ (2)", "use ** for powers", 9),
    ("w*x +", "syntax error: the expression is incomplete", 6),
    ("2w*x", "a number directly followed by a name (2w): write 2*w for a product", 1),
    ("x + 1.5e3y", "a number directly followed by a name (1.5e3y): write 1.5e3*y", 5),
    ("~x", "operator '~'", 1),
    ("not x", "operator 'not'", 1),
    ("(x := 2)", "assignment expression", 2),
    ("f'{x}'", "f-string", 1),
    ("x, 1", "tuple", 1),
    ("True + x", "bool literal", 1),
    ("1j * x", "complex literal", 1),
    ("1e999 * x", "too large", 1),
    ("x; import os", "syntax error", 2),
    ("x = 1", "syntax error", 3),
    ("", "empty", None),
    ("x\n+1", "one line", None),
]


@pytest.mark.parametrize(("text", "words", "column"), HOSTILE)
def test_hostile_expressions_are_refused_with_construct_and_column(text, words, column, monkeypatch):
    monkeypatch.setattr(expr, "_build", lambda *a: pytest.fail("evaluated a refused expression"))
    with pytest.raises(ExpressionError) as excinfo:
        evaluate(text, {"x": 1.0, "y": 2.0})
    assert words in str(excinfo.value)
    assert excinfo.value.column == column
    if column is not None:
        assert str(excinfo.value).startswith(f"column {column}: ")


def test_columns_count_characters_not_bytes():
    with pytest.raises(ExpressionError) as excinfo:
        parse("é + ü + x.y")
    assert excinfo.value.column == 10


def test_module_never_calls_eval_or_exec():
    source = Path(expr.__file__).read_text(encoding="utf-8")
    assert "eval(" not in source.replace('mode="eval"', "") and "exec(" not in source


def test_variables_in_order_of_first_use_functions_excluded():
    assert parse("tanh(w1*x1 + w2*x2 + b) + w1").variables == ("w1", "x1", "w2", "x2", "b")


def test_evaluate_matches_float_arithmetic_and_reuses_leaves():
    root = evaluate("tanh(w1*x1 + w2*x2 + b)", dict(w1=-3, x1=2, w2=1, x2=0, b=6.8814))
    assert root.data == math.tanh(-3 * 2 + 1 * 0 + 6.8814)
    root = evaluate("x*x + 2**3 - -x/4 + exp(0) + sigmoid(x) + relu(-x) + log(x) + +x", {"x": 3.0})
    s = 1 / (1 + math.exp(-3.0))
    assert root.data == pytest.approx(9 + 8 + 0.75 + 1 + s + 0 + math.log(3) + 3, rel=1e-15)
    square = evaluate("x*x", {"x": 3.0})
    assert square.parents[0] is square.parents[1]  # one leaf, used twice


def test_evaluated_gradient_matches_central_differences():
    text = "sigmoid(w*x + b) ** 2 / (1 + exp(-b)) - log(x) * tanh(w)"
    point = {"w": 0.7, "x": 1.3, "b": -0.4}
    root = evaluate(text, point)
    root.backward()
    grads = {leaf.label: leaf.grad for leaf in leaves(root)}
    names = list(point)

    def f(*values):
        return evaluate(text, dict(zip(names, values))).data

    for i, name in enumerate(names):
        assert grads[name] == pytest.approx(central_difference(f, list(point.values()), i), rel=1e-6)


def test_missing_and_unknown_variables_are_listed():
    with pytest.raises(ExpressionError) as excinfo:
        evaluate("w*x + b", {"w": 1.0, "q": 2.0, "r": 3.0})
    message = str(excinfo.value)
    assert "missing value for x, b" in message
    assert "q, r not used in the expression" in message
    assert "the expression uses: w, x, b" in message


def test_no_variables_is_refused():
    with pytest.raises(ExpressionError, match="no variables"):
        evaluate("2 + 3", {})


@pytest.mark.parametrize(
    ("text", "error"),
    [("log(x)", "log: undefined at x = 0.0"), ("1 / x", "division by zero"), ("exp(x * 1000)", "overflow")],
)
def test_domain_errors_come_from_the_engine(text, error):
    with pytest.raises((ValueError, ArithmeticError), match=error):
        evaluate(text, {"x": 0.0 if "exp" not in text else 1.0})


def test_constant_subexpressions_are_checked_by_the_engine():
    with pytest.raises(ArithmeticError, match="division by zero"):
        evaluate("x + 1 / 0", {"x": 1.0})
    with pytest.raises(ValueError, match="negative base"):
        evaluate("x ** (-8) ** (1/3)", {"x": 2.0})


def test_parse_assignments():
    assert parse_assignments(["w1=-3", "x = 2", "b=6.8814", "é=1e-3"]) == {
        "w1": -3.0,
        "x": 2.0,
        "b": 6.8814,
        "é": 0.001,
    }
    with pytest.raises(ExpressionError) as excinfo:
        parse_assignments(["a", "1a=2", "c=x", "d=nan", "e=inf", "f=1", "f=2", "__x=1", "exp=1"])
    message = str(excinfo.value)
    for part in (
        "'a' is not name=value",
        "'1a' is not a valid variable name",
        "c: 'x' is not a number",
        "d: 'nan' is not a finite number",
        "e: 'inf' is not a finite number",
        "f is given twice",
        "'__x' is not a valid variable name",
        "'exp' is not a valid variable name",
    ):
        assert part in message


def test_parse_refuses_non_strings():
    with pytest.raises(TypeError):
        parse(b"x")


def test_names_are_normalized_as_python_reads_them():
    """Python reads the italic 𝑥 of a PDF as x (NFKC); the values' names are read the same way."""
    assert parse("𝑥*2 + ｙ").variables == ("x", "y")
    assert parse_assignments(["𝑥=3", "ｙ = 1"]) == {"x": 3.0, "y": 1.0}
    f = evaluate("𝑥*2 + ｙ", {"𝑥": 3.0, "y": 1.0})
    assert f.data == 7.0
    with pytest.raises(ExpressionError, match="x is given twice"):
        parse_assignments(["x=1", "𝑥=2"])
    with pytest.raises(ExpressionError, match="x given twice"):
        evaluate("x*2", {"x": 1.0, "𝑥": 2.0})


def test_cli_grad_accepts_a_name_copied_from_a_pdf(tmp_path):
    from stepgrad.cli import main

    assert main(["grad", "𝑥*2", "𝑥=3", "--format", "json", "--out", str(tmp_path)]) == 0
