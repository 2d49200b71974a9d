"""Ways to take a network out of the app: ONNX, a PyTorch script, the walkthrough as Markdown.

Nothing here imports Qt; the image exports live in ``sandbox.gui.lecture.image_export``. Names and
labels are escaped for each output by ``sandbox.explain.escape``; an export that cannot be written
correctly is an ``errors.ExportError`` (a ``NetworkFileError``).
"""
