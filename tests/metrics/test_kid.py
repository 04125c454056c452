"""KID against an independent, loop-by-loop MMD computation."""

import itertools

import numpy as np
import pytest

from kerasgan.metrics.kid import kernel_inception_distance, mmd_squared_unbiased


def loop_mmd_squared_unbiased(x, y):
    """Binkowski et al.'s unbiased MMD^2 written as plain sums over pairs."""
    m, dimension = len(x), x.shape[1]

    def kernel(a, b):
        return (float(np.dot(a, b)) / dimension + 1.0) ** 3

    within_x = sum(kernel(x[i], x[j]) for i, j in itertools.permutations(range(m), 2))
    within_y = sum(kernel(y[i], y[j]) for i, j in itertools.permutations(range(m), 2))
    between = sum(kernel(x[i], y[j]) for i in range(m) for j in range(m))
    return within_x / (m * (m - 1)) + within_y / (m * (m - 1)) - 2 * between / (m * m)


def test_unbiased_mmd_matches_the_loop_formula():
    random = np.random.default_rng(0)
    x = random.normal(size=(30, 5))
    y = random.normal(loc=0.4, size=(30, 5))
    assert mmd_squared_unbiased(x, y) == pytest.approx(loop_mmd_squared_unbiased(x, y), rel=1e-4)


def test_one_subset_of_all_samples_is_the_full_mmd():
    # A subset as large as the set is a permutation of it, and MMD ignores order.
    random = np.random.default_rng(1)
    x = random.normal(size=(40, 6))
    y = random.normal(scale=2.0, size=(40, 6))
    mean, std = kernel_inception_distance(x, y, num_subsets=1, subset_size=40)
    assert mean == pytest.approx(loop_mmd_squared_unbiased(x, y), rel=1e-4)
    assert std == 0.0


def test_subset_statistics_are_mean_and_std_of_subset_estimates():
    random = np.random.default_rng(2)
    x = random.normal(size=(60, 4))
    y = random.normal(loc=1.0, size=(50, 4))
    mean, std = kernel_inception_distance(x, y, num_subsets=5, subset_size=20, seed=7)
    # Redraw the same subsets with the same generator calls, compute each with the loops.
    draws = np.random.default_rng(7)
    estimates = []
    for _ in range(5):
        subset_x = x[draws.choice(60, 20, replace=False)]
        subset_y = y[draws.choice(50, 20, replace=False)]
        estimates.append(loop_mmd_squared_unbiased(subset_x, subset_y))
    assert mean == pytest.approx(np.mean(estimates), rel=1e-4)
    assert std == pytest.approx(np.std(estimates), rel=1e-4)


def test_same_distribution_is_near_zero_and_different_is_not():
    random = np.random.default_rng(3)
    real = random.normal(size=(600, 8))
    same = random.normal(size=(600, 8))
    shifted = random.normal(loc=0.5, size=(600, 8))
    same_mean, same_std = kernel_inception_distance(real, same, num_subsets=20, subset_size=200)
    shifted_mean, _ = kernel_inception_distance(real, shifted, num_subsets=20, subset_size=200)
    # Unbiased: for equal distributions the estimate scatters around 0.
    assert abs(same_mean) < 3 * same_std + 1e-3
    assert shifted_mean > 20 * abs(same_mean)


def test_same_seed_same_number():
    random = np.random.default_rng(4)
    x, y = random.normal(size=(100, 3)), random.normal(size=(100, 3))
    assert kernel_inception_distance(x, y, 10, 50, seed=1) == kernel_inception_distance(
        x, y, 10, 50, seed=1
    )


def test_too_few_samples_say_so():
    with pytest.raises(ValueError, match="at least 2"):
        kernel_inception_distance(np.zeros((1, 3)), np.zeros((5, 3)))
