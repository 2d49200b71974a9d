"""The training history saved with a network file (``history``): bounded, thinned, validated, round trip,
and a trainer that goes on counting from it (issue 13, point 6)."""

import json
import math
from pathlib import Path

import numpy as np
import pytest

from sandbox import cli
from sandbox.engine import Trainer
from sandbox.engine.saved_history import MAX_HISTORY_POINTS, SavedHistory, combine, thin
from sandbox.files import NetworkFileError, dumps_experiment, experiment_to_dict, loads_experiment

NETWORKS = Path(__file__).resolve().parents[1] / "resources" / "networks"
XOR = json.loads((NETWORKS / "xor.json").read_text(encoding="utf-8"))


def _with_history(history) -> str:
    return json.dumps({**XOR, "history": history})


def _problems(history) -> list[tuple[str, str]]:
    with pytest.raises(NetworkFileError) as info:
        loads_experiment(_with_history(history), base_dir=NETWORKS)
    return [(p.where, p.what) for p in info.value.problems]


GOOD = {"iterations": 32, "epochs": 2, "batch_loss": [[1, 0.7], [16, 0.5], [32, 0.4]],
        "evaluations": [[0, 0.71, 0.72, 0.5, None], [16, 0.6, 0.61, 0.75, 0.7], [32, 0.45, None, 1, 0.8]]}


def test_thin_keeps_first_and_last_and_at_most_the_cap():
    rows = np.column_stack([np.arange(1, 10_001.0), np.linspace(1, 0, 10_000)])
    thinned = thin(rows)
    assert len(thinned) == MAX_HISTORY_POINTS
    assert thinned[0, 0] == 1 and thinned[-1, 0] == 10_000
    steps = np.diff(thinned[:, 0])
    assert steps.min() >= 4 and steps.max() <= 6  # evenly: every 5th, give or take rounding
    assert len(thin(rows[:50])) == 50


def test_a_valid_history_loads_and_saves_back_the_same():
    exp = loads_experiment(_with_history(GOOD), base_dir=NETWORKS)
    saved = exp.history
    assert isinstance(saved, SavedHistory) and (saved.iterations, saved.epochs) == (32, 2)
    np.testing.assert_array_equal(saved.batch, [[1, 0.7], [16, 0.5], [32, 0.4]])
    assert math.isnan(saved.evaluations[0, 4]) and saved.evaluations[2, 3] == 1.0
    assert experiment_to_dict(exp)["history"] == GOOD  # null stays null, NaN is never written
    assert "NaN" not in dumps_experiment(exp)


def test_a_trainer_takes_the_history_and_counts_on_from_it():
    exp = loads_experiment(_with_history(GOOD), base_dir=NETWORKS)
    trainer = Trainer(exp)
    assert (trainer.iteration, trainer.epoch, trainer.batch_in_epoch) == (32, 2, 0)
    assert trainer.history.saved is not None and exp.history is None  # taken: a later trainer starts afresh
    assert Trainer(exp).iteration == 0
    trainer.run(iterations=16)
    saved = trainer.saved_history()
    assert (saved.iterations, saved.epochs) == (48, 3)
    np.testing.assert_array_equal(saved.batch[:3], [[1, 0.7], [16, 0.5], [32, 0.4]])
    np.testing.assert_array_equal(saved.batch[3:, 0], np.arange(33, 49))
    np.testing.assert_array_equal(saved.batch[3:, 1], trainer.history.loss)


def test_thin_spaces_the_rows_by_iteration_not_by_row():
    """A history whose early part was thinned by an earlier save (sparse) and whose late part is dense keeps
    points spread evenly over the iterations, not mostly the dense late ones."""
    early = np.arange(1, 5_001, 25, dtype=np.float64)   # 200 rows over iterations 1 … 5,000
    late = np.arange(5_001, 10_001, dtype=np.float64)    # 5,000 rows over 5,001 … 10,000
    rows = np.column_stack([np.concatenate([early, late]), np.zeros(len(early) + len(late))])
    thinned = thin(rows)
    assert len(thinned) <= MAX_HISTORY_POINTS and thinned[0, 0] == 1 and thinned[-1, 0] == 10_000
    assert (np.diff(thinned[:, 0]) > 0).all()
    late_share = np.mean(thinned[:, 0] > 5_000)
    assert 0.5 <= late_share < 0.95  # by row count 5,000 of 5,200 rows (96 %) would have been late ones


def test_combine_drops_non_finite_losses_and_thins():
    batch = np.column_stack([np.arange(1, 5001.0), np.full(5000, 0.5)])
    batch[10, 1] = np.nan
    saved = combine(None, 5000, 10, batch, np.zeros((0, 5)))
    assert len(saved.batch) == MAX_HISTORY_POINTS and np.isfinite(saved.batch).all()


@pytest.mark.parametrize("history, expected", [
    ([1, 2], [("history", "expected an object {…}, got a list")]),
    ({"iterations": 3}, [("history", 'missing required key "epochs"')]),
    ({"iterations": -1, "epochs": 0}, [("history.iterations", "must be at least 0, got -1")]),
    ({"iterations": 2, "epochs": 0, "batch_loss": [[1, 0.5], [1, 0.4]]},
     [("history.batch_loss[1][0]", "iterations must increase: 1 comes after 1")]),
    ({"iterations": 2, "epochs": 0, "batch_loss": [[3, 0.5]]},
     [("history.batch_loss[0][0]", "must be at most 2, got 3")]),
    ({"iterations": 2, "epochs": 0, "batch_loss": [[1, 0.5, 7]]},
     [("history.batch_loss[0]", "expected a list of 2 numbers [iteration, loss], got a list")]),
    ({"iterations": 2, "epochs": 0, "batch_loss": [[1, -0.5]]},
     [("history.batch_loss[0][1]", "a loss is at least 0, got -0.5")]),
    ({"iterations": 2, "epochs": 0, "evaluations": [[0, 0.5, None, 1.5, None]]},
     [("history.evaluations[0][3]", "an accuracy is between 0 and 1, got 1.5")]),
    ({"iterations": 2, "epochs": 0, "evaluations": [[0, None, None, None, None]]},
     [("history.evaluations[0][1]", "expected a number, got null")]),
    ({"iterations": 2, "epochs": 0, "batch_losses": []},
     [("history.batch_losses", 'unknown key (did you mean "batch_loss"?)')]),
])
def test_a_mangled_history_is_refused_saying_where_and_what(history, expected):
    problems = _problems(history)
    assert problems[: len(expected)] == expected, problems


def test_a_history_beyond_the_cap_is_refused():
    rows = [[i, 0.5] for i in range(1, MAX_HISTORY_POINTS + 2)]
    problems = _problems({"iterations": len(rows), "epochs": 0, "batch_loss": rows})
    assert problems == [("history.batch_loss", f"holds {len(rows):,} rows; at most {MAX_HISTORY_POINTS:,} are kept "
                                               f"(thin them evenly)")]


def test_nan_in_a_history_is_refused():
    text = _with_history(GOOD).replace("0.45", "NaN")
    with pytest.raises(NetworkFileError) as info:
        loads_experiment(text, base_dir=NETWORKS)
    assert [(p.where, p.what) for p in info.value.problems] == [
        ("history.evaluations[2][1]", "NaN is not allowed: numbers must be finite")]


def test_train_out_writes_the_history_and_goes_on_from_it(capsys, tmp_path):
    src, out, again = tmp_path / "xor.json", tmp_path / "trained.json", tmp_path / "again.json"
    src.write_text(json.dumps(XOR), encoding="utf-8")
    assert cli.main(["train", str(src), "--epochs", "3", "--out", str(out)]) == 0
    history = json.loads(out.read_text(encoding="utf-8"))["history"]
    assert (history["iterations"], history["epochs"]) == (48, 3)
    assert [row[0] for row in history["batch_loss"]] == list(range(1, 49))
    assert [row[0] for row in history["evaluations"]] == [16, 32, 48]
    assert cli.main(["train", str(out), "--epochs", "1", "--out", str(again)]) == 0
    capsys.readouterr()
    history2 = json.loads(again.read_text(encoding="utf-8"))["history"]
    assert (history2["iterations"], history2["epochs"]) == (64, 4)
    assert history2["batch_loss"][:48] == history["batch_loss"]
    assert [row[0] for row in history2["evaluations"]] == [16, 32, 48, 64]


def test_a_run_without_epochs_keeps_the_files_evaluations(capsys, tmp_path):
    src, out = tmp_path / "h.json", tmp_path / "out.json"
    src.write_text(_with_history(GOOD), encoding="utf-8")
    assert cli.main(["train", str(src), "--iterations", "3", "--out", str(out)]) == 0
    capsys.readouterr()
    history = json.loads(out.read_text(encoding="utf-8"))["history"]
    assert (history["iterations"], history["epochs"]) == (35, 2)
    assert history["evaluations"] == GOOD["evaluations"]
    assert [row[0] for row in history["batch_loss"]] == [1, 16, 32, 33, 34, 35]
