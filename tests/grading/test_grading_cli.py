"""`kerasgan grade`: starter, run, make-autograder and the errors a teacher may meet."""

import ast
import json
import zipfile

import pytest
from grading_submissions import SUBMISSIONS

from kerasgan.cli import main
from kerasgan.grading import gradescope
from kerasgan.grading.assignments import get_assignment


@pytest.mark.parametrize("name", ["dcgan-mnist", "cgan-mnist", "cgan-cifar10", "pix2pix"])
def test_starter_prints_a_file_defining_every_student_function(capsys, name):
    assert main(["grade", "starter", name]) == 0
    text = capsys.readouterr().out
    defined = {node.name for node in ast.parse(text).body if isinstance(node, ast.FunctionDef)}
    assert set(get_assignment(name).student_functions) <= defined
    assert f"kerasgan grade run {name}" in text
    assert "raise NotImplementedError" in text  # the starter is not the solution


def test_run_writes_results_and_report_for_a_submission_that_does_not_parse(tmp_path, capsys):
    out, report = tmp_path / "out" / "results.json", tmp_path / "report.md"
    status = main(
        [
            "grade",
            "run",
            "dcgan-mnist",
            str(SUBMISSIONS / "hostile" / "syntax_error.py"),
            "--out",
            str(out),
            "--report",
            str(report),
        ]
    )
    assert status == 0
    results = gradescope.validate(json.loads(out.read_text()))
    assert results["score"] == 0
    assert "SyntaxError at line 4" in results["output"]
    assert "**Score: 0 / 100**" in report.read_text()
    assert "Score: 0 / 100" in capsys.readouterr().out


def test_unknown_assignment_is_a_one_line_error(tmp_path, capsys):
    status = main(["grade", "run", "gan-101", str(tmp_path / "x.py")])
    assert status == 2
    error = capsys.readouterr().err
    assert error.startswith("kerasgan: error: Unknown assignment 'gan-101': choose one of")


def test_missing_submission_file_is_a_one_line_error(tmp_path, capsys):
    status = main(["grade", "run", "dcgan-mnist", str(tmp_path / "absent.py")])
    assert status == 2
    assert "No submission at" in capsys.readouterr().err


def test_make_autograder_writes_the_zip(tmp_path, capsys):
    path = tmp_path / "autograder.zip"
    assert main(["grade", "make-autograder", "dcgan-mnist", "-o", str(path)]) == 0
    with zipfile.ZipFile(path) as archive:
        assert json.loads(archive.read("autograder.json"))["data"] is None
    assert "Wrote" in capsys.readouterr().out


def test_batch_refuses_a_folder_without_submissions(tmp_path, capsys):
    (tmp_path / "readme.txt").write_text("nothing here")
    status = main(["grade", "batch", "dcgan-mnist", str(tmp_path), "--gradebook", "g.csv"])
    assert status == 2
    assert "has no .py or .ipynb submissions" in capsys.readouterr().err
