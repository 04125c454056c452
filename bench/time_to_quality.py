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

The quick start's figures in kerasgan/training/recipes/dcgan.py (`kerasgan train dcgan
--dataset mnist --kimg 100`: 3,125 steps of 32 today, 1,563 steps of 64 before) come from one
command per setting, three seeds each, without the reference; the last lines give each
seed's and the median's CPU seconds of training, Frechet distance, recognised share and
digits drawn. Today's defaults:

    python bench/time_to_quality.py --kimg 100 --every 800 --no-reference --seeds 0 1 2

The figures measured before batches of 32 and no dropout came in need the row of that time,
`--set batch_size=64 --set discriminator_dropout=0.3`, then each setting changed alone:

    python bench/time_to_quality.py --kimg 100 --every 800 --no-reference --seeds 0 1 2 \\
        --set batch_size=64 --set discriminator_dropout=0.3 --set loss=hinge

and so on with `--set beta_1=0.5` (the row before beta_1 0.3), `--set spectral_norm=true`,
`--set upsampling=resize`, `--set learning_rate=1.2e-3`, `--set ema_decay=0.995`,
`--set generator_filters=48`, `--set label_smoothing=0.1`, `--set discriminator_dropout=0`
and `--set batch_size=32` in place of the row's value (the last two: `--set
discriminator_dropout=0 --set batch_size=32` together, today's defaults).

The CIFAR-10 figures (its own row, and what the shared subset as an .npz gets) train for
300 CPU seconds each; `--row custom` trains with the row for other images, which an .npz
of colour images got before the rows followed the data:

    python bench/time_to_quality.py --data ../shared/data/cifar10_subset.npz --cpu-seconds 300 \\
        --every 400 --no-reference --seeds 0 1 2 --row custom
    python bench/time_to_quality.py --data ../shared/data/cifar10_subset.npz --cpu-seconds 300 \\
        --every 400 --no-reference --seeds 0 1 2

and the settings tried for it with `--set` as above. `--grids FOLDER` saves each seed's last
64 samples as a picture.
"""

import argparse
import json
import math
import os
import time
from pathlib import Path
from types import SimpleNamespace

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from dcgan_step import ReferenceGAN, adam  # noqa: E402  (the reference step, beside this file)
from kerasgan.images import save_grid  # noqa: E402
from kerasgan.metrics.classifier import domain_classifier  # noqa: E402
from kerasgan.metrics.frechet import frechet_distance  # noqa: E402
from kerasgan.metrics.recognition import class_recognition_from_probabilities  # noqa: E402
from kerasgan.metrics.reference_data import load_reference_data  # noqa: E402
from kerasgan.models.dcgan import dcgan_discriminator, dcgan_generator  # noqa: E402
from kerasgan.precision import choose_mixed_precision  # noqa: E402
from kerasgan.training.configs import look_at_data  # noqa: E402
from kerasgan.training.recipes import RECIPES  # noqa: E402

# The shared real-data folder beside the repository, as the tests use it.
SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist_subset.npz"
REFERENCE_LATENT_DIM = 64
REFERENCE_FILTERS = 32
REFERENCE_BATCH_SIZE = 64
SAMPLES = 1000
KIND_SHARE = 0.05  # a digit counts as drawn when at least 5% of the samples are it


def build_reference(image_shape):
    """The keras.io-style GAN: the yardstick, the same in every run of this script."""
    keras.utils.set_random_seed(0)
    generator = dcgan_generator(image_shape, REFERENCE_LATENT_DIM, base_filters=REFERENCE_FILTERS)
    discriminator = dcgan_discriminator(image_shape, base_filters=REFERENCE_FILTERS)
    reference = ReferenceGAN(discriminator, generator, REFERENCE_LATENT_DIM)
    reference.compile(adam(), adam(), keras.losses.BinaryCrossentropy(from_logits=True))
    return reference


def build_kerasgan(image_shape, overrides, row="mnist"):
    """(model, options): what `kerasgan train dcgan` builds, as train() does, for data that gets `row`.

    `row` is the row of dataset defaults (kerasgan/training/configs.py): "mnist", "cifar10"
    or "custom" (what any other name gets).
    """
    recipe = RECIPES["dcgan"]
    options = recipe.options.resolve("dcgan", row, overrides)
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


def batches(images, batch_size, seed=0):
    """Shuffled batches of the training digits, the same order for every run of one seed."""
    return (
        tf.data.Dataset.from_tensor_slices(images)
        .shuffle(len(images), seed=seed)
        .batch(batch_size, drop_remainder=True)
        .repeat()
        .prefetch(tf.data.AUTOTUNE)
    )


def training_curve(model, dataset, measure_at, classifier, real_features, latents, cpu_budget=None):
    """[(steps, cpu_seconds, wall_seconds, frechet_distance, recognised_share, kinds)] at `measure_at` steps.

    With `cpu_budget` (CPU seconds of training), training stops after the step that spends
    it, and is measured there once more.

    recognised_share: the share of samples the classifier gives a probability of 0.9 or
    more (as `kerasgan evaluate` counts them); kinds: the digits that are each at least
    `KIND_SHARE` of all samples, recognised.
    """
    curve = []
    cpu_seconds = wall_seconds = 0.0
    done = 0
    for target in measure_at:
        start, wall_start = time.process_time(), time.perf_counter()
        budget_left = None if cpu_budget is None else cpu_budget - cpu_seconds
        stopper = CPUBudget(budget_left)
        model.fit(dataset, epochs=1, steps_per_epoch=target - done, verbose=0, callbacks=[stopper])
        cpu_seconds += time.process_time() - start
        wall_seconds += time.perf_counter() - wall_start
        done += stopper.steps
        # kerasgan's DCGAN samples from its generator average when it keeps one.
        generator = getattr(model, "generator_for_sampling", model.generator)
        samples = np.asarray(generator.predict(latents, batch_size=250, verbose=0), dtype="float32")
        distance = float(frechet_distance(classifier.features(samples), real_features))
        recognition = class_recognition_from_probabilities(classifier.probabilities(samples), threshold=0.9)
        recognised = recognition["recognised_share"]
        kinds = sum(count >= KIND_SHARE * len(samples) for count in recognition["class_counts"])
        curve.append((done, cpu_seconds, wall_seconds, distance, recognised, kinds))
        print(
            f"  {done:5d} steps  {cpu_seconds:7.1f} CPU s  {wall_seconds:7.1f} wall s  "
            f"Frechet distance {distance:8.2f}  recognised {recognised:6.1%}  kinds {kinds:2d}",
            flush=True,
        )
        if stopper.spent:
            break
    return curve


class CPUBudget(keras.callbacks.Callback):
    """Stops `fit` once the process has spent `seconds` of CPU time in it (None: never); counts steps."""

    def __init__(self, seconds):
        super().__init__()
        self.seconds = seconds
        self.steps = 0
        self.spent = False
        self.start = time.process_time()

    def on_train_batch_end(self, batch, logs=None):
        self.steps += 1
        if self.seconds is not None and time.process_time() - self.start >= self.seconds:
            self.spent = True
            self.model.stop_training = True


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


def measurement_steps(total_images, every_images, batch_size):
    """The step counts to measure at: every `every_images` images, and at the end."""
    total = math.ceil(total_images / batch_size)
    every = max(1, round(every_images / batch_size))
    return [*range(every, total, every), total]


def median(values):
    return float(np.median(values))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", default=str(SHARED_MNIST),
        help="an .npz of MNIST or CIFAR-10 images with the keras.datasets keys (the shared "
        "subsets), or the name mnist",
    )  # fmt: skip
    parser.add_argument(
        "--row", choices=("mnist", "cifar10", "custom"),
        help="the row of dataset defaults to train with (default: the one the data gets, as "
        "kerasgan train chooses it)",
    )  # fmt: skip
    parser.add_argument(
        "--cpu-seconds", type=float,
        help="train until this many CPU seconds are spent (measured every --every steps and "
        "at the end) instead of for --steps or --kimg",
    )  # fmt: skip
    parser.add_argument("--steps", type=int, default=1500, help="reference steps (of 64 images)")
    parser.add_argument(
        "--kimg", type=int, help="train on this many thousand images instead of --steps x 64 "
        "(the quick start: 100)",
    )  # fmt: skip
    parser.add_argument("--every", type=int, default=250, help="reference steps between measurements")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE",
        help="a kerasgan training option instead of its MNIST default, e.g. learning_rate=2e-4",
    )  # fmt: skip
    parser.add_argument(
        "--seeds", type=int, nargs="+", default=[0],
        help="train kerasgan once per seed (weights and data order), then print the medians",
    )  # fmt: skip
    parser.add_argument("--grids", metavar="FOLDER", help="save each seed's last 64 samples there as a grid")
    parser.add_argument("--reference-curve", help="JSON file: the reference's curve, kept or reused")
    parser.add_argument(
        "--no-reference", action="store_true", help="measure kerasgan only (no yardstick run)"
    )
    args = parser.parse_args()

    # The row of defaults `kerasgan train dcgan --dataset DATA` would choose, unless --row
    # says otherwise; the classifier is MNIST's for grey images and CIFAR-10's for colour.
    look = look_at_data(args.data)
    if look.kind == "custom":
        parser.error(
            f"--data {args.data}: {look.reason}; this benchmark measures small grey or colour "
            "images (an .npz like the shared MNIST or CIFAR-10 subsets)."
        )
    row = args.row or look.kind
    path = args.data if Path(args.data).exists() else None
    real = load_reference_data(look.kind, path=path)
    classifier = domain_classifier(reference=real)
    real_features = classifier.features(real.x_test[:SAMPLES])
    images = (real.x_train.astype("float32").reshape((-1, *real.image_shape)) - 127.5) / 127.5
    image_shape = images.shape[1:]
    print(f"{len(images)} training images {real.origin}, trained with the {row} row of defaults")
    measure = dict(classifier=classifier, real_features=real_features, cpu_budget=args.cpu_seconds)
    total_images = args.kimg * 1000 if args.kimg else args.steps * REFERENCE_BATCH_SIZE
    if args.cpu_seconds:
        total_images = 10**9  # measured every --every steps until the budget is spent
    every_images = args.every * REFERENCE_BATCH_SIZE

    reference_curve = None
    cache = Path(args.reference_curve) if args.reference_curve else None
    if args.no_reference:
        pass
    elif cache is not None and cache.exists():
        reference_curve = [tuple(point) for point in json.loads(cache.read_text())]
        print(f"reference: {len(reference_curve)} measurements read from {cache}")
    else:
        print(f"reference (keras.io-style step, {REFERENCE_FILTERS} filters, latent {REFERENCE_LATENT_DIM}, "
              f"batch {REFERENCE_BATCH_SIZE}, Adam 2e-4, float32):")  # fmt: skip
        latents = np.random.default_rng(1).standard_normal((SAMPLES, REFERENCE_LATENT_DIM)).astype("float32")
        reference_curve = training_curve(
            build_reference(image_shape), batches(images, REFERENCE_BATCH_SIZE),
            measurement_steps(total_images, every_images, REFERENCE_BATCH_SIZE), latents=latents,
            **measure,
        )  # fmt: skip
        if cache is not None:
            cache.write_text(json.dumps(reference_curve))

    overrides = parse_overrides(args.set)
    finals = []
    for seed in args.seeds:
        model, options = build_kerasgan(image_shape, {**overrides, "seed": seed}, row)
        # Measured at the same numbers of images as the reference.
        measure_at = measurement_steps(total_images, every_images, options.batch_size)
        shown = {k: getattr(options, k) for k in (
            "batch_size", "latent_dim", "generator_filters", "discriminator_filters", "upsampling",
            "spectral_norm", "loss", "learning_rate", "beta_1", "ema_decay", "label_smoothing",
            "augment", "mixed_precision", "seed")}  # fmt: skip
        print(f"kerasgan ({', '.join(f'{k} {v}' for k, v in shown.items())}):")
        latents = np.random.default_rng(1).standard_normal((SAMPLES, options.latent_dim)).astype("float32")
        curve = training_curve(
            model, batches(images, options.batch_size, seed), measure_at, latents=latents, **measure
        )
        finals.append(curve[-1])
        if args.grids:
            # The first 64 of the last measurement's samples, as a run folder's grid shows them.
            generator = getattr(model, "generator_for_sampling", model.generator)
            grid_path = Path(args.grids) / f"seed_{seed}.png"
            grid_path.parent.mkdir(parents=True, exist_ok=True)
            save_grid(grid_path, generator.predict(latents[:64], verbose=0), columns=8)
            print(f"  its last 64 samples: {grid_path}")
        if reference_curve is not None:
            compare_with_reference(reference_curve, curve, options)
        keras.backend.clear_session()

    print(f"\nafter {total_images / 1000:g} kimg, seeds {' '.join(map(str, args.seeds))}:")
    for seed, (steps, cpu, wall, distance, recognised, kinds) in zip(args.seeds, finals):
        print(f"  seed {seed}: {cpu:6.1f} CPU s  Frechet distance {distance:6.2f}  "
              f"recognised {recognised:6.1%}  kinds {kinds}")  # fmt: skip
    columns = list(zip(*finals))
    print(f"  median: {median(columns[1]):6.1f} CPU s  Frechet distance {median(columns[3]):6.2f}  "
          f"recognised {median(columns[4]):6.1%}  kinds {median(columns[5]):g}")  # fmt: skip


def compare_with_reference(reference_curve, ours_curve, options):
    """Prints the CPU seconds each took to first reach the reference's best distance."""
    target = min(point[3] for point in reference_curve)
    reference = first_reaching(reference_curve, target)
    ours = first_reaching(ours_curve, target)
    print(f"best Frechet distance of the reference: {target:.2f}")
    print(f"  reference reached it after {reference[1]:.1f} CPU s ({reference[2]:.1f} wall s)")
    best = min(point[3] for point in ours_curve)
    if ours is None:
        print(f"  kerasgan did not reach it in {ours_curve[-1][0]} steps (best {best:.2f})")
        print("  kerasgan CPU seconds / reference CPU seconds: above 1 (not reached)")
    else:
        print(f"  kerasgan reached it after {ours[1]:.1f} CPU s ({ours[2]:.1f} wall s), "
              f"{ours[0]} steps of {options.batch_size}; its best {best:.2f}")  # fmt: skip
        print(f"  kerasgan CPU seconds / reference CPU seconds: {ours[1] / reference[1]:.2f}x "
              f"(wall: {ours[2] / reference[2]:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
