"""`kerasgan evaluate` in-process: offline with the domain classifier, a report, clear errors."""

import json

import numpy as np
import pytest
from PIL import Image

from kerasgan.cli import main

from generators import confident_digits, lookup_conditional_generator


@pytest.fixture(scope="module")
def conditional_snapshot(tmp_path_factory, mnist_classifier, mnist_reference):
    """A saved [z, label] generator that draws one real test digit per class."""
    digits = confident_digits(mnist_classifier, mnist_reference)
    path = tmp_path_factory.mktemp("snapshot") / "generator-000010.keras"
    lookup_conditional_generator(digits).save(path)
    return path


def test_evaluate_prints_scores_and_writes_a_report(
    conditional_snapshot, mnist_npz, mnist_classifier, tmp_path, capsys
):
    report = tmp_path / "report" / "report.md"
    scores_file = tmp_path / "scores.json"
    status = main(
        [
            "evaluate",
            "--snapshot", str(conditional_snapshot),
            "--dataset", "mnist",
            "--path", str(mnist_npz),
            "--num", "200",
            "--report", str(report),
            "--json", str(scores_file),
        ]
    )  # fmt: skip
    output = capsys.readouterr().out
    assert status == 0
    assert "generator-000010.keras: 200 samples" in output
    assert f"extractor: {mnist_classifier.name}" in output
    assert "FID" in output and "KID" in output and "Recognised as requested class" in output

    scores = json.loads(scores_file.read_text())
    assert scores["extractor"] == mnist_classifier.name
    assert scores["conditional"] is True
    assert scores["num_images"] == 200
    # Every sample is a confidently recognised digit of the class asked for.
    assert scores["requested_class_share"] == 1.0
    assert scores["class_counts"] == [20] * 10
    assert scores["warnings"] == []

    text = report.read_text()
    assert text.startswith("# Evaluation of generator-000010.keras")
    assert "![generated samples](report-samples.png)" in text
    assert "![nearest training images](report-nearest.png)" in text
    assert "| Recognised as requested class | 100.0% |" in text
    assert "All 10 classes appear among 200 recognised samples." in text
    samples = np.asarray(Image.open(report.parent / "report-samples.png"))
    nearest = np.asarray(Image.open(report.parent / "report-nearest.png"))
    # One row per class, ten samples a row, 56-pixel (enlarged) digits.
    assert samples.shape[0] == 10 * (56 + 2) + 2
    assert nearest.shape[0] == 8 * (56 + 2) + 2


def test_a_missing_snapshot_is_one_sentence(tmp_path, capsys):
    status = main(["evaluate", "--snapshot", str(tmp_path / "nope.keras"), "--dataset", "mnist"])
    error = capsys.readouterr().err
    assert status == 2
    assert error.startswith("kerasgan: error: There is no snapshot at")
    assert "Traceback" not in error


def test_inception_without_internet_says_what_to_do(
    conditional_snapshot, mnist_npz, capsys, offline_downloads
):
    status = main(
        [
            "evaluate",
            "--snapshot", str(conditional_snapshot),
            "--dataset", "mnist",
            "--path", str(mnist_npz),
            "--num", "20",
            "--extractor", "inception",
        ]
    )  # fmt: skip
    error = capsys.readouterr().err
    assert status == 2
    assert "InceptionV3's ImageNet weights could not be downloaded" in error
    assert "--extractor domain" in error
    assert len(error.strip().splitlines()) == 1
