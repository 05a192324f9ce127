"""Notation: how numbers are written and read (`numbers`) and how ops and chain-rule steps are
written as text, Markdown and LaTeX (`formulas`)."""
