"""The stepper replays backward() exactly, and spells it out."""

import json
import math
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd import Value, topological_order
from autograd.notation.formulas import LatexMath, TextMath
from autograd.notation.numbers import format_number
from autograd.recording.trace import trace
from autograd.teaching.walkthrough import regularized_neuron, wxb
from autograd.views.frames import frames
from tests.notation import bar
from tests.strategies import extreme_programs, programs, run


@given(programs(), st.sampled_from([1.0, -0.5, 2.5]))
def test_trace_equals_backward_exactly_and_touches_nothing(program, seed):
    _, root = run(program, "value")
    order = topological_order(root)
    recorded = trace(root, seed=seed)
    assert all(node.grad == 0.0 for node in order)  # the graph was not touched
    root.backward(seed=seed)
    assert [recorded.grads[node] for node in order] == [node.grad for node in order]
    # one step per node with parents, in reverse topological order
    assert [s.node for s in recorded.steps] == [n for n in reversed(order) if not n.is_leaf]
    for step in recorded.steps:
        assert step.grad == step.node.grad
        assert [c.parent for c in step.contributions] == list(step.node.parents)
        assert [c.local for c in step.contributions] == list(step.node.local_grads)
        assert all(c.contribution == step.grad * c.local for c in step.contributions)


@given(programs())
def test_running_sums_end_at_the_gradient_and_apply_writes_it(program):
    _, root = run(program, "value")
    recorded = trace(root)
    last_running = {}
    for step in recorded.steps:
        for c in step.contributions:
            assert c.running == last_running.get(c.parent, 0.0) + c.contribution
            last_running[c.parent] = c.running
    assert all(last_running[n] == recorded.grads[n] for n in recorded.order if n is not root)
    recorded.apply()
    assert all(n.grad == recorded.grads[n] for n in recorded.order)


def test_bad_seed_is_refused():
    for seed in (float("nan"), "1", True, None):
        with pytest.raises(TypeError, match="seed"):
            trace(wxb(), seed=seed)


def leaf(root, label):
    return next(n for n in topological_order(root) if n.label == label)


def edges(recorded):
    """(child, parent) for every edge of the traced graph."""
    return [(step.node, c.parent) for step in recorded.steps for c in step.contributions]


def formulas(recorded, style):
    """Every formula the trace writes in `style`: the seed (without the line saying what the
    symbols mean), each step, each derivation, the summary."""
    seed = recorded.seed_formula(style).replace(recorded.notation(style), "")
    steps = [recorded.step_formula(step, style) for step in recorded.steps]
    derivations = [recorded.derivation(node, style) for node in recorded.order]
    return [seed, *steps, *derivations, recorded.gradients_summary(style)]


@given(programs())
def test_a_partial_is_always_a_local_derivative_and_a_gradient_always_a_bar(program):
    """One symbol, one meaning: every ∂ in every formula is the local derivative of an edge's
    child with respect to its parent; every gradient is written with a bar."""
    _, root = run(program, "value")
    recorded = trace(root)
    for style, typesetter in (("text", TextMath), ("latex", LatexMath)):
        math_ = typesetter(recorded.names)
        locals_ = {math_.partial(child, parent) for child, parent in edges(recorded)}
        totals = {math_.total(node) for node in recorded.order}
        assert not locals_ & totals
        partial_sign = "∂" if style == "text" else r"\partial"
        for formula in formulas(recorded, style):
            for symbol in sorted(locals_, key=len, reverse=True):
                formula = formula.replace(symbol, "")
            assert partial_sign not in formula  # no ∂ is left that is not an edge's
    for step in recorded.steps:  # the gradient pushed is the node's, with a bar
        assert recorded.step_formula(step).split(" = ")[0].endswith(recorded.total(step.node))


def test_the_issue_example_reads_as_the_lecture_writes_it():
    """f = tanh(w·x)·w: the gradient w̅ is a sum over w's two children; ∂f/∂w is f's local
    derivative only (it was also the total's symbol, so the formula read as circular)."""
    w, x = Value(0.5, "w"), Value(2.0, "x")
    f = (w * x).tanh() * w
    f.label = "f"
    recorded = trace(f)
    assert recorded.derivation(w).startswith(f"w\u0305 = f\u0305 · ∂f/∂w + {bar('v2')} · ∂v2/∂w = 1.0 · ")
    assert (
        recorded.step_formula(recorded.steps[0])
        .splitlines()[1]
        .lstrip()
        .startswith(f"{bar('v3')} += f\u0305 · ∂f/∂v3 = ")
    )


def test_wxb_derivations_in_three_styles():
    f = wxb()
    recorded = trace(f)
    w = leaf(f, "w")
    # the lecture's notation: w̅ is the gradient ∂f/∂w, ∂g/∂w the local derivative of g
    assert recorded.derivation(w) == "w\u0305 = g\u0305 · ∂g/∂w = 1.0 · 3.0 = 3.0"
    assert recorded.derivation(w, "markdown") == "w\u0305 = g\u0305 · ∂g/∂w = 1.0 · 3.0 = 3.0"
    assert recorded.derivation(w, "latex") == (
        r"\overline{\mathrm{w}} = \overline{\mathrm{g}} \cdot "
        r"\frac{\partial \mathrm{g}}{\partial \mathrm{w}}"
        r" = 1.0 \cdot 3.0 = 3.0"
    )
    assert recorded.derivation(f) == "f\u0305 = 1.0   (the seed)"
    assert recorded.derivation(f, "latex").endswith(r"= 1.0 \quad \text{(the seed)}")


def test_a_gradient_with_two_children_is_spelled_out_as_a_sum():
    loss = regularized_neuron(w=2.0, x=3.0, b=1.0, t=0.5, lam=0.1)
    recorded = trace(loss)
    w = leaf(loss, "w")
    text = recorded.derivation(w)
    # w feeds w² (regularizer, reached first by backward) and wx (the data term)
    assert text.startswith(f"w\u0305 = {bar('w²')} · ∂w²/∂w + {bar('wx')} · ∂wx/∂w = 0.05 · 4.0 + ")
    assert text.endswith(f"= 0.2 + {format_number(recorded.grads[leaf(loss, 'wx')] * 3.0)} = 0.201363")
    markdown = recorded.derivation(w, "markdown")
    markdown_loss = Value(1.0, "L_reg")
    markdown_seed = trace(markdown_loss).derivation(markdown_loss, "markdown")
    assert markdown_seed.startswith("L\u0305\\_\u0305r\u0305e\u0305g\u0305 = ")  # _ escaped, then barred
    assert markdown.startswith(f"w\u0305 = {bar('w²')} · ∂w²/∂w + ")
    latex = recorded.derivation(w, "latex")
    assert latex.count(r"\cdot") == 4 and latex.count("+") == 3
    assert r"\overline{\mathrm{wx}}" in latex and r"\mathrm{L\_reg}" in recorded.seed_formula("latex")
    # the lecture's closed form
    s = 1.0 / (1.0 + math.exp(-7.0))
    assert recorded.grads[w] == pytest.approx((s - 0.5) * s * (1 - s) * 3.0 + 0.1 * 2.0, rel=1e-12)


def test_a_times_a_spells_out_both_edges():
    a = Value(3.0, "a")
    c = a * a
    c.label = "c"
    assert trace(c).derivation(a) == (
        "a\u0305 = c\u0305 · ∂c/∂a + c\u0305 · ∂c/∂a = 1.0 · 3.0 + 1.0 · 3.0 = 3.0 + 3.0 = 6.0"
    )


def test_derivation_refuses_foreign_nodes_and_unknown_styles():
    recorded = trace(wxb())
    with pytest.raises(ValueError, match="not part"):
        recorded.derivation(Value(1.0))
    with pytest.raises(ValueError, match="style"):
        recorded.derivation(recorded.root, "html")


def test_table_and_formulas():
    table = trace(wxb()).table()
    assert "  g = w * x = 2.0 * 3.0 = 6.0" in table
    assert "  f = g + b = 6.0 + 1.0 = 7.0" in table
    assert "v\u0305ᵢ += v\u0305ⱼ · ∂vⱼ/∂vᵢ" in table
    assert "  seed: f\u0305 = 1.0\n    v\u0305 = ∂f/∂v is a gradient" in table
    assert "  step 2/2: g\u0305 = 1.0 is final; push it to g's parents:" in table
    assert "    w\u0305 += g\u0305 · ∂g/∂w = 1.0 · 3.0 = 3.0   (so far 3.0)" in table
    assert "  x\u0305 = g\u0305 · ∂g/∂x = 1.0 · 2.0 = 2.0" in table


def d(of: str, wrt: str) -> str:
    """The local derivative ∂of/∂wrt as LatexMath writes it."""
    return rf"\frac{{\partial \mathrm{{{of}}}}}{{\partial \mathrm{{{wrt}}}}}"


def g(name: str) -> str:
    """The gradient of `name` (its name with a bar) as LatexMath writes it."""
    return rf"\overline{{\mathrm{{{name}}}}}"


def test_wxb_steps_seed_and_summary_in_latex():
    recorded = trace(wxb())
    first, second = (recorded.step_formula(step, "latex") for step in recorded.steps)
    assert second == (
        r"\begin{array}{l}"
        rf"\text{{step 2/2: }}{g('g')} = 1.0\text{{ is final;}}"
        r" \\ \quad \text{push it to }\mathrm{g}\text{'s parents:}"
        r" \\ \begin{aligned}"
        rf"{g('w')} &\mathrel{{+}}= {g('g')} \cdot {d('g', 'w')}"
        r" \\ &= 1.0 \cdot 3.0 = 3.0 \quad \text{(so far 3.0)}"
        rf" \\ {g('x')} &\mathrel{{+}}= {g('g')} \cdot {d('g', 'x')}"
        r" \\ &= 1.0 \cdot 2.0 = 2.0 \quad \text{(so far 2.0)}"
        r"\end{aligned}\end{array}"
    )
    assert first.startswith(rf"\begin{{array}}{{l}}\text{{step 1/2: }}{g('f')} = 1.0\text{{ is final;")
    assert rf"{g('g')} &\mathrel{{+}}= {g('f')} \cdot {d('f', 'g')}" in first
    assert first.count(r"\mathrel{+}=") == 2
    assert recorded.seed_formula("latex") == (
        rf"\begin{{array}}{{l}}\text{{seed: }}{g('f')} = 1.0 \\ \begin{{aligned}}"
        r"\overline{v} = \frac{\partial \mathrm{f}}{\partial v}\text{ is a gradient, v.grad; }"
        r"\frac{\partial v_{j}}{\partial v_{i}}\text{ a local derivative, along one edge}"
        r"\end{aligned}\end{array}"
    )
    assert recorded.gradients_summary("latex") == (
        rf"\begin{{aligned}}{g('w')} &= 3.0 \\ {g('x')} &= 2.0 \\ {g('g')} &= 1.0"
        rf" \\ {g('b')} &= 1.0 \\ {g('f')} &= 1.0\end{{aligned}}"
    )
    # the text forms are the default, as before
    assert recorded.step_formula(recorded.steps[1], "text") == recorded.step_formula(recorded.steps[1])
    assert recorded.step_formula(recorded.steps[1]) == (
        "step 2/2: g\u0305 = 1.0 is final; push it to g's parents:\n"
        "  w\u0305 += g\u0305 · ∂g/∂w = 1.0 · 3.0 = 3.0   (so far 3.0)\n"
        "  x\u0305 += g\u0305 · ∂g/∂x = 1.0 · 2.0 = 2.0   (so far 2.0)"
    )
    assert recorded.seed_formula() == (
        "seed: f\u0305 = 1.0\n"
        "  v\u0305 = ∂f/∂v is a gradient, v.grad; ∂vⱼ/∂vᵢ a local derivative, along one edge"
    )
    assert recorded.gradients_summary("text").splitlines()[0] == "w\u0305 = 3.0"


def test_multi_line_formulas_refuse_other_styles():
    recorded = trace(wxb())
    formulas = [
        lambda style: recorded.step_formula(recorded.steps[0], style),
        recorded.seed_formula,
        recorded.gradients_summary,
    ]
    for formula in formulas:
        with pytest.raises(ValueError, match=r"style must be 'text' or 'latex', got 'markdown'"):
            formula("markdown")
    with pytest.raises(ValueError, match=r"derivation: style must be 'text', 'markdown' or 'latex'"):
        recorded.derivation(recorded.root, "html")


def latex_formulas(t) -> list[str]:
    """Every formula the trace `t` writes in LaTeX."""
    return [
        t.seed_formula("latex"),
        *(t.step_formula(step, "latex") for step in t.steps),
        *(t.derivation(node, "latex") for node in t.order),
        t.gradients_summary("latex"),
    ]


def assert_well_formed_latex(tex: str) -> None:
    """Braces balance (escaped ones aside), every \\left has its \\right, an `aligned` environment
    is closed, and LaTeX's special characters appear only escaped or in their math roles."""
    plain = re.sub(r"\\[{}_&%$#\\]", "", tex)  # escaped characters and row breaks
    depth = 0
    for c in plain:
        depth += (c == "{") - (c == "}")
        assert depth >= 0, tex
    assert depth == 0, tex
    assert tex.count(r"\left(") == tex.count(r"\right)"), tex
    for environment in ("aligned", "array"):
        assert tex.count(rf"\begin{{{environment}}}") == tex.count(rf"\end{{{environment}}}") <= 1, tex
    if r"\begin{aligned}" not in tex:
        assert "&" not in plain and r" \\ " not in tex, tex
    special = re.sub(r"v_\{[ij]\}", "", plain)  # the generic nodes v_i, v_j of the notation line
    assert not re.search(r"[_%$#~]", special) and not re.search(r"\^(?!\{-?\d+\})", plain), tex


@given(st.one_of(programs(), extreme_programs()))
def test_latex_formulas_of_random_graphs_are_well_formed(program):
    _, root = run(program, "value")
    recorded = trace(root)
    for tex in latex_formulas(recorded):
        assert_well_formed_latex(tex)
    for step in recorded.steps:  # two heading rows, then two rows per parent edge
        assert recorded.step_formula(step, "latex").count(r" \\ ") == 1 + 2 * len(step.contributions)
    assert recorded.gradients_summary("latex").count(r" \\ ") == len(recorded.order) - 1


def test_latex_escapes_names_and_writes_non_finite_numbers():
    x = Value(2.0, "a_b^c~d\\e{f}&%$#")
    y = x * 3.0
    recorded = trace(y)
    name = (
        r"\mathrm{a\_b\text{\textasciicircum{}}c\text{\textasciitilde{}}d"
        r"\backslash{}e\{f\}\&\%\$\#}"
    )
    assert rf"\partial \left({name}\right)}}" in recorded.derivation(x, "latex")  # ^: compound
    for tex in latex_formulas(recorded):
        assert_well_formed_latex(tex)
    latex = LatexMath(recorded.names)
    assert [latex.number(v) for v in (math.inf, -math.inf, math.nan, 1e-8)] == [
        r"\infty",
        r"-\infty",
        r"\mathrm{NaN}",
        r"1 \times 10^{-8}",
    ]
    assert latex.operand(-math.inf) == r"\left(-\infty\right)"
    assert latex.words("50% of $x_1 & {y}") == r"\text{50\% of \$x\_1 \& \{y\}}"


def test_forward_formulas_show_constants():
    x = Value(2.0, "x")
    cases = {
        x * 3: "x * 3.0 = 2.0 * 3.0 = 6.0",
        x + 1.5: "x + 1.5 = 2.0 + 1.5 = 3.5",
        x - 1: "x - 1.0 = 2.0 - 1.0 = 1.0",
        1 - x: "1.0 - x = 1.0 - 2.0 = -1.0",
        x / 4: "x / 4.0 = 2.0 / 4.0 = 0.5",
        4 / x: "4.0 / x = 4.0 / 2.0 = 2.0",
        -x: "-x = -(2.0) = -2.0",
        x**2: "x**2 = 2.0**2 = 4.0",
        2**x: "2**x = 2**2.0 = 4.0",
        x.tanh(): f"tanh(x) = tanh(2.0) = {format_number(math.tanh(2.0))}",
        Value.dot([x], [x], x): "dot(x, x, x) = dot(2.0, 2.0, 2.0) = 6.0",
    }
    for node, formula in cases.items():
        assert trace(node).forward_formula(node) == "v1 = " + formula


def test_format_number():
    assert [format_number(v) for v in (1.0, 3, 0.8807970779778823, 1e-8, -2.5, 1e20)] == [
        "1.0",
        "3.0",
        "0.880797",
        "1e-08",
        "-2.5",
        "1e+20",
    ]


def test_negative_zero_is_written_as_zero():
    assert format_number(-0.0) == "0.0"
    assert format_number(-1e-9) == "-1e-09"  # a small negative number keeps its sign
    # relu'(−1) = 0 times the upstream −2.0 is −0.0: the derivation adds "0.0", not "−0.0"
    x = Value(-1.0, "x")
    f = x.relu() * -2.0 + x
    f.label = "f"
    t = trace(f)
    assert math.copysign(1.0, t.steps[-1].contributions[0].contribution) == -1.0  # it is −0.0
    assert t.derivation(x).endswith("= 1.0 · 1.0 + (-2.0) · 0.0 = 1.0 + 0.0 = 1.0")
    assert "-0.0" not in t.table()


def test_frames_fill_in_gradients_as_they_become_final():
    f = wxb()
    recorded = trace(f)
    shown = frames(recorded)
    # inputs, 2 forward nodes, seed, 2 backward steps, done
    assert [fr.title for fr in shown] == [
        "forward: inputs",
        "forward 1/2",
        "forward 2/2",
        "backward: seed",
        "backward 1/2",
        "backward 2/2",
        "done: every gradient",
    ]
    assert "data ?" in shown[0].graph.source and "grad 3" not in shown[2].graph.source
    step1 = shown[4].graph.source
    assert "<b>b</b><br/>data 1<br/>grad 1>" in step1  # b's only child is f: final after step 1
    assert "<b>w</b><br/>data 2<br/>grad ?>" in step1
    assert 'n4 [label=<<b>f</b><br/>data 7<br/>grad 1> class=v4 color="#d32f2f"' in step1
    assert 'n2 -> n4_op [class=e4_0 color="#d32f2f"' in step1
    last = shown[-1]
    for text in ("grad 3>", "grad 2>", "grad 1>"):
        assert text in last.graph.source
    assert "?" not in last.graph.source
    assert last.formula.splitlines()[0] == "w\u0305 = 3.0"


def test_to_dict_is_json_and_consistent():
    loss = regularized_neuron()
    data = json.loads(json.dumps(trace(loss).to_dict()))
    assert data["seed"] == 1.0
    assert data["root"] == len(data["nodes"]) - 1
    assert [n["name"] for n in data["nodes"] if not n["parents"]] == ["w", "x", "b"]
    loss.backward()
    assert data["gradients"] == {name: leaf(loss, name).grad for name in ("w", "x", "b")}
    assert len(data["backward"]) == 10
    first = data["backward"][0]
    assert first["node"] == data["root"] and first["grad"] == 1.0
    assert {c["parent"] for c in first["contributions"]} == {
        i for i, n in enumerate(data["nodes"]) if n["name"] in ("L", "λR")
    }


def test_repr_is_short_and_str_is_the_table():
    recorded = trace(wxb())
    assert repr(recorded) == "Trace(root='f', 5 nodes, 2 backward steps)"
    assert str(recorded) == recorded.table()


def test_a_leaf_root_has_no_steps():
    x = Value(2.0, "x")
    recorded = trace(x, seed=3.0)
    assert recorded.steps == () and recorded.grads == {x: 3.0}
    titles = [f.title for f in frames(recorded)]
    assert titles == ["forward: inputs", "backward: seed", "done: every gradient"]


@given(programs())
def test_backward_adds_exactly_the_traced_gradients_to_earlier_leaf_gradients(program):
    leaves, root = run(program, "value")
    for i, x in enumerate(leaves):
        x.grad = 0.25 * (i + 1)  # left over from an earlier pass
    before = {x: x.grad for x in leaves}
    recorded = trace(root)
    root.backward()
    assert all(x.grad == before[x] + recorded.grads[x] for x in set(leaves) & set(recorded.grads))


def test_negative_numbers_are_parenthesised_as_operands():
    d = Value(-0.5, "d")
    square = d**2
    assert trace(square).forward_formula(square).endswith("= d**2 = (-0.5)**2 = 0.25")
    e = Value(2.0, "e") - d
    assert trace(e).forward_formula(e).endswith("= e - d = 2.0 - (-0.5) = 2.5")
    scaled = d * -3
    assert trace(scaled).forward_formula(scaled).endswith("= d * (-3.0) = (-0.5) * (-3.0) = 1.5")


def test_compound_names_are_parenthesised_in_partials_and_barred_whole():
    y = Value(1.0, "y")
    diff = y - 0.5
    diff.label = "y−t"
    sq = diff**2
    sq.label = "(y−t)²"
    t = trace(sq)
    assert t.derivation(diff) == f"{bar('y−t')} = {bar('(y−t)²')} · ∂(y−t)²/∂(y−t) = 1.0 · 1.0 = 1.0"
    assert r"\partial \left(\mathrm{y−t}\right)" in t.derivation(diff, "latex")
    assert t.derivation(y).startswith(f"y\u0305 = {bar('y−t')} · ∂(y−t)/∂y = ")


def test_negative_factors_and_terms_are_parenthesised_in_steps_and_derivations():
    w = Value(-2.0, "w")
    f = w * 3 + w * w
    f.label = "f"
    t = trace(f)
    text = t.table()
    assert "= 1.0 · (-2.0) = -2.0" in text  # each of the two edges of w·w has local derivative w = -2
    assert t.derivation(w) == (
        f"w\u0305 = {bar('v2')} · ∂v2/∂w + {bar('v2')} · ∂v2/∂w + {bar('v1')} · ∂v1/∂w = "
        "1.0 · (-2.0) + 1.0 · (-2.0) + 1.0 · 3.0 = -2.0 + (-2.0) + 3.0 = -1.0"
    )
    assert r"\left(-2.0\right)" in t.derivation(w, "latex")
    diff = Value(1.0, "y") - 0.5
    diff.label = "y−t"
    assert "push it to (y−t)'s parents" in trace(diff * 2).table()


def test_a_zero_gradient_times_an_infinite_local_derivative_is_zero_as_in_backward():
    # ∂(x/y)/∂y = −out/y overflows to −inf for y = 1e-200; relu is off, so the gradient reaching it is 0
    x, y = Value(3.0, "x"), Value(1e-200, "y")
    loss = (-(x / y)).relu()
    assert math.isinf((x / y).local_grads[1])
    loss.backward()
    recorded = trace(loss)
    assert (recorded.grads[y], y.grad, recorded.grads[x], x.grad) == (0.0, 0.0, 0.0, 0.0)


@given(extreme_programs())
def test_trace_equals_backward_on_graphs_with_huge_and_infinite_local_derivatives(program):
    leaves, root = run(program, "value")
    root.backward()
    recorded = trace(root)
    assert [repr(recorded.grads.get(x, 0.0)) for x in leaves] == [repr(x.grad) for x in leaves]


def test_fused_ops_show_their_constants():
    x = Value(2.0, "x")
    s = Value.sum([x, 2.5])
    assert trace(s).forward_formula(s) == "v1 = sum(x, 2.5) = sum(2.0, 2.5) = 4.5"
    d = Value.dot([x], [3.0], 1.0)
    assert trace(d).forward_formula(d) == "v1 = dot(x, 3.0, 1.0) = dot(2.0, 3.0, 1.0) = 7.0"
    z = 0**x
    assert trace(z).forward_formula(z) == "v1 = 0**x = 0**2.0 = 0.0"
