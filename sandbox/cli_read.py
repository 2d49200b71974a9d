"""Reading a network file and setting up its trainer for a command: every failure is a ``CommandFailed`` line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .cli_errors import failed, reason

if TYPE_CHECKING:
    from .engine import Experiment, Trainer


def read_network(path: str) -> Experiment:
    """The experiment in ``path``; ``NetworkFileError`` as it is, any other failure as one ``file:`` line."""
    from .files import NetworkFileError, load_experiment

    try:
        return load_experiment(path)
    except NetworkFileError:
        raise
    except OSError as e:
        raise failed(path, "file", f"cannot be read: {reason(e)}") from None
    except MemoryError:
        raise failed(path, "file", "cannot be read: not enough memory for it") from None
    except RecursionError:
        raise failed(path, "file", "cannot be read: it is nested too deeply") from None
    except (ValueError, TypeError, OverflowError, ArithmeticError) as e:  # includes UnicodeError
        raise failed(path, "file", f"cannot be read: {type(e).__name__}: {reason(e)}") from None


def make_trainer(path: str, experiment: Experiment) -> Trainer:
    """A trainer for the experiment; a file that passed validation yet cannot be set up is one ``file:`` line."""
    from .engine import Trainer

    try:
        return Trainer(experiment)
    except MemoryError:
        raise failed(path, "file", "cannot be set up for training: not enough memory") from None
    except (ValueError, TypeError, ArithmeticError, RecursionError) as e:
        raise failed(path, "file", f"cannot be set up for training: {type(e).__name__}: {reason(e)}") from None
