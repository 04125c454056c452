"""Training health checks, each with a message a student can act on.

A GAN's losses do not say whether training goes well: they oscillate by
design. These checks look for the three failures that do have a signature:

- the discriminator overfits: it recognises the training images themselves,
  not what makes an image realistic (Karras et al. 2020, "Training Generative
  Adversarial Networks with Limited Data", https://arxiv.org/abs/2006.06676:
  the heuristic r_t = E[sign(D(real))], around 0.6 is healthy, 1 is total overfitting);
- mode collapse: the generator's samples stop varying, or cover only a few
  of the classes;
- divergence: a loss that is NaN or infinite, after which nothing recovers.

Every check returns a `HealthCheck` whose `message` is one or two plain
sentences; `healthy` says whether to show it as a warning.

Example:

```python
check = check_mode_collapse(generator_features, real_features)
if not check.healthy:
    print(check.message)
```
"""

import dataclasses
import math
from collections.abc import Mapping

import numpy as np

from kerasgan.metrics.arrays import as_feature_matrix
from kerasgan.metrics.precision_recall import pairwise_distances


@dataclasses.dataclass
class HealthCheck:
    """The result of one check.

    Attributes:
        name: the check, e.g. "mode_collapse".
        healthy: False when the message is a warning.
        value: the number the check measured (its meaning is in the message).
        message: what was measured and, when unhealthy, what to try.
    """

    name: str
    healthy: bool
    value: float
    message: str

    def to_dict(self):
        return dataclasses.asdict(self)


def check_discriminator_overfitting(
    real_outputs, from_logits=True, held_out_outputs=None, warn_above=0.9, max_gap=0.25
):
    """Is the discriminator memorising the training images? (ADA's r_t heuristic)

    Args:
        real_outputs: the discriminator's outputs on a batch of training images.
        from_logits: True when the outputs are logits (real when > 0); False for
            sigmoid probabilities (real when > 0.5).
        held_out_outputs: optional outputs on real images it never trained on;
            calling those fake much more often than training images is overfitting too.
        warn_above: the share of training images called real above which to warn.
        max_gap: the largest healthy difference between the share of training
            images and of held-out images called real.

    Returns:
        A `HealthCheck`; `value` is the share of training images called real.
    """
    threshold = 0.0 if from_logits else 0.5
    real_outputs = np.asarray(real_outputs, dtype=np.float64).reshape(-1)
    if real_outputs.size == 0:
        raise ValueError("real_outputs is empty: pass the discriminator's outputs on real images.")
    share_real = float(np.mean(real_outputs > threshold))
    # ADA's r_t = E[sign(D(x))] is the same count rescaled to [-1, 1].
    r_t = 2.0 * share_real - 1.0
    measured = (
        f"The discriminator calls {share_real:.0%} of training images real "
        f"(ADA's overfitting measure r_t = {r_t:.2f}; about 0.6 is healthy, 1 means it "
        "recognises every training image)"
    )
    advice = (
        "it is memorising the training set instead of learning what looks real. Use "
        "differentiable augmentation, more training images, or a smaller discriminator."
    )
    if held_out_outputs is not None:
        held_out_outputs = np.asarray(held_out_outputs, dtype=np.float64).reshape(-1)
        share_held_out = float(np.mean(held_out_outputs > threshold))
        measured += f" and {share_held_out:.0%} of held-out real images real"
        if share_real - share_held_out > max_gap:
            return HealthCheck(
                "discriminator_overfitting", False, share_real, f"{measured}: {advice}"
            )
    if share_real > warn_above:
        return HealthCheck("discriminator_overfitting", False, share_real, f"{measured}: {advice}")
    return HealthCheck(
        "discriminator_overfitting", True, share_real, f"{measured}: no sign of overfitting."
    )


def mean_pairwise_distance(features, max_samples=1000, seed=0):
    """Average Euclidean distance between two different samples: how varied a set is.

    Args:
        features: (N, D) features, or images (compared pixel by pixel).
        max_samples: a random subset of this size is used for large N
            (the cost grows with N squared).
        seed: seed of that subset.
    """
    features = as_feature_matrix(features, "features")
    if features.shape[0] < 2:
        raise ValueError("Diversity needs at least 2 samples: generate more images.")
    if features.shape[0] > max_samples:
        random = np.random.default_rng(seed)
        features = features[random.choice(features.shape[0], max_samples, replace=False)]
    distances = pairwise_distances(features, features)
    count = features.shape[0]
    return float(distances.sum() / (count * (count - 1)))  # the diagonal is 0


def unit_length(features):
    """Each feature vector scaled to length 1: what a sample looks like, not how strongly.

    Faint samples (the grey, low-contrast blobs of an early generator) give weak features
    whose distances are all small, however different their shapes are; on unit vectors
    only the shapes count.
    """
    features = as_feature_matrix(features, "features").astype(np.float64)
    lengths = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.maximum(lengths, 1e-12)


def check_mode_collapse(generated_features, real_features, warn_below=0.5, max_samples=1000):
    """Are generated samples much less varied than real images?

    Compares the mean pairwise distance of generated samples with that of real
    images, in the same feature space, each feature vector scaled to length 1 (so
    that varied but faint samples are not mistaken for collapsed ones: measured on
    kerasgan's DCGAN after two epochs of MNIST, 0.11 on the raw features, a false
    alarm, and 0.73 on unit vectors; one digit repeated scores 0 either way).
    Identical samples score 0; a generator as varied as the data scores about 1.

    Args:
        generated_features: features (or images) of generated samples.
        real_features: features (or images) of real images.
        warn_below: the diversity ratio below which to warn.
        max_samples: samples used per set (see `mean_pairwise_distance`).

    Returns:
        A `HealthCheck`; `value` is the ratio of the two diversities.
    """
    generated_diversity = mean_pairwise_distance(unit_length(generated_features), max_samples)
    real_diversity = mean_pairwise_distance(unit_length(real_features), max_samples)
    if real_diversity == 0:
        raise ValueError("The real images are all identical, so diversity cannot be compared.")
    ratio = generated_diversity / real_diversity
    measured = (
        f"Generated samples are {ratio:.0%} as varied as real images (mean distance between "
        f"the features of two samples {generated_diversity:.3g}, of two real images "
        f"{real_diversity:.3g}, each scaled to length 1)"
    )
    if ratio < warn_below:
        return HealthCheck(
            "mode_collapse",
            False,
            ratio,
            f"{measured}: the generator has collapsed onto a few outputs (mode collapse).",
        )
    return HealthCheck("mode_collapse", True, ratio, f"{measured}: no sign of mode collapse.")


def check_class_coverage(
    class_counts, class_names=None, min_recognised_per_class=5, min_fair_share=0.2
):
    """Does every class appear among the recognised samples, each drawn often enough?

    A generator drawing mostly two digits and the other eight now and then has
    collapsed as surely as one that never draws them: a class counts as drawn
    when it has at least `min_fair_share` of its fair share of the recognised
    samples (with ten classes and 0.2: 2% of them). A well-trained MNIST DCGAN
    draws every digit at 4% or more.

    Args:
        class_counts: recognised samples per class (from `class_recognition_score`).
        class_names: optional names, for the message.
        min_recognised_per_class: the check needs at least this many recognised
            samples per class on average before it judges (with fewer, a missing
            class can be chance).
        min_fair_share: the fraction of its fair share (total / classes) below which
            a class counts as rarely drawn.

    Returns:
        A `HealthCheck`; `value` is the number of classes drawn often enough.
    """
    class_counts = np.asarray(class_counts, dtype=np.int64).reshape(-1)
    num_classes = class_counts.size
    names = list(class_names) if class_names else [str(index) for index in range(num_classes)]
    present = int(np.count_nonzero(class_counts))
    total = int(class_counts.sum())
    if total < min_recognised_per_class * num_classes:
        return HealthCheck(
            "class_coverage",
            True,
            present,
            f"Only {total} samples were recognised, too few to judge which classes the "
            "generator covers.",
        )
    rare = class_counts < min_fair_share * total / num_classes
    drawn = int(np.count_nonzero(~rare))
    if rare.any():
        missing = [names[index] for index in np.flatnonzero(class_counts == 0)]
        seldom = [names[index] for index in np.flatnonzero(rare & (class_counts > 0))]
        which = [f"never: {', '.join(missing)}"] if missing else []
        which += [f"seldom: {', '.join(seldom)}"] if seldom else []
        return HealthCheck(
            "class_coverage",
            False,
            drawn,
            f"Only {drawn} of {num_classes} classes are drawn often among {total} recognised "
            f"samples ({'; '.join(which)}): the generator has dropped modes (mode collapse).",
        )
    return HealthCheck(
        "class_coverage",
        True,
        drawn,
        f"All {num_classes} classes appear among {total} recognised samples.",
    )


def check_losses(losses):
    """Are all losses finite? A NaN or infinite loss means training has diverged.

    Args:
        losses: a dict of loss name -> value or list of values (one per step),
            or a list of dicts (one per step, like the lines of stats.jsonl).

    Returns:
        A `HealthCheck`; `value` is the number of non-finite values found.
    """
    # Gather (where, value) pairs per loss name; "where" says when, for the message.
    series = {}
    if isinstance(losses, Mapping):
        for name, values in losses.items():
            values = np.asarray(values, dtype=np.float64)
            if values.ndim == 0:
                series[name] = [("", float(values))]
            else:
                series[name] = [(f" at value {index}", v) for index, v in enumerate(values)]
    else:
        for index, row in enumerate(losses):
            where = f" at step {row.get('step', index)}"
            for name, value in row.items():
                if "loss" in name and value is not None:
                    series.setdefault(name, []).append((where, float(value)))
    first_problem = None
    count = 0
    for name, pairs in series.items():
        for position, (where, value) in enumerate(pairs):
            if not math.isfinite(value):
                count += 1
                if first_problem is None or position < first_problem[0]:
                    first_problem = (position, name, where, value)
    if first_problem is None:
        return HealthCheck("losses", True, 0, "All losses are finite.")
    _, name, where, value = first_problem
    kind = "NaN" if math.isnan(value) else "infinite"
    return HealthCheck(
        "losses",
        False,
        count,
        f"The loss {name!r} became {kind}{where}: training has diverged and the "
        "generator's output is now meaningless. Lower the learning rate, check the images "
        "are scaled to [-1, 1], and resume from the last checkpoint before it happened.",
    )


def health_warnings(checks):
    """The messages of the unhealthy checks, ready to print."""
    return [check.message for check in checks if not check.healthy]


# The checks that see mode collapse, and what to try against it (said once, however many fire).
COLLAPSE_CHECKS = ("mode_collapse", "class_coverage")
COLLAPSE_ADVICE = (
    "against mode collapse, try a lower learning rate (--learning-rate, e.g. half), a "
    "generator average (--ema-decay 0.99) or longer training, or go back to an earlier "
    "snapshot whose grid still varied."
)


def collapse_advice(checks):
    """One line of what to try when a mode-collapse check fired; None when none did."""
    if any(check.name in COLLAPSE_CHECKS and not check.healthy for check in checks):
        return COLLAPSE_ADVICE
    return None
