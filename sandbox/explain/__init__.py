"""Renderings of the engine's walkthrough: formula markup (LaTeX, HTML) and text/markdown/JSON. No Qt."""

from .markup import to_html, to_latex

__all__ = ["to_html", "to_latex"]
