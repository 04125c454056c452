"""
Title: A conditional GAN on CIFAR-10: ask for a cat by name
Author: kerasgan
Description: Train a class-conditional GAN on the ten CIFAR-10 classes, ask the saved
generator for classes by name, compare the two ways a discriminator can take a label,
and measure how often a classifier recognises the class that was asked for.
"""

"""
## Introduction

This is the MNIST conditional GAN (`examples/conditional_gan_mnist.py`) on photos:
32 x 32 colour images of ten classes, airplane to truck. Three things change.

- **Names.** The classes have names, and the generator keeps them: a snapshot knows that
  its label 3 is "cat", so `kerasgan generate --class cat` works on any machine, without
  the dataset.
- **Difficulty.** Photos vary far more than digits. Expect colour and layout to become
  class-specific first (blue skies behind airplanes, green behind frogs, water under
  ships), shapes much later.
- **Measuring.** A small classifier trained on CIFAR-10 (cached after the first run) is a
  rougher judge than the digit classifier: on the offline 5,000-image copy it is right
  about 55% of the time on real test photos, so its verdict on fakes is a trend to
  compare runs with, not an absolute score.

The discriminator takes the label by *projection* by default (Miyato & Koyama,
[cGANs with Projection Discriminator](https://arxiv.org/abs/1802.05637)): it compares
the image's features with a learned vector per class at the end of the network.
`--conditioning channel` gives the classic alternative, an extra input channel.

Run it as `python examples/conditional_gan_cifar10.py` (2 million training images'
worth: a Colab GPU is the place for it). `--quick` is a one-minute smoke test on the offline CIFAR-10 subset in
`../shared/data/`, with networks too small to draw anything recognisable.
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
parser = argparse.ArgumentParser(description="Conditional GAN on CIFAR-10.")
parser.add_argument("--quick", action="store_true", help="a one-minute run on offline data")
parser.add_argument("--epochs", type=int, default=None, help="default: 2 million images' worth")
parser.add_argument("--outdir", default="results", help="where the run folder goes")
parser.add_argument("--data", default="cifar10", help="'cifar10' or an .npz with the keras keys")
parser.add_argument(
    "--conditioning",
    default="projection",
    choices=("projection", "channel"),
    help="how the discriminator takes the label",
)
args, _ = parser.parse_known_args()
outdir = Path(args.outdir)
LATENT_DIM = 128  # the length of z (kerasgan's default for CIFAR-10)

dataset, epochs, filters = args.data, args.epochs, 64
if args.quick:
    # A one-minute run on the 5,000 real photos kept beside the project for offline work.
    # A notebook has no __file__: there, the search starts from the current folder.
    here = Path(__file__).resolve().parent if "__file__" in globals() else Path.cwd()
    project_root = here.parent
    shared = Path(os.environ.get("KERASGAN_SHARED_DATA", project_root.parent / "shared" / "data"))
    if args.data == "cifar10" and (shared / "cifar10_subset.npz").exists():
        dataset = str(shared / "cifar10_subset.npz")
    epochs, filters = 1, 8

"""
## The data

`load_training_data(..., labels=True)` yields `(images, labels)` batches and knows the
class names. One row per class of real photos, to know what we are asking for:
"""

from kerasgan.data import load_training_data  # noqa: E402  (loads TensorFlow)

data = load_training_data(dataset, batch_size=64, labels=True)
print(data.description)
print("classes:", ", ".join(f"{label} {name}" for label, name in enumerate(data.class_names)))

photos, labels = (np.asarray(part) for part in next(iter(data.dataset.unbatch().batch(2000))))
examples = np.concatenate([photos[labels == label][:8] for label in range(data.num_classes)])
outdir.mkdir(parents=True, exist_ok=True)
images.save_grid(
    outdir / "cifar10_real_by_class.png", examples, columns=8, row_labels=data.class_names
)
print("real photos:", outdir / "cifar10_real_by_class.png")

"""
## Train

The same one call as for MNIST. Every interval writes a class grid to the run folder,
one row per class with its name, one fixed z per column. The command line equivalent:

```
kerasgan train cgan --dataset cifar10 --epochs 50
```
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
## Ask for a class by name

The snapshot keeps the class names in a small layer called "class_labels", so a name
becomes a label without the dataset at hand. A misspelt name is an error that lists the
names it knows.
"""

generator = sampling.load_generator(run.latest_snapshot())
class_names = sampling.generator_class_names(generator)
cat = sampling.class_index("cat", class_names)
cats = generator.predict(
    [sampling.latent_batch(16, LATENT_DIM, seed=1), np.full(16, cat, dtype="int32")], verbose=0
)
images.save_grid(outdir / "cifar10_cats.png", cats)
print(f"sixteen of class {cat} ({class_names[cat]}):", outdir / "cifar10_cats.png")
try:
    sampling.class_index("kitten", class_names)
except ValueError as error:
    print(error)

"""
## Measure it

The share of generated photos that the CIFAR-10 classifier confidently recognises (top
probability above 0.9) as the class they were asked for, and, less strictly, the share
whose most likely class is the one asked for. Chance is 10% for the second. Compare the
same measurement on real test photos: that is the best a generator could score with this
judge.
"""

if args.quick:
    print("(--quick: the measurement is skipped; training the classifier takes a minute)")
else:
    from kerasgan.metrics.classifier import domain_classifier
    from kerasgan.metrics.recognition import class_recognition_score

    classifier = domain_classifier("cifar10")
    per_class = sampling.latent_batch(100, LATENT_DIM, seed=3)
    test_latents, test_labels = sampling.class_grid_inputs(per_class, 10)
    generated = generator.predict([test_latents, test_labels], verbose=0)
    strict = class_recognition_score(classifier, generated, test_labels)
    top_class = class_recognition_score(classifier, generated, test_labels, threshold=0.0)
    print(f"classifier: {classifier}")
    print(f"recognised (p > 0.9) as the class asked for: {strict['requested_class_share']:.1%}")
    print(f"most likely class is the one asked for:       {top_class['requested_class_share']:.1%}")

"""
## Morph an automobile into a truck

A walk through the label embedding at fixed z: the car grows into a truck, and back.
Between two unrelated classes (a frog and a ship) the middle frames show what the
generator makes of a label halfway between them.
"""

start, end = (sampling.class_index(name, class_names) for name in ("automobile", "truck"))
frames = sampling.class_morph(
    generator, start, end, sampling.latent_batch(4, LATENT_DIM, seed=4), 12
)
images.save_gif(
    outdir / "cifar10_automobile_to_truck.gif",
    [images.make_grid(frame, columns=4) for frame in frames],
)
print("morph:", outdir / "cifar10_automobile_to_truck.gif")

"""
## Next

```
kerasgan generate --snapshot results/00001-cgan-cifar10/generator-000050.keras --class cat --num 16 --out cats.png
kerasgan generate --snapshot results/00001-cgan-cifar10/generator-000050.keras --interpolate-classes frog ship --seeds 0-3 --out morph.gif
```

Things to try: `--conditioning channel` against the default projection, and the hinge
loss with spectral normalization, the combination of the projection discriminator paper
(`kerasgan.train("cgan", ..., loss="hinge", spectral_norm=True)`, or `--loss hinge
--spectral-norm` on the command line).
"""
