"""A correct gan-loss-mnist submission: the grader must give it full marks."""

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


def hinge_discriminator_loss(real_logits, fake_logits):
    return tf.reduce_mean(tf.nn.relu(1.0 - real_logits)) + tf.reduce_mean(
        tf.nn.relu(1.0 + fake_logits)
    )


def hinge_generator_loss(fake_logits):
    return -tf.reduce_mean(fake_logits)


def least_squares_discriminator_loss(real_logits, fake_logits):
    return 0.5 * tf.reduce_mean(tf.square(real_logits - 1.0)) + 0.5 * tf.reduce_mean(
        tf.square(fake_logits)
    )


def least_squares_generator_loss(fake_logits):
    return 0.5 * tf.reduce_mean(tf.square(fake_logits - 1.0))


def wasserstein_critic_loss(real_logits, fake_logits):
    return tf.reduce_mean(fake_logits) - tf.reduce_mean(real_logits)


def wasserstein_generator_loss(fake_logits):
    return -tf.reduce_mean(fake_logits)


def gradient_penalty(critic, real_images, fake_images):
    batch_size = tf.shape(real_images)[0]
    weights = tf.random.uniform((batch_size, 1, 1, 1), 0.0, 1.0)
    interpolated = real_images + weights * (fake_images - real_images)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        logits = critic(interpolated, training=True)
    gradients = tape.gradient(logits, interpolated)
    norms = tf.sqrt(tf.reduce_sum(tf.square(gradients), axis=[1, 2, 3]) + 1e-12)
    return tf.reduce_mean(tf.square(norms - 1.0))


def train_step(
    generator, discriminator, generator_optimizer, discriminator_optimizer, real_images, latents
):
    with tf.GradientTape() as tape:
        fake_images = generator(latents, training=True)
        d_loss = hinge_discriminator_loss(
            discriminator(real_images, training=True), discriminator(fake_images, training=True)
        )
    gradients = tape.gradient(d_loss, discriminator.trainable_variables)
    discriminator_optimizer.apply(gradients, discriminator.trainable_variables)
    with tf.GradientTape() as tape:
        fake_images = generator(latents, training=True)
        g_loss = hinge_generator_loss(discriminator(fake_images, training=True))
    gradients = tape.gradient(g_loss, generator.trainable_variables)
    generator_optimizer.apply(gradients, generator.trainable_variables)
    return d_loss, g_loss


if __name__ == "__main__":
    print("training would go here")
