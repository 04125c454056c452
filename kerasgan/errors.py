"""The one exception type the command line turns into a plain sentence.

Library code raises `ValueError`, `FileNotFoundError` and friends with a
sentence that says what is wrong and what to do. Where no built-in type fits
(a download that failed, a submission that crashed), it raises
`KerasganError`. The command line prints the sentence, exits with status 2,
and shows no traceback unless `KERASGAN_DEBUG=1` is set.
"""


class KerasganError(Exception):
    """A problem the user can fix, described in one sentence."""
