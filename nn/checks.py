"""nn's argument check, `check_positive_int`: nin, layer sizes, batch sizes, counts.

It is defined in `autograd.validation` (autograd cannot import nn, and draw, play and the
practice tools need it too) and re-exported here, so `from nn.checks import check_positive_int`
keeps working. The message form:

    check_positive_int(0, "nin")                      ValueError: nin: expected a positive integer, got 0
    check_positive_int(0, "batch_size", or_none=True) ... expected a positive integer or None, got 0
"""

from autograd.validation import check_positive_int

__all__ = ["check_positive_int"]
