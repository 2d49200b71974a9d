"""The limits of a network file, declared once: reading enforces them, saving checks them, the docs show them.

Every limit is chosen so that whatever ``validate`` accepts opens in the window within seconds and
within bounded memory, and so that what the app builds saves to a file that reads back: a network of
``MAX_PARAMETERS`` with every label at its longest saves to about 45 MB, and ``MAX_DATA_NUMBERS`` inline
numbers at full precision to about 100 MB, each under ``MAX_FILE_BYTES``. Both at once could pass it; save
then refuses, with the reason, before writing (``experiment_limits``, ``save``).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..engine.saved_history import MAX_HISTORY_POINTS

#: network files and CSV files larger than this are refused before they are read (a bounded read)
MAX_FILE_BYTES = 128 * 1024 * 1024
#: objects and lists nest at most this deep (the format itself needs 5 levels)
MAX_NESTING = 20
#: layers, the input layer included
MAX_LAYERS = 64
#: neurons in one layer (the input layer too)
MAX_LAYER_SIZE = 4096
#: weights and biases of the whole network
MAX_PARAMETERS = 500_000
#: samples of a data set, training and test together (generated, inline or CSV rows)
MAX_SAMPLES = 1_000_000
#: numbers of a data set: inputs and targets of every sample, training and test together
MAX_DATA_NUMBERS = 4_000_000
#: samples × neurons of every layer after the input: the numbers one pass over the whole data set holds (a
#: full batch, the losses of the whole set)
MAX_ACTIVATIONS = 16_000_000
#: data values (inputs and targets) are at most this large in magnitude, so that every sum, square and
#: plot range of them stays a finite float64
MAX_DATA_MAGNITUDE = 1e15
#: characters of the network's ``name``
MAX_NAME_CHARS = 200
#: characters of the ``description``
MAX_DESCRIPTION_CHARS = 20_000
#: characters of a label (of a neuron, weight, bias or weighted sum)
MAX_LABEL_CHARS = 64
#: characters of a CSV path
MAX_PATH_CHARS = 1024
#: characters of a CSV column name
MAX_COLUMN_NAME_CHARS = 200
#: an error quotes at most this many characters of a CSV cell
MAX_QUOTED_CHARS = 40


@dataclass(frozen=True)
class Limit:
    """One row of the limits table in docs/file_format.md."""

    what: str
    limit: str
    why: str


LIMITS: tuple[Limit, ...] = (
    Limit("size of a network file or a CSV file", f"{MAX_FILE_BYTES // 2**20} MB",
          "read with a bounded read; devices, FIFOs and folders are refused as not regular files"),
    Limit("nesting of objects and lists", f"{MAX_NESTING} levels", "the format needs 5"),
    Limit("layers, the input layer included", f"{MAX_LAYERS}", "each is drawn in the window"),
    Limit("neurons in one layer", f"{MAX_LAYER_SIZE:,}", "each is drawn in the window"),
    Limit("weights and biases in all", f"{MAX_PARAMETERS:,}", "opens in the window within seconds"),
    Limit("samples (training and test)", f"{MAX_SAMPLES:,}", "generated, inline or CSV rows"),
    Limit("numbers of the data (inputs and targets of every sample)", f"{MAX_DATA_NUMBERS:,}",
          "inline or CSV"),
    Limit("samples × neurons (of every layer after the input)", f"{MAX_ACTIVATIONS:,}",
          "the values one pass over the whole data set holds"),
    Limit("magnitude of a data value", "10¹⁵", "sums, squares and plot ranges stay finite"),
    Limit("`name`", f"{MAX_NAME_CHARS} characters", "one line of text"),
    Limit("`description`", f"{MAX_DESCRIPTION_CHARS:,} characters", "line breaks and tabs allowed"),
    Limit("a label", f"1 to {MAX_LABEL_CHARS} characters", "no spaces"),
    Limit("a CSV path", f"{MAX_PATH_CHARS:,} characters", "relative to the network file's folder, or absolute"),
    Limit("a CSV column name", f"{MAX_COLUMN_NAME_CHARS} characters", "names must be distinct"),
    Limit("rows of the saved training history", f"{MAX_HISTORY_POINTS:,} batch losses and {MAX_HISTORY_POINTS:,} "
          "evaluations", "a longer run is thinned evenly when saved"),
)

_BEGIN = "<!-- limits table -->"
_END = "<!-- end of limits table -->"


def limits_table() -> str:
    """The limits as a Markdown table."""
    rows = ["| what | at most | note |", "|---|---|---|"]
    rows += [f"| {x.what} | {x.limit} | {x.why} |" for x in LIMITS]
    return "\n".join(rows)


def limits_block() -> str:
    """The table between its markers, as docs/file_format.md holds it."""
    return f"{_BEGIN}\n{limits_table()}\n{_END}"
