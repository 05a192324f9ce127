"""Graph utilities: walking a graph (`walk`: edges, leaves, each node's uses, sizes), finding the
calls of a model's neurons in it (`neurons`), the names its nodes are shown by (`names`), and one
snapshot of a graph that holds all of these, read once (`snapshot`)."""
