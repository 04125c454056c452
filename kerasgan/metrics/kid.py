"""Kernel Inception Distance (KID): an unbiased alternative to FID for small sample sizes.

Binkowski et al. (2018), "Demystifying MMD GANs", https://arxiv.org/abs/1801.01401.
KID is the squared Maximum Mean Discrepancy between real and generated
features under the polynomial kernel k(x, y) = (x . y / D + 1)^3. Unlike FID it
fits no Gaussian and its estimator is unbiased: with a few hundred images
the expected value for two samples of the same distribution is exactly 0,
which makes KID the better number for the small datasets students train on.
The estimate is averaged over random subsets; the spread over subsets says
how much to trust it. Lower is better; small negative values are noise.
"""

import numpy as np

from kerasgan.metrics.arrays import as_feature_pair


def polynomial_kernel(features_1, features_2, degree=3, coefficient=1.0):
    """k(x, y) = (x . y / D + coefficient)^degree for every pair of rows: shape (N_1, N_2)."""
    dimension = features_1.shape[1]
    base = features_1 @ features_2.T
    base /= dimension
    base += coefficient
    # Repeated multiplication in place: several times faster than `base ** 3` on large matrices.
    kernel = base.copy()
    for _ in range(degree - 1):
        kernel *= base
    return kernel


def mmd_squared_unbiased(features_1, features_2):
    """Unbiased estimate of the squared MMD between two sets of features, same size m.

    The within-set averages leave out the diagonal (a sample compared with
    itself), which is what makes the estimate unbiased:

        MMD^2 = sum_{i != j} k(x_i, x_j) / (m (m - 1))
              + sum_{i != j} k(y_i, y_j) / (m (m - 1))
              - 2 sum_{i, j} k(x_i, y_j) / m^2
    """
    size = features_1.shape[0]
    if features_2.shape[0] != size or size < 2:
        raise ValueError(
            f"The unbiased MMD needs two sets of the same size, at least 2; got "
            f"{features_1.shape[0]} and {features_2.shape[0]}."
        )
    kernel_11 = polynomial_kernel(features_1, features_1)
    kernel_22 = polynomial_kernel(features_2, features_2)
    kernel_12 = polynomial_kernel(features_1, features_2)
    within_1 = (kernel_11.sum() - np.trace(kernel_11)) / (size * (size - 1))
    within_2 = (kernel_22.sum() - np.trace(kernel_22)) / (size * (size - 1))
    between = kernel_12.sum() / (size * size)
    return float(within_1 + within_2 - 2.0 * between)


def kernel_inception_distance(features_1, features_2, num_subsets=100, subset_size=1000, seed=0):
    """KID between two sets of features: (mean, standard deviation) over random subsets.

    Args:
        features_1, features_2: feature matrices (N_1, D) and (N_2, D).
        num_subsets: how many random subsets to average over.
        subset_size: images per subset, drawn without replacement from each set;
            capped at the smaller set's size.
        seed: seed of the subset draws, so the same inputs give the same number.

    Returns:
        A tuple `(mean, std)`. Report both: "KID 0.012 +- 0.002".

    Example:

    ```python
    kid, kid_std = kernel_inception_distance(real_features, fake_features)
    ```
    """
    features_1, features_2 = as_feature_pair(features_1, features_2)
    if num_subsets < 1:
        raise ValueError(f"num_subsets must be at least 1; got {num_subsets}.")
    size = min(subset_size, features_1.shape[0], features_2.shape[0])
    if size < 2:
        raise ValueError(
            f"KID needs at least 2 feature vectors in each set; got {features_1.shape[0]} "
            f"and {features_2.shape[0]}."
        )
    random = np.random.default_rng(seed)
    estimates = []
    for _ in range(num_subsets):
        subset_1 = features_1[random.choice(features_1.shape[0], size, replace=False)]
        subset_2 = features_2[random.choice(features_2.shape[0], size, replace=False)]
        estimates.append(mmd_squared_unbiased(subset_1, subset_2))
    return float(np.mean(estimates)), float(np.std(estimates))
