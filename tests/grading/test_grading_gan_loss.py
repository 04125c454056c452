"""gan-loss-mnist: the reference earns full marks, and each planted mistake costs exactly its check.

The reference (submissions/gan_loss_reference.py) and the planted mistakes
(submissions/gan_loss_mistakes/CHECK.py, each a copy of the reference with one
line changed: a sign flipped, the interpolation weight drawn from a normal, the
penalty on the fakes, a sum instead of a mean) are graded once by the batch grader.
"""

import ast

import numpy as np
import pytest
from grading_submissions import SUBMISSIONS, copy_submissions

from kerasgan.cli import main
from kerasgan.grading.assignments import get_assignment
from kerasgan.grading.gan_loss_mnist import PENALTY_EXPECTED

ASSIGNMENT = get_assignment("gan-loss-mnist")
CHECK_NAMES = [check.name for check in ASSIGNMENT.checks]
MISTAKES = sorted(path.stem for path in (SUBMISSIONS / "gan_loss_mistakes").glob("*.py"))


@pytest.fixture(scope="module")
def gan_loss_batch(tmp_path_factory, mnist_npz):
    from kerasgan.grading.batch import grade_batch

    root = tmp_path_factory.mktemp("gan-loss-batch")
    sources = [("reference", SUBMISSIONS / "gan_loss_reference.py")]
    sources += [(name, SUBMISSIONS / "gan_loss_mistakes" / f"{name}.py") for name in MISTAKES]
    folder = copy_submissions(sources, root / "submissions")
    outcomes = grade_batch(
        "gan-loss-mnist", folder, root / "grades.csv", data_path=mnist_npz, workers=2,
        progress=lambda line: None,
    )
    return {
        "graded": {name: graded for name, graded, _ in outcomes},
        "errors": {name: error for name, _, error in outcomes if error},
    }


def test_the_four_planted_mistakes_of_the_issue_are_there():
    assert MISTAKES == ["interpolation_weights", "penalty_points", "penalty_value", "wasserstein_losses"]
    assert set(MISTAKES) <= set(CHECK_NAMES)
    assert ASSIGNMENT.max_score == 100


def test_reference_scores_full_marks(gan_loss_batch):
    assert gan_loss_batch["errors"] == {}
    graded = gan_loss_batch["graded"]["reference"]
    failed = {result.name: result.output for result in graded.results if not result.passed}
    assert failed == {}
    assert graded.score == graded.max_score == 100


@pytest.mark.parametrize("check_name", MISTAKES)
def test_planted_mistake_loses_exactly_its_check(gan_loss_batch, check_name):
    graded = gan_loss_batch["graded"][check_name]
    failed = sorted(result.name for result in graded.results if not result.passed)
    assert failed == [check_name], {r.name: r.output for r in graded.results if not r.passed}
    points = next(check.points for check in ASSIGNMENT.checks if check.name == check_name)
    assert graded.score == ASSIGNMENT.max_score - points


def test_failure_messages_name_the_mistake(gan_loss_batch):
    def message(name):
        results = gan_loss_batch["graded"][name].results
        return next(result.output for result in results if result.name == name)

    assert "the critic's sign flipped" in message("wasserstein_losses")
    assert "a sum over the 256 examples instead of a mean" in message("penalty_value")
    assert "uniformly in [0, 1]" in message("interpolation_weights")
    assert "on the fakes or on the real images" in message("penalty_points")


def test_penalty_probe_critics_have_the_gradients_the_checks_assume():
    """The hand-computed values, checked with kerasgan's own gradient penalty."""
    import importlib.util

    import tensorflow as tf

    from kerasgan import losses
    from kerasgan.grading.child import probe_tools  # noqa: F401 - the probes import it by name
    import sys

    sys.modules.setdefault("probe_tools", probe_tools)
    spec = importlib.util.spec_from_file_location(
        "gan_loss_probes", SUBMISSIONS.parents[2] / "kerasgan/grading/child/gan_loss_probes.py"
    )
    probes = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(probes)
    settings = ASSIGNMENT.settings
    critics = probes.penalty_critics(settings)
    count = 512
    real = tf.zeros((count, 28, 28, 1))
    fake = tf.fill((count, 28, 28, 1), 2.0 / 28.0)
    rng = np.random.default_rng(0)
    uniform = tf.constant(rng.uniform(0.0, 1.0, (count, 1, 1, 1)), tf.float32)
    normal = tf.constant(rng.standard_normal((count, 1, 1, 1)), tf.float32)
    for name, expected in PENALTY_EXPECTED.items():
        got = float(losses.gradient_penalty(critics[name], real, fake, uniform))
        assert abs(got - expected) < 1e-3, (name, got)
    # A normal weight leaves the segments: the segment critic sees it, the endpoint one does not.
    assert float(losses.gradient_penalty(critics["segment"], real, fake, normal)) > 1.5
    assert float(losses.gradient_penalty(critics["endpoints"], real, fake, normal)) < 0.05
    # On the fakes themselves (weight 1) the endpoint critic is steep: (3 - 1)^2 = 4.
    ones = tf.ones((count, 1, 1, 1))
    assert float(losses.gradient_penalty(critics["endpoints"], real, fake, ones)) == pytest.approx(4.0, abs=1e-3)
    assert float(losses.gradient_penalty(critics["segment"], real, fake, ones)) < 1e-3


def test_starter_defines_every_student_function(capsys):
    assert main(["grade", "starter", "gan-loss-mnist"]) == 0
    text = capsys.readouterr().out
    defined = {node.name for node in ast.parse(text).body if isinstance(node, ast.FunctionDef)}
    assert set(ASSIGNMENT.student_functions) <= defined
    assert "kerasgan grade run gan-loss-mnist" in text
    assert "raise NotImplementedError" in text
