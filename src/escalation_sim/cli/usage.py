"""Bad command-line input that argparse cannot catch: exit status 2, no traceback."""

from __future__ import annotations


class UsageError(Exception):
    """Bad command-line input that argparse cannot catch (exit status 2)."""
