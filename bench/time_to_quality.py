"""Benchmark: CPU seconds for kerasgan's DCGAN, at its MNIST defaults, to reach a reference's quality.

Images per second (bench/dcgan_step.py) only matter if the samples are as good.
This script trains two GANs on the same real MNIST digits:

- "reference": the training step of the keras.io example "DCGAN overriding
  train_step" (two generator passes per step, discriminator first), with
  kerasgan's builders at 32 filters, a latent size of 64, Adam(2e-4, beta_1=0.5),
  batches of 64 and float32: one fixed yardstick;
- "kerasgan": what `kerasgan train dcgan --dataset mnist` trains, built from the
  resolved MNIST defaults (`DCGANOptions.resolve("dcgan", "mnist", {})`): its
  networks, batch size, learning rate, generator average and precision. `--set`
  changes any option, as a flag of `kerasgan train` would.

Every `--every` reference steps (the same number of images for kerasgan, whatever its
batch size) it measures the Frechet distance between 1,000 samples and 1,000 real test
digits, in the features of the offline MNIST domain classifier
(`kerasgan.metrics.classifier`), and the CPU seconds spent training so far
(process time, so other work on the machine counts less than in wall time).

It prints both curves, the best distance the reference reached, the CPU seconds
each needed to first reach it, and kerasgan's share of the reference's CPU
seconds: below 1 means kerasgan got there in less CPU time.

Run by hand (never part of the test suite); about 10-15 minutes on 2 cores:

    python bench/time_to_quality.py
    python bench/time_to_quality.py --set learning_rate=2e-4 --set ema_decay=0
    python bench/time_to_quality.py --set mixed_precision=true --reference-curve /tmp/reference.json

`--reference-curve FILE` keeps the reference's curve in FILE the first time and reads
it back afterwards, to compare several settings without training the reference again.

Measured on 2 shared cores with AVX512_BF16 (kerasgan's curves against one reference curve
whose best, 26.13, came at 1,500 steps after 217.7 CPU s), CPU seconds to reach it as a share
of the reference's: 32 filters, 4e-4, average 0.99, float32 0.78x (0.74x in an earlier run);
the same in bfloat16 0.63x; bfloat16 at 6e-4 0.70x (at a busier time: each step cost 10%
more CPU); at 8e-4, today's MNIST defaults, 0.53x (reached at 1,250 steps).
"""

import argparse
import json
import os
import time
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from dcgan_step import ReferenceGAN, adam  # noqa: E402  (the reference step, beside this file)
from kerasgan.data import load_mnist  # noqa: E402
from kerasgan.metrics.classifier import domain_classifier  # noqa: E402
from kerasgan.metrics.frechet import frechet_distance  # noqa: E402
from kerasgan.models.dcgan import dcgan_discriminator, dcgan_generator  # noqa: E402
from kerasgan.precision import choose_mixed_precision  # noqa: E402
from kerasgan.training.recipes import RECIPES  # noqa: E402

# The shared real-data folder beside the repository, as the tests use it.
SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist_subset.npz"
REFERENCE_LATENT_DIM = 64
REFERENCE_FILTERS = 32
REFERENCE_BATCH_SIZE = 64
SAMPLES = 1000


def build_reference(image_shape):
    """The keras.io-style GAN: the yardstick, the same in every run of this script."""
    keras.utils.set_random_seed(0)
    generator = dcgan_generator(image_shape, REFERENCE_LATENT_DIM, base_filters=REFERENCE_FILTERS)
    discriminator = dcgan_discriminator(image_shape, base_filters=REFERENCE_FILTERS)
    reference = ReferenceGAN(discriminator, generator, REFERENCE_LATENT_DIM)
    reference.compile(adam(), adam(), keras.losses.BinaryCrossentropy(from_logits=True))
    return reference


def build_kerasgan(image_shape, overrides):
    """(model, options): what `kerasgan train dcgan --dataset mnist` builds, as train() does."""
    recipe = RECIPES["dcgan"]
    options = recipe.options.resolve("dcgan", "mnist", overrides)
    keras.utils.set_random_seed(options.seed)
    previous = keras.config.dtype_policy()
    if options.mixed_precision:
        keras.mixed_precision.set_global_policy(choose_mixed_precision().policy)
    try:
        model = recipe.build(options, SimpleNamespace(image_shape=image_shape))
        model.compile(*recipe.optimizers(options))  # (discriminator, generator) optimizers
    finally:
        keras.mixed_precision.set_global_policy(previous)
    return model, options


def batches(images, batch_size):
    """Shuffled batches of the training digits, the same order for every run."""
    return (
        tf.data.Dataset.from_tensor_slices(images)
        .shuffle(len(images), seed=0)
        .batch(batch_size, drop_remainder=True)
        .repeat()
        .prefetch(tf.data.AUTOTUNE)
    )


def training_curve(model, dataset, steps, every, classifier, real_features, latents):
    """[(steps, cpu_seconds, wall_seconds, frechet_distance)] measured every `every` steps."""
    curve = []
    cpu_seconds = wall_seconds = 0.0
    for done in range(every, steps + 1, every):
        start, wall_start = time.process_time(), time.perf_counter()
        model.fit(dataset, epochs=1, steps_per_epoch=every, verbose=0)
        cpu_seconds += time.process_time() - start
        wall_seconds += time.perf_counter() - wall_start
        # kerasgan's DCGAN samples from its generator average when it keeps one.
        generator = getattr(model, "generator_for_sampling", model.generator)
        samples = np.asarray(generator.predict(latents, batch_size=250, verbose=0), dtype="float32")
        distance = float(frechet_distance(classifier.features(samples), real_features))
        curve.append((done, cpu_seconds, wall_seconds, distance))
        print(
            f"  {done:5d} steps  {cpu_seconds:7.1f} CPU s  {wall_seconds:7.1f} wall s  "
            f"Frechet distance {distance:8.2f}",
            flush=True,
        )
    return curve


def first_reaching(curve, target):
    """The first measurement (steps, cpu_seconds, wall_seconds, distance) at or below `target`, or None."""
    for point in curve:
        if point[3] <= target:
            return point
    return None


def parse_overrides(settings):
    """`--set name=value` pairs as option overrides ("true"/"false" for the on/off options)."""
    overrides = {}
    for setting in settings:
        name, _, value = setting.partition("=")
        words = {"true": True, "false": False, "none": None}
        overrides[name.strip().replace("-", "_")] = words.get(value.strip().lower(), value.strip())
    return overrides


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(SHARED_MNIST), help="MNIST .npz (keras keys)")
    parser.add_argument("--steps", type=int, default=1500, help="reference steps (of 64 images)")
    parser.add_argument("--every", type=int, default=250, help="reference steps between measurements")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a kerasgan training option instead of its MNIST default, e.g. learning_rate=2e-4",
    )  # fmt: skip
    parser.add_argument("--reference-curve", help="JSON file: the reference's curve, kept or reused")
    args = parser.parse_args()

    path = args.data if Path(args.data).exists() else None
    (x_train, _), (x_test, _) = load_mnist(path=path)
    classifier = domain_classifier("mnist", path=path)
    real_features = classifier.features(x_test[:SAMPLES])
    images = (x_train.astype("float32")[..., None] - 127.5) / 127.5
    image_shape = images.shape[1:]
    measure = dict(classifier=classifier, real_features=real_features)

    cache = Path(args.reference_curve) if args.reference_curve else None
    if cache is not None and cache.exists():
        reference_curve = [tuple(point) for point in json.loads(cache.read_text())]
        print(f"reference: {len(reference_curve)} measurements read from {cache}")
    else:
        print(f"reference (keras.io-style step, {REFERENCE_FILTERS} filters, latent {REFERENCE_LATENT_DIM}, "
              f"batch {REFERENCE_BATCH_SIZE}, Adam 2e-4, float32):")  # fmt: skip
        latents = np.random.default_rng(1).standard_normal((SAMPLES, REFERENCE_LATENT_DIM)).astype("float32")
        reference_curve = training_curve(
            build_reference(image_shape), batches(images, REFERENCE_BATCH_SIZE),
            args.steps, args.every, latents=latents, **measure,
        )  # fmt: skip
        if cache is not None:
            cache.write_text(json.dumps(reference_curve))

    model, options = build_kerasgan(image_shape, parse_overrides(args.set))
    # Measured at the same numbers of images as the reference.
    images_per_measurement = args.every * REFERENCE_BATCH_SIZE
    every = max(1, round(images_per_measurement / options.batch_size))
    steps = every * (args.steps // args.every)
    shown = {k: getattr(options, k) for k in (
        "batch_size", "latent_dim", "generator_filters", "discriminator_filters", "upsampling",
        "learning_rate", "ema_decay", "label_smoothing", "augment", "mixed_precision")}  # fmt: skip
    print(f"kerasgan ({', '.join(f'{k} {v}' for k, v in shown.items())}):")
    latents = np.random.default_rng(1).standard_normal((SAMPLES, options.latent_dim)).astype("float32")
    ours_curve = training_curve(model, batches(images, options.batch_size), steps, every, latents=latents, **measure)

    target = min(point[3] for point in reference_curve)
    reference = first_reaching(reference_curve, target)
    ours = first_reaching(ours_curve, target)
    print(f"\nbest Frechet distance of the reference in {args.steps} steps: {target:.2f}")
    print(f"  reference reached it after {reference[1]:.1f} CPU s ({reference[2]:.1f} wall s)")
    best = min(point[3] for point in ours_curve)
    if ours is None:
        print(f"  kerasgan did not reach it in {steps} steps (best {best:.2f})")
        print("  kerasgan CPU seconds / reference CPU seconds: above 1 (not reached)")
    else:
        print(f"  kerasgan reached it after {ours[1]:.1f} CPU s ({ours[2]:.1f} wall s), "
              f"{ours[0]} steps of {options.batch_size}; its best {best:.2f}")  # fmt: skip
        print(f"  kerasgan CPU seconds / reference CPU seconds: {ours[1] / reference[1]:.2f}x "
              f"(wall: {ours[2] / reference[2]:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
