"""Assignment cgan-cifar10: a conditional GAN that draws the CIFAR-10 class you ask for.

Fill in the seven functions marked TODO, then hand in this file (or a Colab
notebook with the same functions). Check your work locally with:

    kerasgan grade run cgan-cifar10 this_file.py --report report.md

Both networks get the class label as well as their usual input: an integer
0-9 (airplane, automobile, bird, cat, deer, dog, frog, horse, ship, truck) that
a keras.layers.Embedding turns into a learned vector. The generator
joins that vector to the latent vector; the discriminator judges image and
label together, so a good cat labelled "ship" counts as fake.

How it is graded (100 points). The grader imports your file in a separate
process and calls your functions; it does not run the code under
`if __name__ == "__main__":`, nor, in a notebook, your top-level training loop.

| points | check                                                                        |
|--------|------------------------------------------------------------------------------|
| 10     | make_generator returns float32 images shaped (N, 32, 32, 3)                  |
| 10     | generator pixels stay in [-1, 1], even for latent vectors 50 times larger    |
| 10     | the generator draws something else for another label                         |
| 10     | make_discriminator returns one float32 logit per image, shaped (N, 1)        |
| 10     | the discriminator's logit changes with the label                             |
| 10     | discriminator_loss matches binary cross-entropy on logits, real = 1, fake = 0 |
| 10     | generator_loss matches the non-saturating loss -log D(G(z))                  |
| 10     | discriminator_step changes the discriminator only                            |
| 10     | generator_step changes the generator only                                    |
| 5      | over 80 steps of train_step on real photos, the discriminator's loss falls   |
| 5      | the same seed gives the same results (no clock or unseeded randomness)       |

Conventions (the grader expects them):
- images are float32 in [-1, 1], shaped (N, 32, 32, 3); labels are int32, shaped (N,);
- the networks are called with a list: generator([latents, labels]),
  discriminator([images, labels]);
- the discriminator returns raw logits (no sigmoid); losses take logits;
- labels of the game: real = 1, fake = 0; both losses are means over the batch;
- the fakes of a step are drawn for the labels of that step's real images;
- the grader makes the optimizers (Adam, beta_1 = 0.5) and passes them in.

Keep the networks small (tens of thousands of weights): the grader trains them
for 80 steps on a CPU within its time limit.
"""

import keras
import tensorflow as tf

IMAGE_SHAPE = (32, 32, 3)


def make_generator(latent_dim, num_classes):
    """Builds the generator: [latents (latent_dim,), labels ()] -> an image (32, 32, 3) in [-1, 1].

    Suggested: Embedding(num_classes, 16) for the label, Concatenate with z, then the
    DCGAN generator (Dense to 8 x 8 x 32, two Conv2DTranspose with stride 2, tanh).

    Returns:
        A keras.Model with two inputs.
    """
    # TODO
    raise NotImplementedError("make_generator")


def make_discriminator(num_classes):
    """Builds the discriminator: [images (32, 32, 3), labels ()] -> one raw logit, shaped (1,).

    Suggested: Embedding(num_classes, 32 * 32) reshaped to (32, 32, 1) and stacked on
    the image as a fourth channel, then the DCGAN discriminator, ending in Dense(1).

    Returns:
        A keras.Model with two inputs.
    """
    # TODO
    raise NotImplementedError("make_discriminator")


def discriminator_loss(real_logits, fake_logits):
    """Mean cross-entropy of real logits with label 1 plus that of fake logits with label 0."""
    # TODO
    raise NotImplementedError("discriminator_loss")


def generator_loss(fake_logits):
    """The non-saturating generator loss: mean cross-entropy of fake logits with label 1."""
    # TODO
    raise NotImplementedError("generator_loss")


def discriminator_step(
    generator, discriminator, discriminator_optimizer, real_images, labels, latents
):
    """One update of the discriminator (fakes drawn for `labels`); the generator must not change.

    Returns:
        The discriminator's loss (a scalar tensor).
    """
    # TODO
    raise NotImplementedError("discriminator_step")


def generator_step(generator, discriminator, generator_optimizer, latents, labels):
    """One update of the generator; the discriminator must not change.

    Returns:
        The generator's loss (a scalar tensor).
    """
    # TODO
    raise NotImplementedError("generator_step")


def train_step(
    generator,
    discriminator,
    generator_optimizer,
    discriminator_optimizer,
    real_images,
    labels,
    latents,
):
    """One training step: a discriminator step, then a generator step, both with `labels`.

    Must be traceable by tf.function (no .numpy() inside): the grader compiles it.

    Returns:
        (d_loss, g_loss), in that order.
    """
    # TODO
    raise NotImplementedError("train_step")
