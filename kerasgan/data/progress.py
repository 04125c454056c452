"""A progress line: one line of text on stderr, rewritten in place as work advances.

Downloads and frame extraction can take minutes; a line that counts up tells a
student the command is alive without filling the notebook with output.
"""

import sys
import time


class ProgressLine:
    """One line of progress on stderr, rewritten in place with a carriage return.

    Updates are throttled to a few per second, so a fast loop does not spend its
    time printing. `finish(text)` leaves the final text on its own line.

    Args:
        enabled: print nothing when False.
        stream: where to write (default: sys.stderr).
        interval: the least time between two updates, in seconds.
    """

    def __init__(self, enabled=True, stream=None, interval=0.25):
        self.enabled = enabled
        self.stream = stream
        self.interval = interval
        self._last_time = 0.0
        self._width = 0

    def update(self, text, force=False):
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_time < self.interval:
            return
        self._last_time = now
        self._write("\r" + text.ljust(self._width))
        self._width = len(text)

    def finish(self, text):
        """Ends the line: shows `text` (if any) and moves to the next line."""
        if not self.enabled:
            return
        if text is not None:
            self._write("\r" + text.ljust(self._width) + "\n")
        elif self._width:
            self._write("\r" + " " * self._width + "\r")
        self._width = 0

    def _write(self, text):
        stream = self.stream or sys.stderr
        stream.write(text)
        stream.flush()
