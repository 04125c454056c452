"""`kerasgan grade`: starter, run, make-autograder and the errors a teacher may meet."""

import ast
import json
import zipfile

import numpy as np

import pytest
from grading_submissions import SUBMISSIONS

from kerasgan.cli import main
from kerasgan.grading import gradescope
from kerasgan.grading.assignments import assignment_names, get_assignment


@pytest.mark.parametrize("name", assignment_names())
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


def test_help_and_readme_list_every_assignment(capsys):
    with pytest.raises(SystemExit):
        main(["grade", "run", "--help"])
    shown = capsys.readouterr().out
    readme = (SUBMISSIONS.parents[2] / "README.md").read_text()
    grading_section = readme.split("### Grade a class's GANs")[1].split("\n### ")[0]
    for name in assignment_names():
        assert name in shown, name
        assert f"`{name}`" in grading_section, name


def bad_data_files(folder, mnist_npz):
    """(description, path, words the one sentence must hold) for files --data must refuse."""
    with np.load(mnist_npz) as archive:
        arrays = {key: archive[key] for key in archive.files}
    wrong_keys = folder / "wrong_keys.npz"
    np.savez(wrong_keys, images=arrays["x_train"], labels=arrays["y_train"])
    text = folder / "notes.npz"
    text.write_text("hello, world\n")  # 13 bytes of text
    empty = folder / "empty.npz"
    empty.write_bytes(b"")
    colour = folder / "colour.npz"  # CIFAR-10's shape for an MNIST assignment
    np.savez(
        colour,
        x_train=np.zeros((64, 32, 32, 3), np.uint8),
        y_train=np.zeros(64, np.uint8),
        x_test=np.zeros((32, 32, 32, 3), np.uint8),
        y_test=np.zeros(32, np.uint8),
    )
    few = folder / "few.npz"
    np.savez(
        few,
        x_train=arrays["x_train"][:10],
        y_train=arrays["y_train"][:10],
        x_test=arrays["x_test"][:10],
        y_test=arrays["y_test"][:10],
    )
    return [
        ("wrong keys", wrong_keys, "lacks the keys x_train, y_train, x_test, y_test"),
        ("a text file", text, "is not an .npz file"),
        ("an empty file", empty, "is empty"),
        ("the wrong image shape", colour, "has shape (64, 32, 32, 3)"),
        ("too few images", few, "holds 10 training and 10 test images"),
    ]


def test_make_autograder_refuses_bad_data_in_one_sentence(tmp_path, capsys, mnist_npz):
    for description, path, words in bad_data_files(tmp_path, mnist_npz):
        out = tmp_path / f"{path.stem}.zip"
        arguments = ["grade", "make-autograder", "dcgan-mnist", "-o", str(out), "--data", str(path)]
        status = main(arguments)
        error = capsys.readouterr().err
        assert status == 2, description
        assert error.startswith("kerasgan: error: ") and words in error, (description, error)
        assert len(error.strip().splitlines()) == 1 and "Traceback" not in error, description
        assert not out.exists() and list(tmp_path.glob(f".{path.stem}*")) == [], description
