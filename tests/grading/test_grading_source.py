"""What of a submission runs: notebook conversion and the top-level filter (no TensorFlow here)."""

import json

import pytest

from kerasgan.grading.source import keep_definitions, notebook_to_script, read_submission


def write_notebook(path, cells):
    notebook = {
        "cells": [
            {"cell_type": kind, "metadata": {}, "source": source.splitlines(keepends=True)}
            for kind, source in cells
        ],
        "metadata": {"colab": {"provenance": []}},
        "nbformat": 4,
        "nbformat_minor": 0,
    }
    path.write_text(json.dumps(notebook), encoding="utf-8")
    return path


def test_definitions_stay_and_training_code_goes(tmp_path):
    path = tmp_path / "student.py"
    path.write_text(
        "import keras\n"
        "LATENT_DIM = 64\n"
        "cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)\n"
        "def make_generator(latent_dim):\n"
        "    return latent_dim\n"
        "generator = make_generator(LATENT_DIM)\n"
        "(x_train, _), _ = keras.datasets.mnist.load_data()\n"
        "for epoch in range(50):\n"
        "    print(epoch)\n"
        "if __name__ == '__main__':\n"
        "    make_generator(1)\n"
    )
    submission = read_submission(path)
    assert submission.syntax_error is None
    kept = submission.code.splitlines()
    # Kept lines keep their numbers, so tracebacks point at the student's line.
    assert kept[3] == "def make_generator(latent_dim):"
    assert "cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)" in kept
    assert "LATENT_DIM = 64" in kept
    for gone in ("generator = make_generator", "load_data", "for epoch", "__main__"):
        assert gone not in submission.code
    assert [entry.split(":")[0] for entry in submission.not_run] == [
        "line 6",
        "line 7",
        "line 8",
        "line 10",
    ]
    assert {"make_generator", "cross_entropy", "LATENT_DIM", "keras"} <= submission.defined_names()


def test_notebook_magics_shell_escapes_and_colab_imports_are_removed(tmp_path):
    path = write_notebook(
        tmp_path / "homework.ipynb",
        [
            ("markdown", "# My GAN"),
            ("code", "!pip install tensorflow\n%matplotlib inline\nfrom google.colab import drive"),
            ("code", "%%bash\nrm -rf /"),
            (
                "code",
                "%%time\nimport numpy as np\nfiles = !ls\ndef double(x):\n    !echo hi\n    return 2 * x",
            ),
            ("code", "np.zeros?\ndouble(3)"),
        ],
    )
    submission = read_submission(path)
    assert submission.kind == "notebook"
    assert submission.syntax_error is None
    assert "rm -rf" not in submission.code
    assert "pip install" not in submission.code.replace("# not run: !pip install", "")
    assert "google.colab" not in submission.code.replace("# not run", "")
    namespace = {}
    exec(submission.code, namespace)  # the converted notebook is valid Python
    assert namespace["double"](3) == 6
    removed = "\n".join(submission.not_run)
    assert "cell 1, line 1: !pip install tensorflow" in removed
    assert "cell 2: a %%bash cell" in removed
    assert "cell 3, line 5: !echo hi" in removed
    assert "cell 4, line 2: double(3)" in removed


def test_syntax_error_names_the_notebook_cell(tmp_path):
    path = write_notebook(
        tmp_path / "broken.ipynb", [("code", "x = 1"), ("code", "def f(:\n  pass")]
    )
    submission = read_submission(path)
    assert submission.syntax_error.startswith("SyntaxError at cell 2, line 1")


def test_statements_sharing_a_line_fall_back_to_rebuilt_source():
    code, removed, error = keep_definitions(
        "import os; print('training')\ndef f():\n    return 1\n"
    )
    assert error is None and removed
    namespace = {}
    exec(code, namespace)
    assert namespace["f"]() == 1


def test_unknown_suffix_and_broken_notebook_are_value_errors(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    with pytest.raises(ValueError, match="neither a .py nor an .ipynb"):
        read_submission(tmp_path / "a.txt")
    with pytest.raises(ValueError, match="not a readable notebook"):
        notebook_to_script("{not json", "x.ipynb")
