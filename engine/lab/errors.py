"""The lab's one error type: its message is the sentence the user sees."""

from __future__ import annotations


class LabError(ValueError):
    """A lab view cannot be computed; the message says why and what to do."""
