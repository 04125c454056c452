"""Precision and recall against a SciPy k-d tree implementation of Kynkaanniemi et al."""

import numpy as np
import pytest
from scipy.spatial import cKDTree

from kerasgan.metrics.precision_recall import nearest_neighbour_radii, precision_recall


def scipy_precision_recall(real, generated, k):
    def radii(points):
        # k + 1 neighbours: the first one is the point itself, at distance 0.
        distances, _ = cKDTree(points).query(points, k=k + 1)
        return distances[:, k]

    def coverage(manifold, manifold_radii, queries):
        tree = cKDTree(manifold)
        inside = 0
        for query in queries:
            neighbours = tree.query_ball_point(query, r=manifold_radii.max())
            distances = np.linalg.norm(manifold[neighbours] - query, axis=1)
            inside += bool(np.any(distances <= manifold_radii[neighbours]))
        return inside / len(queries)

    return (
        coverage(real, radii(real), generated),
        coverage(generated, radii(generated), real),
    )


@pytest.mark.parametrize("k", [1, 3, 5])
def test_matches_scipy_on_overlapping_gaussians(k):
    random = np.random.default_rng(k)
    real = random.normal(size=(300, 4))
    generated = random.normal(loc=0.7, scale=0.6, size=(250, 4))
    expected_precision, expected_recall = scipy_precision_recall(real, generated, k)
    scores = precision_recall(real, generated, k=k)
    assert scores["precision"] == pytest.approx(expected_precision, rel=1e-4)
    assert scores["recall"] == pytest.approx(expected_recall, rel=1e-4)
    assert (
        0 < scores["recall"] < scores["precision"] <= 1
    )  # a narrow generator: precise, low recall


def test_radii_match_scipy():
    points = np.random.default_rng(10).normal(size=(2500, 3))  # more rows than one chunk
    distances, _ = cKDTree(points).query(points, k=4)
    np.testing.assert_allclose(nearest_neighbour_radii(points, k=3), distances[:, 3], rtol=1e-6)


def test_identical_sets_have_perfect_scores_and_distant_sets_zero():
    real = np.random.default_rng(11).normal(size=(100, 5))
    assert precision_recall(real, real) == {"precision": 1.0, "recall": 1.0}
    assert precision_recall(real, real + 100.0) == {"precision": 0.0, "recall": 0.0}


def test_collapsed_generator_is_precise_but_recalls_little():
    random = np.random.default_rng(12)
    real = random.normal(size=(400, 2))
    collapsed = random.normal(scale=0.05, size=(400, 2))  # everything near one mode
    scores = precision_recall(real, collapsed)
    assert scores["precision"] > 0.95
    assert scores["recall"] < 0.2


def test_k_must_leave_a_neighbour():
    with pytest.raises(ValueError, match="k must be between 1"):
        precision_recall(np.zeros((3, 2)), np.ones((3, 2)), k=3)
