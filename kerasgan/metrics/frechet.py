"""Frechet distance between two sets of features: the number behind FID.

Heusel et al. (2017), "GANs Trained by a Two Time-Scale Update Rule Converge to
a Local Nash Equilibrium", https://arxiv.org/abs/1706.08500, fit a Gaussian to
the features of real images and another to the features of generated images,
and measure how far apart the two Gaussians are:

    d^2 = |mu_1 - mu_2|^2 + Tr(S_1) + Tr(S_2) - 2 Tr((S_1 S_2)^(1/2))

Lower is better; 0 means the two Gaussians are identical. The value depends on
the feature extractor (InceptionV3 for the published "FID", a small domain
classifier offline), so compare numbers only when they name the same extractor.

Only NumPy is used: the trace of the matrix square root comes from eigenvalues,
which is exact for covariance matrices and needs no SciPy.
"""

import numpy as np

from kerasgan.metrics.arrays import as_feature_matrix, as_feature_pair


def feature_statistics(features):
    """Mean and covariance of a batch of feature vectors (N, D), in float64.

    The covariance is the unbiased one (divided by N - 1), as in the reference
    FID implementations.
    """
    features = as_feature_matrix(features, "features")
    if features.shape[0] < 2:
        raise ValueError(
            f"A covariance needs at least 2 feature vectors; got {features.shape[0]}: "
            "pass more images."
        )
    return features.mean(axis=0), np.cov(features, rowvar=False)


def trace_of_sqrt_product(sigma_1, sigma_2):
    """Tr((S_1 S_2)^(1/2)) for two symmetric positive semi-definite matrices.

    S_1 S_2 is not symmetric, but it has the same eigenvalues as the symmetric
    matrix S_1^(1/2) S_2 S_1^(1/2) (the two are similar). Its eigenvalues are
    real and non-negative, and the trace of the square root is the sum of
    their square roots. Tiny negative eigenvalues from rounding are set to 0.
    """
    eigenvalues, eigenvectors = np.linalg.eigh(sigma_1)
    sqrt_sigma_1 = (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T
    product = sqrt_sigma_1 @ sigma_2 @ sqrt_sigma_1
    product = (product + product.T) / 2.0  # remove rounding asymmetry before eigvalsh
    return float(np.sqrt(np.clip(np.linalg.eigvalsh(product), 0.0, None)).sum())


def frechet_distance_from_statistics(mean_1, covariance_1, mean_2, covariance_2):
    """Frechet distance between N(mean_1, covariance_1) and N(mean_2, covariance_2).

    Args:
        mean_1, mean_2: vectors (D,).
        covariance_1, covariance_2: symmetric positive semi-definite matrices (D, D).

    Example:

    ```python
    identity = np.eye(2)
    frechet_distance_from_statistics([0, 0], identity, [3, 4], identity)  # 25.0
    ```
    """
    mean_1, mean_2 = np.asarray(mean_1, np.float64), np.asarray(mean_2, np.float64)
    covariance_1 = np.atleast_2d(np.asarray(covariance_1, np.float64))
    covariance_2 = np.atleast_2d(np.asarray(covariance_2, np.float64))
    dimension = mean_1.shape[0]
    for name, value, shape in (
        ("mean_2", mean_2, (dimension,)),
        ("covariance_1", covariance_1, (dimension, dimension)),
        ("covariance_2", covariance_2, (dimension, dimension)),
    ):
        if value.shape != shape:
            raise ValueError(
                f"{name} has shape {value.shape} but mean_1 has {dimension} entries, so {name} "
                f"must be {shape}: pass statistics of features from the same extractor."
            )
    squared_mean_difference = float(np.sum((mean_1 - mean_2) ** 2))
    distance = (
        squared_mean_difference
        + float(np.trace(covariance_1))
        + float(np.trace(covariance_2))
        - 2.0 * trace_of_sqrt_product(covariance_1, covariance_2)
    )
    # Rounding can push a distance of exactly 0 a hair below it.
    return max(distance, 0.0)


def frechet_distance(features_1, features_2):
    """Frechet distance between two sets of features (N_1, D) and (N_2, D).

    With InceptionV3 pool features this is FID; with another extractor it is
    the same formula on different features (name the extractor with the number).

    Example:

    ```python
    real = extractor.features(real_images)
    fake = extractor.features(generated_images)
    print(frechet_distance(real, fake))
    ```
    """
    features_1, features_2 = as_feature_pair(features_1, features_2)
    return frechet_distance_from_statistics(
        *feature_statistics(features_1), *feature_statistics(features_2)
    )
