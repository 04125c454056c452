"""Class recognition: does a generator draw things a classifier recognises, of the class asked for?

The first question a student asks of a digit GAN is "are those digits?", and
of a conditional GAN "is that a 7 when I ask for a 7?". A domain classifier
answers both, one image at a time:

- recognised share: the share of images whose top class probability is above
  a threshold (0.9 by default): confidently some class, not a smudge;
- class counts: how many recognised images fall in each class: a generator
  that draws only 1s and 7s has collapsed onto two modes;
- requested-class share: for a conditional generator, the share of images
  recognised as the class they were generated for.

Example:

```python
classifier = domain_classifier("mnist")
score = class_recognition_score(classifier, images, requested_labels=labels)
print(score["recognised_share"], score["requested_class_share"])
```
"""

import numpy as np

DEFAULT_THRESHOLD = 0.9


def class_recognition_from_probabilities(probabilities, requested_labels=None, threshold=0.9):
    """The class-recognition score from class probabilities (N, num_classes).

    Args:
        probabilities: one softmax distribution per image.
        requested_labels: optional integer labels (N,): the class each image was
            generated for.
        threshold: the top probability above which an image counts as recognised.

    Returns:
        A dict:
        - "num_images": N;
        - "threshold": the threshold used;
        - "recognised_share": share of images with top probability > threshold;
        - "class_counts": list, recognised images per class;
        - "classes_recognised": number of classes with at least one recognised image;
        - "requested_class_share": share of all images recognised (above the
          threshold) as their requested class; None without requested_labels.
    """
    probabilities = np.asarray(probabilities, dtype=np.float64)
    if probabilities.ndim != 2 or probabilities.shape[0] == 0:
        raise ValueError(
            f"probabilities must be a non-empty (N, num_classes) array; got {probabilities.shape}."
        )
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"threshold must be in [0, 1); got {threshold}.")
    count, num_classes = probabilities.shape
    predicted = probabilities.argmax(axis=1)
    recognised = probabilities.max(axis=1) > threshold
    class_counts = np.bincount(predicted[recognised], minlength=num_classes)
    score = {
        "num_images": int(count),
        "threshold": float(threshold),
        "recognised_share": float(recognised.mean()),
        "class_counts": [int(value) for value in class_counts],
        "classes_recognised": int(np.count_nonzero(class_counts)),
        "requested_class_share": None,
    }
    if requested_labels is not None:
        requested_labels = np.asarray(requested_labels).reshape(-1)
        if requested_labels.shape[0] != count:
            raise ValueError(
                f"Got {requested_labels.shape[0]} requested labels for {count} images: pass one "
                "label per image."
            )
        if requested_labels.min() < 0 or requested_labels.max() >= num_classes:
            raise ValueError(
                f"Requested labels must be class indices 0 to {num_classes - 1}; got values from "
                f"{requested_labels.min()} to {requested_labels.max()}."
            )
        as_requested = recognised & (predicted == requested_labels)
        score["requested_class_share"] = float(as_requested.mean())
    return score


def class_recognition_score(classifier, images, requested_labels=None, threshold=DEFAULT_THRESHOLD):
    """How many images a domain classifier confidently recognises, and as what.

    Args:
        classifier: a `DomainClassifier` (see `domain_classifier`), or any object
            with `probabilities(images)` and a `name`.
        images: generated images, float in [-1, 1] or uint8, (N, H, W[, C]).
        requested_labels: for a conditional generator, the class each image was
            asked for (N,); None for an unconditional one.
        threshold: the top probability above which an image counts as recognised.

    Returns:
        The dict of `class_recognition_from_probabilities`, plus "extractor" (the
        classifier's name) and "class_names".

    Example:

    ```python
    score = class_recognition_score(classifier, generator(z))
    assert score["recognised_share"] > 0.5 and score["classes_recognised"] == 10
    ```
    """
    probabilities = classifier.probabilities(images)
    score = class_recognition_from_probabilities(probabilities, requested_labels, threshold)
    score["extractor"] = classifier.name
    score["class_names"] = list(getattr(classifier, "class_names", ()))
    return score
