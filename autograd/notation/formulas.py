"""Notation: how nodes, numbers and ops are written, shared by the renderer and the stepper.

Everything here reads an op from its row of the op table (`v.operator`: symbol
and form) and its operands (`v.operands`, constants included); nothing parses
an op's name.

    infix    x * y, x - 2.0, 1.0 / x      prefix   -x
    power    x**2, 2**x                   call     tanh(x), sum(x, 2.5)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from autograd.engine.names import is_compound
from autograd.engine.ops import format_exponent
from autograd.notation.numbers import format_number

if TYPE_CHECKING:
    from autograd.engine.value import Value

__all__ = [
    "written",
    "op_text",
    "TextMath",
    "MarkdownMath",
    "LatexMath",
]


def written(node: Value, parts: Sequence[str], numbers: bool = False) -> str:
    """`node`'s op applied to `parts` (one text per operand, in order): 'w * x', 'x**2', 'tanh(g)'.

    Operands of operators are parenthesised when compound: (y−t)**2 and (-0.33) * x,
    never y−t**2; with `numbers`, the operand of a prefix op always is: -(3.0). A
    constant exponent or base is written as in `x**2` and `2**x`.
    """
    op = node.operator
    if op.form == "call":
        return f"{op.symbol}({', '.join(parts)})"
    parts = [f"({p})" if is_compound(p) else p for p in parts]
    if op.form == "prefix":
        return f"{op.symbol}({parts[0]})" if numbers and parts[0][0] != "(" else f"{op.symbol}{parts[0]}"
    if op.form == "power":
        x, y = (format_exponent(o) if isinstance(o, float) else p for o, p in zip(node.operands, parts))
        return f"{x}{op.symbol}{y}"
    return f" {op.symbol} ".join(parts)


def op_text(node: Value) -> str:
    """The op as drawn on its node: '*', or with a constant operand '* 0.5', '1.0 -', '**2', '2**'.

    The Value operands stay implicit (they are the incoming edges).
    """
    op = node.operator
    if op.form != "infix":
        return node.op
    parts = [format_number(o) if isinstance(o, float) else "" for o in node.operands]
    return f" {op.symbol} ".join(parts).strip()


# ---- how a derivation is typeset ------------------------------------------------------------
# The lecture's notation, the one convention of every formula: v̄ is the gradient ∂root/∂v (the
# total, over every path from v to the root: what backward() leaves in v.grad), and ∂v_j/∂v_i is
# the local derivative of a child v_j with respect to its parent v_i (one edge, the others held
# still). The backward pass is v̄_i = Σ_j v̄_j · ∂v_j/∂v_i. A ∂ is never used for a total, so no
# formula uses one symbol for both (∂f/∂w, for f = tanh(w·x)·w, is the local derivative only).
OVERLINE = "\u0305"  # Unicode's combining overline: one bar over the whole name, w̅, L̅_̅r̅e̅g̅
_SUBSCRIPTS = {"i": "ᵢ", "j": "ⱼ"}


class TextMath:
    """Plain Unicode: w̅ = g̅ · ∂g/∂w = 1.0 · 3.0."""

    def __init__(self, names: Mapping[Value, str]) -> None:
        self.names = names
        self._atoms: dict[Value, str] = {}  # atom(node), written once per node
        self._totals: dict[Value, str] = {}  # total(node), written once per node

    def escaped(self, text: str) -> str:
        """A name's characters as this style writes them (Markdown and LaTeX escape some)."""
        return text

    def name(self, node: Value) -> str:
        """The node's display name, as this style writes it."""
        return self.escaped(self.names[node])

    def total(self, node: Value) -> str:
        """The node's gradient, the total ∂root/∂node: its name with a bar, w̅."""
        total = self._totals.get(node)
        if total is None:
            total = self._totals[node] = self.barred(node)
        return total

    def barred(self, node: Value) -> str:
        """The node's name with a bar over it (`total` keeps it)."""
        return "".join(self.escaped(c) + OVERLINE for c in self.names[node])

    def partial(self, of: Value, wrt: Value) -> str:
        """The local derivative ∂of/∂wrt of a child with respect to one of its parents."""
        return self.derivative(self.atom(of), self.atom(wrt))

    def derivative(self, of: str, wrt: str) -> str:
        """∂of/∂wrt, of two names as written."""
        return f"∂{of}/∂{wrt}"

    def atom(self, node: Value) -> str:
        """The name, parenthesised if it is compound: ∂(y−t)/∂y, not ∂y−t/∂y."""
        atom = self._atoms.get(node)
        if atom is None:
            name = self.name(node)
            atom = self._atoms[node] = self.parenthesised(name) if is_compound(self.names[node]) else name
        return atom

    def variable(self, index: str = "", bar: bool = False) -> str:
        """The lecture's generic node v, vᵢ or vⱼ (index 'i' or 'j'), with a bar for its gradient."""
        return "v" + (OVERLINE if bar else "") + _SUBSCRIPTS.get(index, index)

    def notation(self, root: Value) -> str:
        """What the symbols mean: 'v̅ = ∂f/∂v is a gradient, v.grad; ∂vⱼ/∂vᵢ a local derivative, along
        one edge' (the lecture's definition; in the formulas a ∂ is always a local derivative)."""
        v, v_i, v_j = self.variable(), self.variable("i"), self.variable("j")
        return (
            f"{self.variable(bar=True)} = {self.derivative(self.atom(root), v)}"
            + self.words(" is a gradient, v.grad; ")
            + self.derivative(v_j, v_i)
            + self.words(" a local derivative, along one edge")
        )

    def product(self, a: str, b: str) -> str:
        """a times b."""
        return f"{a} · {b}"

    def number(self, x: float) -> str:
        """A number, six significant digits."""
        return format_number(x)

    def operand(self, x: float) -> str:
        """A number as a factor or a later term: (-0.5) · 2.0, 0.3 + (-0.1)."""
        return self.parenthesised(self.number(x)) if x < 0.0 else self.number(x)

    def parenthesised(self, text: str) -> str:
        """The text in parentheses."""
        return f"({text})"

    def wrap(self, formula: str, note: str) -> str:
        """A whole formula, with a note in words after it (e.g. which child a term comes from)."""
        return f"{formula}   ({note})" if note else formula

    # ---- formulas of several lines (a backward step, the summary) ----
    def words(self, text: str) -> str:
        """Words inside a formula: 'step 2/4: ', ' is final'."""
        return text

    def line_break(self) -> str:
        """Where a long line may go on in the next one: a space here, a new row in LaTeX."""
        return " "

    def equation(self, lhs: str, rhs: str) -> str:
        """lhs = rhs, a row of `rows` (LaTeX aligns the rows at the =)."""
        return f"{lhs} = {rhs}"

    def add_to(self, target: str, amount: str) -> str:
        """target += amount: one term added to a running sum, a row of `rows` (aligned at +=)."""
        return f"{target} += {amount}"

    def continued(self, expression: str) -> str:
        """' = expression', going on with a row's chain of equal expressions (LaTeX: on the next row)."""
        return f" = {expression}"

    def rows(self, rows: Sequence[str]) -> str:
        """Formulas one under another."""
        return "\n".join(rows)

    def under(self, head: str, rows: Sequence[str]) -> str:
        """A heading line, then `rows`, set in under it."""
        return "\n".join([head, *(f"  {row}" for row in rows)])


class MarkdownMath(TextMath):
    """Unicode, with Markdown's special characters escaped (a name like L_reg stays literal)."""

    _SPECIAL = "\\`*_[]<>#|~"

    def escaped(self, text: str) -> str:
        return "".join("\\" + c if c in self._SPECIAL else c for c in text)

    def wrap(self, formula: str, note: str) -> str:
        return f"{formula} *({note})*" if note else formula


class LatexMath(TextMath):
    """LaTeX math: \\overline{w} = \\overline{g} \\cdot \\frac{\\partial g}{\\partial w} (what KaTeX and
    pdflatex with amsmath read).

    Words are set with `\\text`; rows are those of an `aligned` environment, aligned at their
    relation (=, +=), and a long chain goes on in the next row, so that a formula stays narrow:

        w̅ += g̅ · ∂g/∂w
           = 1.0 · 3.0 = 3.0   (so far 3.0)
    """

    # LaTeX's special characters in text (words), and in math (names), where \^ and \~ would be
    # text accents: a name sets ^ and ~ as text.
    _TEXT_SPECIAL = {c: "\\" + c for c in "_&%$#{}"} | {
        "\\": r"\textbackslash{}",
        "^": r"\textasciicircum{}",
        "~": r"\textasciitilde{}",
    }
    _SPECIAL = _TEXT_SPECIAL | {
        "\\": r"\backslash{}",
        "^": r"\text{\textasciicircum{}}",
        "~": r"\text{\textasciitilde{}}",
    }
    _TEXT_TABLE, _TABLE = str.maketrans(_TEXT_SPECIAL), str.maketrans(_SPECIAL)  # for str.translate

    def escaped(self, text: str) -> str:
        return text.translate(self._TABLE)

    def name(self, node: Value) -> str:
        return r"\mathrm{" + self.escaped(self.names[node]) + "}"

    def barred(self, node: Value) -> str:
        return rf"\overline{{{self.name(node)}}}"

    def variable(self, index: str = "", bar: bool = False) -> str:
        return (r"\overline{v}" if bar else "v") + (f"_{{{index}}}" if index else "")

    def parenthesised(self, text: str) -> str:
        return rf"\left({text}\right)"

    def derivative(self, of: str, wrt: str) -> str:
        return rf"\frac{{\partial {of}}}{{\partial {wrt}}}"

    def product(self, a: str, b: str) -> str:
        return rf"{a} \cdot {b}"

    def number(self, x: float) -> str:
        if not math.isfinite(x):  # a local derivative that overflowed, and what it gave
            return r"\mathrm{NaN}" if math.isnan(x) else rf"{'-' if x < 0.0 else ''}\infty"
        text = format_number(x)
        if "e" in text:
            mantissa, exponent = text.split("e")
            return rf"{mantissa} \times 10^{{{int(exponent)}}}"
        return text

    def wrap(self, formula: str, note: str) -> str:
        return rf"{formula} \quad {self.words(f'({note})')}" if note else formula

    def words(self, text: str) -> str:
        return r"\text{" + text.translate(self._TEXT_TABLE) + "}"

    def line_break(self) -> str:
        return r" \\ \quad "

    def equation(self, lhs: str, rhs: str) -> str:
        return rf"{lhs} &= {rhs}"

    def add_to(self, target: str, amount: str) -> str:
        return rf"{target} &\mathrel{{+}}= {amount}"

    def continued(self, expression: str) -> str:
        return rf" \\ &= {expression}"

    def rows(self, rows: Sequence[str]) -> str:
        return r"\begin{aligned}" + r" \\ ".join(rows) + r"\end{aligned}"

    def under(self, head: str, rows: Sequence[str]) -> str:
        return rf"\begin{{array}}{{l}}{head} \\ {self.rows(rows)}\end{{array}}"
