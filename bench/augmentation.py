"""Benchmark: does differentiable augmentation help a DCGAN that has only 500 images?

With 500 training images the discriminator memorises them within a few hundred steps;
after that its gradients stop teaching the generator and samples stall or get worse.
This script trains two small 32x32 DCGANs on the same 500 real CIFAR-10 images, from
the same starting weights, with the same batches, seed and number of steps:

- "plain": no augmentation;
- "augmented": `augment="flip,translation,color,cutout"` with p = 1 (DiffAugment's
  setting; kerasgan/augment.py), applied to real and fake images in both steps.

Both keep a moving average of the generator (`ema_decay=0.999`) and are measured on it:
a GAN's raw samples swing from one measurement to the next (on this data the Frechet
distance of one run jumped between 9 and 27 from one 500-step measurement to the next),
and a comparison of two single noisy points says little. Every `--every` steps it
measures the Frechet distance between 1,000 samples (a fixed latent batch) and the
1,000 real CIFAR-10 test images, in the features of the offline
CIFAR-10 domain classifier (`kerasgan.metrics.classifier`), and the CPU seconds spent
training so far (process time, so other work on the machine counts less than in wall
time). Lower distances are better.

It prints both curves, the final distances and their ratio (plain / augmented: above
1 means augmentation helped), the mean over the last three measurements of each, and,
because augmentation costs some CPU, the plain GAN's best distance at any point of its
run as a stricter comparison.

Run by hand (never part of the test suite); about 9 minutes on 2 cores:

    python bench/augmentation.py
    python bench/augmentation.py --steps 3000 --every 500 --augment translation,color,cutout
"""

import argparse
import os
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

from kerasgan.metrics.classifier import domain_classifier  # noqa: E402
from kerasgan.models.dcgan import DCGAN, dcgan_discriminator, dcgan_generator  # noqa: E402
from time_to_quality import training_curve  # noqa: E402  (beside this file)

SHARED_CIFAR10 = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cifar10_subset.npz"
IMAGE_SHAPE = (32, 32, 3)
LATENT_DIM = 64
FILTERS = 32
SAMPLES = 1000


def build_pair(augmentations, seed, ema_decay):
    """Both GANs, starting from the same generator and discriminator weights."""
    keras.utils.set_random_seed(seed)
    generator = dcgan_generator(IMAGE_SHAPE, LATENT_DIM, base_filters=FILTERS)
    discriminator = dcgan_discriminator(IMAGE_SHAPE, base_filters=FILTERS)
    models = {}
    for name, augment in (("plain", None), ("augmented", augmentations)):
        generator_copy = keras.models.clone_model(generator)
        generator_copy.set_weights(generator.get_weights())
        discriminator_copy = keras.models.clone_model(discriminator)
        discriminator_copy.set_weights(discriminator.get_weights())
        model = DCGAN(
            IMAGE_SHAPE, LATENT_DIM, generator=generator_copy, discriminator=discriminator_copy,
            augment=augment, ema_decay=ema_decay, seed=seed,
        )  # fmt: skip
        model.compile()
        models[name] = model
    return models


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", default=str(SHARED_CIFAR10), help="CIFAR-10 .npz (keras keys)")
    parser.add_argument("--images", type=int, default=500, help="training images (the first N)")
    parser.add_argument("--steps", type=int, default=4000, help="training steps for each GAN")
    parser.add_argument("--every", type=int, default=500, help="steps between measurements")
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--augment", default="flip,translation,color,cutout")
    parser.add_argument("--ema-decay", type=float, default=0.999, help="0 measures the raw generator")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    with np.load(args.data) as data:
        x_train, x_test = data["x_train"][: args.images], data["x_test"][:SAMPLES]
    classifier = domain_classifier("cifar10", path=args.data)
    real_features = classifier.features(x_test)
    images = (x_train.astype("float32") - 127.5) / 127.5
    latents = np.random.default_rng(1).standard_normal((SAMPLES, LATENT_DIM)).astype("float32")
    print(f"{len(images)} real CIFAR-10 training images; Frechet distance to {len(x_test)} test "
          f"images in the features of {classifier.name}")  # fmt: skip

    curves = {}
    for name, model in build_pair(args.augment, args.seed, args.ema_decay).items():
        # The same batches, in the same order, for both.
        dataset = (
            tf.data.Dataset.from_tensor_slices(images)
            .shuffle(len(images), seed=args.seed)
            .batch(args.batch_size, drop_remainder=True)
            .repeat()
            .prefetch(tf.data.AUTOTUNE)
        )
        print(f"{name}{' (' + args.augment + ')' if name == 'augmented' else ''}:", flush=True)
        curves[name] = training_curve(
            model, dataset, args.steps, args.every, classifier, real_features, latents
        )

    _, plain_seconds, plain = curves["plain"][-1]
    _, augmented_seconds, augmented = curves["augmented"][-1]
    plain_best = min(distance for _, _, distance in curves["plain"])
    plain_recent, augmented_recent = (
        float(np.mean([distance for _, _, distance in curves[name][-3:]]))
        for name in ("plain", "augmented")
    )
    print(f"\nafter {args.steps} steps of {args.batch_size} on {len(images)} images:")
    print(f"  without augmentation: Frechet distance {plain:.2f} ({plain_seconds:.0f} CPU s)")
    print(f"  with augmentation:    Frechet distance {augmented:.2f} ({augmented_seconds:.0f} CPU s)")
    print(f"  ratio without / with: {plain / augmented:.2f}x (above 1: augmentation helped)")
    print(f"  mean of the last three measurements: without {plain_recent:.2f}, with "
          f"{augmented_recent:.2f} (ratio {plain_recent / augmented_recent:.2f}x)")  # fmt: skip
    print(f"  without augmentation, best at any measurement: {plain_best:.2f} "
          f"(ratio {plain_best / augmented:.2f}x)")  # fmt: skip


if __name__ == "__main__":
    main()
