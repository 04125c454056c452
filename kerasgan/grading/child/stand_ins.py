"""Working versions of the student functions, used in place of one that failed (standalone).

A check judges one student function. The later probes call several: the
update steps call the networks and the losses, the training run calls them
all. When a function raised in its own probe (a TODO, an error), the harness
puts the version below in its place for the probes that follow, so that a
TODO in `discriminator_loss` costs discriminator_loss's points and not those
of the steps and the training run that merely call it. A function that runs
but returns wrong values is kept: its own checks say so.

These are the textbook versions (small DCGAN networks, binary cross-entropy on
logits, the hinge loss, a small U-Net and PatchGAN), sized like the starter
files suggest.
"""

import keras
import tensorflow as tf

L1_WEIGHT = 100.0
_cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)


def stand_ins(request, inputs):
    """name -> function for the assignment of `request`, for the images in `inputs`."""
    if request["assignment"] == "pix2pix":
        return _pix2pix()
    image_shape = tuple(inputs["real_images"].shape[1:])
    if len(image_shape) == 2:
        image_shape += (1,)
    return _gan(image_shape, int(request.get("num_classes") or 0))


def discriminator_loss(real_logits, fake_logits):
    real = _cross_entropy(tf.ones_like(real_logits), real_logits)
    return real + _cross_entropy(tf.zeros_like(fake_logits), fake_logits)


def generator_loss(fake_logits):
    return _cross_entropy(tf.ones_like(fake_logits), fake_logits)


def hinge_discriminator_loss(real_logits, fake_logits):
    return tf.reduce_mean(tf.nn.relu(1.0 - real_logits)) + tf.reduce_mean(
        tf.nn.relu(1.0 + fake_logits)
    )


def hinge_generator_loss(fake_logits):
    return -tf.reduce_mean(fake_logits)


def _apply(optimizer, tape, loss, network):
    gradients = tape.gradient(loss, network.trainable_variables)
    optimizer.apply(gradients, network.trainable_variables)
    return loss


def _gan(image_shape, num_classes):
    """The networks and steps of dcgan-mnist, cgan-* and gan-loss-mnist."""
    height, width, channels = image_shape

    def make_generator(latent_dim, classes=None):
        latents = keras.Input(shape=(latent_dim,))
        inputs, x = [latents], latents
        if num_classes:
            labels = keras.Input(shape=(), dtype="int32")
            inputs.append(labels)
            label_vectors = keras.layers.Embedding(num_classes, 16)(labels)
            x = keras.layers.Concatenate()([latents, label_vectors])
        x = keras.layers.Dense((height // 4) * (width // 4) * 32, use_bias=False)(x)
        x = keras.layers.Reshape((height // 4, width // 4, 32))(x)
        x = keras.layers.ReLU()(keras.layers.BatchNormalization()(x))
        x = keras.layers.Conv2DTranspose(16, 4, strides=2, padding="same", use_bias=False)(x)
        x = keras.layers.ReLU()(keras.layers.BatchNormalization()(x))
        x = keras.layers.Conv2DTranspose(channels, 4, strides=2, padding="same")(x)
        images = keras.layers.Activation("tanh")(x)
        return keras.Model(inputs if num_classes else latents, images)

    def make_discriminator(classes=None):
        images = keras.Input(shape=image_shape)
        inputs, x = [images], images
        if num_classes:
            labels = keras.Input(shape=(), dtype="int32")
            inputs.append(labels)
            label_map = keras.layers.Embedding(num_classes, height * width)(labels)
            label_map = keras.layers.Reshape((height, width, 1))(label_map)
            x = keras.layers.Concatenate()([images, label_map])
        for filters in (16, 32):
            x = keras.layers.Conv2D(filters, 4, strides=2, padding="same")(x)
            x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
        logits = keras.layers.Dense(1)(keras.layers.Flatten()(x))
        return keras.Model(inputs if num_classes else images, logits)

    def pair(images, labels):
        return [images, labels] if num_classes else images

    def discriminator_step(generator, discriminator, optimizer, real_images, *rest):
        labels, latents = rest if num_classes else (None, rest[0])
        fake_images = generator(pair(latents, labels), training=True)
        with tf.GradientTape() as tape:
            real_logits = discriminator(pair(real_images, labels), training=True)
            fake_logits = discriminator(pair(fake_images, labels), training=True)
            loss = discriminator_loss(real_logits, fake_logits)
        return _apply(optimizer, tape, loss, discriminator)

    def generator_step(generator, discriminator, optimizer, latents, labels=None):
        with tf.GradientTape() as tape:
            fake_images = generator(pair(latents, labels), training=True)
            loss = generator_loss(discriminator(pair(fake_images, labels), training=True))
        return _apply(optimizer, tape, loss, generator)

    return {
        "make_generator": make_generator,
        "make_discriminator": make_discriminator,
        "discriminator_loss": discriminator_loss,
        "generator_loss": generator_loss,
        "hinge_discriminator_loss": hinge_discriminator_loss,
        "hinge_generator_loss": hinge_generator_loss,
        "discriminator_step": discriminator_step,
        "generator_step": generator_step,
    }


def _pix2pix():
    """The U-Net, the PatchGAN, the losses and the steps of the pix2pix assignment."""

    def make_generator():
        grey = keras.Input(shape=(32, 32, 1))
        skips, x = [], grey
        for filters in (16, 32, 64):
            x = keras.layers.Conv2D(filters, 4, strides=2, padding="same")(x)
            x = keras.layers.LeakyReLU(0.2)(x)
            skips.append(x)
        for filters, skip in zip((32, 16), reversed(skips[:-1])):
            x = keras.layers.Conv2DTranspose(filters, 4, strides=2, padding="same")(x)
            x = keras.layers.Concatenate()([keras.layers.ReLU()(x), skip])
        x = keras.layers.Conv2DTranspose(3, 4, strides=2, padding="same")(x)
        return keras.Model(grey, keras.layers.Activation("tanh")(x))

    def make_discriminator():
        grey, colour = keras.Input(shape=(32, 32, 1)), keras.Input(shape=(32, 32, 3))
        x = keras.layers.Concatenate()([grey, colour])
        for filters in (16, 32):
            x = keras.layers.Conv2D(filters, 4, strides=2, padding="same")(x)
            x = keras.layers.LeakyReLU(0.2)(x)
        return keras.Model([grey, colour], keras.layers.Conv2D(1, 3, padding="same")(x))

    def pix2pix_generator_loss(fake_logits, generated, targets):
        return generator_loss(fake_logits) + L1_WEIGHT * tf.reduce_mean(tf.abs(targets - generated))

    def discriminator_step(generator, discriminator, optimizer, inputs, targets):
        generated = generator(inputs, training=True)
        with tf.GradientTape() as tape:
            real_logits = discriminator([inputs, targets], training=True)
            fake_logits = discriminator([inputs, generated], training=True)
            loss = discriminator_loss(real_logits, fake_logits)
        return _apply(optimizer, tape, loss, discriminator)

    def generator_step(generator, discriminator, optimizer, inputs, targets):
        with tf.GradientTape() as tape:
            generated = generator(inputs, training=True)
            fake_logits = discriminator([inputs, generated], training=True)
            loss = pix2pix_generator_loss(fake_logits, generated, targets)
        return _apply(optimizer, tape, loss, generator)

    return {
        "make_generator": make_generator,
        "make_discriminator": make_discriminator,
        "discriminator_loss": discriminator_loss,
        "generator_loss": pix2pix_generator_loss,
        "discriminator_step": discriminator_step,
        "generator_step": generator_step,
    }
