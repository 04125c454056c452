"""Checks shared by the GAN assignments: networks, losses, update steps, training, samples.

The assignments also share their student API (`STUDENT_FUNCTIONS`) and probes (`PROBE_NAMES`).

Every function here takes the child's outputs and the grading context and
returns a `Verdict`. Reference values come from `kerasgan.losses`, computed in
the grader's process on the very logits the grader sent to the child. When a
loss is wrong, the message also says which common mistake gives the value the
submission returned (labels swapped, sum instead of mean, ...), computed the
same way: a student learns more from "this is the loss with real and fake
swapped" than from two numbers that differ.
"""

import numpy as np

from kerasgan.grading.checks import Check, NotRun, Verdict, describe, is_close, scalar

# Keras clips probabilities to [EPSILON, 1 - EPSILON] before taking logs.
KERAS_EPSILON = 1e-7

# What every GAN assignment asks the student to write, and the probes the child runs
# on it, in the order of the PROBES lists in child/gan_probes.py and child/pix2pix_probes.py.
STUDENT_FUNCTIONS = (
    "make_generator",
    "make_discriminator",
    "discriminator_loss",
    "generator_loss",
    "discriminator_step",
    "generator_step",
    "train_step",
)
PROBE_NAMES = (
    "generator",
    "discriminator",
    "losses",
    "discriminator_step",
    "generator_step",
    "training",
    "determinism",
)


def loss_cases(random, count, logit_shape=(1,)):
    """Pairs of (real, fake) logits for the loss checks: moderate, wide, and a confident critic.

    Args:
        random: a NumPy Generator.
        count: how many cases.
        logit_shape: the shape of one image's logits: (1,), or (P, P, 1) for a PatchGAN.
    """
    cases = {}
    for case in range(count):
        if case % 3 == 0:
            real = random.normal(0.0, 2.0, (16, *logit_shape))
            fake = random.normal(0.0, 2.0, (16, *logit_shape))
        elif case % 3 == 1:
            real = random.uniform(-8.0, 8.0, (16, *logit_shape))
            fake = random.uniform(-8.0, 8.0, (16, *logit_shape))
        else:
            real = random.normal(3.0, 1.5, (32, *logit_shape))
            fake = random.normal(-3.0, 1.5, (32, *logit_shape))
        cases[f"real_logits_{case}"] = real.astype(np.float32)
        cases[f"fake_logits_{case}"] = fake.astype(np.float32)
    return cases


# ------------------------------------------------------------------ networks


def generator_output(image_shape, probe="generator", count_key="latents"):
    """The generator returns float32 images of `image_shape`, one per input (`count_key`)."""

    def check(outputs, context):
        images = outputs.array(probe, "images")
        count = len(context.inputs[count_key])
        expected = (count, *image_shape)
        if images.shape != expected or images.dtype != np.float32:
            returned = _per_item_shape(images, count)
            asked = _per_item_shape(np.empty(expected), count)
            return Verdict(
                False,
                f"make_generator returns {images.dtype} images shaped {returned}; the assignment "
                f"asks for float32 images shaped {asked}.\nFor {count} inputs, expected float32 "
                f"images shaped {expected}; got {describe(images)}.",
            )
        return Verdict(True, f"Got float32 images shaped {images.shape}.")

    return check


def _per_item_shape(array, count):
    """A shape as a student writes it, "(N, 28, 28, 1)", when its first axis is the batch."""
    if array.ndim and array.shape[0] == count:
        return "(" + ", ".join(["N", *map(str, array.shape[1:])]) + ")"
    return str(tuple(array.shape))


def range_check(
    large_inputs="latent vectors",
    large_key="images_large_latents",
    scale_key="large_latent_scale",
    probe="generator",
):
    """All pixels in [-1, 1], for ordinary and for very large inputs (a tanh at the end).

    Without a final tanh, small inputs may still give pixels in [-1, 1]; inputs
    50 times larger push a linear output far outside, and a tanh holds it.
    """

    def check(outputs, context):
        scale = context.settings[scale_key]
        images = outputs.array(probe, "images")
        large = outputs.array(probe, large_key)
        for name, array in (("ordinary", images), (f"{scale:g}x larger", large)):
            array = np.asarray(array, dtype=np.float64)
            inside = (
                np.all(np.isfinite(array))
                and array.min() >= -1.0 - 1e-5
                and array.max() <= 1.0 + 1e-5
            )
            if not inside:
                return Verdict(
                    False,
                    f"Expected every pixel in [-1, 1] for {name} {large_inputs}; got "
                    f"{describe(array)}. End the generator with a tanh activation, as the real "
                    "images are scaled to [-1, 1].",
                )
        return Verdict(
            True,
            f"Pixels stay in [-1, 1], also for {large_inputs} {scale:g} times larger "
            f"(from {large.min():.3f} to {large.max():.3f}).",
        )

    return check


generator_range = range_check()


def discriminator_output(outputs, context, probe="discriminator"):
    """One float32 logit per image, shaped (N, 1)."""
    logits = outputs.array(probe, "logits")
    count = len(context.inputs["real_images"])
    if logits.shape != (count, 1) or logits.dtype != np.float32:
        return Verdict(
            False,
            f"For {count} images, expected float32 logits shaped ({count}, 1); got "
            f"{describe(logits)}. End the discriminator with Dense(1) and no activation.",
        )
    return Verdict(True, f"Got float32 logits shaped {logits.shape}.")


def changes_per_item(outputs, probe, key, other_key, same):
    """How much each item's output changed between `key` and `other_key` (largest difference).

    Both arrays come from one probe, the second with one input changed (other labels,
    other grey inputs) and the `same` one kept: a network that ignores the changed input
    gives the same output twice.
    """
    first = np.asarray(outputs.array(probe, key), dtype=np.float64)
    other = np.asarray(outputs.array(probe, other_key), dtype=np.float64)
    if first.shape != other.shape:
        raise ValueError(f"{key} shaped {first.shape} and {other.shape} for the same {same}")
    return np.abs(first - other).reshape(len(first), -1).max(axis=1)


def generator_uses_labels(outputs, context, probe="generator"):
    """A conditional generator draws something else when asked for another class."""
    per_image = changes_per_item(outputs, probe, "images", "images_other_labels", "latents")
    unchanged = int(np.sum(per_image <= 1e-6))
    if unchanged:
        return Verdict(
            False,
            f"With the same latent vectors and other labels, {unchanged} of {len(per_image)} "
            "images did not change at all: the generator must use its labels (an Embedding of "
            "the label, joined to the latent vector).",
        )
    return Verdict(
        True,
        f"Other labels, other images: every image changed (by at least {per_image.min():.3g}).",
    )


def discriminator_uses_labels(outputs, context, probe="discriminator"):
    """A conditional discriminator judges the image *and* its label."""
    per_image = changes_per_item(outputs, probe, "logits", "logits_other_labels", "images")
    unchanged = int(np.sum(per_image <= 1e-7))
    if unchanged:
        return Verdict(
            False,
            f"The same real images with other labels got the same logits for {unchanged} of "
            f"{len(per_image)} images: the discriminator must take the label into account, or a "
            "well-drawn 7 labelled 3 passes as real.",
        )
    return Verdict(True, "Other labels, other logits: the discriminator judges image and label.")


# ------------------------------------------------------------------ losses


def _softplus(values):
    return np.logaddexp(0.0, np.asarray(values, dtype=np.float64))


def _clipped(values):
    return np.clip(np.asarray(values, dtype=np.float64), KERAS_EPSILON, 1.0 - KERAS_EPSILON)


def _sigmoid(values):
    return 1.0 / (1.0 + np.exp(-np.asarray(values, dtype=np.float64)))


def _discriminator_mistakes(real, fake):
    """Values that common wrong discriminator losses give, to name the mistake in a message."""
    return {
        "real and fake labels swapped (real = 0, fake = 1)": _softplus(real).mean()
        + _softplus(-fake).mean(),
        "the two terms averaged instead of added": 0.5
        * (_softplus(-real).mean() + _softplus(fake).mean()),
        "sums over the batch instead of means": _softplus(-real).sum() + _softplus(fake).sum(),
        "the logits treated as probabilities (from_logits=False)": -np.log(_clipped(real)).mean()
        - np.log(1.0 - _clipped(fake)).mean(),
        "a sigmoid applied before a from_logits=True loss": _softplus(-_sigmoid(real)).mean()
        + _softplus(_sigmoid(fake)).mean(),
        "only the real term": _softplus(-real).mean(),
    }


def _generator_mistakes(fake):
    return {
        "the saturating loss log(1 - D(G(z)))": -_softplus(fake).mean(),
        "the fake label 0 instead of 1": _softplus(fake).mean(),
        "a sum over the batch instead of a mean": _softplus(-fake).sum(),
        "the logits treated as probabilities (from_logits=False)": -np.log(_clipped(fake)).mean(),
    }


def _loss_verdict(function_name, rows, wrong, hint):
    table = "\n".join(rows)
    if wrong:
        return Verdict(False, f"{function_name} does not match the reference:\n{table}\n{hint}")
    return Verdict(True, f"{function_name} matches the reference on every case:\n{table}")


def compare_losses(outputs, context, function_name, reference, mistakes):
    """Compares the submission's loss on each case with `reference(losses, real, fake, case)`.

    Args:
        reference: computes the expected value with `kerasgan.losses` (passed in as `losses`).
        mistakes: `mistakes(real, fake, case)` -> {description: value} of common wrong losses.
    """
    from kerasgan import losses  # the reference: kerasgan's own losses, computed here

    inputs = context.inputs
    rows, wrong, named = [], 0, set()
    for case in range(int(context.settings["loss_cases"])):
        real, fake = inputs[f"real_logits_{case}"], inputs[f"fake_logits_{case}"]
        expected = float(np.asarray(reference(losses, real, fake, case)))
        got = scalar(
            outputs.array("losses", f"{function_name}_{case}"), f"{function_name}'s result"
        )
        ok = is_close(expected, got)
        wrong += not ok
        rows.append(
            f"  case {case + 1} ({real.size} logits each): expected {expected:.5f}, got {got:.5f}"
            f" {'(ok)' if ok else '(wrong)'}"
        )
        if not ok:
            for mistake, value in mistakes(real, fake, case).items():
                if is_close(float(value), got, relative=1e-3, absolute=1e-4):
                    named.add(mistake)
    if named:
        hint = "The values match " + " / ".join(sorted(named)) + "."
    else:
        hint = "Compute binary cross-entropy from logits, averaged over the batch."
    return _loss_verdict(function_name, rows, wrong, hint)


def discriminator_loss(outputs, context):
    """The submission's discriminator loss equals kerasgan.losses.bce_discriminator_loss."""
    return compare_losses(
        outputs,
        context,
        "discriminator_loss",
        lambda losses, real, fake, case: losses.bce_discriminator_loss(real, fake),
        lambda real, fake, case: _discriminator_mistakes(real, fake),
    )


def generator_loss(outputs, context):
    """The submission's generator loss equals kerasgan.losses.bce_generator_loss."""
    return compare_losses(
        outputs,
        context,
        "generator_loss",
        lambda losses, real, fake, case: losses.bce_generator_loss(fake),
        lambda real, fake, case: _generator_mistakes(fake),
    )


def generator_checks(image_shape, points=10):
    """The two checks of what a latent generator draws: the images' shape, and their range."""
    shape = ", ".join(str(size) for size in image_shape)
    return [
        Check(
            "generator_output",
            f"make_generator: float32 images shaped (N, {shape})",
            points,
            generator_output(image_shape),
            judges=("make_generator",),
        ),
        Check(
            "generator_range",
            "make_generator: pixels stay in [-1, 1], even for large latent vectors",
            points,
            generator_range,
            judges=("make_generator",),
        ),
    ]


def loss_checks(discriminator_points=10, generator_points=10):
    """The two loss checks of the DCGAN and conditional GAN assignments: BCE on logits."""
    return [
        Check(
            "discriminator_loss",
            "discriminator_loss: binary cross-entropy on logits, real = 1, fake = 0",
            discriminator_points,
            discriminator_loss,
            judges=("discriminator_loss",),
        ),
        Check(
            "generator_loss",
            "generator_loss: the non-saturating loss -log D(G(z)) on logits",
            generator_points,
            generator_loss,
            judges=("generator_loss",),
        ),
    ]


# ------------------------------------------------------------------ update steps


def step_updates(probe, trains):
    """One call of a step changes the weights of `trains` and none of the other network's."""
    other = "generator" if trains == "discriminator" else "discriminator"

    def check(outputs, context):
        trained = np.asarray(outputs.array(probe, f"{trains}_changes"), dtype=np.float64)
        untouched = np.asarray(outputs.array(probe, f"{other}_changes"), dtype=np.float64)
        problems = []
        if not np.any(trained > 0):
            problems.append(
                f"the {trains}'s weights did not change: apply the gradients of the {trains}'s "
                f"loss to {trains}.trainable_variables with the optimizer passed in"
            )
        if np.any(untouched != 0):
            moved = int(np.sum(untouched != 0))
            problems.append(
                f"the {other}'s weights changed ({moved} of {untouched.size} variables, by up "
                f"to {float(np.max(untouched)):.3g}): in the {trains}'s step, take gradients "
                f"with respect to {trains}.trainable_variables only"
            )
        if problems:
            return Verdict(False, f"After one call of {probe}, " + "; and ".join(problems) + ".")
        return Verdict(
            True,
            f"One call of {probe} changed the {trains}'s weights (by up to "
            f"{float(np.max(trained)):.3g}) and left the {other}'s exactly as they were.",
        )

    return check


def step_checks(points=10):
    """The two update-step checks of every GAN assignment: each step trains its own network only."""
    return [
        Check(
            "discriminator_step",
            "discriminator_step: updates the discriminator and leaves the generator unchanged",
            points,
            step_updates("discriminator_step", trains="discriminator"),
            judges=("discriminator_step",),
        ),
        Check(
            "generator_step",
            "generator_step: updates the generator and leaves the discriminator unchanged",
            points,
            step_updates("generator_step", trains="generator"),
            judges=("generator_step",),
        ),
    ]


# ------------------------------------------------------------------ training


def losses_fall(outputs, context, probe="training"):
    """During the short run, one of train_step's losses falls well below where it started.

    A GAN's losses do not fall steadily: the discriminator first learns to tell
    real digits from the generator's noise (its loss drops from about ln 4 =
    1.39), then the generator catches up and the loss climbs back. So the
    check asks whether the loss, averaged over a window of steps, ever fell
    below a fraction of its value over the first 5 steps. Which loss is the
    assignment's setting `falling_loss`: the discriminator's for the GANs, the
    generator's for pix2pix, whose L1 term makes the generator's loss fall from
    the first step while the discriminator's hardly moves in a short run.
    """
    d_losses = np.asarray(outputs.array(probe, "d_losses"), dtype=np.float64).reshape(-1)
    g_losses = np.asarray(outputs.array(probe, "g_losses"), dtype=np.float64).reshape(-1)
    steps = len(d_losses)
    window = int(context.settings["loss_window"])
    if steps < 2 * window or len(g_losses) != steps:
        raise ValueError(
            f"expected {context.settings['training_steps']} losses of each kind; got {steps}"
        )
    if not (np.all(np.isfinite(d_losses)) and np.all(np.isfinite(g_losses))):
        first_bad = int(np.argmin(np.isfinite(d_losses) & np.isfinite(g_losses)))
        return Verdict(
            False, f"The losses became NaN or infinite at step {first_bad + 1} of {steps}."
        )
    which = context.settings.get("falling_loss", "discriminator")
    watched = d_losses if which == "discriminator" else g_losses
    ratio = context.settings["loss_fall_ratio"]
    start = float(watched[:5].mean())
    windows = [watched[index : index + window].mean() for index in range(0, steps - window + 1)]
    lowest = float(np.min(windows))
    lowest_at = int(np.argmin(windows))
    summary = (
        f"the {which}'s loss was {start:.3f} over the first 5 steps and {lowest:.3f} at its "
        f"lowest ({window}-step average from step {lowest_at + 1}); the discriminator's loss "
        f"went from {d_losses[:5].mean():.3f} to {d_losses[-window:].mean():.3f}, the "
        f"generator's from {g_losses[:5].mean():.3f} to {g_losses[-window:].mean():.3f}"
    )
    if lowest < ratio * start:
        return Verdict(True, f"Over {steps} steps of train_step, {summary}.")
    return Verdict(
        False,
        f"Over {steps} steps of train_step, {summary}. Expected the {which}'s loss to fall "
        f"below {ratio:g} times its start ({ratio * start:.3f}): check that train_step returns "
        "(d_loss, g_loss) in that order and that each step applies its gradients.",
    )


def sample_quality(outputs, context, probe="training"):
    """After the short run, the domain classifier reads the samples as varied, recognisable digits.

    The verdict uses the classifier score (the Inception Score computed with the
    MNIST domain classifier of `kerasgan.metrics`): high when each sample is
    clearly one digit and all digits appear. After 200 steps a DCGAN draws
    rough strokes, so the bar is low; a generator that does not learn, or that
    ignores its latent vector, stays near 1. The message also gives the
    class-recognition score: the share of samples recognised with over 90%
    confidence, and as which digits.
    """
    from kerasgan.metrics.classifier_score import classifier_score
    from kerasgan.metrics.recognition import class_recognition_from_probabilities

    from kerasgan.grading.replay import replay_check

    samples = np.asarray(outputs.array(probe, "samples"), dtype=np.float32)
    if not np.all(np.isfinite(samples)):
        return Verdict(False, "The generator's samples contain NaN or infinite pixels.")
    replayed = replay_check(outputs, context, probe)  # stored images earn no sample points
    if replayed:
        return Verdict(False, replayed)
    # Pixels outside [-1, 1] are shown clipped in any picture; the classifier sees them so too.
    probabilities = context.classify(np.clip(samples, -1.0, 1.0))
    score, _ = classifier_score(probabilities, num_splits=1)
    # The classes the grader asked for, from its own inputs (a conditional assignment only).
    conditional = bool(context.settings.get("num_classes"))
    requested = context.inputs["evaluation_labels"] if conditional else None
    recognition = class_recognition_from_probabilities(probabilities, requested)
    minimum = context.settings["minimum_classifier_score"]
    names = context.data.class_names
    counts = ", ".join(
        f"{names[index]}: {count}" for index, count in enumerate(recognition["class_counts"])
    )
    summary = (
        f"classifier score {score:.2f} over {len(samples)} samples (real digits score about "
        f"8.7, an untrained generator about 1); {recognition['recognised_share']:.0%} recognised "
        f"with over 90% confidence, as {counts}"
    )
    if recognition["requested_class_share"] is not None:
        summary += (
            f"; {recognition['requested_class_share']:.0%} recognised as the class they were "
            "asked for"
        )
    if score >= minimum:
        return Verdict(True, f"After the short run: {summary}.")
    return Verdict(
        False,
        f"After the short run: {summary}. Expected a classifier score of at least {minimum:g}: "
        "the samples should look like varied digits (a generator that ignores its latent "
        "vector draws the same image every time).",
    )


def determinism(outputs, context, probe="determinism"):
    """Two runs from the same seed give bit-identical losses and samples."""
    different = []
    for key in ("losses", "samples"):
        first = outputs.array(probe, f"first_{key}")
        second = outputs.array(probe, f"second_{key}")
        if first.shape != second.shape or not np.array_equal(first, second, equal_nan=True):
            gap = (
                float(np.nanmax(np.abs(first.astype(np.float64) - second.astype(np.float64))))
                if first.shape == second.shape
                else float("nan")
            )
            different.append(f"the {key} differ (by up to {gap:.3g})")
    if different:
        return Verdict(
            False,
            "Two runs from the same seed (keras.utils.set_random_seed) gave different results: "
            + " and ".join(different)
            + ". Draw random numbers only through Keras, TensorFlow or NumPy seeded generators; "
            "not from the time, os.urandom or an unseeded np.random.default_rng().",
        )
    steps = context.settings["determinism_steps"]
    return Verdict(
        True, f"Two runs of {steps} training steps from the same seed gave identical results."
    )


__all__ = [
    "NotRun",
    "STUDENT_FUNCTIONS",
    "PROBE_NAMES",
    "generator_uses_labels",
    "discriminator_uses_labels",
    "changes_per_item",
    "loss_cases",
    "generator_output",
    "range_check",
    "generator_range",
    "generator_checks",
    "compare_losses",
    "discriminator_output",
    "discriminator_loss",
    "generator_loss",
    "loss_checks",
    "step_updates",
    "step_checks",
    "losses_fall",
    "sample_quality",
    "determinism",
]
