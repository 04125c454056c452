"""Assignment dcgan-mnist: a DCGAN that draws handwritten digits.

Fill in the seven functions marked TODO, then hand in this file (or a Colab
notebook with the same functions). Check your work locally with:

    kerasgan grade run dcgan-mnist this_file.py --report report.md

How it is graded (100 points). The grader imports your file in a separate
process and calls your functions; it does not run the code under
`if __name__ == "__main__":`, nor, in a notebook, your top-level training loop.

| points | check                                                                        |
|--------|------------------------------------------------------------------------------|
| 10     | make_generator returns float32 images shaped (N, 28, 28, 1)                  |
| 10     | generator pixels stay in [-1, 1], even for latent vectors 50 times larger    |
| 10     | make_discriminator returns one float32 logit per image, shaped (N, 1)        |
| 10     | discriminator_loss matches binary cross-entropy on logits, real = 1, fake = 0 |
| 10     | generator_loss matches the non-saturating loss -log D(G(z))                  |
| 10     | discriminator_step changes the discriminator only                            |
| 10     | generator_step changes the generator only                                    |
| 10     | over 200 steps of train_step on real digits, the discriminator's loss falls  |
| 15     | after those 200 steps, a digit classifier reads your samples as varied digits |
| 5      | the same seed gives the same results (no clock or unseeded randomness)       |

Conventions (the grader expects them):
- images are float32 in [-1, 1], shaped (N, 28, 28, 1);
- the discriminator returns raw logits (no sigmoid); losses take logits;
- labels: real = 1, fake = 0; both losses are means over the batch;
- the grader makes the optimizers (Adam, beta_1 = 0.5) and passes them in.

Keep the networks small (tens of thousands of weights, not millions): the
grader trains them for 200 steps on a CPU within its time limit.
"""

import keras
import tensorflow as tf


def make_generator(latent_dim):
    """Builds the generator: a latent vector (latent_dim,) -> an image (28, 28, 1) in [-1, 1].

    Suggested: Dense to 7 x 7 x 32, reshape, BatchNormalization + ReLU, then two
    Conv2DTranspose(kernel 4, stride 2, padding "same") to 14 x 14 and 28 x 28.

    Returns:
        A keras.Model.
    """
    # TODO: build and return the generator.
    raise NotImplementedError("make_generator")


def make_discriminator():
    """Builds the discriminator: an image (28, 28, 1) -> one raw logit, shaped (1,).

    Suggested: two Conv2D(kernel 4, stride 2, padding "same") with LeakyReLU(0.2),
    Flatten, Dense(1). No sigmoid: the losses take logits.

    Returns:
        A keras.Model.
    """
    # TODO: build and return the discriminator.
    raise NotImplementedError("make_discriminator")


def discriminator_loss(real_logits, fake_logits):
    """How wrong the discriminator is: real images should score 1, fakes 0.

    Args:
        real_logits: the discriminator's logits for real images, shaped (N, 1).
        fake_logits: its logits for generated images, shaped (M, 1).

    Returns:
        A scalar: mean binary cross-entropy on the real logits (label 1) plus mean
        binary cross-entropy on the fake logits (label 0).
    """
    # TODO
    raise NotImplementedError("discriminator_loss")


def generator_loss(fake_logits):
    """The non-saturating generator loss: -log D(G(z)), i.e. cross-entropy with label 1.

    Returns:
        A scalar, the mean over the batch.
    """
    # TODO
    raise NotImplementedError("generator_loss")


def discriminator_step(generator, discriminator, discriminator_optimizer, real_images, latents):
    """One update of the discriminator; the generator must not change.

    Args:
        generator, discriminator: the two keras.Model objects.
        discriminator_optimizer: a keras optimizer (call its .apply(gradients, variables)).
        real_images: a batch (N, 28, 28, 1) in [-1, 1].
        latents: a batch (N, latent_dim) of latent vectors for the fakes.

    Returns:
        The discriminator's loss (a scalar tensor).
    """
    # TODO: generate fakes, take the gradient of discriminator_loss with respect to the
    # discriminator's trainable variables only, and apply it.
    raise NotImplementedError("discriminator_step")


def generator_step(generator, discriminator, generator_optimizer, latents):
    """One update of the generator; the discriminator must not change.

    Returns:
        The generator's loss (a scalar tensor).
    """
    # TODO
    raise NotImplementedError("generator_step")


def train_step(
    generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, latents
):
    """One training step: a discriminator step, then a generator step.

    Must be traceable by tf.function (no .numpy() inside): the grader compiles it.

    Returns:
        (d_loss, g_loss), in that order.
    """
    # TODO
    raise NotImplementedError("train_step")


if __name__ == "__main__":
    # Train on MNIST for a few epochs and save a grid of samples. Not run by the grader.
    import numpy as np

    latent_dim, batch_size = 64, 64
    (x_train, _), _ = keras.datasets.mnist.load_data()
    images = x_train[..., np.newaxis].astype("float32") / 127.5 - 1.0
    generator, discriminator = make_generator(latent_dim), make_discriminator()
    generator_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
    discriminator_optimizer = keras.optimizers.Adam(2e-4, beta_1=0.5)
    step = tf.function(train_step)
    random = np.random.default_rng(0)
    for epoch in range(5):
        for start in range(0, len(images) - batch_size + 1, batch_size):
            latents = random.standard_normal((batch_size, latent_dim)).astype("float32")
            d_loss, g_loss = step(
                generator,
                discriminator,
                generator_optimizer,
                discriminator_optimizer,
                images[start : start + batch_size],
                latents,
            )
        print(f"epoch {epoch + 1}: d_loss {float(d_loss):.3f}, g_loss {float(g_loss):.3f}")
    samples = generator(random.standard_normal((64, latent_dim)).astype("float32"))
    grid = (
        np.asarray(samples)[..., 0].reshape(8, 8, 28, 28).swapaxes(1, 2).reshape(224, 224) + 1
    ) * 127.5
    keras.utils.save_img("samples.png", grid[..., np.newaxis].astype("uint8"), scale=False)
