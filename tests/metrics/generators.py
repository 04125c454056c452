"""Small generators built with plain Keras layers, each made to behave one known way.

- `untrained_generator`: a fresh DCGAN generator, the worst a student can start from;
- `constant_generator`: outputs one image whatever z is: a completely collapsed generator;
- `lookup_conditional_generator`: [z, label] -> a real digit of that class, a
  perfect conditional generator for testing the conditional code path.
"""

import keras
import numpy as np


def untrained_generator(latent_dim=64):
    from kerasgan.models.dcgan import dcgan_generator

    return dcgan_generator((28, 28, 1), latent_dim=latent_dim, base_filters=16)


def constant_generator(image, latent_dim=16):
    """z -> `image` for every z: a zero kernel ignores z, the bias is the image."""
    image = np.asarray(image, np.float32).reshape(-1)
    z = keras.Input((latent_dim,), name="z")
    flat = keras.layers.Dense(
        image.size,
        kernel_initializer="zeros",
        bias_initializer=keras.initializers.Constant(image),
    )(z)
    images = keras.layers.Reshape((28, 28, 1))(flat)
    return keras.Model(z, images, name="constant_generator")


def confident_digits(classifier, reference):
    """One real test digit per class, each recognised with probability above 0.99, in [-1, 1]."""
    images, labels = reference.x_test[:1000], reference.y_test[:1000]
    probabilities = classifier.probabilities(images)
    confident = probabilities.max(axis=1) > 0.99
    chosen = [np.flatnonzero(confident & (labels == label))[0] for label in range(10)]
    return images[chosen].astype(np.float32) / 127.5 - 1.0


def lookup_conditional_generator(images_by_class, latent_dim=16):
    """[z, label] -> the stored image of that class; z is ignored (a zero-weight branch)."""
    images_by_class = np.asarray(images_by_class, np.float32).reshape(len(images_by_class), -1)
    z = keras.Input((latent_dim,), name="z")
    label = keras.Input((), dtype="int32", name="label")
    looked_up = keras.layers.Embedding(
        len(images_by_class),
        images_by_class.shape[1],
        embeddings_initializer=keras.initializers.Constant(images_by_class),
        name="label_embedding",
    )(label)
    ignored_z = keras.layers.Dense(images_by_class.shape[1], kernel_initializer="zeros")(z)
    flat = keras.layers.Add()([looked_up, ignored_z])
    images = keras.layers.Reshape((28, 28, 1))(flat)
    return keras.Model([z, label], images, name="lookup_generator")
