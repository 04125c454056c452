"""Fixtures for the grading tests: submissions graded once per session, in parallel.

Each graded submission costs a child process with TensorFlow and a short
training run, so the expensive results are shared: the reference and the
planted mistakes of dcgan-mnist are graded together by the batch grader
(which is itself under test), and every test reads from that one batch.
"""

import pytest
from grading_submissions import SUBMISSIONS, colab_notebook, copy_submissions


@pytest.fixture(scope="session")
def dcgan_batch(tmp_path_factory, mnist_npz):
    """The dcgan-mnist reference and each planted mistake, graded by `grade_batch`.

    Returns a dict with "graded" (name -> GradedSubmission), "gradebook" and "reports".
    """
    from kerasgan.grading.batch import grade_batch

    root = tmp_path_factory.mktemp("dcgan-batch")
    sources = [("reference", SUBMISSIONS / "dcgan_reference.py")]
    sources += [(path.stem, path) for path in sorted((SUBMISSIONS / "dcgan_mistakes").glob("*.py"))]
    folder = copy_submissions(sources, root / "submissions")
    reference_code = (SUBMISSIONS / "dcgan_reference.py").read_text()
    (folder / "reference_notebook.ipynb").write_text(colab_notebook(reference_code))
    gradebook = root / "grades.csv"
    outcomes = grade_batch(
        "dcgan-mnist", folder, gradebook, data_path=mnist_npz, workers=2, progress=lambda line: None
    )
    return {
        "graded": {name: graded for name, graded, _ in outcomes},
        "errors": {name: error for name, _, error in outcomes if error},
        "gradebook": gradebook,
        "reports": root / "reports",
    }
