"""Renderings of the engine's walkthrough: formula markup (LaTeX, HTML) and text/markdown/JSON. No Qt."""

from .markup import to_html, to_latex
from .render import to_json, to_markdown, to_text

__all__ = ["to_html", "to_latex", "to_json", "to_markdown", "to_text"]
