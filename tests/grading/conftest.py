"""Fixtures for the grading tests: submissions graded once per session, in parallel.

Each graded submission costs a child process with TensorFlow and a short
training run, so the expensive results are shared: the reference, the
planted mistakes and the TODO variants of dcgan-mnist are graded together by
the batch grader (which is itself under test), and every test reads from that
one batch.
"""

import pytest
from grading_submissions import (
    SUBMISSIONS,
    colab_notebook,
    copy_submissions,
    todo_functions,
    with_todo,
)

# The planted mistake of dcgan-mnist that the batch grades as a Colab notebook.
NOTEBOOK_MISTAKE = "determinism"


@pytest.fixture(scope="session")
def dcgan_batch(tmp_path_factory, mnist_npz):
    """The dcgan-mnist reference and each planted mistake, graded by `grade_batch`.

    One planted mistake (NOTEBOOK_MISTAKE) comes as a Colab notebook: the batch finds
    .ipynb files too, and a notebook must lose exactly the points its script would.
    The reference with each starter TODO put back (test_grading_todo.py) is graded in
    the same batch: one batch keeps both workers busy to its end, where two batches
    would each finish with one worker idle.

    Returns a dict with "graded" (name -> GradedSubmission), "errors", "gradebook",
    "reports", "notebook" (the name of the mistake graded as a notebook) and "todos"
    (TODO function -> the name of its variant).
    """
    from kerasgan.grading.assignments import get_assignment
    from kerasgan.grading.batch import grade_batch

    root = tmp_path_factory.mktemp("dcgan-batch")
    sources = [("reference", SUBMISSIONS / "dcgan_reference.py")]
    sources += [(path.stem, path) for path in sorted((SUBMISSIONS / "dcgan_mistakes").glob("*.py"))]
    folder = copy_submissions(sources, root / "submissions")
    script = folder / f"{NOTEBOOK_MISTAKE}.py"
    (folder / f"{NOTEBOOK_MISTAKE}.ipynb").write_text(colab_notebook(script.read_text()))
    script.unlink()
    reference = (SUBMISSIONS / "dcgan_reference.py").read_text()
    todos = todo_functions(get_assignment("dcgan-mnist").starter_text())
    for function in todos:
        (folder / f"todo_{function}.py").write_text(with_todo(reference, function))
    gradebook = root / "grades.csv"
    outcomes = grade_batch(
        "dcgan-mnist", folder, gradebook, data_path=mnist_npz, workers=2, progress=lambda line: None
    )
    return {
        "graded": {name: graded for name, graded, _ in outcomes},
        "errors": {name: error for name, _, error in outcomes if error},
        "gradebook": gradebook,
        "reports": root / "reports",
        "notebook": NOTEBOOK_MISTAKE,
        "todos": {function: f"todo_{function}" for function in todos},
    }
