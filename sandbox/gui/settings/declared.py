"""The widgets of the settings ``sandbox.files.settings_table`` declares, and of groups' variants.

A section asks for the widget of a setting (``setting_widget``: a check box, a combo box of a
choice's names, or a spin box whose range is the declared one), for a combo box of a group's
variants (``variant_combo``), and for ``VariantRows``: one row per setting of every variant (an
optimizer's options, a schedule's parameters, a scheme's parameters), of which it shows the chosen
variant's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFormLayout, QWidget

from sandbox.explain.markup import to_html
from sandbox.files import settings_table as T
from sandbox.gui.settings.base import add_row
from sandbox.gui.settings.widgets import ComboBox, setting_box, setting_label, setting_tip

#: names that keep their capital in an undo command's text
PROPER_NAMES = ("Nesterov",)


def command_text(setting: T.Setting) -> str:
    """The undo command of a change of ``setting``: ``Set learning rate η``, ``Set Nesterov momentum``."""
    title = setting.title
    if not title.startswith(PROPER_NAMES):
        title = title[:1].lower() + title[1:]
    return f"Set {title}"


def variant_tip(variant: T.Variant) -> str:
    """A variant's help as a tooltip (formulas rendered, rich text so that it wraps)."""
    return f"<p>{to_html(variant.help)}</p>"


def variant_combo(group: T.Group) -> ComboBox:
    """A combo box of a group's variants (their titles), each with its help as tooltip."""
    combo = ComboBox([(v.title, v.name) for v in group.variants])
    for i, v in enumerate(group.variants):
        combo.setItemData(i, variant_tip(v), Qt.ItemDataRole.ToolTipRole)
    return combo


def setting_widget(setting: T.Setting) -> QWidget:
    """The widget of a declared setting: a check box for a bool, a combo box of its names for a choice
    (each with its help as tooltip), else its spin box."""
    if setting.kind == "bool":
        box = QCheckBox(setting.title)
        box.setToolTip(setting_tip(setting))
        return box
    if setting.kind == "choice":
        combo = ComboBox([(name, name) for name in setting.choices])
        for i, tip in enumerate(setting.choice_help):
            combo.setItemData(i, f"<p>{to_html(tip)}</p>", Qt.ItemDataRole.ToolTipRole)
        return combo
    return setting_box(setting)


def show_value(widget: QWidget, value: Any) -> None:
    """Show ``value`` in a setting's widget (what the program shows is never taken for an edit)."""
    if isinstance(widget, QCheckBox):
        widget.setChecked(bool(value))
    elif isinstance(widget, ComboBox):
        widget.select_data(value)
    else:
        widget.setValue(value)


def connect_value(widget: QWidget, slot: Callable[[Any], None]) -> None:
    """``slot(value)`` when the user changes the setting's widget (a click, a step, a number typed, a
    choice), never when ``show_value`` shows one."""
    if isinstance(widget, QCheckBox):
        widget.clicked.connect(lambda on: slot(bool(on)))
    elif isinstance(widget, ComboBox):
        widget.activated.connect(lambda index: slot(widget.itemData(index)))
    else:
        widget.valueEdited.connect(slot)


class VariantRows:
    """One row per setting of every variant of ``group`` (the selector's and the common ones aside), in
    ``layout``; ``show(name)`` shows the rows of variant ``name`` only."""

    def __init__(self, group: T.Group, layout: QFormLayout, prefix: str,
                 changed: Callable[[str, T.Setting, Any], None]):
        self.group = group
        self.layout = layout
        #: (variant, key) -> widget
        self.widgets: dict[tuple[str, str], QWidget] = {}
        for variant in group.variants:
            for setting in variant.settings:
                widget = setting_widget(setting)
                widget.setObjectName(f"{prefix}_{variant.name}_{setting.key}")
                if isinstance(widget, QCheckBox):
                    layout.addRow(widget)
                else:
                    add_row(layout, setting_label(setting), widget, setting_tip(setting))
                connect_value(widget, lambda v, n=variant.name, s=setting: changed(n, s, s.cast(v)))
                self.widgets[(variant.name, setting.key)] = widget

    def of(self, name: str) -> dict[str, QWidget]:
        """The widgets of variant ``name``'s settings, by key."""
        return {key: w for (n, key), w in self.widgets.items() if n == name}

    def show(self, name: str, values: dict[str, Any]) -> None:
        """Show variant ``name``'s rows with ``values`` (a key left out: its declared default)."""
        for (n, key), widget in self.widgets.items():
            self.layout.setRowVisible(widget, n == name)
            if n != name:
                continue
            setting = self.group.setting(key, name)
            show_value(widget, values.get(key, setting.default))
            if setting.needs:  # only acts with another setting (Nesterov and the momentum form with momentum)
                needed = self.group.setting(setting.needs, name)
                on = bool(values.get(setting.needs, needed.default if needed else None))
                widget.setEnabled(on)
                label = self.layout.labelForField(widget)
                if label is not None:
                    label.setEnabled(on)
