"""One call that measures a generator: every score, the health checks, and a report.

`evaluate_generator` samples a generator and compares its images with a
dataset's real images; `evaluate_images` does the same for images you already
have (for instance real test images, to see what a perfect generator would score).
Both return a flat dict of plain numbers, ready for a stats.jsonl line:

| key | meaning | better |
| --- | --- | --- |
| fid | Frechet distance of the extractor's features | lower |
| kid, kid_std | Kernel Inception Distance, mean and spread over subsets | lower |
| precision, recall | realism and coverage (k-NN manifolds) | higher |
| classifier_score | Inception-style score: confident and varied classes | higher |
| recognised_share | share confidently recognised by the domain classifier | higher |
| classes_recognised | classes that appear among recognised samples | all |
| requested_class_share | conditional GANs: share recognised as the class asked for | higher |
| diversity | spread of samples relative to real images, in shape not contrast (mode collapse below 0.5) | about 1 |
| copy_rate | share of samples suspiciously close to a training image | about 0.05 |

"extractor" names the network whose features made the numbers: published FIDs
use "inception_v3-imagenet"; the offline domain classifier gives
"mnist-classifier-<fingerprint>". Compare only numbers with the same extractor.

Example:

```python
scores = evaluate_generator("results/00000-dcgan-mnist/generator-000010.keras", "mnist", num=2000)
print(scores["fid"], scores["warnings"])
```
"""

from pathlib import Path

import numpy as np

from kerasgan.snapshots import sampling
from kerasgan.metrics import health, memorisation
from kerasgan.metrics.arrays import as_float_images
from kerasgan.metrics.classifier_score import classifier_score
from kerasgan.metrics.frechet import frechet_distance
from kerasgan.metrics.kid import kernel_inception_distance
from kerasgan.metrics.precision_recall import precision_recall
from kerasgan.metrics.recognition import DEFAULT_THRESHOLD, class_recognition_from_probabilities
from kerasgan.metrics.reference_data import ReferenceData, load_reference_data

# Fewest images worth scoring: precision and recall need k + 1 = 4 neighbours, and fewer
# than 10 images say nothing about a distribution anyway.
MINIMUM_IMAGES = 10

# Held-out real images used for the copy-rate baseline: enough for a stable 5% quantile.
COPY_RATE_HELD_OUT_IMAGES = 1000


def as_reference_data(dataset, path=None):
    """Turns what the caller has into `ReferenceData`.

    Args:
        dataset: a `ReferenceData`; "mnist", "cifar10" or an .npz path (loaded
            with `load_reference_data`); a tuple `((x_train, y_train), (x_test, y_test))`
            like keras.datasets; or an array of real images (no labels: the
            domain classifier and the copy rate are then unavailable).
        path: for "mnist" or "cifar10", an .npz file to read instead of the download.
    """
    if isinstance(dataset, ReferenceData):
        return dataset
    if isinstance(dataset, str) or hasattr(dataset, "__fspath__"):
        return load_reference_data(str(dataset), path)
    if isinstance(dataset, (tuple, list)) and len(dataset) == 2:
        (x_train, y_train), (x_test, y_test) = dataset
        y_train, y_test = np.asarray(y_train).reshape(-1), np.asarray(y_test).reshape(-1)
        num_classes = int(max(y_train.max(), y_test.max())) + 1
        return ReferenceData(
            "arrays",
            np.asarray(x_train),
            y_train.astype(np.int64),
            np.asarray(x_test),
            y_test.astype(np.int64),
            tuple(str(label) for label in range(num_classes)),
            "from arrays",
        )
    images = np.asarray(dataset)
    if images.ndim not in (3, 4):
        raise ValueError(
            "Pass the real images as 'mnist', 'cifar10', an .npz path, keras.datasets-style "
            f"arrays, or an image batch (N, H, W[, C]); got an array shaped {images.shape}."
        )
    return ReferenceData("images", images, None, None, None, (), "from an image array")


def get_extractor(extractor, reference):
    """The feature extractor named by `extractor` for the reference dataset.

    Args:
        extractor: "domain" (the dataset's domain classifier, trained once and
            cached), "inception" (InceptionV3 with ImageNet weights, needs them
            downloaded), or an object with `name` and `predict(images) ->
            (probabilities, features)` such as a `DomainClassifier` already loaded.
        reference: the `ReferenceData` the classifier learns from.
    """
    if not isinstance(extractor, str):
        return extractor
    if extractor == "domain":
        if reference.y_train is None:
            raise ValueError(
                "The domain classifier needs labelled real images: pass 'mnist', 'cifar10', an "
                ".npz with labels, or use extractor='inception'."
            )
        from kerasgan.metrics.classifier import domain_classifier

        return domain_classifier(reference=reference)
    if extractor == "inception":
        from kerasgan.metrics.inception import InceptionExtractor

        return InceptionExtractor()
    raise ValueError(f"Unknown extractor {extractor!r}: use 'domain' or 'inception'.")


def _subset(images, count, seed):
    """`count` images drawn without replacement (all of them if there are fewer)."""
    if len(images) <= count:
        return images
    return images[np.random.default_rng(seed).choice(len(images), count, replace=False)]


def _at_size_of(images, reference):
    """Square images of another side than the dataset's, resized to it, and said so.

    StyleGAN2 draws powers of two, so a StyleGAN2 trained on MNIST draws 32-pixel digits
    from the 28-pixel ones, resized for it: its samples are resized back to be compared
    with the digits it learned from. Other differences (channels, shape) are refused.
    """
    import sys

    import cv2

    height, width, channels = reference.image_shape
    if images.shape[1:] == reference.image_shape or images.shape[1] != images.shape[2]:
        return images
    if height != width or images.shape[-1] != channels:
        return images
    shrinking = images.shape[1] > height
    method = cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR
    resized = np.stack([cv2.resize(image, (width, height), interpolation=method) for image in images])
    print(
        f"kerasgan: the generator draws {images.shape[1]}-pixel images and {reference.name}'s are "
        f"{height}: its samples are resized to {height} pixels to be compared with them.",
        file=sys.stderr,
    )
    return resized.reshape(len(images), height, width, channels).astype("float32")


def evaluate_images(
    images,
    dataset,
    requested_labels=None,
    extractor="domain",
    path=None,
    num_reference=None,
    kid_subsets=100,
    threshold=DEFAULT_THRESHOLD,
    seed=0,
):
    """Scores a batch of images against a dataset's real training images.

    Args:
        images: the images to score, float in [-1, 1] or uint8, (N, H, W[, C]).
        dataset: the real images (see `as_reference_data`): "mnist", "cifar10", an
            .npz path, keras.datasets-style arrays, or a `ReferenceData`.
        requested_labels: for a conditional generator, the class each image was asked for.
        extractor: "domain", "inception", or an extractor object (see `get_extractor`).
        path: for "mnist"/"cifar10", an .npz file instead of the download.
        num_reference: real training images to compare with; default: as many as
            there are images (FID and KID depend on the sample size, so equal
            sizes keep numbers comparable).
        kid_subsets: subsets KID averages over.
        threshold: confidence above which an image counts as recognised.
        seed: seed of the random subsets, so the same inputs give the same scores.

    Returns:
        A dict of scores (see the module docstring), with "warnings": a list of
        health messages, empty when all is well, and "advice": one line of what to try
        when a warning says mode collapse, else None.
    """
    reference = as_reference_data(dataset, path)
    images = _at_size_of(as_float_images(images), reference)
    if images.shape[1:] != reference.image_shape:
        raise ValueError(
            f"The images are shaped {images.shape[1:]} but {reference.name} images are "
            f"{reference.image_shape}: evaluate a generator against the dataset it was trained on."
        )
    if len(images) < MINIMUM_IMAGES:
        raise ValueError(
            f"Scores need at least {MINIMUM_IMAGES} images; got {len(images)}: generate more."
        )
    extractor = get_extractor(extractor, reference)
    real_images = _subset(reference.x_train, num_reference or len(images), seed)
    real_probabilities, real_features = extractor.predict(real_images)
    probabilities, features = extractor.predict(images)

    kid, kid_std = kernel_inception_distance(
        real_features, features, num_subsets=kid_subsets, seed=seed
    )
    score, score_std = classifier_score(probabilities, num_splits=min(10, len(images)))
    scores = {
        "extractor": extractor.name,
        "dataset": reference.name,
        "num_images": len(images),
        "num_reference_images": len(real_images),
        "fid": frechet_distance(real_features, features),
        "kid": kid,
        "kid_std": kid_std,
        **precision_recall(real_features, features),
        "classifier_score": score,
        "classifier_score_std": score_std,
        # The same score for real images: the ceiling a generator can hope for.
        "real_classifier_score": classifier_score(
            real_probabilities, num_splits=min(10, len(real_images))
        )[0],
    }
    test_accuracy = getattr(extractor, "test_accuracy", None)
    if test_accuracy is not None:
        scores["extractor_test_accuracy"] = test_accuracy

    checks = [health.check_mode_collapse(features, real_features)]
    scores["diversity"] = checks[0].value
    class_names = tuple(getattr(extractor, "class_names", ()))
    if class_names:
        recognition = class_recognition_from_probabilities(
            probabilities, requested_labels, threshold
        )
        del recognition["num_images"]
        scores.update(recognition)
        scores["class_names"] = list(class_names)
        checks.append(health.check_class_coverage(recognition["class_counts"], class_names))
    if reference.x_test is not None and len(reference.x_test):
        held_out = _subset(reference.x_test, COPY_RATE_HELD_OUT_IMAGES, seed)
        scores.update(memorisation.copy_rate(images, reference.x_train, held_out))
    scores["health"] = [check.to_dict() for check in checks]
    scores["warnings"] = health.health_warnings(checks)
    scores["advice"] = health.collapse_advice(checks)
    return scores


def sample_generator(generator, num, num_classes=None, seed=0, batch_size=250):
    """Draws `num` images from a generator.

    Args:
        generator: a generator `keras.Model` or the path of a .keras snapshot.
        num: how many images.
        num_classes: for a conditional generator, labels cycle 0, 1, ...,
            num_classes - 1 so every class is asked for equally often; default:
            the classes the generator says it knows.
        seed: seed of the latent vectors.
        batch_size: images per forward pass.

    Returns:
        `(images, requested_labels)`: float32 (num, H, W, C) in [-1, 1], and the
        int32 labels asked for (None for an unconditional generator).
    """
    if not hasattr(generator, "inputs"):
        generator = sampling.load_generator(generator)
    if num < 1:
        raise ValueError(f"num must be at least 1; got {num}.")
    latents = sampling.latent_batch(num, sampling.generator_latent_dim(generator), seed)
    labels = None
    inputs = latents
    if sampling.is_conditional(generator):
        num_classes = num_classes or len(sampling.generator_class_names(generator))
        labels = (np.arange(num) % num_classes).astype(np.int32)
        inputs = [latents, labels]
    images = generator.predict(inputs, batch_size=batch_size, verbose=0)
    return np.asarray(images, dtype=np.float32), labels


def evaluate_generator(
    generator,
    dataset_name_or_images,
    num=5000,
    extractor="domain",
    path=None,
    seed=0,
    batch_size=250,
    report=None,
    title=None,
    **options,
):
    """Samples a generator and scores its images against real ones.

    Args:
        generator: a generator `keras.Model` or the path of a .keras snapshot
            (DCGAN: input z; conditional GAN: inputs [z, label]).
        dataset_name_or_images: "mnist", "cifar10", an .npz path,
            keras.datasets-style arrays, a `ReferenceData`, or real images.
        num: how many images to generate.
        extractor: "domain", "inception", or a loaded extractor (pass the same
            `DomainClassifier` at every interval to avoid reloading it).
        path: for "mnist"/"cifar10", an .npz file instead of the download.
        seed: seed of the latent vectors and of the subsets.
        batch_size: images per generator forward pass.
        report: optional path of a Markdown report to write, with a sample grid
            and a nearest-neighbour grid beside it.
        title: the report's heading.
        **options: passed to `evaluate_images` (num_reference, kid_subsets, threshold).

    Returns:
        The dict of `evaluate_images`, plus "conditional".

    Example:

    ```python
    classifier = domain_classifier("mnist")
    scores = evaluate_generator(generator, "mnist", num=1000, extractor=classifier)
    ```
    """
    if report is not None and Path(report).suffix.lower() != ".md":
        raise ValueError(f"The report is Markdown: give it a .md name, not {report}.")
    # The generator first: a wrong snapshot path should not wait for a dataset to load.
    if not hasattr(generator, "inputs"):
        generator = sampling.load_generator(generator)
    reference = as_reference_data(dataset_name_or_images, path)
    images, labels = sample_generator(
        generator, num, num_classes=reference.num_classes, seed=seed, batch_size=batch_size
    )
    scores = evaluate_images(
        images, reference, requested_labels=labels, extractor=extractor, seed=seed, **options
    )
    scores["conditional"] = labels is not None
    if report is not None:
        from kerasgan.metrics.report import write_report

        scores["report"] = str(write_report(report, scores, images, reference, labels, title))
    return scores
