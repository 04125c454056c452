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

A batch that was stopped halfway resumes: beside each report a hidden
`.NAME.grading.json` records what was graded (a hash of the submission file
and of the settings: assignment, data, limits) and the outcome. A rerun keeps
those whose file and settings are unchanged, grades the rest, and writes the
same gradebook a single run would have written.

Example:

```python
graded = grade_batch("dcgan-mnist", "submissions/", "grades.csv", data_path="mnist_subset.npz")
```
"""

import concurrent.futures
import csv
import dataclasses
import hashlib
import io
import json
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
    settings = _settings_digest(assignment, data_path, limits)
    outcomes = []
    to_grade = []
    for name, path in submissions:
        kept = _kept_outcome(assignment, name, path, reports_folder, settings)
        if kept is None:
            to_grade.append((name, path))
        else:
            outcomes.append((name, kept, None))
            progress(f"{name}: {kept.score:g} / {kept.max_score:g} (kept from an earlier run)")
    if not to_grade:
        outcomes.sort(key=lambda outcome: outcome[0])
        write_gradebook(gradebook_path, assignment, outcomes)
        return outcomes

    context = GradingContext(assignment, data_path)
    context.inputs  # load the data once, before the threads start

    def grade_one(name, path):
        try:
            graded = grade_submission(assignment, path, limits=limits, context=context)
            with GRADER_WORK_LOCK:  # the report draws with matplotlib: one thread at a time
                write_results(graded, reports_folder / f"{name}.json", reports_folder / f"{name}.md")
                _record_outcome(graded, name, path, reports_folder, settings)
            return name, graded, None
        except Exception as error:  # one broken submission must not stop the other 79
            return name, None, f"{type(error).__name__}: {error}"

    workers = min(workers, len(to_grade))
    with concurrent.futures.ThreadPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(grade_one, name, path) for name, path in to_grade]
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


def _file_digest(path):
    digest = hashlib.sha256()
    with open(path, "rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _settings_digest(assignment, data_path, limits):
    """A hash of everything besides the submission that decides its grade.

    The thread count is left out: it changes with --workers, not the grade.
    """
    from kerasgan import __version__

    settings = {
        "kerasgan": __version__,
        "assignment": assignment.name,
        "checks": [[check.name, check.title, float(check.points)] for check in assignment.checks],
        "assignment_settings": assignment.settings,
        "data": None if data_path is None else _file_digest(data_path),
        "limits": [limits.seconds, limits.memory_bytes, limits.file_bytes],
    }
    text = json.dumps(settings, sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _record_path(reports_folder, name):
    return reports_folder / f".{name}.grading.json"


def _record_outcome(graded, name, path, reports_folder, settings):
    """Writes what a rerun needs to keep this grade instead of grading again (last, atomically)."""
    files.write_json(
        _record_path(reports_folder, name),
        {
            "submission": _file_digest(path),
            "settings": settings,
            "results": [dataclasses.asdict(result) for result in graded.results],
            "seconds": graded.seconds,
            "not_run": list(graded.not_run),
            "problems": list(graded.problems),
            "child_output": graded.child_output,
        },
    )


def _kept_outcome(assignment, name, path, reports_folder, settings):
    """The `GradedSubmission` an earlier run recorded, when file and settings are unchanged."""
    from kerasgan.grading.checks import CheckResult
    from kerasgan.grading.grader import GradedSubmission

    record_path = _record_path(reports_folder, name)
    if not record_path.is_file() or not (reports_folder / f"{name}.json").is_file():
        return None
    try:
        record = json.loads(record_path.read_text(encoding="utf-8"))
        if record["settings"] != settings or record["submission"] != _file_digest(path):
            return None
        return GradedSubmission(
            assignment,
            Path(path),
            [CheckResult(**result) for result in record["results"]],
            float(record["seconds"]),
            record["not_run"],
            record["problems"],
            child_output=record["child_output"],
        )
    except (ValueError, KeyError, TypeError):  # a damaged record: grade again
        return None


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
