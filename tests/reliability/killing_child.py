"""A `kerasgan` command in a child process that SIGKILLs itself at a chosen moment.

KILL_AT=n kills it just before the n-th file operation on a checkpoint (creating a
temporary file, writing into it, linking the previous checkpoint, renaming);
KILL_AFTER_CHECKPOINT=n kills it just after the n-th checkpoint.npz is complete.
0 (or unset) lets it finish.
"""

CHILD = r"""
import os, signal, sys, tempfile

kill_at = int(os.environ.get("KILL_AT", "0"))
kill_after = int(os.environ.get("KILL_AFTER_CHECKPOINT", "0"))
operations = [0]
checkpoints = [0]

def before(description):
    operations[0] += 1
    if operations[0] == kill_at:
        print(f"killed before {description}", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

def watch(module, name):
    original = getattr(module, name)
    def wrapped(*args, **kwargs):
        text = " ".join(str(value) for value in list(args) + list(kwargs.values()))
        if "checkpoint" not in text:
            return original(*args, **kwargs)
        before(f"{name}({text})")
        result = original(*args, **kwargs)
        if name == "mkstemp":
            before("writing into the temporary file")
        if name == "replace" and str(args[1]).endswith(os.sep + "checkpoint.npz"):
            checkpoints[0] += 1
            if checkpoints[0] == kill_after:
                print(f"killed after checkpoint {kill_after}", flush=True)
                os.kill(os.getpid(), signal.SIGKILL)
        return result
    setattr(module, name, wrapped)

for module, name in ((os, "replace"), (os, "link"), (tempfile, "mkstemp")):
    watch(module, name)

from kerasgan.cli import main
sys.exit(main(sys.argv[1:]))
"""


def start_child(argv, kill_after=0):
    """Starts CHILD with `argv` in the background; `finish_child` waits for it.

    A kill-and-resume test starts its straight run this way and kills and resumes the
    other run meanwhile: a small run keeps about one core busy, and the machine has two.
    """
    import os
    import subprocess
    import sys

    environment = {
        **os.environ, "KILL_AFTER_CHECKPOINT": str(kill_after), "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    return subprocess.Popen([sys.executable, "-c", CHILD, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=environment)


def finish_child(process, timeout=600):
    """What the child started by `start_child` printed, once it ended (a CompletedProcess)."""
    import subprocess

    try:
        stdout, stderr = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        stdout, stderr = process.communicate()
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def run_child(argv, kill_after=0, timeout=600):
    """Runs CHILD with `argv` to its end (or its kill) and returns what it printed."""
    return finish_child(start_child(argv, kill_after), timeout)
