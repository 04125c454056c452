"""The examples are as quiet as the command line: no TensorFlow start-up lines."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from kerasgan.quiet import is_tensorflow_log_line

EXAMPLES = sorted((Path(__file__).parents[2] / "examples").glob("*.py"))

# Runs each example's lines up to its hide_tensorflow_logs() call and says whether
# TensorFlow was loaded by then (too late to hide its start-up lines).
PREFIXES = textwrap.dedent(
    """
    import sys
    for path in sys.argv[1:]:
        lines = open(path).read().splitlines()
        calls = [n for n, line in enumerate(lines) if line.startswith("hide_tensorflow_logs()")]
        if len(calls) != 1:
            sys.exit(path + " does not call hide_tensorflow_logs() once")
        exec(compile("\\n".join(lines[: calls[0]]), path, "exec"), {"__name__": "prefix"})
        if "tensorflow" in sys.modules:
            sys.exit(path + " loads TensorFlow before hiding its logs")
    print("quiet in time")
    """
)


def test_every_example_hides_tensorflow_logs_before_tensorflow_loads():
    finished = subprocess.run(
        [sys.executable, "-c", PREFIXES, *map(str, EXAMPLES)], capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}, timeout=300,
    )  # fmt: skip
    assert len(EXAMPLES) >= 10
    assert finished.stdout.strip() == "quiet in time", finished.stderr[-2000:]


SCRIPT = textwrap.dedent(
    """
    from kerasgan.quiet import hide_tensorflow_logs

    hide_tensorflow_logs()
    import keras
    import numpy as np

    # A fit with verbose=2, as the examples train: the remapper and cuInit lines come here.
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    model.fit(np.ones((8, 4)), np.ones((8, 1)), epochs=1, verbose=2)
    print("done")
    """
)


def test_hide_tensorflow_logs_leaves_no_tensorflow_line_on_stderr():
    environment = {k: v for k, v in os.environ.items() if k != "TF_CPP_MIN_LOG_LEVEL"}
    environment["PYTHONPATH"] = os.pathsep.join(sys.path)
    finished = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, env=environment, timeout=300
    )
    assert finished.returncode == 0, finished.stderr
    assert finished.stdout.strip().endswith("done")
    noise = [line for line in finished.stderr.splitlines() if is_tensorflow_log_line(line)]
    assert noise == []
