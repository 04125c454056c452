"""dcgan-mnist: the reference earns full marks, and each planted mistake costs exactly its check.

The reference (submissions/dcgan_reference.py) and the planted mistakes
(submissions/dcgan_mistakes/CHECK.py, one per check, each a copy of the
reference with one line changed; one of them as a Colab notebook) are graded
once by the batch grader; see conftest.py.
"""

import csv
import json

import numpy as np
import pytest
from PIL import Image

from kerasgan.grading import gradescope
from kerasgan.grading.assignments import get_assignment

ASSIGNMENT = get_assignment("dcgan-mnist")
CHECK_NAMES = [check.name for check in ASSIGNMENT.checks]


def test_batch_graded_every_submission(dcgan_batch):
    assert dcgan_batch["errors"] == {}
    todos = dcgan_batch["todos"].values()  # judged in test_grading_todo.py
    assert set(dcgan_batch["graded"]) == {"reference", *CHECK_NAMES, *todos}


def test_reference_scores_full_marks(dcgan_batch):
    graded = dcgan_batch["graded"]["reference"]
    failed = {result.name: result.output for result in graded.results if not result.passed}
    assert failed == {}
    assert graded.score == graded.max_score == 100
    assert graded.problems == []


def test_colab_notebook_is_graded_like_the_script(dcgan_batch):
    # A planted mistake in a notebook: every other check passes, training included, as for
    # the scripts (the reference notebook scores 100 in test_grading_autograder.py).
    name = dcgan_batch["notebook"]
    graded = dcgan_batch["graded"][name]
    assert graded.path.suffix == ".ipynb"
    failed = [result.name for result in graded.results if not result.passed]
    assert failed == [name], {r.name: r.output for r in graded.results if not r.passed}
    not_run = "\n".join(graded.not_run)
    assert "cell 1, line 1: !pip install -q tensorflow" in not_run
    assert "cell 4: a %%bash cell" in not_run
    assert "cell 3, line 1: (x_train, _), _ = keras.datasets.mnist.load_data()" in not_run
    assert "cell 3, line 3: for epoch in range(50):" in not_run
    report = (dcgan_batch["reports"] / f"{name}.md").read_text()
    assert "## Not run" in report


@pytest.mark.parametrize("check_name", CHECK_NAMES)
def test_planted_mistake_loses_exactly_its_check(dcgan_batch, check_name):
    graded = dcgan_batch["graded"][check_name]
    failed = sorted(result.name for result in graded.results if not result.passed)
    assert failed == [check_name], {r.name: r.output for r in graded.results if not r.passed}
    points = next(check.points for check in ASSIGNMENT.checks if check.name == check_name)
    assert graded.score == ASSIGNMENT.max_score - points


def test_failure_messages_say_what_was_expected_and_what_came_back(dcgan_batch):
    messages = {
        name: next(r.output for r in dcgan_batch["graded"][name].results if r.name == name)
        for name in CHECK_NAMES
    }
    assert messages["generator_output"].startswith(
        "make_generator returns float64 images shaped (N, 28, 28, 1); the assignment asks for "
        "float32 images shaped (N, 28, 28, 1)."
    )
    assert "expected float32 images shaped (16, 28, 28, 1)" in messages["generator_output"]
    assert "float64" in messages["generator_output"]
    assert "tanh" in messages["generator_range"]
    assert "(16, 1, 1)" in messages["discriminator_output"]
    assert "sums over the batch instead of means" in messages["discriminator_loss"]
    assert "expected" in messages["generator_loss"] and "got" in messages["generator_loss"]
    assert "the generator's weights changed" in messages["discriminator_step"]
    assert "the discriminator's weights changed" in messages["generator_step"]
    assert "(d_loss, g_loss) in that order" in messages["losses_fall"]
    assert "classifier score" in messages["sample_quality"]
    assert "gave different results" in messages["determinism"]


def test_gradebook_has_one_row_per_submission_and_a_column_per_check(dcgan_batch):
    with open(dcgan_batch["gradebook"], newline="") as handle:
        rows = list(csv.DictReader(handle))
    expected = ["reference", *CHECK_NAMES, *dcgan_batch["todos"].values()]
    assert [row["submission"] for row in rows] == sorted(expected)
    by_name = {row["submission"]: row for row in rows}
    assert by_name["reference"]["score"] == "100"
    assert by_name["reference"]["status"] == "graded"
    assert by_name["generator_range"]["generator_range"] == "0"
    assert by_name["generator_range"]["generator_output"] == "10"


def test_results_json_follows_the_gradescope_field_list(dcgan_batch):
    results = json.loads((dcgan_batch["reports"] / "generator_range.json").read_text())
    gradescope.validate(results)
    assert set(results) <= set(gradescope.TOP_LEVEL_FIELDS)
    assert results["score"] == 90
    assert isinstance(results["execution_time"], int)
    assert len(results["tests"]) == len(CHECK_NAMES)
    for test in results["tests"]:
        assert {"name", "score", "max_score", "status", "output", "visibility"} <= set(test)
        assert test["status"] in ("passed", "failed") and test["visibility"] == "visible"
    failed = [test for test in results["tests"] if test["status"] == "failed"]
    assert [test["tags"] for test in failed] == [["generator_range"]]
    assert sum(test["score"] for test in results["tests"]) == results["score"]


def test_report_shows_the_table_the_messages_and_a_sample_grid(dcgan_batch):
    report = (dcgan_batch["reports"] / "reference.md").read_text()
    assert "**Score: 100 / 100**" in report
    assert "![samples](reference-samples.png)" in report
    assert "| 2 | make_generator: pixels stay in [-1, 1]" in report
    grid = np.asarray(Image.open(dcgan_batch["reports"] / "reference-samples.png"))
    # 8 x 8 samples of 28 pixels with 2-pixel padding, in colour.
    assert grid.shape == (8 * 30 + 2, 8 * 30 + 2, 3)
    assert grid.std() > 20  # drawn strokes, not a blank image
