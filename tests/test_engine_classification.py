"""Many classes: the confusion matrix, per-class accuracy, class probabilities and the gallery's order agree with
the engine's predictions (``metrics.predicted_classes``) and its accuracy."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sandbox.engine.classification import class_probabilities, confusion_matrix, gallery_order, per_class_accuracy
from sandbox.engine.metrics import accuracy, predicted_classes

finite = st.floats(-5, 5, allow_nan=False, allow_infinity=False)


@st.composite
def argmax_case(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    k = draw(st.integers(2, 6))
    n = draw(st.integers(0, 40))
    outputs = draw(arrays(np.float64, (n, k), elements=finite))
    classes = draw(arrays(np.int64, (n,), elements=st.integers(0, k - 1)))
    return outputs, np.eye(k)[classes]


@st.composite
def threshold_case(draw: st.DrawFn) -> tuple[np.ndarray, np.ndarray]:
    n = draw(st.integers(0, 40))
    outputs = draw(arrays(np.float64, (n, 1), elements=st.floats(0, 1)))
    targets = draw(arrays(np.float64, (n, 1), elements=st.sampled_from([0.0, 1.0])))
    return outputs, targets


def loop_matrix(outputs: np.ndarray, targets: np.ndarray, rule: str, k: int) -> np.ndarray:
    m = np.zeros((k, k), dtype=np.int64)
    predicted = predicted_classes(outputs, rule)
    truth = predicted_classes(targets, rule)
    for i in range(outputs.shape[0]):
        m[truth[i], predicted[i]] += 1
    return m


@settings(max_examples=150, deadline=None)
@given(argmax_case())
def test_argmax_confusion_matrix_is_a_loop_over_the_engines_predictions(case):
    outputs, targets = case
    k = outputs.shape[1]
    m = confusion_matrix(outputs, targets, "argmax")
    assert m.dtype == np.int64 and m.shape == (k, k)
    assert np.array_equal(m, loop_matrix(outputs, targets, "argmax", k))
    assert m.sum() == outputs.shape[0]
    if outputs.shape[0]:
        assert np.trace(m) / m.sum() == accuracy(outputs, targets, "argmax")


@settings(max_examples=100, deadline=None)
@given(threshold_case())
def test_threshold_confusion_matrix_is_2_by_2(case):
    outputs, targets = case
    m = confusion_matrix(outputs, targets, "threshold")
    assert m.shape == (2, 2)
    assert np.array_equal(m, loop_matrix(outputs, targets, "threshold", 2))


def test_per_class_accuracy_by_hand():
    m = np.array([[3, 1, 0], [0, 0, 0], [2, 2, 4]], dtype=np.int64)
    acc = per_class_accuracy(m)
    assert acc[0] == 0.75 and np.isnan(acc[1]) and acc[2] == 0.5


def test_class_probabilities():
    y = np.array([[0.2, 0.7, 0.1]])
    assert np.array_equal(class_probabilities(y, "argmax"), y)
    assert np.allclose(class_probabilities(np.array([[0.8], [0.25]]), "threshold"), [[0.2, 0.8], [0.75, 0.25]])


def test_gallery_order_by_hand():
    outputs = np.array([[0.9, 0.1], [0.6, 0.4], [0.2, 0.8], [0.45, 0.55], [0.3, 0.7]])
    targets = np.eye(2)[[0, 1, 1, 1, 0]]
    # wrong: 1 (says 0 at 0.6), 4 (says 1 at 0.7) -> 4 first; right: 0 (0.9), 2 (0.8), 3 (0.55) -> 3, 2, 0
    assert gallery_order(outputs, targets, "argmax").tolist() == [4, 1, 3, 2, 0]


@settings(max_examples=150, deadline=None)
@given(argmax_case())
def test_gallery_order_puts_the_wrong_first_by_confidence(case):
    outputs, targets = case
    n = outputs.shape[0]
    order = gallery_order(outputs, targets, "argmax")
    assert sorted(order.tolist()) == list(range(n))
    predicted = predicted_classes(outputs, "argmax")
    wrong = predicted != predicted_classes(targets, "argmax")
    confidence = outputs[np.arange(n), predicted]
    flags = wrong[order]
    assert not np.any(~flags[:-1] & flags[1:])  # no wrong one after a right one
    w, r = order[flags], order[~flags]
    assert np.all(np.diff(confidence[w]) <= 0) and np.all(np.diff(confidence[r]) >= 0)


def test_class_names_drop_a_shared_prefix_only_when_it_numbers_the_classes_from_0():
    from sandbox.engine.classification import class_names

    assert class_names([f"y{k}" for k in range(10)], "argmax") == [str(k) for k in range(10)]
    assert class_names(["y1", "y2", "y3"], "argmax") == ["y1", "y2", "y3"]  # y1 is class 0: kept
    assert class_names(["setosa", "versicolor", "virginica"], "argmax") == ["setosa", "versicolor", "virginica"]
    assert class_names(["y0", "y2", "y1"], "argmax") == ["y0", "y2", "y1"]
    assert class_names(["y"], "threshold") == ["0", "1"]
    assert class_names(["digit_0", "digit_1"], "argmax") == ["0", "1"]
