"""The stepper's notation as the tests write it."""


def bar(name: str) -> str:
    """The gradient of the node called `name`, in text: the name with a bar (a combining overline
    after every character, so the bar spans the whole name: v̅2̅)."""
    return "".join(c + "\u0305" for c in name)
