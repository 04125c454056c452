"""Memorisation: is the generator drawing new images, or copies of its training images?

A GAN trained long on a small dataset can reproduce training images almost
pixel for pixel, which flatters every quality score. Two ways to look:

- the nearest training images of some generated samples, side by side in a
  grid: a copy is obvious to the eye;
- a copy rate: the share of samples closer to some training image than real
  held-out images usually are. Held-out images are new by construction, so
  their distance to the nearest training image is what "new" looks like. A
  sample closer than all but `quantile` (5%) of held-out images is suspicious;
  a generator that makes new images scores about `quantile`, one that copies
  scores far above it.

Distances are Euclidean in pixel space ([-1, 1]) by default, which is what the
eye compares; pass features instead of images to compare in a feature space.

Example:

```python
rate = copy_rate(samples, x_train, x_test)
print(f"{rate['copy_rate']:.1%} of samples look copied (baseline {rate['quantile']:.0%})")
save_nearest_neighbour_grid("nearest.png", samples[:8], x_train)
```
"""

import numpy as np

from kerasgan import images as image_tools
from kerasgan.metrics.arrays import as_float_images

# Query rows per distance block: 256 x 50,000 training images x 4 bytes is 50 MB.
_CHUNK_ROWS = 256


def _as_vectors(values, name):
    """Images (uint8 or [-1, 1]) or feature matrices as float32 rows."""
    values = np.asarray(values)
    if values.ndim >= 3:
        values = as_float_images(values, name)
    values = values.reshape(values.shape[0], -1).astype(np.float32)
    if not np.all(np.isfinite(values)):
        raise ValueError(f"{name} contain NaN or infinite values: check the generator's output.")
    return values


def nearest_training_images(samples, training_images, k=1):
    """The k nearest training images of each sample.

    Args:
        samples: generated images (N, H, W[, C]), uint8 or [-1, 1], or features (N, D).
        training_images: the training set, same kind and shape.
        k: how many neighbours per sample.

    Returns:
        `(indices, distances)`, both (N, k), nearest first; indices into `training_images`.
    """
    queries = _as_vectors(samples, "samples")
    references = _as_vectors(training_images, "training_images")
    if queries.shape[1] != references.shape[1]:
        raise ValueError(
            f"Samples have {queries.shape[1]} values each and training images "
            f"{references.shape[1]}: compare images of the same size (or features of one "
            "extractor)."
        )
    if not 1 <= k <= len(references):
        raise ValueError(f"k must be between 1 and {len(references)}; got {k}.")
    reference_norms = np.sum(references.astype(np.float64) ** 2, axis=1)
    indices = np.empty((len(queries), k), dtype=np.int64)
    distances = np.empty((len(queries), k))
    for start in range(0, len(queries), _CHUNK_ROWS):
        block = queries[start : start + _CHUNK_ROWS]
        squared = (
            np.sum(block.astype(np.float64) ** 2, axis=1)[:, np.newaxis]
            + reference_norms[np.newaxis, :]
            - 2.0 * (block @ references.T)
        )
        nearest = np.argpartition(squared, k - 1, axis=1)[:, :k]
        nearest_squared = np.take_along_axis(squared, nearest, axis=1)
        order = np.argsort(nearest_squared, axis=1)
        indices[start : start + len(block)] = np.take_along_axis(nearest, order, axis=1)
        distances[start : start + len(block)] = np.sqrt(
            np.clip(np.take_along_axis(nearest_squared, order, axis=1), 0.0, None)
        )
    return indices, distances


def copy_rate(samples, training_images, held_out_images, quantile=0.05):
    """Share of samples closer to a training image than real held-out images typically are.

    Args:
        samples: generated images (or features).
        training_images: the images the generator was trained on.
        held_out_images: real images of the same dataset it never saw (the test split).
        quantile: the share of held-out images allowed to count as "close"; the
            distance below which a sample counts as a copy is this quantile of the
            held-out images' nearest-training distances.

    Returns:
        A dict: "copy_rate" (share of samples below the threshold; about
        `quantile` for a generator that makes new images), "copy_threshold" (the
        distance), "quantile", and the median nearest-training distances of samples
        ("median_sample_distance") and of held-out images ("median_held_out_distance").
    """
    if not 0.0 < quantile < 1.0:
        raise ValueError(f"quantile must be between 0 and 1; got {quantile}.")
    _, sample_distances = nearest_training_images(samples, training_images, k=1)
    _, held_out_distances = nearest_training_images(held_out_images, training_images, k=1)
    threshold = float(np.quantile(held_out_distances[:, 0], quantile))
    return {
        "copy_rate": float(np.mean(sample_distances[:, 0] < threshold)),
        "copy_threshold": threshold,
        "quantile": float(quantile),
        "median_sample_distance": float(np.median(sample_distances[:, 0])),
        "median_held_out_distance": float(np.median(held_out_distances[:, 0])),
    }


def enlarge(images, minimum_size=64):
    """Repeats pixels so small images (28 x 28 digits) are at least about `minimum_size` tall.

    Nearest-neighbour enlargement keeps every pixel visible as a square, which
    is what a student comparing a sample with a training image needs.
    """
    factor = max(1, minimum_size // images.shape[1])
    return images.repeat(factor, axis=1).repeat(factor, axis=2)


def nearest_neighbour_grid(samples, training_images, k=4):
    """A picture: one row per sample, the sample, a gap, then its k nearest training images.

    Rows are labelled with the distance to the nearest training image.
    Returns a uint8 (H, W, 3) image.
    """
    samples_float = as_float_images(samples, "samples")
    training_float = as_float_images(training_images, "training_images")
    indices, distances = nearest_training_images(samples_float, training_float, k=k)
    labels = [f"d={distance:.1f}" for distance in distances[:, 0]]
    sample_column = image_tools.make_grid(
        enlarge(samples_float), columns=1, row_labels=labels, background=255
    )
    neighbours = training_float[indices.reshape(-1)]
    neighbour_columns = image_tools.make_grid(enlarge(neighbours), columns=k, background=255)
    gap = np.full((sample_column.shape[0], 12, 3), 255, dtype=np.uint8)
    return np.concatenate([sample_column, gap, neighbour_columns], axis=1)


def save_nearest_neighbour_grid(path, samples, training_images, k=4):
    """Writes `nearest_neighbour_grid` as a PNG (atomically); returns the path."""
    return image_tools.save_image(path, nearest_neighbour_grid(samples, training_images, k))
