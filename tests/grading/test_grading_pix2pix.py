"""pix2pix: the reference earns full marks; its own planted mistakes cost exactly their check.

The missing L1 weight, a discriminator that ignores the input, and one logit
per pair instead of a map of patches are the mistakes only pix2pix has; the
checks it shares with the GANs are the same functions, tested in
test_grading_dcgan.py.
"""

import numpy as np
import pytest
from grading_submissions import SUBMISSIONS, copy_submissions
from PIL import Image

from kerasgan.grading.assignments import get_assignment
from kerasgan.grading.pix2pix import grey

ASSIGNMENT = get_assignment("pix2pix")
PLANTED = ("generator_loss", "discriminator_uses_input", "discriminator_output")


@pytest.fixture(scope="module")
def pix2pix_batch(tmp_path_factory, cifar10_npz):
    from kerasgan.grading.batch import grade_batch

    root = tmp_path_factory.mktemp("pix2pix")
    sources = [("reference", SUBMISSIONS / "pix2pix_reference.py")]
    sources += [(check, SUBMISSIONS / "pix2pix_mistakes" / f"{check}.py") for check in PLANTED]
    folder = copy_submissions(sources, root / "submissions")
    outcomes = grade_batch(
        "pix2pix",
        folder,
        root / "grades.csv",
        data_path=cifar10_npz,
        workers=2,
        progress=lambda line: None,
    )
    assert [error for _, _, error in outcomes if error] == []
    return {"graded": {name: graded for name, graded, _ in outcomes}, "reports": root / "reports"}


def test_reference_scores_full_marks(pix2pix_batch):
    graded = pix2pix_batch["graded"]["reference"]
    failed = {result.name: result.output for result in graded.results if not result.passed}
    assert failed == {}
    assert graded.score == graded.max_score == 100


@pytest.mark.parametrize("check_name", PLANTED)
def test_planted_mistake_loses_exactly_its_check(pix2pix_batch, check_name):
    graded = pix2pix_batch["graded"][check_name]
    failed = {result.name: result.output for result in graded.results if not result.passed}
    assert list(failed) == [check_name], failed
    points = next(check.points for check in ASSIGNMENT.checks if check.name == check_name)
    assert graded.score == ASSIGNMENT.max_score - points


def test_missing_l1_weight_is_named_in_the_message(pix2pix_batch):
    graded = pix2pix_batch["graded"]["generator_loss"]
    message = next(result.output for result in graded.results if result.name == "generator_loss")
    assert "the L1 term without its weight of 100" in message


def test_report_grid_shows_inputs_outputs_and_targets(pix2pix_batch):
    grid = np.asarray(Image.open(pix2pix_batch["reports"] / "reference-samples.png"))
    assert grid.shape == (3 * 34 + 2, 8 * 34 + 2, 3)
    first_row = grid[2:34, 2:34]
    # The first row holds the grey inputs: the three colour channels are equal.
    assert np.array_equal(first_row[..., 0], first_row[..., 1])


def test_grey_inputs_are_the_luma_of_the_photos():
    photo = np.array([[[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]]], np.uint8)
    assert grey(photo)[0, 0, :, 0].tolist() == [76, 150, 29, 255]
