"""Benchmark: what the grading sandbox costs, against a plain child process.

Two measurements, each alternating the isolations so that other work on the
machine falls on both alike:

1. Start-up: a child that only imports NumPy, run `--starts` times under each
   isolation ("bubblewrap", "pid-namespace", "process-group"). The
   difference is what bwrap's namespaces and mounts cost per submission.
2. One whole submission: the dcgan-mnist reference
   (tests/grading/submissions/dcgan_reference.py) graded `--gradings` times
   under bubblewrap and under a plain process group, in turns whose order
   flips each round, after one grading that is not counted (the grader's own
   first-time costs: TensorFlow, the data, the classifier). Wall-clock seconds
   of `grade_submission`; the child's CPU time is not measured, since under
   bwrap the child is reaped inside its namespace, out of this process's sight.

Run by hand (never part of the test suite); about 3 minutes on 2 cores:

    python bench/grading_sandbox.py
    python bench/grading_sandbox.py --starts 20 --gradings 2 --data ../shared/data/mnist_subset.npz
"""

import argparse
import os
import statistics
import time
from pathlib import Path

from kerasgan.grading import sandbox
from kerasgan.grading.grader import default_limits, grade_submission

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "grading" / "submissions" / "dcgan_reference.py"


def start_up(isolation, limits):
    folder = sandbox.make_work_folder()
    try:
        (folder / "child.py").write_text("import numpy\n")
        start = time.monotonic()
        run = sandbox.run_in_sandbox(["child.py"], folder, limits, isolation_name=isolation)
        assert run.exit_status == 0, run.stderr_tail
        return time.monotonic() - start
    finally:
        sandbox.remove_work_folder(folder)


def grading(isolation, data):
    os.environ["KERASGAN_GRADING_SANDBOX"] = isolation
    try:
        start = time.monotonic()
        graded = grade_submission("dcgan-mnist", REFERENCE, data_path=data)
        assert graded.isolation == isolation and graded.score == graded.max_score, graded.problems
        return time.monotonic() - start
    finally:
        del os.environ["KERASGAN_GRADING_SANDBOX"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--starts", type=int, default=10)
    parser.add_argument("--gradings", type=int, default=1)
    parser.add_argument("--data", default=str(ROOT.parent / "shared" / "data" / "mnist_subset.npz"))
    args = parser.parse_args()
    isolations = [name for name in sandbox.ISOLATIONS if sandbox._works(name)]
    print(f"isolations that work here: {', '.join(isolations)}")

    limits = sandbox.Limits(seconds=60)
    times = {name: [] for name in isolations}
    for _ in range(args.starts):
        for name in isolations:
            times[name].append(start_up(name, limits))
    for name, seconds in times.items():
        print(
            f"start-up, {name:14s}: median {statistics.median(seconds) * 1000:6.0f} ms "
            f"(min {min(seconds) * 1000:.0f}, max {max(seconds) * 1000:.0f}) over {len(seconds)}"
        )

    compared = [name for name in ("bubblewrap", "process-group") if name in isolations]
    results = {name: [] for name in compared}
    if args.gradings:
        grading(compared[-1], args.data)  # the grader's first-time costs, not counted
    for round_number in range(args.gradings):
        for name in compared[:: 1 if round_number % 2 == 0 else -1]:
            results[name].append(grading(name, args.data))
    for name, walls in results.items():
        if walls:
            print(
                f"dcgan-mnist reference, {name:14s}: median {statistics.median(walls):5.1f} s "
                f"wall ({', '.join(f'{wall:.1f}' for wall in walls)})"
            )


if __name__ == "__main__":
    main()
