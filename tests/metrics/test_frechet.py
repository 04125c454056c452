"""Frechet distance against closed forms and against SciPy's matrix square root."""

import numpy as np
import pytest
import scipy.linalg

from kerasgan.metrics.frechet import (
    feature_statistics,
    frechet_distance,
    frechet_distance_from_statistics,
)


def scipy_frechet_distance(mean_1, covariance_1, mean_2, covariance_2):
    """The textbook formula with scipy.linalg.sqrtm, as in the reference FID code."""
    root = scipy.linalg.sqrtm(covariance_1 @ covariance_2).real
    return float(
        np.sum((mean_1 - mean_2) ** 2)
        + np.trace(covariance_1)
        + np.trace(covariance_2)
        - 2 * np.trace(root)
    )


def random_covariance(random, dimension):
    factor = random.normal(size=(dimension, dimension))
    return factor @ factor.T / dimension + 0.1 * np.eye(dimension)


def test_shifted_identical_gaussians_are_the_squared_mean_distance():
    identity = np.eye(2)
    assert frechet_distance_from_statistics([0, 0], identity, [3, 4], identity) == pytest.approx(
        25.0, rel=1e-10
    )


def test_diagonal_gaussians_match_the_closed_form():
    # For diagonal covariances the matrix square root is elementwise:
    # d^2 = |mu_1 - mu_2|^2 + sum_i (sqrt(s1_i) - sqrt(s2_i))^2.
    random = np.random.default_rng(1)
    mean_1, mean_2 = random.normal(size=6), random.normal(size=6)
    variances_1, variances_2 = random.uniform(0.1, 4, size=6), random.uniform(0.1, 4, size=6)
    expected = np.sum((mean_1 - mean_2) ** 2) + np.sum(
        (np.sqrt(variances_1) - np.sqrt(variances_2)) ** 2
    )
    actual = frechet_distance_from_statistics(
        mean_1, np.diag(variances_1), mean_2, np.diag(variances_2)
    )
    assert actual == pytest.approx(expected, rel=1e-4)


def test_full_covariances_match_scipy_sqrtm():
    random = np.random.default_rng(2)
    dimension = 16
    mean_1, mean_2 = random.normal(size=dimension), random.normal(size=dimension)
    covariance_1 = random_covariance(random, dimension)
    covariance_2 = random_covariance(random, dimension)
    expected = scipy_frechet_distance(mean_1, covariance_1, mean_2, covariance_2)
    actual = frechet_distance_from_statistics(mean_1, covariance_1, mean_2, covariance_2)
    assert actual == pytest.approx(expected, rel=1e-4)


def test_features_match_numpy_statistics_and_scipy():
    random = np.random.default_rng(3)
    features_1 = random.normal(size=(500, 8))
    features_2 = random.normal(loc=0.5, scale=1.5, size=(400, 8)) @ random.normal(size=(8, 8))
    expected = scipy_frechet_distance(
        features_1.mean(0), np.cov(features_1.T), features_2.mean(0), np.cov(features_2.T)
    )
    assert frechet_distance(features_1, features_2) == pytest.approx(expected, rel=1e-4)


# SciPy's sqrtm warns that the product is singular (it is, on purpose) and still answers.
@pytest.mark.filterwarnings("ignore:Matrix is singular")
def test_rank_deficient_features_still_match_scipy():
    # More dimensions than samples and dead (all-zero) features: singular covariances,
    # which a ReLU feature layer on a few hundred images really produces.
    random = np.random.default_rng(4)
    features_1 = np.maximum(random.normal(size=(20, 32)), 0)
    features_2 = np.maximum(random.normal(loc=0.3, size=(25, 32)), 0)
    features_1[:, :4] = 0
    expected = scipy_frechet_distance(
        features_1.mean(0), np.cov(features_1.T), features_2.mean(0), np.cov(features_2.T)
    )
    assert frechet_distance(features_1, features_2) == pytest.approx(expected, rel=1e-4)


def test_a_set_against_itself_is_zero():
    features = np.random.default_rng(5).normal(size=(100, 10))
    assert frechet_distance(features, features) == pytest.approx(0.0, abs=1e-8)


def test_samples_of_gaussians_approach_the_closed_form():
    random = np.random.default_rng(6)
    features_1 = random.normal(0.0, 1.0, size=(20000, 3))
    features_2 = random.normal(1.0, 2.0, size=(20000, 3))
    # 3 * 1^2 (means) + 3 * (sqrt(1) - sqrt(4))^2 (variances) = 6.
    assert frechet_distance(features_1, features_2) == pytest.approx(6.0, rel=0.05)


def test_statistics_are_mean_and_unbiased_covariance():
    features = np.random.default_rng(7).normal(size=(50, 4))
    mean, covariance = feature_statistics(features)
    np.testing.assert_allclose(mean, features.mean(axis=0))
    np.testing.assert_allclose(covariance, np.cov(features, rowvar=False, ddof=1))


def test_mismatched_dimensions_say_what_to_do():
    with pytest.raises(ValueError, match="same feature extractor"):
        frechet_distance(np.zeros((5, 3)), np.zeros((5, 4)))


def test_non_finite_features_are_refused():
    features = np.ones((5, 3))
    features[2, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        frechet_distance(features, np.ones((5, 3)))
