"""The one exception type every data problem is reported with."""

from __future__ import annotations


class DataError(Exception):
    """One clear sentence: what is wrong, where, how to fix.

    The UI shows the message as is, so it must name the file or folder and
    suggest a fix; callers never need to look at a traceback.
    """
