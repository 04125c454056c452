"""Nearest training images against SciPy, and a copy rate that tells copies from new images."""

import numpy as np
import pytest
from PIL import Image
from scipy.spatial.distance import cdist

from kerasgan.metrics.memorisation import (
    copy_rate,
    nearest_training_images,
    save_nearest_neighbour_grid,
)


def as_flat_floats(images):
    return images.reshape(len(images), -1).astype(np.float64) / 127.5 - 1.0


def test_nearest_training_images_match_scipy(mnist_reference):
    samples = mnist_reference.x_test[:300]
    training = mnist_reference.x_train[:1000]
    indices, distances = nearest_training_images(samples, training, k=3)
    expected = cdist(as_flat_floats(samples), as_flat_floats(training))
    np.testing.assert_array_equal(indices, np.argsort(expected, axis=1)[:, :3])
    np.testing.assert_allclose(distances, np.sort(expected, axis=1)[:, :3], rtol=1e-4)


def test_copies_of_training_images_are_flagged_and_new_images_are_not(mnist_reference):
    training, held_out = mnist_reference.x_train, mnist_reference.x_test[:500]
    random = np.random.default_rng(0)
    # A "generator" that memorised: training digits with a little noise.
    copies = training[:300].astype(np.float32) / 127.5 - 1.0
    copies = np.clip(copies + random.normal(scale=0.05, size=copies.shape), -1, 1)
    copied = copy_rate(copies, training, held_out)
    assert copied["copy_rate"] > 0.95
    # Real digits the generator never saw: about the 5% baseline, by construction.
    new = copy_rate(mnist_reference.x_test[5000:5500], training, held_out)
    assert new["copy_rate"] < 0.15
    assert new["quantile"] == 0.05
    assert copied["median_sample_distance"] < new["median_sample_distance"]


def test_nearest_neighbour_grid_is_a_png_with_a_row_per_sample(mnist_reference, tmp_path):
    path = save_nearest_neighbour_grid(
        tmp_path / "nearest.png", mnist_reference.x_test[:3], mnist_reference.x_train, k=4
    )
    picture = np.asarray(Image.open(path))
    # 3 rows of 56-pixel (enlarged) digits with 2-pixel padding.
    assert picture.shape[0] == 3 * (56 + 2) + 2
    assert picture.shape[1] > 5 * 56


def test_mismatched_sizes_are_refused():
    with pytest.raises(ValueError, match="same size"):
        nearest_training_images(np.zeros((2, 28, 28)), np.zeros((5, 32, 32)))
