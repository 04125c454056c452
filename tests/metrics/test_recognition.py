"""The class-recognition score, by hand on made-up probabilities and on real digits."""

import numpy as np
import pytest

from kerasgan.metrics.recognition import (
    class_recognition_from_probabilities,
    class_recognition_score,
)


def test_counts_on_hand_made_probabilities():
    probabilities = np.array(
        [
            [0.95, 0.05, 0.00],  # class 0, confident
            [0.60, 0.40, 0.00],  # class 0, unsure: not recognised
            [0.02, 0.97, 0.01],  # class 1, confident
            [0.00, 0.01, 0.99],  # class 2, confident
        ]
    )
    score = class_recognition_from_probabilities(probabilities, threshold=0.9)
    assert score["recognised_share"] == pytest.approx(0.75)
    assert score["class_counts"] == [1, 1, 1]
    assert score["classes_recognised"] == 3
    assert score["requested_class_share"] is None
    # Asked for 0, 0, 2, 2: image 0 is right and recognised, image 1 right but unsure,
    # image 2 recognised as the wrong class, image 3 right.
    score = class_recognition_from_probabilities(probabilities, [0, 0, 2, 2], threshold=0.9)
    assert score["requested_class_share"] == pytest.approx(0.5)


def test_real_digits_are_recognised_as_their_labels(mnist_classifier, mnist_reference):
    images, labels = mnist_reference.x_test[:1000], mnist_reference.y_test[:1000]
    score = class_recognition_score(mnist_classifier, images, requested_labels=labels)
    assert score["recognised_share"] > 0.8
    assert score["classes_recognised"] == 10
    assert score["requested_class_share"] > 0.8
    assert score["extractor"] == mnist_classifier.name
    # The same digits with every label shifted by one: hardly any match what was asked.
    wrong = class_recognition_score(mnist_classifier, images, requested_labels=(labels + 1) % 10)
    assert wrong["requested_class_share"] < 0.05
    assert wrong["recognised_share"] == score["recognised_share"]


def test_blank_and_grey_images_are_not_confidently_digits(mnist_classifier):
    blank = -np.ones((50, 28, 28, 1), np.float32)
    grey = np.zeros((50, 28, 28, 1), np.float32)
    for images in (blank, grey):
        assert class_recognition_score(mnist_classifier, images)["recognised_share"] < 0.5


def test_one_label_per_image_is_required(mnist_classifier):
    with pytest.raises(ValueError, match="one label per image"):
        class_recognition_from_probabilities(np.full((3, 10), 0.1), requested_labels=[1, 2])
    with pytest.raises(ValueError, match="class indices 0 to 9"):
        class_recognition_from_probabilities(np.full((2, 10), 0.1), requested_labels=[1, 10])
