"""Only the two networks are written; the losses and the steps are missing."""

import keras


def make_generator(latent_dim):
    latents = keras.Input(shape=(latent_dim,))
    x = keras.layers.Dense(7 * 7 * 8)(latents)
    x = keras.layers.Reshape((7, 7, 8))(x)
    x = keras.layers.Conv2DTranspose(8, 4, strides=2, padding="same", activation="relu")(x)
    x = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", activation="tanh")(x)
    return keras.Model(latents, x)


def make_discriminator():
    images = keras.Input(shape=(28, 28, 1))
    x = keras.layers.Conv2D(8, 4, strides=2, padding="same", activation="relu")(images)
    x = keras.layers.Flatten()(x)
    return keras.Model(images, keras.layers.Dense(1)(x))
