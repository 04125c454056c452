"""Targets: the named distributions and the user's own (N, 2) arrays, and what is refused."""

import numpy as np
import pytest

from kerasgan.playground import TARGET_NAMES, get_target, target_from_points


@pytest.mark.parametrize("name", TARGET_NAMES)
def test_named_targets_are_finite_2d_points(name):
    target = get_target(name, seed=1)
    assert target.points.shape == (4096, 2) and target.points.dtype == np.float32
    assert np.all(np.isfinite(target.points))
    low, high = target.bounds()
    assert np.all(target.points.min(0) > low) and np.all(target.points.max(0) < high)


def test_ring_and_grid_have_their_modes():
    ring, grid = get_target("ring"), get_target("grid")
    assert ring.centres.shape == (8, 2) and grid.centres.shape == (25, 2)
    np.testing.assert_allclose(np.linalg.norm(ring.centres, axis=1), 2.0)
    # Every real point lies near its own mode: the mode's standard deviation is right.
    distances = np.linalg.norm(ring.points[:, None] - ring.centres[None], axis=-1).min(axis=1)
    assert np.mean(distances <= 3 * ring.mode_std) > 0.98


def test_any_array_of_2d_points_is_a_target():
    points = np.random.default_rng(0).normal(size=(100, 2))
    target = get_target(points)
    assert target.name == "points" and target.centres is None
    np.testing.assert_array_equal(target.points, points.astype(np.float32))


@pytest.mark.parametrize(
    "bad, words",
    [
        ("triangle", "Unknown playground target 'triangle'"),
        (np.zeros((10, 3)), "shaped (10, 3)"),
        (np.zeros(10), "shaped (10,)"),
        (np.array([[0.0, 1.0], [np.nan, 2.0], [3.0, 4.0]]), "1 point(s) with NaN"),
    ],
)
def test_bad_targets_are_refused_in_one_sentence(bad, words):
    with pytest.raises(ValueError) as error:
        get_target(bad)
    assert words in str(error.value)
    assert str(error.value).count(". ") == 0  # one sentence
