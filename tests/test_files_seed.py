"""The file-level ``seed`` is the default of every seed the file leaves out: init, batch, data."""

import json

import numpy as np

from sandbox.engine import Init, generate
from sandbox.files import dumps_experiment, loads_experiment


def doc(**top) -> dict:
    d = {"format": "backprop-sandbox.network", "version": 1,
         "layers": [{"size": 2}, {"size": 3, "activation": "tanh"}, {"size": 1, "activation": "sigmoid"}],
         "loss": {"name": "bce"}, "batch": {"mode": "minibatch", "size": 4, "shuffle": True},
         "data": {"generator": "xor", "samples": 20, "noise": 0.1, "test_fraction": 0.25}}
    d.update(top)
    return d


def test_the_file_seed_seeds_init_batches_and_data_where_they_give_none():
    exp = loads_experiment(json.dumps(doc(seed=7)))
    assert exp.batching.seed == 7
    expected = generate("xor", samples=20, noise=0.1, seed=7, test_fraction=0.25)
    assert np.array_equal(exp.data.inputs, expected.inputs) and np.array_equal(exp.data.test_inputs,
                                                                                  expected.test_inputs)
    assert np.array_equal(exp.network.layers[0].weights, Init("xavier_uniform", 7).weights(3, 2, 1))
    assert np.array_equal(exp.network.layers[1].weights, Init("xavier_uniform", 7).weights(1, 3, 2))
    plain = loads_experiment(json.dumps(doc()))
    assert plain.batching.seed == 0 and not np.array_equal(plain.data.inputs, exp.data.inputs)
    assert np.array_equal(plain.network.layers[0].weights, Init("xavier_uniform", 0).weights(3, 2, 1))


def test_own_seeds_win_over_the_file_seed_and_a_saved_file_keeps_its_numbers():
    d = doc(seed=7, init={"scheme": "he_normal"})
    d["batch"]["seed"] = 3
    d["data"]["seed"] = 4
    d["layers"][2]["init"] = {"scheme": "normal", "std": 0.5, "seed": 9}
    exp = loads_experiment(json.dumps(d))
    assert exp.batching.seed == 3
    assert np.array_equal(exp.data.inputs, generate("xor", samples=20, noise=0.1, seed=4, test_fraction=0.25).inputs)
    assert np.array_equal(exp.network.layers[0].weights, Init("he_normal", 7).weights(3, 2, 1))
    assert np.array_equal(exp.network.layers[1].weights, Init("normal", 9, std=0.5).weights(1, 3, 2))
    again = loads_experiment(dumps_experiment(exp))
    for a, b in zip(exp.network.layers, again.network.layers):
        assert np.array_equal(a.weights, b.weights)
    assert np.array_equal(again.data.inputs, exp.data.inputs) and again.batching.seed == 3 and again.seed == 7
    exp.reinitialize()  # "reset" draws from the same inits and seeds
    assert np.array_equal(exp.network.layers[0].weights, Init("he_normal", 7).weights(3, 2, 1))
