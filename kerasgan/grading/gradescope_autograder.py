"""The Gradescope autograder: packing it into a zip, and what its run_autograder runs.

`make_autograder("dcgan-mnist", "autograder.zip")` writes the zip Gradescope
asks for (https://gradescope-autograders.readthedocs.io/en/latest/specs/):

    setup.sh          installs Python, TensorFlow and friends in /autograder/venv
    run_autograder    grades /autograder/submission/, writes /autograder/results/results.json
    autograder.json   the assignment, limits, visibility, and the data file if bundled
    package/kerasgan/ this kerasgan, so Gradescope grades with the version you tested
    data/...          the real data .npz, when --data was given (no download needed)

`run_autograder` calls `python -m kerasgan.grading.gradescope_autograder`,
the `main` below: it finds the student's .py or .ipynb file, grades it like
`kerasgan grade run`, and always leaves a valid results.json, even when
nothing gradable was handed in.

Example:

```python
make_autograder("dcgan-mnist", "autograder.zip", data_path="mnist_subset.npz")
```
"""

import argparse
import json
import sys
import zipfile
from pathlib import Path

from kerasgan import files
from kerasgan.grading.assignments import get_assignment

TEMPLATES = Path(__file__).resolve().parent / "autograder"
PACKAGE_ROOT = Path(__file__).resolve().parents[1]  # the kerasgan folder
EXECUTABLE = 0o755
READABLE = 0o644


def make_autograder(
    assignment, out_path, data_path=None, seconds=None, memory_gb=None, visibility="visible"
):
    """Writes the Gradescope autograder zip for `assignment`.

    Args:
        assignment: an assignment name.
        out_path: the .zip file to write.
        data_path: optional real-data .npz to bundle (keeps Gradescope off the network).
        seconds, memory_gb: limits for the student's process (default: the assignment's).
        visibility: of the test results: "visible", "hidden", "after_due_date" or
            "after_published".

    Returns:
        The zip's path.
    """
    from kerasgan.grading import gradescope

    assignment = get_assignment(assignment)
    if visibility not in gradescope.VISIBILITIES:
        raise ValueError(
            f"visibility must be one of {', '.join(gradescope.VISIBILITIES)}; got {visibility!r}."
        )
    out_path = Path(out_path)
    if out_path.suffix.lower() != ".zip":
        raise ValueError(f"The autograder must be a .zip file; got {out_path}.")
    if data_path is not None:
        from kerasgan.grading.context import check_data_file

        # Refused now, in one sentence, rather than on Gradescope, for every student.
        check_data_file(assignment, data_path)
    config = {
        "assignment": assignment.name,
        "data": None,
        "seconds": seconds,
        "memory_gb": memory_gb,
        "visibility": visibility,
        "starter_file": assignment.starter_file,
    }
    with files.atomic_path(out_path) as temporary:
        with zipfile.ZipFile(temporary, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in ("setup.sh", "run_autograder"):
                _add(archive, name, (TEMPLATES / name).read_bytes(), EXECUTABLE)
            for path in sorted(PACKAGE_ROOT.rglob("*")):
                if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
                    relative = path.relative_to(PACKAGE_ROOT.parent)
                    mode = EXECUTABLE if path.name in ("setup.sh", "run_autograder") else READABLE
                    _add(archive, f"package/{relative.as_posix()}", path.read_bytes(), mode)
            if data_path is not None:
                data_path = Path(data_path)
                config["data"] = f"data/{data_path.name}"
                _add(archive, config["data"], data_path.read_bytes(), READABLE)
            _add(archive, "autograder.json", json.dumps(config, indent=2).encode(), READABLE)
    return out_path


def _add(archive, name, data, mode):
    info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
    info.external_attr = (0o100000 | mode) << 16  # a regular file with these permissions
    info.compress_type = zipfile.ZIP_DEFLATED
    archive.writestr(info, data)


def find_submission_file(folder, preferred_name=None):
    """The student's .py or .ipynb file in Gradescope's submission folder, or None.

    Several candidates: the one named like the starter file wins, then the only
    notebook, then the first .py file by name.
    """
    folder = Path(folder)
    candidates = sorted(
        path
        for path in folder.rglob("*")
        if path.is_file()
        and path.suffix.lower() in (".py", ".ipynb")
        and ".ipynb_checkpoints" not in path.parts
        and "__MACOSX" not in path.parts
    )
    if not candidates:
        return None
    for path in candidates:
        if preferred_name and path.name == preferred_name:
            return path
    notebooks = [path for path in candidates if path.suffix.lower() == ".ipynb"]
    if len(notebooks) == 1:
        return notebooks[0]
    return candidates[0]


def run_gradescope(config_path, submission_dir, results_path):
    """Grades the submission in `submission_dir` and writes Gradescope's results.json.

    A results file is written whatever happens: with score 0 and the reason when
    there is nothing to grade or the grader itself fails, so Gradescope shows
    the student a message instead of an autograder error.
    """
    from kerasgan.grading.grader import default_limits, grade_submission, write_results

    config_path = Path(config_path)
    config = json.loads(config_path.read_text(encoding="utf-8"))
    assignment = get_assignment(config["assignment"])
    submission = find_submission_file(submission_dir, config.get("starter_file"))
    if submission is None:
        return _write_failure(
            results_path,
            assignment,
            "No .py or .ipynb file was found in the submission: upload your completed "
            f"{config.get('starter_file') or 'starter file'}.",
        )
    data = config.get("data")
    data_path = config_path.parent / data if data else None
    limits = default_limits(assignment, config.get("seconds"), config.get("memory_gb"))
    try:
        graded = grade_submission(assignment, submission, data_path=data_path, limits=limits)
    except Exception as error:  # the grader's own failure still gives the student a message
        return _write_failure(
            results_path,
            assignment,
            f"The autograder failed while grading {submission.name} ({type(error).__name__}: "
            f"{error}). Please tell your teacher.",
        )
    report_path = Path(results_path).parent / "report.md"
    return write_results(graded, results_path, report_path, config.get("visibility", "visible"))


def _write_failure(results_path, assignment, message):
    from kerasgan.grading import gradescope

    results = {
        "score": 0.0,
        "execution_time": 0,
        "output": message,
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": [
            {
                "name": check.title,
                "number": str(number),
                "score": 0.0,
                "max_score": float(check.points),
                "status": "failed",
                "output": f"Not graded: {message}",
                "tags": [check.name],
                "visibility": "visible",
            }
            for number, check in enumerate(assignment.checks, start=1)
        ],
    }
    gradescope.validate(results)
    files.write_json(results_path, results)
    return results


def main(argv=None):
    parser = argparse.ArgumentParser(description="Grade a Gradescope submission (run_autograder).")
    parser.add_argument("--config", required=True, help="autograder.json from the zip")
    parser.add_argument("--submission-dir", required=True, help="where Gradescope put the files")
    parser.add_argument("--results", required=True, help="the results.json to write")
    args = parser.parse_args(argv)
    from kerasgan.grading import sandbox

    with sandbox.stop_sandboxes_on_signals():
        results = run_gradescope(args.config, args.submission_dir, args.results)
    print(f"Score: {results['score']:g}; results written to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
