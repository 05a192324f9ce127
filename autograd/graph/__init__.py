"""Graph utilities: walking a graph (`walk`: edges, leaves, children, sizes), finding the calls of
a model's neurons in it (`neurons`) and the names its nodes are shown by (`names`)."""
