"""`grade batch` stopped halfway resumes: unchanged submissions keep their reports."""

import pytest

from kerasgan.grading import batch
from kerasgan.grading.assignments import get_assignment
from kerasgan.grading.checks import CheckResult
from kerasgan.grading.grader import GradedSubmission


class RecordingGrader:
    """Stands in for the child process: a grade from the file's length, and a list of calls."""

    def __init__(self):
        self.graded = []

    def __call__(self, assignment, path, limits=None, context=None, data_path=None):
        self.graded.append(path.stem)
        points = len(path.read_text()) % 5
        results = [
            CheckResult(check.name, check.title, min(points, check.points), float(check.points),
                        points >= check.points, f"{path.stem}: {points}")
            for check in assignment.checks
        ]
        return GradedSubmission(assignment, path, results, 12.0 + points, [], [f"note {points}"])


@pytest.fixture
def grader(monkeypatch):
    recording = RecordingGrader()
    monkeypatch.setattr(batch, "grade_submission", recording)
    # The shared inputs are loaded only when something is graded; no data needed here.
    monkeypatch.setattr(batch.GradingContext, "inputs", property(lambda self: None))
    monkeypatch.setattr(batch, "write_results", _write_results_without_report)
    return recording


def _write_results_without_report(graded, results_path, report_path=None):
    from kerasgan import files
    from kerasgan.grading import gradescope

    files.write_json(results_path, gradescope.results_json(graded))


def test_a_rerun_keeps_unchanged_grades_and_writes_the_same_gradebook(tmp_path, grader):
    folder = tmp_path / "submissions"
    folder.mkdir()
    for index, name in enumerate(["alice", "bob", "carol", "dan"]):
        (folder / f"{name}.py").write_text("x = 1\n" * (index + 1))
    gradebook = tmp_path / "grades.csv"
    assignment = get_assignment("dcgan-mnist")

    batch.grade_batch(assignment, folder, gradebook, workers=1, progress=lambda line: None)
    assert sorted(grader.graded) == ["alice", "bob", "carol", "dan"]
    first_gradebook = gradebook.read_text()

    # A kill halfway: dan's grade and the gradebook were never written.
    (tmp_path / "reports" / ".dan.grading.json").unlink()
    (tmp_path / "reports" / "dan.json").unlink()
    gradebook.unlink()
    grader.graded.clear()
    lines = []
    batch.grade_batch(assignment, folder, gradebook, workers=1, progress=lines.append)
    assert grader.graded == ["dan"]
    assert "alice: " in lines[0] and "(kept from an earlier run)" in lines[0]
    assert gradebook.read_text() == first_gradebook

    # A changed submission is graded again; so is every one when a setting changes.
    (folder / "bob.py").write_text("y = 2\n")
    grader.graded.clear()
    batch.grade_batch(assignment, folder, gradebook, workers=1, progress=lambda line: None)
    assert grader.graded == ["bob"]
    grader.graded.clear()
    batch.grade_batch(assignment, folder, gradebook, workers=1, seconds=99,
                      progress=lambda line: None)
    assert sorted(grader.graded) == ["alice", "bob", "carol", "dan"]
