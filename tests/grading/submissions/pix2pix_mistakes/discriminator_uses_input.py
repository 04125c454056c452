"""Planted mistake for the `discriminator_uses_input` check of pix2pix: the discriminator looks at the colour image alone."""

import keras
import tensorflow as tf

L1_WEIGHT = 100.0


def make_generator():
    """A small U-Net: 32 -> 16 -> 8 -> 4 and back, with skip connections."""
    grey = keras.Input(shape=(32, 32, 1))
    down_1 = keras.layers.LeakyReLU(0.2)(
        keras.layers.Conv2D(16, 4, strides=2, padding="same")(grey)
    )
    down_2 = keras.layers.LeakyReLU(0.2)(
        keras.layers.Conv2D(32, 4, strides=2, padding="same")(down_1)
    )
    down_3 = keras.layers.LeakyReLU(0.2)(
        keras.layers.Conv2D(64, 4, strides=2, padding="same")(down_2)
    )
    x = keras.layers.ReLU()(keras.layers.Conv2DTranspose(32, 4, strides=2, padding="same")(down_3))
    x = keras.layers.Concatenate()([x, down_2])
    x = keras.layers.ReLU()(keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same")(x))
    x = keras.layers.Concatenate()([x, down_1])
    x = keras.layers.Conv2DTranspose(3, 4, strides=2, padding="same")(x)
    colour = keras.layers.Activation("tanh")(x)
    return keras.Model(grey, colour, name="generator")


def make_discriminator():
    """A PatchGAN: the grey input and a colour image, side by side, to an 8 x 8 map of logits."""
    grey = keras.Input(shape=(32, 32, 1))
    colour = keras.Input(shape=(32, 32, 3))
    x = keras.layers.Concatenate()([0.0 * grey, colour])
    x = keras.layers.LeakyReLU(0.2)(keras.layers.Conv2D(16, 4, strides=2, padding="same")(x))
    x = keras.layers.LeakyReLU(0.2)(keras.layers.Conv2D(32, 4, strides=2, padding="same")(x))
    logits = keras.layers.Conv2D(1, 3, padding="same")(x)
    return keras.Model([grey, colour], logits, name="discriminator")


cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits, fake_logits):
    real_loss = cross_entropy(tf.ones_like(real_logits), real_logits)
    fake_loss = cross_entropy(tf.zeros_like(fake_logits), fake_logits)
    return real_loss + fake_loss


def generator_loss(fake_logits, generated, targets):
    adversarial = cross_entropy(tf.ones_like(fake_logits), fake_logits)
    l1 = tf.reduce_mean(tf.abs(targets - generated))
    return adversarial + L1_WEIGHT * l1


def discriminator_step(generator, discriminator, discriminator_optimizer, inputs, targets):
    generated = generator(inputs, training=True)
    with tf.GradientTape() as tape:
        real_logits = discriminator([inputs, targets], training=True)
        fake_logits = discriminator([inputs, generated], training=True)
        loss = discriminator_loss(real_logits, fake_logits)
    gradients = tape.gradient(loss, discriminator.trainable_variables)
    discriminator_optimizer.apply(gradients, discriminator.trainable_variables)
    return loss


def generator_step(generator, discriminator, generator_optimizer, inputs, targets):
    with tf.GradientTape() as tape:
        generated = generator(inputs, training=True)
        fake_logits = discriminator([inputs, generated], training=True)
        loss = generator_loss(fake_logits, generated, targets)
    gradients = tape.gradient(loss, generator.trainable_variables)
    generator_optimizer.apply(gradients, generator.trainable_variables)
    return loss


def train_step(
    generator, discriminator, generator_optimizer, discriminator_optimizer, inputs, targets
):
    d_loss = discriminator_step(generator, discriminator, discriminator_optimizer, inputs, targets)
    g_loss = generator_step(generator, discriminator, generator_optimizer, inputs, targets)
    return d_loss, g_loss
