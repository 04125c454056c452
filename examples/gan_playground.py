"""
Title: The GAN playground: watch mode collapse happen, then cure it with another loss
Author: kerasgan
Description: Train a tiny GAN on a ring of 8 Gaussians with kerasgan's own GAN class, draw
the discriminator's heatmap, the generator's manifold and the arrows that move each fake
point; see binary cross-entropy collapse at a high learning rate, the hinge loss cover
every mode, and plug in a loss of your own.
"""

"""
## Introduction

A GAN is a game between two networks. On images it is hard to watch: a picture of the
discriminator's opinion would need 784 dimensions. On points in the plane, everything fits
on the screen, which is what GAN Lab (Kahng et al. 2018,
[GAN Lab: Understanding Complex Deep Generative Models using Interactive Visual
Experimentation](https://arxiv.org/abs/1809.01587)) shows in a browser. This playground
shows the same panels, but the networks are trained by kerasgan's `GAN` class, the very
`train_step` that trains DCGANs on MNIST, and every loss of `kerasgan.losses` is there,
plus your own.

Each frame has six panels:

1. the real points and the contours of their density;
2. the discriminator's logit everywhere (blue: "real", red: "fake"), with the real points,
   the fakes and, on each fake, an arrow: minus the gradient of the generator's loss with
   respect to that point, the way the next generator update pushes it;
3. the generator's manifold: a grid of noise pushed through the generator, which shows
   how it folds its input plane onto the data;
4. the fakes over the real density;
5. the two losses over the steps;
6. the KL and JS divergences between the real and the fake densities, and the number of
   modes covered (a mode counts when at least 2% of the fakes lie within 3 standard
   deviations of its centre).

Run it as `python examples/gan_playground.py` (a few minutes of CPU, most of it drawing
frames), or with `--quick` for a first look. The same game from the command line:
`kerasgan playground --target ring --loss hinge --steps 3000 --out game.mp4`.
"""

"""
## Setup
"""

import argparse
from pathlib import Path

import numpy as np

from kerasgan.quiet import hide_tensorflow_logs

hide_tensorflow_logs()  # no TensorFlow start-up lines, as with the kerasgan command

import tensorflow as tf  # noqa: E402

from kerasgan.playground import Playground, save_frames, save_html  # noqa: E402
from kerasgan.playground.render import show_html  # noqa: E402

# Notebooks pass their own arguments (-f kernel.json): keep ours and ignore the rest.
parser = argparse.ArgumentParser(description="The GAN playground.")
parser.add_argument("--outdir", default="playground", help="where the animations go")
parser.add_argument("--quick", action="store_true", help="a few hundred steps, for a first look")
args, _ = parser.parse_known_args()
outdir = Path(args.outdir)
outdir.mkdir(parents=True, exist_ok=True)

# The two settings of this tutorial. The numbers of steps are the ones the tests measured.
COLLAPSE_STEPS = 200 if args.quick else 1500
COVER_STEPS = 300 if args.quick else 4000
FRAME_EVERY = 50 if args.quick else 100


def in_a_notebook():
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return get_ipython() is not None and "IPKernelApp" in get_ipython().config


def report(name, game):
    last = game.measurements[-1]
    print(
        f"{name}: after {game.steps} steps, {last['modes_covered']} of {last['modes']} modes "
        f"covered, {last['good_share']:.0%} of the fakes within 3 std of a mode, JS "
        f"{game.measurements[0]['js']:.3f} -> {last['js']:.3f}"
    )


"""
## Mode collapse: binary cross-entropy at a high learning rate

The target is GAN Lab's and the Unrolled GAN paper's (Metz et al. 2016): 8 Gaussians on a
circle. First the original GAN loss, binary cross-entropy, with Adam at a learning rate of
0.1. Watch the fakes: they gather on one mode, the discriminator learns to reject that
mode, and they jump together to another. The generator never spreads out, and the JS
divergence stays near its maximum, ln 2 = 0.69.
"""

collapse = Playground("ring", loss="bce", learning_rate=0.1, seed=0)
collapse_frames = collapse.play(COLLAPSE_STEPS, frame_every=FRAME_EVERY)
report("binary cross-entropy, learning rate 0.1", collapse)
save_frames(outdir / "collapse.gif", collapse_frames)

"""
## A loss that covers the modes: hinge at a learning rate of 0.001

The hinge loss (the loss of SAGAN and BigGAN) with Adam at 0.001. The fakes spread around
the ring, the arrows point from each fake toward the nearest real points, and then the
fakes tighten onto the modes: with this seed, all 8 of them, with about 94% of the fakes
within 3 standard deviations of a mode after 4,000 steps (about 17 s of training on a CPU).
Try other seeds: some start late and still miss a mode or four at step 4,000. A GAN is a
game, not a minimisation, and where it goes depends on where it starts.
"""

cover = Playground("ring", loss="hinge", learning_rate=1e-3, seed=0)
cover_frames = cover.play(COVER_STEPS, frame_every=FRAME_EVERY)
report("hinge, learning rate 0.001", cover)
save_frames(outdir / "hinge.mp4", cover_frames)
save_html(outdir / "hinge.html", cover_frames, title="hinge loss on 8 Gaussians")
print(f"Wrote {outdir / 'collapse.gif'}, {outdir / 'hinge.mp4'} and {outdir / 'hinge.html'}")

"""
The `.html` file plays anywhere, offline: play, pause, step and a slider. In a notebook the
same player shows inline.
"""

if in_a_notebook():
    show_html(cover_frames[-10:])

"""
## One move at a time

A GAN step is two moves: the discriminator's, then the generator's. The playground can
make them one at a time, so you can see what each does. After a discriminator step, its
heatmap changes and the fakes stay where they are; after a generator step, the fakes move
along their arrows.
"""

game = Playground("ring", loss="hinge", seed=1)
game.step(100)
before = game.fake_points()
game.step_discriminator()
print("after a discriminator step, the fakes moved by", np.abs(game.fake_points() - before).max())
game.step_generator()
print("after a generator step, the fakes moved by", np.abs(game.fake_points() - before).max())
if in_a_notebook():
    game.show()

"""
## Your own loss

A loss is two functions of the discriminator's logits: what the discriminator minimises,
and what the generator minimises. Here is the least-squares loss (Mao et al. 2017,
[Least Squares Generative Adversarial Networks](https://arxiv.org/abs/1611.04076)),
written out by hand, as the `gan-loss-mnist` assignment asks you to. Pass the pair as
`loss`: the playground trains with it, through the same `GAN.train_step`.
"""


def my_discriminator_loss(real_logits, fake_logits):
    # Real points should score 1, fakes 0: the squared distance to those targets.
    return 0.5 * tf.reduce_mean(tf.square(real_logits - 1.0)) + 0.5 * tf.reduce_mean(
        tf.square(fake_logits)
    )


def my_generator_loss(fake_logits):
    # The generator wants its fakes to score 1.
    return 0.5 * tf.reduce_mean(tf.square(fake_logits - 1.0))


mine = Playground("ring", loss=(my_discriminator_loss, my_generator_loss), seed=0)
mine_frames = mine.play(COVER_STEPS, frame_every=FRAME_EVERY)
report("your own least-squares loss", mine)
save_frames(outdir / "my_loss.gif", mine_frames)

"""
## What to try next

- `kerasgan playground --target spiral --noise-dim 1`: a line of noise cannot fill a
  plane; watch the manifold become a curve that follows the spiral.
- `--loss wgan-gp --discriminator-steps 5`: the critic's heatmap is no probability any more.
- `--target grid` (25 modes), or your own points: `--target my_points.npy`.
- Then write the losses yourself: `kerasgan grade starter gan-loss-mnist > gan_loss.py`.
"""
