"""What the rules' and the model's activations share: one switch at a time per process, and how many flips a
validation shows."""

from __future__ import annotations

import threading

# One activation (or adoption) at a time per process, of rules or of a model: a second waits, then goes on top
# of the first (each keeps what the other put live: the rules keep the model in service, and the reverse).
switching = threading.Lock()
FLIPS_SHOWN = 200
