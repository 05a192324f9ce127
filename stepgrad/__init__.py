"""The `stepgrad` command line, the last layer: it drives autograd and nn, which never import it.

`stepgrad.cli.main` is the `stepgrad` command (and `python -m stepgrad`); each verb is a
`stepgrad.verb.Verb` in its own module, listed once in `stepgrad.cli.VERB_MODULES`.
"""
