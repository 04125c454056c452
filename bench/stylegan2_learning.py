"""Benchmark: how fast StyleGAN2 learns MNIST digits on a CPU, against kerasgan's DCGAN.

The measure is the one the DCGAN learning test uses (tests/models/test_dcgan_learns.py):
1,000 samples of the averaged generator, judged by the MNIST domain classifier; a sample
is "recognised" when the classifier's top probability is above 0.8, a digit is "drawn"
when at least 2% of the samples look most like it. Both models train on the shared
MNIST subset at 32 px and are measured at the same CPU seconds; the reference is a fixed
DCGAN, trained in the same run: the one that test trained until it moved to the MNIST
defaults (4e-4, beta_1 0.5, resize upsampling, label smoothing 0.1, average 0.99, float32),
kept so that figures taken before and after compare.

`--pair` swaps one network for the DCGAN's, to tell which of the two holds a model back:
"stylegan2" (both StyleGAN2's, the `small` config), "stylegan2-generator" (StyleGAN2's
generator, trained by StyleGAN2's algorithm against the DCGAN discriminator with the
DCGAN's Adam), "stylegan2-discriminator" (the DCGAN generator against StyleGAN2's
discriminator, both with the DCGAN's Adam).

Run by hand (never part of the test suite):

    python bench/stylegan2_learning.py                          # about 10 CPU minutes
    python bench/stylegan2_learning.py --set learning_rate=0.001 --set r1_gamma=1
    python bench/stylegan2_learning.py --pair stylegan2-discriminator --cpu-seconds 240
"""

import argparse
import json
import os
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kerasgan.data import array_dataset, load_mnist  # noqa: E402
from kerasgan.metrics.classifier import domain_classifier  # noqa: E402
from kerasgan.metrics.recognition import class_recognition_from_probabilities  # noqa: E402
from kerasgan.models.dcgan import DCGAN, dcgan_discriminator  # noqa: E402
from kerasgan.models.stylegan2 import StyleGAN2  # noqa: E402
from kerasgan.models.stylegan2_configs import model_options, stylegan2_config  # noqa: E402
from kerasgan.models.stylegan2_networks import stylegan2_discriminator  # noqa: E402

SHARED_MNIST = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist_subset.npz"
IMAGE_SIZE = 32
SAMPLES = 1000
CONFIDENCE = 0.8  # as in the DCGAN learning test
MIN_SHARE_PER_DIGIT = 0.02
PAIRS = ("stylegan2", "stylegan2-generator", "stylegan2-discriminator")


def dcgan_adam():
    """The reference DCGAN's optimizer (the DCGAN learning test's former one)."""
    return keras.optimizers.Adam(4e-4, beta_1=0.5)


def build_stylegan2(pair, overrides):
    """(model, batch size, averaged generator): `small` with overrides, networks as `pair` says."""
    config = {**stylegan2_config("small", IMAGE_SIZE), **overrides}
    options = model_options(config)
    if pair == "stylegan2-discriminator":
        discriminator = stylegan2_discriminator(
            IMAGE_SIZE, 1, 0, options["channel_base"], options["channel_max"],
            options["mbstd_group_size"], options["discriminator_architecture"],
        )
        model = DCGAN((IMAGE_SIZE, IMAGE_SIZE, 1), latent_dim=64, generator_filters=32,
                      upsampling="resize", discriminator=discriminator, ema_decay=0.99, seed=0)
        model.compile(d_optimizer=dcgan_adam(), g_optimizer=dcgan_adam())
        return model, config["batch_size"], model.ema_generator
    discriminator = None
    if pair == "stylegan2-generator":
        discriminator = dcgan_discriminator((IMAGE_SIZE, IMAGE_SIZE, 1), 32, 0.3)
    model = StyleGAN2(IMAGE_SIZE, 1, seed=0, discriminator=discriminator, **options)
    model.compile(learning_rate=config["learning_rate"],
                  d_optimizer=dcgan_adam() if discriminator is not None else None)
    return model, config["batch_size"], model.ema_generator


def build_dcgan_reference():
    """The reference DCGAN (the DCGAN learning test's former model), batches of 64."""
    model = DCGAN((IMAGE_SIZE, IMAGE_SIZE, 1), latent_dim=64, generator_filters=32,
                  discriminator_filters=32, upsampling="resize", label_smoothing=0.1,
                  ema_decay=0.99, seed=0)
    model.compile(d_optimizer=dcgan_adam(), g_optimizer=dcgan_adam())
    return model, 64, model.ema_generator


def recognition(generator, classifier, latents):
    """(share of samples recognised, digits drawn) of a generator's samples."""
    images = np.clip(generator.predict(latents, batch_size=250, verbose=0), -1, 1)
    images = tf.image.resize(images, (28, 28), antialias=True).numpy()  # the classifier's size
    probabilities = classifier.probabilities(images)
    share = class_recognition_from_probabilities(probabilities, threshold=CONFIDENCE)[
        "recognised_share"
    ]
    digit_shares = np.bincount(probabilities.argmax(axis=1), minlength=10) / len(probabilities)
    return share, int(np.count_nonzero(digit_shares >= MIN_SHARE_PER_DIGIT))


def learning_curve(name, built, x_train, classifier, checkpoints, chunk):
    """Trains in chunks of steps and measures at each CPU-second checkpoint; returns the rows."""
    model, batch, averaged = built
    dataset = array_dataset(x_train, batch_size=batch, image_size=IMAGE_SIZE, seed=0).repeat()
    latents = np.random.default_rng(1).standard_normal((SAMPLES, model.latent_dim))
    latents = latents.astype("float32")
    rows, spent, steps, wall = [], 0.0, 0, time.perf_counter()
    for checkpoint in checkpoints:
        while spent < checkpoint:
            start = time.process_time()
            model.fit(dataset, steps_per_epoch=chunk, epochs=1, verbose=0)
            spent += time.process_time() - start
            steps += chunk
        share, drawn = recognition(averaged, classifier, latents)
        rows.append((share, drawn))
        print(f"  {name:34s} {steps:5d} steps  {steps * batch / 1000:6.1f} kimg  "
              f"{spent:6.0f} CPU s  {time.perf_counter() - wall:6.0f} wall s  "
              f"recognised {share:.2f}  digits drawn {drawn:2d}", flush=True)
    return rows


def parse_overrides(settings):
    overrides = {}
    for setting in settings:
        key, _, value = setting.partition("=")
        if not value:
            raise SystemExit(f"--set {setting!r}: write KEY=VALUE, for example --set r1_gamma=1.")
        overrides[key] = json.loads(value)
    return overrides


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pair", choices=PAIRS, default="stylegan2")
    parser.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                        help="a `small` config value to change (a StyleGAN2 option, "
                             "batch_size or learning_rate); repeatable")
    parser.add_argument("--cpu-seconds", type=float, default=300.0, help="each model's budget")
    parser.add_argument("--checkpoints", type=int, default=4, help="measurements per model")
    parser.add_argument("--chunk", type=int, default=50, help="steps between two CPU-time checks")
    parser.add_argument("--mnist", default=str(SHARED_MNIST))
    parser.add_argument("--no-reference", action="store_true", help="skip the DCGAN run")
    args = parser.parse_args()
    overrides = parse_overrides(args.set)
    print(f"TensorFlow {tf.__version__}, CPU threads {os.cpu_count()}; "
          f"load average {os.getloadavg()[0]:.1f}")
    (x_train, _), _ = load_mnist(path=args.mnist)
    classifier = domain_classifier("mnist", path=args.mnist, verbose=False)
    checkpoints = [args.cpu_seconds * (index + 1) / args.checkpoints
                   for index in range(args.checkpoints)]
    print(f"\nMNIST subset, {IMAGE_SIZE} px; recognised = top probability > {CONFIDENCE}, "
          f"drawn = top class of >= {MIN_SHARE_PER_DIGIT:.0%} of {SAMPLES} samples")
    keras.utils.set_random_seed(0)
    label = f"{args.pair} {json.dumps(overrides) if overrides else '(small)'}"
    stylegan = learning_curve(label, build_stylegan2(args.pair, overrides), x_train, classifier,
                              checkpoints, args.chunk)
    if args.no_reference:
        return
    keras.utils.set_random_seed(0)
    reference = learning_curve("DCGAN (the fixed reference)", build_dcgan_reference(), x_train,
                               classifier, checkpoints, args.chunk)
    best, best_reference = max(stylegan), max(reference)
    print(f"\n  best snapshot: {args.pair} recognised {best[0]:.2f} ({best[1]} digits), DCGAN "
          f"{best_reference[0]:.2f} ({best_reference[1]} digits): "
          f"{best[0] / max(best_reference[0], 1e-9):.2f}x the reference's share at equal CPU time")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
