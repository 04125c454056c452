"""The Inception-style classifier score: are samples recognisable, and are they varied?

Salimans et al. (2016), "Improved Techniques for Training GANs",
https://arxiv.org/abs/1606.03498, defined the Inception Score:

    IS = exp( E_x [ KL( p(y | x) || p(y) ) ] )

p(y | x) is a classifier's class probabilities for one generated image and p(y)
their average over all images. The score is high when each image is
confidently one class (sharp p(y | x)) and all classes appear (flat p(y)). It
ranges from 1 to the number of classes. With InceptionV3 and ImageNet classes
it is the published "IS"; with a domain classifier (10 digits) the maximum
is 10. Computed over splits of the images; the spread says how stable it is.
"""

import numpy as np

# Keeps log(0) out of the KL divergence for classes with zero probability.
_EPSILON = 1e-12


def classifier_score(probabilities, num_splits=10):
    """Inception-style score from class probabilities: (mean, std) over splits.

    Args:
        probabilities: (N, num_classes), each row a probability distribution
            (a classifier's softmax output for one generated image).
        num_splits: the images are cut into this many equal parts (the last
            images are dropped when N does not divide); 10 in the original paper.

    Returns:
        A tuple `(mean, std)` of exp(mean KL) over the splits.

    Example:

    ```python
    score, spread = classifier_score(classifier.probabilities(generated_images))
    ```
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2:
        raise ValueError(
            f"probabilities must be shaped (N, num_classes); got {probabilities.shape}."
        )
    if np.any(probabilities < 0) or not np.allclose(probabilities.sum(axis=1), 1.0, atol=1e-3):
        raise ValueError(
            "Each row of probabilities must be non-negative and sum to 1: pass softmax "
            "outputs, not logits."
        )
    if not 1 <= num_splits <= probabilities.shape[0]:
        raise ValueError(
            f"num_splits must be between 1 and the number of images ({probabilities.shape[0]}); "
            f"got {num_splits}."
        )
    split_size = probabilities.shape[0] // num_splits
    scores = []
    for index in range(num_splits):
        part = probabilities[index * split_size : (index + 1) * split_size]
        marginal = part.mean(axis=0, keepdims=True)
        divergences = np.sum(part * (np.log(part + _EPSILON) - np.log(marginal + _EPSILON)), axis=1)
        scores.append(np.exp(divergences.mean()))
    return float(np.mean(scores)), float(np.std(scores))
