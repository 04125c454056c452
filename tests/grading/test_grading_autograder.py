"""Gradescope: the results.json validator, and the autograder zip run where Gradescope runs it."""

import json
import os
import subprocess
import sys
import zipfile

import pytest
from grading_submissions import SUBMISSIONS, colab_notebook

from kerasgan.grading import gradescope
from kerasgan.grading.gradescope_autograder import find_submission_file, make_autograder

MINIMAL = {
    "score": 10.0,
    "execution_time": 12,
    "output": "text",
    "visibility": "visible",
    "stdout_visibility": "hidden",
    "tests": [
        {"name": "a", "score": 10, "max_score": 10, "status": "passed", "output": "ok"},
        {"name": "b", "score": 0, "max_score": 5, "status": "failed", "tags": ["b"]},
    ],
}


def test_validator_accepts_the_documented_fields():
    assert gradescope.validate(json.loads(json.dumps(MINIMAL))) == MINIMAL


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda r: r.update(points=3), "field 'points'"),
        (lambda r: r["tests"][0].update(status="ok"), "tests[0].status must be one of"),
        (lambda r: r.update(visibility="public"), "results.json.visibility"),
        (lambda r: r.update(score="10"), "results.json.score must be int or float"),
        (lambda r: r["tests"][1].update(tags="b"), "tests[1].tags must be list"),
        (lambda r: r.update(score=float("nan")), "finite number"),
        (lambda r: r["tests"][0].update(passed=True), "field 'passed'"),
    ],
)
def test_validator_names_the_first_problem(change, message):
    results = json.loads(json.dumps(MINIMAL))
    change(results)
    with pytest.raises(ValueError, match=message.replace("[", r"\[").replace("]", r"\]")):
        gradescope.validate(results)


@pytest.fixture(scope="module")
def autograder_zip(tmp_path_factory, mnist_npz):
    """The dcgan-mnist autograder zip with the MNIST subset, built once for these tests."""
    folder = tmp_path_factory.mktemp("autograder-zip")
    return make_autograder("dcgan-mnist", folder / "autograder.zip", data_path=mnist_npz)


def test_autograder_zip_has_gradescopes_two_scripts_at_its_root(autograder_zip):
    with zipfile.ZipFile(autograder_zip) as archive:
        names = archive.namelist()
        modes = {info.filename: info.external_attr >> 16 for info in archive.infolist()}
        config = json.loads(archive.read("autograder.json"))
    assert {"setup.sh", "run_autograder", "autograder.json"} <= set(names)
    assert modes["run_autograder"] & 0o111 and modes["setup.sh"] & 0o111
    assert "package/kerasgan/grading/child/harness.py" in names
    assert "data/mnist_subset.npz" in names
    assert config["assignment"] == "dcgan-mnist" and config["data"] == "data/mnist_subset.npz"


def unpack_autograder(tmp_path, autograder_zip):
    """An /autograder tree in a temporary folder, as Gradescope builds it."""
    root = tmp_path / "autograder"
    with zipfile.ZipFile(autograder_zip) as archive:
        archive.extractall(root / "source")
    os.chmod(root / "source" / "run_autograder", 0o755)
    (root / "submission").mkdir()
    return root


def run_autograder(root):
    environment = {
        "PATH": os.environ["PATH"],
        "KERASGAN_AUTOGRADER_ROOT": str(root),
        "KERASGAN_PYTHON": sys.executable,
        "KERASGAN_CACHE": os.environ["KERASGAN_CACHE"],
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    completed = subprocess.run(
        ["bash", str(root / "source" / "run_autograder")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    results = json.loads((root / "results" / "results.json").read_text())
    return gradescope.validate(results)


def test_run_autograder_grades_the_submission_gradescope_put_there(tmp_path, autograder_zip):
    root = unpack_autograder(tmp_path, autograder_zip)
    student_folder = root / "submission" / "homework"
    student_folder.mkdir()
    (student_folder / "dcgan_mnist.py").write_text(
        (SUBMISSIONS / "hostile" / "missing_functions.py").read_text()
    )
    results = run_autograder(root)
    assert results["score"] == 30
    passed = sorted(test["tags"][0] for test in results["tests"] if test["status"] == "passed")
    assert passed == ["discriminator_output", "generator_output", "generator_range"]
    assert (root / "results" / "report.md").exists()


def test_run_autograder_grades_the_reference_notebook_at_full_marks(tmp_path, autograder_zip):
    # Uploaded from Colab: the reference in a notebook, with installs, magics and training code.
    root = unpack_autograder(tmp_path, autograder_zip)
    (root / "submission" / "dcgan_mnist.ipynb").write_text(
        colab_notebook((SUBMISSIONS / "dcgan_reference.py").read_text())
    )
    results = run_autograder(root)
    assert results["score"] == 100, [t["output"] for t in results["tests"] if t["score"] == 0]
    assert "cell 1, line 1: !pip install -q tensorflow" in results["output"]
    assert "cell 3, line 3: for epoch in range(50):" in results["output"]
    assert "## Not run" in (root / "results" / "report.md").read_text()
    from kerasgan.grading import sandbox

    if sandbox._works("bubblewrap"):  # as on Gradescope, whose images have bubblewrap
        assert "Graded without a full sandbox" not in results["output"]


def test_run_autograder_without_a_submission_still_writes_results(tmp_path, autograder_zip):
    root = unpack_autograder(tmp_path, autograder_zip)
    (root / "submission" / "notes.txt").write_text("I forgot to upload my code")
    results = run_autograder(root)
    assert results["score"] == 0
    assert "No .py or .ipynb file was found" in results["output"]


def test_submission_file_named_like_the_starter_wins(tmp_path):
    for name in ("a_helper.py", "dcgan_mnist.py", "scratch.ipynb"):
        (tmp_path / name).write_text("")
    assert find_submission_file(tmp_path, "dcgan_mnist.py").name == "dcgan_mnist.py"
    assert find_submission_file(tmp_path, "other.py").name == "scratch.ipynb"
    assert find_submission_file(tmp_path / "missing-folder-is-empty") is None
