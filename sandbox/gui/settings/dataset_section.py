"""Dataset: a generator with its noise, sample count, test fraction and seed, "Regenerate", CSV import.

Every change builds the data set again (the engine's ``generate`` or the CSV's numbers) and
replaces the experiment with one undoable ``ExperimentCommand`` whose ``data_source`` is what the
file will say; stepping one parameter with the arrows merges into one command.
"""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from sandbox.engine.features import RAW_INPUTS
from sandbox.engine.features import apply as apply_features
from sandbox.engine.features import labels as feature_labels
from sandbox.engine.features import strip as strip_features
from sandbox.explain.escape import for_terminal
from sandbox.files import settings_table as T
from sandbox.gui.model.settings_commands import with_data
from sandbox.gui.settings import data_sources as ds
from sandbox.gui.settings.base import SettingsSection, add_row, form, hint
from sandbox.gui.settings.declared import setting_widget, variant_tip
from sandbox.gui.settings.widgets import ComboBox, setting_label, setting_tip

#: a generator's name -> its title
GENERATOR_TITLES = {v.name: v.title for v in T.GENERATOR.variants}
SOURCE_TIP = ("Where the training samples come from. A generator draws 2-D points (seeded, so the file "
              "rebuilds the same data); a CSV file gives its own columns.")
#: the generator's parameters (and a CSV file's test fraction and seed), as declared
PARAMETERS = {s.key: s for s in T.GENERATOR.common}


class DatasetSection(SettingsSection):
    title = "Dataset"
    tooltip = "The training (and test) samples the network learns from."

    def __init__(self, panel):
        super().__init__(panel)
        self.source = ComboBox([(v.title, v.name) for v in T.GENERATOR.variants]
                               + [("CSV file…", "csv"), ("Numbers in the file", "inline")])
        self.source.setObjectName("datasetSource")
        for i, v in enumerate(T.GENERATOR.variants):
            self.source.setItemData(i, variant_tip(v), Qt.ItemDataRole.ToolTipRole)
        self.noise = setting_widget(PARAMETERS["noise"])
        self.noise.setObjectName("datasetNoise")
        self.samples = setting_widget(PARAMETERS["samples"])
        self.samples.setObjectName("datasetSamples")
        self.test_fraction = setting_widget(PARAMETERS["test_fraction"])
        self.test_fraction.setObjectName("datasetTestFraction")
        self.seed = setting_widget(PARAMETERS["seed"])
        self.seed.setObjectName("datasetSeed")
        self.regenerate = QPushButton("Regenerate")
        self.regenerate.setObjectName("datasetRegenerate")
        self.regenerate.setToolTip("Draw a new random sample of the same problem (the next seed).")
        self.import_csv = QPushButton("Import CSV…")
        self.import_csv.setObjectName("datasetImportCsv")
        self.import_csv.setToolTip("Read samples from a CSV file (one row per sample, an optional header "
                                   "row); you choose which columns are targets, the others are inputs. "
                                   "The file refers to the CSV by its full path.")
        #: one checkbox per derived feature (``T.FEATURES``), objectName ``datasetFeature1`` … in declared order
        self.features: dict[str, QCheckBox] = {}
        features_row = QWidget()
        features_row.setObjectName("datasetFeatures")
        grid = QGridLayout(features_row)  # three a row: the dock may be narrow
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        for i, (name, tip) in enumerate(zip(T.FEATURES.choices, T.FEATURES.choice_help), start=1):
            box = QCheckBox(feature_labels([name])[-1])
            box.setObjectName(f"datasetFeature{i}")
            box.setToolTip(f"{tip}: an extra input neuron (data.features: \"{name}\")")
            box.toggled.connect(lambda _=False: self._on_features())
            self.features[name] = box
            grid.addWidget(box, *divmod(i - 1, 3))
        grid.setColumnStretch(3, 1)
        self.counts = hint()
        self.counts.setObjectName("datasetCounts")
        lay = form()
        add_row(lay, "Data", self.source, SOURCE_TIP)
        rows = {}
        for key, widget in (("noise", self.noise), ("samples", self.samples), ("test_fraction", self.test_fraction),
                            ("seed", self.seed)):
            rows[key] = add_row(lay, setting_label(PARAMETERS[key]), widget, setting_tip(PARAMETERS[key]))
        self.noise_label, self.samples_label = rows["noise"], rows["samples"]
        buttons = QWidget()
        row = QHBoxLayout(buttons)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.regenerate)
        row.addWidget(self.import_csv)
        lay.addRow(buttons)
        self.features_label = add_row(lay, setting_label(T.FEATURES), features_row, setting_tip(T.FEATURES))
        lay.addRow(self.counts)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addLayout(lay)
        self.source.activated.connect(self._on_source)
        for key, widget, what in ((("noise", self.noise, "noise"), ("samples", self.samples, "sample count"),
                                   ("test_fraction", self.test_fraction, "test fraction"),
                                   ("seed", self.seed, "data seed"))):
            widget.valueEdited.connect(lambda v, k=key, w=what: self._set_parameter(k, PARAMETERS[k].cast(v), w))
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
        for key, widget in (("noise", self.noise), ("samples", self.samples), ("test_fraction", self.test_fraction),
                            ("seed", self.seed)):
            widget.setValue(PARAMETERS[key].cast(params[key]))
        lecture = generated and source["generator"] == "lecture"
        for widget in (self.noise, self.samples, self.noise_label, self.samples_label):
            widget.setEnabled(generated and not lecture)
        for widget in (self.test_fraction, self.seed):
            widget.setEnabled(kind in ("generator", "csv") and not lecture)
        self.regenerate.setEnabled(generated and not lecture)
        raw = exp.data.inputs.shape[1] - len(exp.features)
        for name, box in self.features.items():
            box.blockSignals(True)
            box.setChecked(name in exp.features)
            box.setEnabled(raw == RAW_INPUTS)
            box.blockSignals(False)
        self.features_label.setEnabled(raw == RAW_INPUTS)
        if raw != RAW_INPUTS:
            self.features_label.setToolTip(f"Only 2-input data sets can have derived features; this one has {raw}.")
        data = exp.data
        n_in, n_out = data.inputs.shape[1], data.targets.shape[1]
        text = f"<b>{data.n_train:,}</b> training sample{'s' if data.n_train != 1 else ''}, " \
               f"<b>{data.n_test:,}</b> test · {n_in} input{'s' if n_in != 1 else ''}, " \
               f"{n_out} target{'s' if n_out != 1 else ''}"
        if kind == "csv":
            columns = ", ".join(str(c) for c in source.get("target_columns", []))
            if "class_column" in source:
                columns = f"one per class of column {source['class_column']}"
            text += f"<br>from {_shown(Path(source['csv']).name)}, targets: {_shown(columns)}"
        elif kind == "inline":
            text += "<br>The numbers are written in the file; choose a generator or import a CSV to replace them."
        self.counts.setText(text)

    # ---- edits --------------------------------------------------------------------------------
    def _on_source(self, index: int) -> None:
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
            data, problems = ds.build_csv(source, self._base_dir(), self.experiment.network.layers[-1].size)
            if data is None:
                QMessageBox.warning(self, "Cannot use the CSV file", "\n".join(problems[:12]))
                self.refresh()
                return False
        features = list(self.experiment.features) if data.inputs.shape[1] == RAW_INPUTS else []
        self.panel.replace_experiment(text, with_features(self.experiment, data, source, features),
                                      merge_key=merge_key)
        return True

    def _on_features(self) -> None:
        """The checked derived features, in declared order: the data and the input layer follow (one undo)."""
        exp = self.experiment
        chosen = [name for name, box in self.features.items() if box.isChecked()]
        if chosen == list(exp.features):
            return
        raw = strip_features(exp.data, exp.features)
        if raw.inputs.shape[1] != RAW_INPUTS:
            self.refresh()
            return
        shown = ", ".join(feature_labels(chosen)[RAW_INPUTS:]) or "none"
        source = {k: v for k, v in (exp.data_source or {}).items() if k != "features"}
        self.panel.replace_experiment(f"Set the derived inputs to {shown}",
                                      with_features(exp, raw, source, chosen))

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


def with_features(experiment, raw, source: dict, features: list[str]):
    """A copy on the raw data ``raw`` with ``features`` appended (``engine.features``): the first layer is rebuilt
    when the number of inputs changes, the inputs labelled x1, x2 and the features' labels."""
    before = experiment.network.input_size
    exp = with_data(experiment, apply_features(raw, features), source)
    exp.features = list(features)
    if raw.inputs.shape[1] == RAW_INPUTS and (features or exp.network.input_size != before):
        exp.network.input_labels = feature_labels(features)
    return exp


def _shown(text: str) -> str:
    """Text from a file (a CSV's name, its header's column names) for rich text: escaped, control characters
    visible."""
    return html.escape(for_terminal(text))
