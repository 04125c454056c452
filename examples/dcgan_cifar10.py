"""
Title: DCGAN on CIFAR-10: colour photos, a harder game
Author: kerasgan
Description: Train a DCGAN on 32 x 32 colour photos, compare two losses, and measure the
samples with a classifier trained on real CIFAR-10 images.
"""

"""
## Introduction

MNIST digits are gray strokes on black; CIFAR-10 photos are airplanes, cars, birds, cats,
deer, dogs, frogs, horses, ships and trucks, in colour, from every angle. A DCGAN learns
colours and textures quickly and recognisable objects slowly: expect blobs with the right
palette after a few epochs and object-like shapes after many (hours on a CPU, far less on
a Colab GPU). This script shows the whole loop and how to tell whether training helps.

Run it as `python examples/dcgan_cifar10.py`, or with `--quick` for a short tour. Without
internet, pass `--data PATH.npz` (an .npz with x_train, y_train, x_test, y_test).
"""

"""
## Setup
"""

import argparse

import numpy as np

import kerasgan
from kerasgan.quiet import hide_tensorflow_logs

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

parser = argparse.ArgumentParser(description="DCGAN on CIFAR-10.")
parser.add_argument("--quick", action="store_true", help="a short run, for a first look")
parser.add_argument("--data", default="cifar10", help="'cifar10' or an .npz with the keras keys")
parser.add_argument("--outdir", default="results", help="where run folders go")
parser.add_argument("--loss", default="bce", help="bce, hinge, lsgan or wgan-gp")
args, _ = parser.parse_known_args()

"""
## The data

`kerasgan.load_cifar10()` returns what `keras.datasets.cifar10.load_data()` returns:
uint8 images of shape (N, 32, 32, 3) and labels of shape (N, 1).
"""

path = None if args.data == "cifar10" else args.data
(x_train, y_train), (x_test, y_test) = kerasgan.load_cifar10(path=path)
print("training photos:", x_train.shape, "labels:", y_train.shape)

"""
## Train

The same DCGAN as for MNIST, built for 32 x 32 x 3: the generator starts from a 4 x 4
map and doubles three times. The discriminator can use spectral normalization, which
keeps it from changing too fast: a good first thing to try when a colour GAN collapses
to a single blurry image. Here we train with the loss given on the command line.
"""

# The quick run: 2,000 photos (63 steps of 32), enough for the grids and the measurement below.
settings = dict(kimg=2, interval_steps=32, generator_filters=32, discriminator_filters=32)
if not args.quick:
    settings = dict(epochs=30)
run = kerasgan.train(
    "dcgan", dataset=args.data, outdir=args.outdir, loss=args.loss, verbose=2, **settings
)
print("run folder:", run.path)

"""
## Watch it in TensorBoard

The run folder has a `logs/` folder for TensorBoard: the losses, the learning rates and
the sample grid of every interval. In the notebook the next cell opens it (run it
before training, with `--logdir` the results folder, to watch the run as it trains); from
a terminal: `tensorboard --logdir results`.
"""

# %load_ext tensorboard
# %tensorboard --logdir "{run.path}/logs"

"""
## Measure

A CIFAR-10 classifier trained on real photos (about 55% accurate on this small subset,
much better than the 10% of chance) scores the samples. Two numbers worth watching as
training goes on:

- the share of samples it recognises confidently: real photos score far above noise;
- the Frechet distance between its features of real and generated images (lower is
  better): the same idea as FID, with a classifier that knows CIFAR-10.
"""

import keras  # noqa: E402

from kerasgan.metrics.classifier import domain_classifier  # noqa: E402
from kerasgan.metrics.frechet import frechet_distance  # noqa: E402

classifier = domain_classifier("cifar10", path=path)
generator = keras.models.load_model(run.latest_snapshot())
latents = np.random.default_rng(0).standard_normal((500, generator.input_shape[-1]))
generated = generator.predict(latents.astype("float32"), verbose=0)
real = x_test[:500]
distance = frechet_distance(classifier.features(real), classifier.features(generated))
confident = float(np.mean(classifier.probabilities(generated).max(axis=1) > 0.5))
print(f"classifier Frechet distance (lower is better): {distance:.2f}")
print(f"samples recognised with confidence > 0.5: {confident:.0%}")

"""
## Where to go next

- Train longer: `kerasgan train dcgan --dataset cifar10 --epochs 50` resumes and goes on.
- Compare losses: run again with `--loss hinge` and look at both runs' `losses.png`.
- `kerasgan evaluate --snapshot <run>/generator-000030.keras --dataset cifar10` writes a
  report with sample and nearest-neighbour grids.
"""
