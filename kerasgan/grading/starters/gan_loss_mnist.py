"""Assignment gan-loss-mnist: a GAN that uses a loss other than binary cross-entropy.

In the playground (`kerasgan playground`) you saw the binary cross-entropy
loss collapse onto a few modes of a ring of Gaussians, and other losses cover
them all. Now write those losses, then train a small GAN on MNIST with the
hinge loss. Fill in the functions marked TODO and hand in this file (or a
Colab notebook with the same functions). Check your work locally with:

    kerasgan grade run gan-loss-mnist this_file.py --report report.md

How it is graded (100 points). The grader imports your file in a separate
process and calls your functions; it does not run the code under
`if __name__ == "__main__":`, nor, in a notebook, your top-level training loop.

| points | check                                                                          |
|--------|--------------------------------------------------------------------------------|
| 10     | hinge_discriminator_loss matches mean(relu(1 - D(x))) + mean(relu(1 + D(G(z))))  |
| 10     | hinge_generator_loss matches -mean(D(G(z)))                                      |
| 10     | the two least-squares losses match (targets 1 for real, 0 for fake, factor 1/2)  |
| 10     | the two Wasserstein losses match (critic: mean(D(G(z))) - mean(D(x)))            |
| 10     | gradient_penalty is the batch mean of (||grad critic(x_hat)|| - 1)^2             |
| 10     | its interpolation weights are one per example, uniform in [0, 1]                |
| 10     | it is taken between the real and the fake images, not on them                  |
| 15     | over 200 steps of train_step on real digits, the discriminator's loss falls    |
| 15     | after those 200 steps, a digit classifier reads your samples as varied digits  |

The gradient penalty is checked with critics whose gradients the grader knows
everywhere (steep on some points, flat on others), so a penalty taken on the
wrong points, or with weights from the wrong distribution, gives a value the
grader can tell apart. Papers: Lim & Ye 2017 and Miyato et al. 2018 (hinge),
Mao et al. 2017 (least squares, https://arxiv.org/abs/1611.04076), Gulrajani
et al. 2017 (WGAN-GP, https://arxiv.org/abs/1704.00028, Algorithm 1).

Conventions (the grader expects them):
- images are float32 in [-1, 1], shaped (N, 28, 28, 1);
- the discriminator (the critic) returns raw logits (no sigmoid); losses take logits;
- every loss is a mean over the batch;
- the grader makes the optimizers (Adam, beta_1 = 0.5) and passes them in.
"""

import keras
import tensorflow as tf


def make_generator(latent_dim):
    """A latent vector (latent_dim,) -> an image (28, 28, 1) in [-1, 1]. Given; change it if you like."""
    latents = keras.Input(shape=(latent_dim,))
    x = keras.layers.Dense(7 * 7 * 32, use_bias=False)(latents)
    x = keras.layers.Reshape((7, 7, 32))(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same")(x)
    images = keras.layers.Activation("tanh")(x)
    return keras.Model(latents, images, name="generator")


def make_discriminator():
    """An image (28, 28, 1) -> one raw logit (1,). Given; change it if you like."""
    images = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Conv2D(16, 4, strides=2, padding="same")(images)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Conv2D(32, 4, strides=2, padding="same")(x)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Flatten()(x)
    logits = keras.layers.Dense(1)(x)
    return keras.Model(images, logits, name="discriminator")


def hinge_discriminator_loss(real_logits, fake_logits):
    """The hinge loss of the discriminator: real logits above +1 and fake ones below -1 cost nothing.

    Returns:
        mean(relu(1 - real_logits)) + mean(relu(1 + fake_logits)), a scalar.
    """
    # TODO
    raise NotImplementedError("hinge_discriminator_loss")


def hinge_generator_loss(fake_logits):
    """The generator's hinge loss: -mean(fake_logits) (no relu: it always wants higher logits)."""
    # TODO
    raise NotImplementedError("hinge_generator_loss")


def least_squares_discriminator_loss(real_logits, fake_logits):
    """Least squares (LSGAN): 0.5 mean((real_logits - 1)^2) + 0.5 mean(fake_logits^2)."""
    # TODO
    raise NotImplementedError("least_squares_discriminator_loss")


def least_squares_generator_loss(fake_logits):
    """Least squares: 0.5 mean((fake_logits - 1)^2)."""
    # TODO
    raise NotImplementedError("least_squares_generator_loss")


def wasserstein_critic_loss(real_logits, fake_logits):
    """The Wasserstein critic's loss (without the penalty): mean(fake_logits) - mean(real_logits)."""
    # TODO
    raise NotImplementedError("wasserstein_critic_loss")


def wasserstein_generator_loss(fake_logits):
    """The Wasserstein generator's loss: -mean(fake_logits)."""
    # TODO
    raise NotImplementedError("wasserstein_generator_loss")


def gradient_penalty(critic, real_images, fake_images):
    """WGAN-GP's penalty: mean over the batch of (||grad critic(x_hat)||_2 - 1)^2.

    x_hat = real + u * (fake - real), a point on the segment between each real image
    and its fake, with ONE weight u per example drawn uniformly in [0, 1]
    (shape (batch, 1, 1, 1)). Take the gradient of the critic's output with respect
    to x_hat with a tf.GradientTape (tape.watch(x_hat)), its norm over pixels and
    channels, one norm per example.

    Args:
        critic: a function (or keras.Model) from images to logits; call it as critic(x_hat).
        real_images, fake_images: batches shaped (N, 28, 28, 1).

    Returns:
        A scalar.
    """
    # TODO
    raise NotImplementedError("gradient_penalty")


def train_step(
    generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, latents
):
    """One training step with the hinge loss: a discriminator update, then a generator update.

    Each update takes the gradients of its own loss with respect to its own network's
    trainable variables only, and applies them with its own optimizer. Must be traceable
    by tf.function (no .numpy() inside): the grader compiles it.

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
