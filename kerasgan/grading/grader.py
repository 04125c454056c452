"""Grading one submission: read it, run it in a child, check what came back, write the results.

The order matters for trust. The submission runs first, in its own process,
and has ended (with its whole process group) before the grader looks at
anything. Then every check runs here, computing its references here. The
report comes next, and `results.json` is written last, atomically, so a
half-graded submission never leaves a results file behind, and whatever the
submission may have written in its own folder is long gone.

Example:

```python
graded = grade_submission("dcgan-mnist", "alice.py", data_path="mnist_subset.npz")
write_results(graded, "results.json", report_path="report.md")
```
"""

import dataclasses
import threading
import time
from pathlib import Path

from kerasgan import files
from kerasgan.grading import gradescope, runner, sandbox
from kerasgan.grading.assignments import get_assignment
from kerasgan.grading.checks import CheckResult, NotRun, run_check
from kerasgan.grading.context import GradingContext
from kerasgan.grading.source import read_submission


@dataclasses.dataclass
class GradedSubmission:
    """The outcome of grading one submission.

    Attributes:
        assignment: the `Assignment`.
        path: the submission file.
        results: one `CheckResult` per check, in the assignment's order.
        seconds: wall-clock time of the whole grading.
        not_run: top-level statements, magics and shell escapes that were not run.
        problems: sentences about the submission as a whole (syntax error, failed
            import, skipped statements, how the process ended).
        samples: images for the report's grid, or None.
        child_output: the last lines the submission printed (shown, never parsed).
        isolation: the sandbox it ran in (see `sandbox.ISOLATIONS`), "" when it never ran.
    """

    assignment: object
    path: Path
    results: list
    seconds: float
    not_run: list
    problems: list
    samples: object = None
    child_output: str = ""
    isolation: str = ""

    @property
    def score(self):
        return float(sum(result.score for result in self.results))

    @property
    def max_score(self):
        return float(sum(result.max_score for result in self.results))


# `grade batch --workers N` grades N submissions in threads of one process. Only the child
# processes need to run side by side: they take the minutes. The grader's own work in
# this process (parsing a submission, scoring its outputs with TensorFlow, drawing the
# report) takes one at a time, because it is not all thread-safe: CPython 3.11 keeps the
# depth counter of its AST conversion per interpreter, so `ast.parse` in one thread while
# TensorFlow's autograph parses in another failed with "SystemError: AST constructor
# recursion depth mismatch"; matplotlib is not thread-safe either.
GRADER_WORK_LOCK = threading.Lock()


def default_limits(assignment, seconds=None, memory_gb=None, threads=1):
    """The sandbox limits for one submission of `assignment`."""
    limits = sandbox.Limits(seconds=assignment.time_limit, threads=threads)
    if seconds is not None:
        if seconds <= 0:
            raise ValueError(f"The time limit must be a positive number of seconds; got {seconds}.")
        limits.seconds = float(seconds)
    if memory_gb is not None:
        if memory_gb < 4:
            raise ValueError(
                f"The memory limit must be at least 4 GB (TensorFlow alone maps about 3 GB); "
                f"got {memory_gb}."
            )
        limits.memory_bytes = int(memory_gb * 2**30)
    return limits


def grade_submission(assignment, path, data_path=None, limits=None, context=None):
    """Grades one .py or .ipynb submission.

    Args:
        assignment: an assignment name ("dcgan-mnist") or an `Assignment`.
        path: the student's file.
        data_path: .npz with the real data (x_train, y_train, x_test, y_test); None uses
            kerasgan's loaders.
        limits: `sandbox.Limits` for the child; default from the assignment.
        context: a `GradingContext` to share data and classifier between submissions.

    Returns:
        A `GradedSubmission`.
    """
    start = time.monotonic()
    if isinstance(assignment, str):
        assignment = get_assignment(assignment)
    context = context or GradingContext(assignment, data_path)
    limits = limits or default_limits(assignment)
    with GRADER_WORK_LOCK:
        submission = read_submission(path)
        defined = submission.defined_names() if not submission.syntax_error else set()
    problems = []

    if submission.syntax_error:
        problems.append(f"The submission could not be run: {submission.syntax_error}")
        results = [_failed(check, submission.syntax_error) for check in assignment.checks]
        return GradedSubmission(
            assignment, Path(path), results, time.monotonic() - start, submission.not_run, problems
        )

    missing = [name for name in assignment.student_functions if name not in defined]
    if missing:
        problems.append(
            "The submission does not define "
            + ", ".join(missing)
            + "; checks that need them score 0."
        )

    outputs = runner.run_child(
        assignment.probes_file,
        assignment.probe_names,
        submission.code,
        _request(assignment, context, limits),
        context.inputs,
        limits,
    )
    if outputs.import_error:
        problems.append(f"Importing the submission failed: {outputs.import_error}")
    for note in outputs.import_notes:
        problems.append(f"A top-level statement raised and was skipped: {note}")
    if outputs.run.timed_out:
        problems.append(f"The submission was stopped at the time limit of {limits.seconds:.0f} s.")
    elif (
        outputs.run.exit_status not in (0, None)
        or len(outputs.results) < len(assignment.probe_names) + 1
    ):
        if not outputs.import_error:
            problems.append(
                f"The grading process did not finish: {outputs.run.describe_end(limits)}."
            )

    # The child has ended: from here on, only the grader's own code runs.
    with GRADER_WORK_LOCK:
        results = [run_check(check, outputs, context) for check in assignment.checks]
        try:
            samples = assignment.report_samples(outputs, context)
        except (NotRun, ValueError, TypeError, IndexError):
            samples = None
    return GradedSubmission(
        assignment,
        Path(path),
        results,
        time.monotonic() - start,
        submission.not_run,
        problems,
        samples,
        (outputs.run.stdout_tail + outputs.run.stderr_tail)[-3000:],
        outputs.run.isolation,
    )


def write_results(graded, results_path, report_path=None, visibility="visible"):
    """Writes the report (if asked) and then results.json, atomically and last.

    Returns:
        The Gradescope results as a dict.
    """
    from kerasgan.grading import report

    results = gradescope.results_json(graded, visibility=visibility)
    gradescope.validate(results)
    if report_path is not None:
        report.write_report(graded, report_path)
    files.write_json(results_path, results)
    return results


def _request(assignment, context, limits):
    request = dict(context.settings)
    request["assignment"] = assignment.name
    request["threads"] = limits.threads
    return request


def _failed(check, reason):
    return CheckResult(
        check.name, check.title, 0.0, float(check.points), False, f"Not graded: {reason}"
    )
