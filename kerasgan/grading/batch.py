"""Grading a folder of submissions in parallel, into one gradebook CSV.

A folder holds one `.py` or `.ipynb` file per student (`alice.py`,
`bob.ipynb`), or one folder per student with their file inside (as
Gradescope's "Export Submissions" lays them out). Each submission gets its
own child process, as with `kerasgan grade run`; up to one child per core runs
at a time, each with an equal share of the cores for TensorFlow's threads.
The real data, the inputs and the domain classifier are loaded once and
shared.

The gradebook has one row per submission: its name, score, maximum, the
points of every check, and a status (graded, timed out, not importable, ...).
Each submission's results.json and report go to the reports folder. A
submission that breaks the grader itself is written as a row with status
"error" and the rest of the batch goes on.

Example:

```python
graded = grade_batch("dcgan-mnist", "submissions/", "grades.csv", data_path="mnist_subset.npz")
```
"""

import concurrent.futures
import csv
import io
import os
from pathlib import Path

from kerasgan import files
from kerasgan.grading.assignments import get_assignment
from kerasgan.grading.context import GradingContext
from kerasgan.grading.grader import (
    GRADER_WORK_LOCK,
    default_limits,
    grade_submission,
    write_results,
)

SUBMISSION_SUFFIXES = (".py", ".ipynb")


def usable_cores():
    """Cores this process may run on (the affinity mask, not the machine's total)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def find_submissions(folder):
    """(name, path) for each submission in `folder`, sorted by name.

    Raises:
        ValueError: the folder has no .py or .ipynb submission, or a student folder has several.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"No folder at {folder}: pass the folder of submissions.")
    found = []
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.is_file() and entry.suffix.lower() in SUBMISSION_SUFFIXES:
            found.append((entry.stem, entry))
        elif entry.is_dir():
            candidates = sorted(
                path
                for path in entry.rglob("*")
                if path.is_file()
                and path.suffix.lower() in SUBMISSION_SUFFIXES
                and ".ipynb_checkpoints" not in path.parts
            )
            if len(candidates) > 1:
                names = ", ".join(str(path.relative_to(entry)) for path in candidates)
                raise ValueError(
                    f"{entry} holds several submission files ({names}): keep one per student."
                )
            if candidates:
                found.append((entry.name, candidates[0]))
    if not found:
        raise ValueError(f"{folder} has no .py or .ipynb submissions.")
    return found


def grade_batch(
    assignment,
    folder,
    gradebook_path,
    reports_folder=None,
    data_path=None,
    workers=None,
    seconds=None,
    memory_gb=None,
    progress=print,
):
    """Grades every submission in `folder` and writes the gradebook CSV.

    Args:
        assignment: an assignment name or `Assignment`.
        folder: the submissions (see the module docstring for the layout).
        gradebook_path: the CSV to write.
        reports_folder: where each submission's NAME.json, NAME.md and NAME-samples.png go
            (default: a "reports" folder next to the gradebook).
        data_path: the real data .npz (default: kerasgan's loaders).
        workers: submissions graded at once (default: one per usable core).
        seconds, memory_gb: limits for each child (default: the assignment's).
        progress: called with one line per finished submission.

    Returns:
        A list of (name, `GradedSubmission` or None, error text or None), in name order.
    """
    if isinstance(assignment, str):
        assignment = get_assignment(assignment)
    submissions = find_submissions(folder)
    cores = usable_cores()
    workers = min(int(workers or cores), len(submissions))
    if workers < 1:
        raise ValueError(f"workers must be at least 1; got {workers}.")
    # Each child gets its share of the cores, so parallel children do not fight over them.
    limits = default_limits(assignment, seconds, memory_gb, threads=max(1, cores // workers))
    gradebook_path = Path(gradebook_path)
    reports_folder = Path(reports_folder or gradebook_path.parent / "reports")
    context = GradingContext(assignment, data_path)
    context.inputs  # load the data once, before the threads start

    def grade_one(name, path):
        try:
            graded = grade_submission(assignment, path, limits=limits, context=context)
            with GRADER_WORK_LOCK:  # the report draws with matplotlib: one thread at a time
                write_results(graded, reports_folder / f"{name}.json", reports_folder / f"{name}.md")
            return name, graded, None
        except Exception as error:  # one broken submission must not stop the other 79
            return name, None, f"{type(error).__name__}: {error}"

    outcomes = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(grade_one, name, path) for name, path in submissions]
        for future in concurrent.futures.as_completed(futures):
            name, graded, error = future.result()
            outcomes.append((name, graded, error))
            if graded is not None:
                progress(
                    f"{name}: {graded.score:g} / {graded.max_score:g} ({graded.seconds:.0f} s)"
                )
            else:
                progress(f"{name}: not graded ({error})")
    outcomes.sort(key=lambda outcome: outcome[0])
    write_gradebook(gradebook_path, assignment, outcomes)
    return outcomes


def submission_status(graded):
    """One word for the gradebook: graded, timed_out, import_failed or syntax_error."""
    text = " ".join(graded.problems)
    if "could not be run: SyntaxError" in text:
        return "syntax_error"
    if "Importing the submission failed" in text:
        return "import_failed"
    if "time limit" in text:
        return "timed_out"
    if "did not finish" in text:
        return "ended_early"
    return "graded"


def write_gradebook(path, assignment, outcomes):
    """Writes the gradebook CSV atomically: one row per submission, one column per check."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    check_names = [check.name for check in assignment.checks]
    writer.writerow(["submission", "score", "max_score", "status", "seconds", *check_names])
    for name, graded, error in outcomes:
        if graded is None:
            writer.writerow(
                [name, 0, assignment.max_score, f"error: {error}", "", *[""] * len(check_names)]
            )
            continue
        scores = {result.name: result.score for result in graded.results}
        writer.writerow(
            [
                name,
                f"{graded.score:g}",
                f"{graded.max_score:g}",
                submission_status(graded),
                f"{graded.seconds:.0f}",
                *[f"{scores.get(check, 0):g}" for check in check_names],
            ]
        )
    files.write_text(path, buffer.getvalue())
    return Path(path)
