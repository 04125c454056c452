"""Hostile: starts a setsid daemon, then sleeps at import: the grader is stopped meanwhile."""

import subprocess
import sys
import time


class Stall:
    daemon = subprocess.Popen(
        [sys.executable, "-c", "import time; time.sleep(300)  # MARKER_KERASGAN_TEST_STALL"],
        start_new_session=True,
    )
    print("STALLING", flush=True)
    time.sleep(300)
