"""Errors a user can cause: bad config, bad input files, a schema that is behind.

The CLI prints these as one clear line (what and where) and exits non-zero, never with a
traceback. Anything else that escapes is a bug and keeps its traceback.
"""


class CalldeskError(Exception):
    """An error the user can fix; its message says what is wrong and where."""

    exit_code = 2
