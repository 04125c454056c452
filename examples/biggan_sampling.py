"""
Title: BigGAN playground: sample ImageNet classes by name, blend them, walk between them
Author: kerasgan
Description: Load DeepMind's BigGAN from TF Hub in TF2, draw classes with the truncation
trick, mix two classes into a new one, and animate a walk from one class to another.
"""

"""
## Introduction

BigGAN (Brock et al., [Large Scale GAN Training for High Fidelity Natural Image
Synthesis](https://arxiv.org/abs/1809.11096)) is a class-conditional GAN trained on the
1,000 classes of ImageNet. DeepMind published six pretrained generators on TF Hub:
BigGAN-deep and the original BigGAN, at 128, 256 and 512 pixels. We cannot train one
(it was trained on TPU pods of up to 512 cores), but we can play with it.

The generator takes three inputs:

- `y`, a class vector of 1,000 numbers: one-hot for one class, or any mix of classes;
- `z`, a noise vector (128 numbers for BigGAN-deep): which dog, in which pose;
- `truncation`, a number in (0, 1]: the *truncation trick*. The noise is drawn from a
  normal distribution cut at +-2 and multiplied by the truncation. Small values keep z
  near the centre, where the generator is most confident: typical, clean images.
  Values near 1 give more variety, and more strange images.

The official TF Hub notebook uses `hub.Module`, which no longer exists in TF2;
`kerasgan.hub.BigGAN` loads the same modules with `hub.load` and calls their
"default" signature.

Run it as `python examples/biggan_sampling.py`. The first run downloads the model once
into the TF Hub cache (set `TFHUB_CACHE_DIR` to choose the folder; on Colab, a Google
Drive folder survives a restart). `--model PATH` uses a local copy of a module instead.
"""

"""
## Setup
"""

import argparse
from pathlib import Path

import numpy as np

from kerasgan.quiet import hide_tensorflow_logs

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

from kerasgan import images  # noqa: E402
from kerasgan.hub import BigGAN, class_name, find_class  # noqa: E402  (loads TensorFlow)

# Notebooks pass their own arguments (-f kernel.json): keep ours and ignore the rest.
parser = argparse.ArgumentParser(description="BigGAN playground.")
parser.add_argument("--model", default="biggan-deep-256", help="preset, handle or local folder")
parser.add_argument("--outdir", default="biggan_samples", help="where the pictures go")
args, _ = parser.parse_known_args()
outdir = Path(args.outdir)

"""
## Load the generator

The latent size and the resolution are read from the module's signature, so the same
code works for every preset. The 256 and 512 pixel models want a GPU to be quick;
`biggan-deep-128` is the lightest.
"""

biggan = BigGAN(args.model)
print(biggan)

"""
## Classes by name

Class ids are hard to remember (207 is a golden retriever), so kerasgan looks names up:
an exact name first, then a WordNet synonym, then part of a name. A name that fits several
classes ("elephant") is an error that lists them, and a misspelling suggests the right name.
"""

print("golden retriever ->", find_class("golden retriever"))
print("hen ->", find_class("hen"))
for name in ["elephant", "golden retreiver"]:
    try:
        find_class(name)
    except ValueError as error:
        print(error)

"""
## Sample with truncation

`sample` draws `num` images of each class. All classes share the same noise vectors, so
each column of the grid shows what the classes make of the same z. The same seed always
gives the same images.
"""

classes = ["golden retriever", "hen", "tusker"]
samples = biggan.sample(classes, num=6, truncation=0.4, seed=0)
images.save_grid(outdir / "classes.png", samples, columns=6, row_labels=classes)

"""
Now the truncation trick itself: one class, one seed, truncation from low to high.
Low truncation gives near-identical, "average" images; high truncation gives variety.
"""

truncations = [0.1, 0.4, 0.7, 1.0]
rows = [biggan.sample("hen", num=6, truncation=value, seed=1) for value in truncations]
images.save_grid(
    outdir / "truncation.png",
    np.concatenate(rows),
    columns=6,
    row_labels=[f"truncation {value}" for value in truncations],
)

"""
## Blend classes

The class vector does not have to be one-hot. BigGAN turns y into a class embedding
with a linear layer, so a weighted sum of classes is a point between (or beyond) them.
Weights above 1 exaggerate a class; try negative ones too.
"""

blend = {"African elephant": 0.6, "pickup truck": 2.0}
blended = biggan.blend(blend, num=6, truncation=0.4, seed=2)
images.save_grid(outdir / "blend.png", blended, columns=6)

"""
## Walk between classes

`interpolate` makes the frames of a walk. With `space="both"` the class and the noise
move together, as in the TF Hub notebook; `space="class"` keeps one z and morphs the
class; `space="z"` keeps the class and moves the noise. `method="slerp"` walks along
the sphere where normal samples live, instead of cutting through it.
"""

walk = biggan.interpolate("golden retriever", "hen", steps=16, space="both", seed=3)
images.save_animation(outdir / "walk.gif", walk, fps=8)
images.save_grid(outdir / "walk.png", walk, columns=16)

start, end = find_class("golden retriever"), find_class("hen")
print(f"Walked from {class_name(start)} ({start}) to {class_name(end)} ({end}).")
print(f"Wrote classes.png, truncation.png, blend.png, walk.gif and walk.png to {outdir}/")

"""
## What to try next

- Other presets: `biggan-deep-512` for detail, `biggan-128` for the original BigGAN.
- The same walk with `method="slerp"`, or a longer one written as `walk.mp4`.
- From the command line: `kerasgan biggan --classes "golden retriever" hen --out grid.png`,
  `kerasgan biggan --blend "African elephant:0.6" "pickup truck:2"`,
  `kerasgan biggan --interpolate "golden retriever" hen --steps 16 --out walk.gif`.
"""
