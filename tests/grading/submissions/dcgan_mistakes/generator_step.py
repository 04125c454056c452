"""Planted mistake for the `generator_step` check: the generator's step also updates the discriminator."""

import keras
import tensorflow as tf


def make_generator(latent_dim):
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
    variables = generator.trainable_variables + discriminator.trainable_variables
    gradients = tape.gradient(loss, variables)
    generator_optimizer.apply(gradients, variables)
    return loss


def train_step(
    generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, latents
):
    d_loss = discriminator_step(
        generator, discriminator, discriminator_optimizer, real_images, latents
    )
    g_loss = generator_step(generator, discriminator, generator_optimizer, latents)
    return d_loss, g_loss


if __name__ == "__main__":
    print("training would go here")
