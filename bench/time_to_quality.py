"""Benchmark: CPU seconds for kerasgan's DCGAN to reach the quality a reference step reaches.

Images per second (bench/dcgan_step.py) only matter if the samples are as good.
This script trains two GANs on the same real MNIST digits, from the same starting
weights, with the same batches, networks, loss and optimizers:

- "reference": the training step of the keras.io example "DCGAN overriding
  train_step" (two generator passes per step, discriminator first);
- "kerasgan": `kerasgan.DCGAN`'s step (one generator pass, both updates from it).

Every `--every` steps it measures the Frechet distance between 1,000 samples and
1,000 real test digits, in the features of the offline MNIST domain classifier
(`kerasgan.metrics.classifier`), and the CPU seconds spent training so far
(process time, so other work on the machine counts less than in wall time).

It prints both curves, the best distance the reference reached, the CPU seconds
each needed to first reach it, and their ratio (reference / kerasgan): above 1
means kerasgan got there in less CPU time.

Run by hand (never part of the test suite); about 10-15 minutes on 2 cores:

    python bench/time_to_quality.py
    python bench/time_to_quality.py --steps 2000 --every 250 --data mnist_subset.npz
    python bench/time_to_quality.py --ema-decay 0.99
"""

import argparse
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from dcgan_step import ReferenceGAN, adam  # noqa: E402  (the reference step, beside this file)
from kerasgan.data import load_mnist  # noqa: E402
from kerasgan.metrics.classifier import domain_classifier  # noqa: E402
from kerasgan.metrics.frechet import frechet_distance  # noqa: E402
from kerasgan.models.dcgan import DCGAN, dcgan_discriminator, dcgan_generator  # noqa: E402

# The shared real-data folder beside the repository, as the tests use it.
SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist_subset.npz"
LATENT_DIM = 64
FILTERS = 32
SAMPLES = 1000


def build_pair(image_shape, ema_decay=0.0):
    """Both GANs, starting from the same generator and discriminator weights.

    `ema_decay` > 0 gives kerasgan's DCGAN a moving average of its generator, which it
    then samples from (the reference has none: it is the keras.io step as written).
    """
    keras.utils.set_random_seed(0)
    generator = dcgan_generator(image_shape, LATENT_DIM, base_filters=FILTERS)
    discriminator = dcgan_discriminator(image_shape, base_filters=FILTERS)
    ours = DCGAN(
        image_shape, LATENT_DIM, generator=generator, discriminator=discriminator,
        ema_decay=ema_decay,
    )
    ours.compile(d_optimizer=adam(), g_optimizer=adam())

    reference_generator = keras.models.clone_model(generator)
    reference_generator.set_weights(generator.get_weights())
    reference_discriminator = keras.models.clone_model(discriminator)
    reference_discriminator.set_weights(discriminator.get_weights())
    reference = ReferenceGAN(reference_discriminator, reference_generator, LATENT_DIM)
    reference.compile(adam(), adam(), keras.losses.BinaryCrossentropy(from_logits=True))
    return {"reference": reference, "kerasgan": ours}


def training_curve(model, dataset, steps, every, classifier, real_features, latents):
    """[(steps, cpu_seconds, frechet_distance)] measured every `every` steps."""
    curve = []
    cpu_seconds = 0.0
    for done in range(every, steps + 1, every):
        start = time.process_time()
        model.fit(dataset, epochs=1, steps_per_epoch=every, verbose=0)
        cpu_seconds += time.process_time() - start
        # kerasgan's DCGAN samples from its generator average when it keeps one.
        generator = getattr(model, "generator_for_sampling", model.generator)
        samples = generator.predict(latents, batch_size=250, verbose=0)
        distance = frechet_distance(classifier.features(samples), real_features)
        curve.append((done, cpu_seconds, distance))
        print(f"  {done:5d} steps  {cpu_seconds:7.1f} CPU s  Frechet distance {distance:8.2f}", flush=True)
    return curve


def seconds_to_reach(curve, target):
    """CPU seconds at the first measurement at or below `target`, or None."""
    for _, cpu_seconds, distance in curve:
        if distance <= target:
            return cpu_seconds
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(SHARED_MNIST), help="MNIST .npz (keras keys)")
    parser.add_argument("--steps", type=int, default=1500, help="training steps for each GAN")
    parser.add_argument("--every", type=int, default=250, help="steps between measurements")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--ema-decay", type=float, default=0.0,
        help="kerasgan's generator average (e.g. 0.99); default 0, the plain generator",
    )
    args = parser.parse_args()

    (x_train, _), (x_test, _) = load_mnist(path=args.data if Path(args.data).exists() else None)
    classifier = domain_classifier("mnist", path=args.data if Path(args.data).exists() else None)
    real_features = classifier.features(x_test[:SAMPLES])
    images = (x_train.astype("float32")[..., None] - 127.5) / 127.5
    latents = np.random.default_rng(1).standard_normal((SAMPLES, LATENT_DIM)).astype("float32")

    curves = {}
    for name, model in build_pair(images.shape[1:], args.ema_decay).items():
        # The same batches, in the same order, for both.
        dataset = (
            tf.data.Dataset.from_tensor_slices(images)
            .shuffle(len(images), seed=0)
            .batch(args.batch_size, drop_remainder=True)
            .repeat()
            .prefetch(tf.data.AUTOTUNE)
        )
        print(f"{name}:")
        curves[name] = training_curve(
            model, dataset, args.steps, args.every, classifier, real_features, latents
        )

    target = min(distance for _, _, distance in curves["reference"])
    reference_seconds = seconds_to_reach(curves["reference"], target)
    ours_seconds = seconds_to_reach(curves["kerasgan"], target)
    print(f"\nbest Frechet distance of the reference in {args.steps} steps: {target:.2f}")
    print(f"  reference reached it after {reference_seconds:.1f} CPU s")
    if ours_seconds is None:
        best = min(distance for _, _, distance in curves["kerasgan"])
        print(f"  kerasgan did not reach it in {args.steps} steps (best {best:.2f})")
        print("  ratio reference / kerasgan CPU seconds: below 1 (not reached)")
    else:
        print(f"  kerasgan reached it after {ours_seconds:.1f} CPU s")
        print(f"  ratio reference / kerasgan CPU seconds: {reference_seconds / ours_seconds:.2f}x")


if __name__ == "__main__":
    main()
