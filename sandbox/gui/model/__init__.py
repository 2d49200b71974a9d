"""The window's model: the document (the only writer of the experiment), its undo stack and commands."""
