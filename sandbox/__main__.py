"""``python -m sandbox``: the same as the ``backprop-sandbox`` command."""

from .cli import main

raise SystemExit(main())
