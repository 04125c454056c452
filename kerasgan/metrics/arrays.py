"""Checking and converting the arrays every metric takes: feature matrices and image batches.

Metrics accept what students have at hand: uint8 images from a loader,
float images in [-1, 1] from a generator, grayscale with or without a channel
axis. These functions turn them into one layout and say, in one sentence,
what is wrong when they cannot.
"""

import numpy as np


def as_feature_matrix(features, name="features"):
    """Returns float64 (N, D); arrays shaped (N, ...) are flattened per sample.

    Args:
        features: a batch of feature vectors, or of images to compare pixel by pixel.
        name: the argument's name, for the error message.
    """
    features = np.asarray(features, dtype=np.float64)
    if features.ndim < 2:
        raise ValueError(
            f"{name} must be a batch of feature vectors shaped (N, D); got shape "
            f"{features.shape}: add a batch axis."
        )
    features = features.reshape(features.shape[0], -1)
    if not np.all(np.isfinite(features)):
        raise ValueError(
            f"{name} contains NaN or infinite values: check the images (a generator whose "
            "loss became NaN outputs NaN images)."
        )
    return features


def as_feature_pair(features_1, features_2, names=("features_1", "features_2")):
    """Both feature sets as `as_feature_matrix` returns them, checked to have the same width.

    Every metric that compares two sets (Frechet distance, KID, precision and recall)
    needs both from one extractor; a different width is the telltale of two extractors.
    """
    features_1 = as_feature_matrix(features_1, names[0])
    features_2 = as_feature_matrix(features_2, names[1])
    if features_1.shape[1] != features_2.shape[1]:
        raise ValueError(
            f"The two feature sets have {features_1.shape[1]} and {features_2.shape[1]} "
            "dimensions: compute both with the same feature extractor."
        )
    return features_1, features_2


def as_float_images(images, name="images"):
    """Returns float32 images in [-1, 1] shaped (N, H, W, C).

    uint8 images (from a loader or from disk) are scaled from [0, 255];
    float images are taken to be in [-1, 1] already, the project's tensor
    convention. A grayscale batch (N, H, W) gets a channel axis.
    """
    images = np.asarray(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4 or images.shape[-1] not in (1, 3):
        raise ValueError(
            f"{name} must be a batch shaped (N, H, W) or (N, H, W, C) with 1 or 3 channels; "
            f"got shape {images.shape}."
        )
    if images.dtype == np.uint8:
        return images.astype(np.float32) / 127.5 - 1.0
    images = images.astype(np.float32)
    if not np.all(np.isfinite(images)):
        raise ValueError(
            f"{name} contain NaN or infinite pixels: the generator's training diverged "
            "(see the health check on losses)."
        )
    return images
