"""Dataset: a generator with its noise, sample count, test fraction and seed, "Regenerate", CSV import.

Every change builds the data set again (the engine's ``generate`` or the CSV's numbers) and
replaces the experiment with one undoable ``ExperimentCommand`` whose ``data_source`` is what the
file will say; stepping one parameter with the arrows merges into one command.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (QFileDialog, QHBoxLayout, QInputDialog, QMessageBox, QPushButton, QVBoxLayout,
                               QWidget)

from sandbox.engine import GENERATORS

from ..settings_commands import with_data
from . import data_sources as ds
from .base import SettingsSection, add_row, form, hint
from .widgets import ComboBox, IntBox, NumberBox

GENERATOR_TITLES = {
    "xor": "XOR (four quadrants)",
    "circle": "Circle (inside vs. ring)",
    "gaussians": "Two Gaussian blobs",
    "spiral": "Two spirals",
    "plane": "Plane (regression)",
    "lecture": "Lecture: one sample",
}
GENERATOR_TIPS = {
    "xor": "Points in [−1, 1]²; class 1 where x1·x2 > 0. Needs a hidden layer: no line separates it.",
    "circle": "Class 1 inside radius 0.5, class 0 on a ring from 0.7 to 1.",
    "gaussians": "Two Gaussian clouds around (±0.45, ±0.45): almost linearly separable.",
    "spiral": "Two interleaved spirals: the hardest of the TF Playground problems.",
    "plane": "A regression target 0.6·x1 − 0.4·x2 (noise is added to the target).",
    "lecture": "The lecture's single sample: inputs (2, 3), target 1.",
}
SOURCE_TIP = ("Where the training samples come from. A generator draws 2-D points (seeded, so the file "
              "rebuilds the same data); a CSV file gives its own columns.")


class DatasetSection(SettingsSection):
    title = "Dataset"
    tooltip = "The training (and test) samples the network learns from."

    def __init__(self, panel):
        super().__init__(panel)
        self.source = ComboBox([(GENERATOR_TITLES[g], g) for g in GENERATORS]
                               + [("CSV file…", "csv"), ("Numbers in the file", "inline")])
        self.source.setObjectName("datasetSource")
        for i, g in enumerate(GENERATORS):
            self.source.setItemData(i, GENERATOR_TIPS[g], 3)  # Qt.ToolTipRole
        self.noise = NumberBox(0.0, 10.0, step=0.05)
        self.noise.setObjectName("datasetNoise")
        self.samples = IntBox(1, 100_000)
        self.samples.setObjectName("datasetSamples")
        self.samples.setSingleStep(50)
        self.test_fraction = NumberBox(0.0, 0.95, step=0.05)
        self.test_fraction.setObjectName("datasetTestFraction")
        self.seed = IntBox(0, 2**31 - 1)
        self.seed.setObjectName("datasetSeed")
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setObjectName("datasetRegenerate")
        self.regenerate.setToolTip("Draw a new random sample of the same problem (the next seed).")
        self.import_csv = QPushButton("Import CSV…")
        self.import_csv.setObjectName("datasetImportCsv")
        self.import_csv.setToolTip("Read samples from a CSV file (one row per sample, an optional header "
                                   "row); you choose which columns are targets, the others are inputs. "
                                   "The file refers to the CSV by its full path.")
        self.counts = hint()
        self.counts.setObjectName("datasetCounts")
        lay = form()
        add_row(lay, "Data", self.source, SOURCE_TIP)
        self.noise_label = add_row(lay, "Noise", self.noise,
                                   "Standard deviation of Gaussian noise added to every point (to the "
                                   "target for the plane): more noise, more overlap between the classes.")
        self.samples_label = add_row(lay, "Samples", self.samples,
                                     "How many samples are drawn in all (training + test).")
        add_row(lay, "Test fraction", self.test_fraction,
                "The share of the samples held out as a test set: never trained on, used to see whether "
                "the network generalises (the test loss). The rest is the training set.")
        add_row(lay, "Seed", self.seed, "The random seed: the same seed gives the same samples and split.")
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.regenerate)
        row.addWidget(self.import_csv)
        lay.addRow(buttons)
        lay.addRow(self.counts)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(lay)
        self.source.activated.connect(self._on_source)
        self.noise.valueChanged.connect(lambda v: self._set_parameter("noise", float(v), "noise"))
        self.samples.valueChanged.connect(lambda v: self._set_parameter("samples", int(v), "sample count"))
        self.test_fraction.valueChanged.connect(
            lambda v: self._set_parameter("test_fraction", float(v), "test fraction"))
        self.seed.valueChanged.connect(lambda v: self._set_parameter("seed", int(v), "data seed"))
        self.regenerate.clicked.connect(self._on_regenerate)
        self.import_csv.clicked.connect(self.ask_csv)

    # ---- showing ------------------------------------------------------------------------------
    def refresh(self) -> None:
        exp = self.experiment
        source = exp.data_source or {}
        kind = ds.source_kind(source)
        view = self.source.view()
        view.setRowHidden(self.source.findData("inline"), kind != "inline")
        self.source.select_data(source["generator"] if kind == "generator" else kind)
        generated = kind == "generator"
        params = ds.generator_parameters(source) if generated else {
            "samples": exp.data.n_train + exp.data.n_test, "noise": 0.0,
            "seed": int(source.get("seed", 0)), "test_fraction": float(source.get("test_fraction", 0.0))}
        self.noise.set_quietly(float(params["noise"]))
        self.samples.set_quietly(int(params["samples"]))
        self.test_fraction.set_quietly(float(params["test_fraction"]))
        self.seed.set_quietly(int(params["seed"]))
        lecture = generated and source["generator"] == "lecture"
        for widget in (self.noise, self.samples, self.noise_label, self.samples_label):
            widget.setEnabled(generated and not lecture)
        for widget in (self.test_fraction, self.seed):
            widget.setEnabled(kind in ("generator", "csv") and not lecture)
        self.regenerate.setEnabled(generated and not lecture)
        data = exp.data
        n_in, n_out = data.inputs.shape[1], data.targets.shape[1]
        text = f"<b>{data.n_train:,}</b> training sample{'s' if data.n_train != 1 else ''}, " \
               f"<b>{data.n_test:,}</b> test · {n_in} input{'s' if n_in != 1 else ''}, " \
               f"{n_out} target{'s' if n_out != 1 else ''}"
        if kind == "csv":
            text += f"<br>from {Path(source['csv']).name}, targets: " \
                    f"{', '.join(str(c) for c in source.get('target_columns', []))}"
        elif kind == "inline":
            text += "<br>The numbers are written in the file; choose a generator or import a CSV to replace them."
        self.counts.setText(text)

    # ---- edits --------------------------------------------------------------------------------
    def _on_source(self, index: int) -> None:
        if self.refreshing:
            return
        choice = self.source.itemData(index)
        source = self.experiment.data_source or {}
        if choice == "csv":
            if not self.ask_csv():
                self.refresh()
            return
        if choice == "inline" or choice == source.get("generator"):
            return
        params = ds.generator_parameters(source) if "generator" in source else dict(ds.GENERATOR_DEFAULTS)
        if "generator" not in source:
            params["samples"] = max(params["samples"], 200)
            params["test_fraction"] = float(source.get("test_fraction", 0.0)) or 0.2
        new = ds.generator_source(choice, params["samples"], params["noise"], params["seed"], params["test_fraction"])
        self._replace(new, f"Generate {GENERATOR_TITLES[choice].split(' (')[0].lower()} data", None)

    def _set_parameter(self, key: str, value, what: str) -> None:
        if self.refreshing:
            return
        source = dict(self.experiment.data_source or {})
        kind = ds.source_kind(source)
        if kind == "inline":
            return
        current = ds.generator_parameters(source)[key] if kind == "generator" else source.get(key, 0)
        if current == value:
            return
        source[key] = value
        if kind == "generator":
            source = ds.generator_source(source["generator"], **ds.generator_parameters(source))
        self._replace(source, f"Set {what}", f"data {key}")

    def _on_regenerate(self) -> None:
        source = dict(self.experiment.data_source or {})
        if "generator" not in source:
            return
        params = ds.generator_parameters(source)
        params["seed"] = int(params["seed"]) + 1
        self._replace(ds.generator_source(source["generator"], **params), "Regenerate data", None)

    def _replace(self, source: dict, text: str, merge_key: str | None) -> bool:
        if "generator" in source:
            data = ds.build_generated(source)
        else:
            data, problems = ds.build_csv(source, self._base_dir())
            if data is None:
                QMessageBox.warning(self, "Cannot use the CSV file", "\n".join(problems[:12]))
                self.refresh()
                return False
        self.panel.replace_experiment(text, with_data(self.experiment, data, source), merge_key=merge_key)
        return True

    def _base_dir(self) -> Path | None:
        """The folder a relative CSV path is read from: the loaded file's (saving elsewhere rewrites the path)."""
        folder = self.experiment.data_folder
        if folder is not None:
            return Path(folder)
        path = self.document.path
        return path.parent if path is not None else None

    def ask_csv(self) -> bool:
        """Ask for a CSV file and its target columns, and use its numbers (one undoable command)."""
        start = str(self._base_dir() or Path.home())
        path, _ = QFileDialog.getOpenFileName(self, "Import data from a CSV file", start,
                                              "CSV files (*.csv);;All files (*)")
        if not path:
            return False
        try:
            header, width = ds.read_header(path)
        except (OSError, UnicodeDecodeError) as e:
            QMessageBox.warning(self, "Cannot read the CSV file", f"{path}: {e}")
            return False
        if width < 2:
            QMessageBox.warning(self, "Cannot use the CSV file",
                                f"{Path(path).name} needs at least two columns: inputs and a target.")
            return False
        names = header or [str(k) for k in range(width)]
        text, ok = QInputDialog.getText(
            self, "Target columns",
            f"Columns of {Path(path).name}: {', '.join(names)}\n"
            f"Which are the targets? (names{' or 0-based numbers' if header else ', numbered from 0'}, "
            f"separated by commas; the other columns are inputs)",
            text=names[-1])
        if not ok:
            return False
        columns = ds.parse_columns(text, header)
        if not columns:
            QMessageBox.warning(self, "Cannot use the CSV file", "Give at least one target column.")
            return False
        source = {"csv": str(Path(path).resolve()), "target_columns": columns,
                  "test_fraction": float(self.test_fraction.value()), "seed": int(self.seed.value())}
        return self._replace(source, f"Import data from {Path(path).name}", None)
