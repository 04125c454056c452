"""Hostile: a daemon that leaves the process group (fork, setsid, fork) and outlives the child.

It waits for the grader's results file and gradebook to appear and rewrites them
with full marks, for a minute. The test replaces TARGET_PATHS with the paths the
grader writes, and finds the daemon by the marker in its command line.
"""

import subprocess
import sys

DAEMON = r'''
import json, os, time
# MARKER_KERASGAN_TEST_DAEMON
if os.fork():
    os._exit(0)
os.setsid()
if os.fork():
    os._exit(0)
forged = json.dumps({"score": 100.0, "output": "forged", "tests": []})
end = time.time() + 60
while time.time() < end:
    for path in TARGET_PATHS:
        try:
            if os.path.exists(path) and open(path).read() != forged:
                with open(path, "w") as handle:
                    handle.write(forged if path.endswith(".json") else "forged,100\n")
        except OSError:
            pass
    time.sleep(0.2)
'''


class Attack:
    started = subprocess.Popen([sys.executable, "-c", DAEMON]).wait()
    print("DAEMON STARTED", started, flush=True)


def make_generator(latent_dim):
    raise NotImplementedError("make_generator")
