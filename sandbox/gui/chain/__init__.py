"""The chain rule opened up: a neuron's computation graph and the composition y = f(g(h(x)))."""
