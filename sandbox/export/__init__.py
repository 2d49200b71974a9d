"""Ways to take a network out of the app: ONNX, a PyTorch script, the walkthrough as Markdown.

Nothing here imports Qt; the image exports live in ``sandbox.gui.views.image_export``.
"""
