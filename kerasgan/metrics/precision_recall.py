"""Precision and recall for generative models, from k-nearest-neighbour manifolds.

Kynkaanniemi et al. (2019), "Improved Precision and Recall Metric for Assessing
Generative Models", https://arxiv.org/abs/1904.06991.

FID mixes two failures into one number. This metric separates them:

- precision: the share of generated samples that land on the manifold of real
  images (are they realistic?);
- recall: the share of real images that land on the manifold of generated
  samples (does the generator cover everything, or only a few modes?).

A manifold is approximated by a ball around each sample whose radius is the
distance to its k-th nearest neighbour in the same set. A point is "on the
manifold" when it falls inside at least one ball. A mode-collapsed generator
has high precision and low recall; a blurry one the other way round.

Read precision together with recall and FID: real outliers (an odd-looking
digit) have few neighbours, hence large balls, and poor samples that all land
in such a ball count as realistic. Naeem et al. (2020), "Reliable Fidelity and
Diversity Metrics for Generative Models", https://arxiv.org/abs/2002.09797,
discuss this weakness.
"""

import numpy as np

from kerasgan.metrics.arrays import as_feature_pair

# Rows of the distance matrix computed at once: bounds memory at about
# _CHUNK_ROWS x N x 8 bytes (400 MB for 10,000 x 5,000 would be too much on a laptop).
_CHUNK_ROWS = 1024


def pairwise_distances(features_1, features_2):
    """Euclidean distances between every row of `features_1` and of `features_2`: (N_1, N_2)."""
    squared = (
        np.sum(features_1**2, axis=1)[:, np.newaxis]
        + np.sum(features_2**2, axis=1)[np.newaxis, :]
        - 2.0 * features_1 @ features_2.T
    )
    return np.sqrt(np.clip(squared, 0.0, None))


def nearest_neighbour_radii(features, k=3):
    """Distance from each row to its k-th nearest other row: the radius of its ball."""
    if not 1 <= k < features.shape[0]:
        raise ValueError(
            f"k must be between 1 and the number of samples minus 1 ({features.shape[0] - 1}); "
            f"got {k}."
        )
    radii = np.empty(features.shape[0])
    for start in range(0, features.shape[0], _CHUNK_ROWS):
        distances = pairwise_distances(features[start : start + _CHUNK_ROWS], features)
        # Index k, not k - 1: the smallest distance (index 0) is the sample to itself.
        radii[start : start + _CHUNK_ROWS] = np.partition(distances, k, axis=1)[:, k]
    return radii


def manifold_coverage(manifold_features, radii, query_features):
    """Share of query rows that fall inside at least one ball of the manifold."""
    inside = np.zeros(query_features.shape[0], dtype=bool)
    for start in range(0, query_features.shape[0], _CHUNK_ROWS):
        distances = pairwise_distances(
            query_features[start : start + _CHUNK_ROWS], manifold_features
        )
        inside[start : start + _CHUNK_ROWS] = np.any(distances <= radii[np.newaxis, :], axis=1)
    return float(inside.mean())


def precision_recall(real_features, generated_features, k=3):
    """Improved precision and recall of generated samples against real ones.

    Args:
        real_features: features of real images (N_real, D).
        generated_features: features of generated images (N_generated, D).
        k: the neighbour whose distance sets each ball's radius; the paper uses 3.

    Returns:
        A dict `{"precision": float, "recall": float}`, both in [0, 1], higher is better.

    Example:

    ```python
    scores = precision_recall(real_features, generated_features)
    print(f"precision {scores['precision']:.2f}, recall {scores['recall']:.2f}")
    ```
    """
    real_features, generated_features = as_feature_pair(
        real_features, generated_features, ("real_features", "generated_features")
    )
    real_radii = nearest_neighbour_radii(real_features, k)
    generated_radii = nearest_neighbour_radii(generated_features, k)
    return {
        "precision": manifold_coverage(real_features, real_radii, generated_features),
        "recall": manifold_coverage(generated_features, generated_radii, real_features),
    }
