"""Shipped resources are found from a checkout, and an install would ship every package and resource."""

import tomllib
from pathlib import Path

from sandbox.resources import default_network, docs_root, example_networks, resource_path

ROOT = Path(__file__).resolve().parents[1]


def test_the_shipped_resources_are_the_checkouts():
    """From a checkout (editable install) or an installed copy: the same files, byte for byte."""
    assert default_network().name == "lecture17-linear.json"
    assert default_network().read_bytes() == (ROOT / "resources" / "networks" / "lecture17-linear.json").read_bytes()
    shipped = {p.name: p.read_bytes() for p in example_networks()}
    checkout = {p.name: p.read_bytes() for p in sorted((ROOT / "resources" / "networks").glob("*.json"))}
    assert len(shipped) >= 9
    assert shipped == checkout
    icons = {p.name for p in (ROOT / "resources" / "icons").glob("*.svg")}
    assert icons and all(resource_path("icons", name).is_file() for name in icons)
    docs = {p.name: p.read_bytes() for p in (ROOT / "docs").glob("*.md")}
    assert "file_format.md" in docs and {name: (docs_root() / name).read_bytes() for name in docs} == docs


def test_pyproject_lists_every_package_and_maps_the_resources():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]
    packages = set(config["packages"])
    on_disk = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "sandbox").rglob("__init__.py")}
    missing = on_disk - packages
    assert not missing, f"add these packages to [tool.setuptools] packages in pyproject.toml: {sorted(missing)}"
    assert "sandbox.resources" in packages and "sandbox.docs" in packages
    assert config["package-dir"]["sandbox.resources"] == "resources"
    assert config["package-dir"]["sandbox.docs"] == "docs"
    assert "networks/*.json" in config["package-data"]["sandbox.resources"]
    assert {"data/*.csv", "data/*.md"} <= set(config["package-data"]["sandbox.resources"])


def test_the_data_sets_are_shipped():
    """The CSV files the examples read, and their source and licence, from a checkout or an installed copy."""
    data = {p.name: p.read_bytes() for p in (ROOT / "resources" / "data").iterdir() if p.suffix in (".csv", ".md")}
    assert {"digits.csv", "iris.csv", "README.md"} <= set(data)
    assert {name: resource_path("data", name).read_bytes() for name in data} == data
