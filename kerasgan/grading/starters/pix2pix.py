"""Assignment pix2pix: colour grey photos with a U-Net and a PatchGAN (Isola et al. 2017).

Paper: https://arxiv.org/abs/1611.07004. The input is a grey 32 x 32 CIFAR-10
photo, the target the same photo in colour. Fill in the seven functions marked
TODO, then hand in this file (or a Colab notebook with the same functions).
Check your work locally with:

    kerasgan grade run pix2pix this_file.py --report report.md

How it is graded (100 points). The grader imports your file in a separate
process and calls your functions; it does not run the code under
`if __name__ == "__main__":`, nor, in a notebook, your top-level training loop.

| points | check                                                                         |
|--------|-------------------------------------------------------------------------------|
| 10     | make_generator returns float32 colour images shaped (N, 32, 32, 3)            |
| 10     | generator pixels stay in [-1, 1], even for inputs 50 times larger             |
| 10     | make_discriminator returns a float32 map of patch logits, shaped (N, P, P, 1) |
| 10     | the discriminator judges the (input, image) pair, not the image alone         |
| 10     | discriminator_loss matches binary cross-entropy on logits, real = 1, fake = 0  |
| 15     | generator_loss is the GAN loss plus 100 times the mean L1 distance            |
| 10     | discriminator_step changes the discriminator only                             |
| 10     | generator_step changes the generator only                                     |
| 10     | over 60 steps of train_step on real pairs, the generator's loss falls         |
| 5      | the same seed gives the same results (no clock or unseeded randomness)        |

Conventions (the grader expects them):
- inputs are float32 (N, 32, 32, 1), targets and outputs float32 (N, 32, 32, 3), all in [-1, 1];
- the discriminator is called as discriminator([inputs, images]) and returns raw logits
  (no sigmoid), one per patch; losses take logits and are means over patches and batch;
- labels: real = 1, fake = 0;
- the grader makes the optimizers (Adam, beta_1 = 0.5) and passes them in.
"""

import keras
import tensorflow as tf

L1_WEIGHT = 100.0


def make_generator():
    """Builds a U-Net: grey (32, 32, 1) -> colour (32, 32, 3) in [-1, 1].

    Suggested: three Conv2D(kernel 4, stride 2) down to 4 x 4 (16, 32, 64 filters,
    LeakyReLU 0.2), then Conv2DTranspose back up, concatenating each up-sampled map
    with the down-sampled map of the same size (the skip connections), tanh at the end.
    """
    # TODO
    raise NotImplementedError("make_generator")


def make_discriminator():
    """Builds a PatchGAN: [grey input (32, 32, 1), colour image (32, 32, 3)] -> logits (P, P, 1).

    Suggested: concatenate the two on the channel axis, two Conv2D(kernel 4, stride 2)
    with LeakyReLU(0.2), then Conv2D(1, 3, padding "same"): an 8 x 8 map of logits.
    """
    # TODO
    raise NotImplementedError("make_discriminator")


def discriminator_loss(real_logits, fake_logits):
    """Mean cross-entropy of real patch logits with label 1 plus that of fake ones with label 0."""
    # TODO
    raise NotImplementedError("discriminator_loss")


def generator_loss(fake_logits, generated, targets):
    """The GAN loss (cross-entropy of fake logits, label 1) + L1_WEIGHT * mean |targets - generated|."""
    # TODO
    raise NotImplementedError("generator_loss")


def discriminator_step(generator, discriminator, discriminator_optimizer, inputs, targets):
    """One update of the discriminator on (input, target) as real and (input, output) as fake.

    Returns:
        The discriminator's loss (a scalar tensor).
    """
    # TODO
    raise NotImplementedError("discriminator_step")


def generator_step(generator, discriminator, generator_optimizer, inputs, targets):
    """One update of the generator; the discriminator must not change.

    Returns:
        The generator's loss (a scalar tensor).
    """
    # TODO
    raise NotImplementedError("generator_step")


def train_step(
    generator, discriminator, generator_optimizer, discriminator_optimizer, inputs, targets
):
    """One training step: a discriminator step, then a generator step.

    Must be traceable by tf.function (no .numpy() inside): the grader compiles it.

    Returns:
        (d_loss, g_loss), in that order.
    """
    # TODO
    raise NotImplementedError("train_step")
