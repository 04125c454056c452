"""cgan-mnist and cgan-cifar10: references earn full marks; ignoring labels costs exactly that check.

The checks shared with dcgan-mnist (shapes, range, losses, steps, training,
determinism) are the same functions, fed by the same probes, and their planted
mistakes are tested in test_grading_dcgan.py; here the two checks only a
conditional GAN has get theirs, on both datasets.
"""

import concurrent.futures

import numpy as np
import pytest
from grading_submissions import SUBMISSIONS, copy_submissions
from PIL import Image

from kerasgan.grading.assignments import get_assignment

PLANTED = ("generator_uses_labels", "discriminator_uses_labels")


@pytest.fixture(scope="module")
def cgan_batches(tmp_path_factory, mnist_npz, cifar10_npz):
    from kerasgan.grading.batch import grade_batch

    def graded_batch(dataset, data):
        root = tmp_path_factory.mktemp(f"cgan-{dataset}")
        sources = [("reference", SUBMISSIONS / f"cgan_{dataset}_reference.py")]
        sources += [
            (check, SUBMISSIONS / "cgan_mistakes" / f"{dataset}_{check}.py") for check in PLANTED
        ]
        folder = copy_submissions(sources, root / "submissions")
        outcomes = grade_batch(
            f"cgan-{dataset}",
            folder,
            root / "grades.csv",
            data_path=data,
            workers=2,
            progress=lambda line: None,
        )
        assert [error for _, _, error in outcomes if error] == []
        return {
            "graded": {name: graded for name, graded, _ in outcomes},
            "reports": root / "reports",
        }

    # Both batches at once: one after the other, each batch's third submission would be
    # graded alone, leaving the second core idle.
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        futures = {
            dataset: pool.submit(graded_batch, dataset, data)
            for dataset, data in (("mnist", mnist_npz), ("cifar10", cifar10_npz))
        }
        return {dataset: future.result() for dataset, future in futures.items()}


@pytest.mark.parametrize("dataset", ["mnist", "cifar10"])
def test_reference_scores_full_marks(cgan_batches, dataset):
    graded = cgan_batches[dataset]["graded"]["reference"]
    failed = {result.name: result.output for result in graded.results if not result.passed}
    assert failed == {}
    assert graded.score == graded.max_score == 100


@pytest.mark.parametrize("dataset", ["mnist", "cifar10"])
@pytest.mark.parametrize("check_name", PLANTED)
def test_ignoring_labels_loses_exactly_that_check(cgan_batches, dataset, check_name):
    assignment = get_assignment(f"cgan-{dataset}")
    graded = cgan_batches[dataset]["graded"][check_name]
    failed = {result.name: result.output for result in graded.results if not result.passed}
    assert list(failed) == [check_name], failed
    assert "label" in failed[check_name]
    points = next(check.points for check in assignment.checks if check.name == check_name)
    assert graded.score == assignment.max_score - points


def test_mnist_quality_message_gives_the_requested_class_share(cgan_batches):
    graded = cgan_batches["mnist"]["graded"]["reference"]
    message = next(result.output for result in graded.results if result.name == "sample_quality")
    assert "recognised as the class they were asked for" in message


@pytest.mark.parametrize("dataset", ["mnist", "cifar10"])
def test_report_grid_has_one_row_per_class(cgan_batches, dataset):
    grid = np.asarray(Image.open(cgan_batches[dataset]["reports"] / "reference-samples.png"))
    size = 28 if dataset == "mnist" else 32
    assert grid.shape == (10 * (size + 2) + 2, 8 * (size + 2) + 2, 3)
