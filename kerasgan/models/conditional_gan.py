"""Conditional GAN: tell the generator which class to draw (Mirza & Osindero 2014).

Paper: https://arxiv.org/abs/1411.1784

Both networks are given the class label as well as their usual input. The
label is an integer (7, or 3 for "cat"); a `keras.layers.Embedding` turns it
into a learned vector, as a word embedding turns a word into one:

- the generator joins the label's vector to the latent vector z and draws from
  both: z says "which one", the label says "what";
- the discriminator judges image and label together, so a good "7" labelled
  "3" counts as fake, and the generator must learn to draw the class it is asked for.

The discriminator takes the label in one of two ways (`conditioning=`):

- "channel", the classic way: the label's embedding is shaped into one extra
  image channel, stacked on the image before the first convolution;
- "projection" (Miyato & Koyama 2018, https://arxiv.org/abs/1802.05637): the
  label's embedding is dotted with the discriminator's last features and added to
  its logit. It compares "what the image looks like" with "what the class should
  look like" at the end, where features are most abstract, and usually learns
  classes faster.

Both networks are the DCGAN's (`kerasgan/models/dcgan.py`) with the label added,
and `ConditionalGAN` trains them with the shared algorithm in `GAN.train_step`:
the fakes of a step are drawn with the labels of that step's real images.
"""

import keras
from keras import ops

from kerasgan.models.dcgan import (
    DCGAN,
    check_image_shape,
    dcgan_generator,
    discriminator_features,
    maybe_spectral_norm,
)
from kerasgan.models.layers import ClassLabels

CONDITIONINGS = ("channel", "projection")


def check_class_names(class_names, num_classes):
    """The class names as a tuple of strings ("0", "1", ... when none are given)."""
    if int(num_classes) < 2:
        raise ValueError(
            f"A conditional GAN needs at least 2 classes; got num_classes={num_classes}. "
            "Use a DCGAN for images without classes."
        )
    if class_names is None:
        return tuple(str(index) for index in range(int(num_classes)))
    class_names = tuple(str(name) for name in class_names)
    if len(class_names) != int(num_classes):
        raise ValueError(
            f"Got {len(class_names)} class names for {num_classes} classes: give one name per class."
        )
    return class_names


def unit_normal():
    """Initial label vectors of the same scale as z, as pixels, and as one-hot labels.

    Keras starts embeddings at +-0.05, a whisper beside z's unit-sized numbers, and
    Adam moves each number by about the learning rate per step (2e-4): the label would
    need thousands of steps just to be heard.
    """
    return keras.initializers.RandomNormal(stddev=1.0)


def conditional_generator(
    image_shape=(28, 28, 1),
    num_classes=10,
    latent_dim=128,
    embedding_dim=8,
    base_filters=64,
    upsampling="transpose",
    batch_norm=True,
    class_names=None,
    name="generator",
):
    """A DCGAN generator that also takes a class label.

    The label's embedding is joined to z, and the joined vector goes through a
    DCGAN generator (the layer named "synthesis"). Keeping those two parts apart
    lets `kerasgan generate --interpolate-classes` morph between two classes by
    moving between their embeddings.

    Args:
        image_shape: (size, size, channels), as for `dcgan_generator`.
        num_classes: number of classes.
        latent_dim: length of the latent vector z.
        embedding_dim: length of each class's learned vector. Short on purpose: with 50
            numbers per class beside a 64-number z, the generator drew one picture per
            class whatever z was (samples of a class were 0.2 times as varied as real
            ones after 1,000 MNIST steps); with 8 they were 0.6-0.7 times as varied.
        base_filters, upsampling, batch_norm: as for `dcgan_generator`.
        class_names: one name per class, kept in the model (default "0", "1", ...).
        name: the model's name.

    Returns:
        A functional `keras.Model` from `[z (latent_dim,), label () int32]` to images in [-1, 1].

    Example:

    ```python
    generator = conditional_generator((28, 28, 1), num_classes=10, latent_dim=64)
    sevens = generator([keras.random.normal((8, 64)), ops.full((8,), 7, "int32")])
    ```
    """
    class_names = check_class_names(class_names, num_classes)
    latents = keras.Input(shape=(latent_dim,), name="z")
    labels = keras.Input(shape=(), dtype="int32", name="label")
    checked_labels = ClassLabels(class_names, name="class_labels")(labels)
    label_vectors = keras.layers.Embedding(
        num_classes,
        embedding_dim,
        embeddings_initializer=unit_normal(),
        name="label_embedding",
    )(checked_labels)
    joined = keras.layers.Concatenate(name="z_and_label")([latents, label_vectors])
    synthesis = dcgan_generator(
        image_shape, latent_dim + embedding_dim, base_filters, upsampling, batch_norm, "synthesis"
    )
    return keras.Model([latents, labels], synthesis(joined), name=name)


def conditional_discriminator(
    image_shape=(28, 28, 1),
    num_classes=10,
    conditioning="channel",
    base_filters=64,
    dropout=0.3,
    batch_norm=False,
    spectral_norm=False,
    name="discriminator",
):
    """A DCGAN discriminator that also takes a class label: is this a real image of this class?

    Args:
        image_shape: (size, size, channels) of the images.
        num_classes: number of classes.
        conditioning: "channel" (the label's embedding as an extra image channel) or
            "projection" (the label's embedding dotted with the last features;
            Miyato & Koyama 2018, https://arxiv.org/abs/1802.05637).
        base_filters, dropout, batch_norm, spectral_norm: as for `dcgan_discriminator`.
        name: the model's name.

    Returns:
        A functional `keras.Model` from `[images, label () int32]` to `(1,)` raw logits.
    """
    size, _ = check_image_shape(image_shape)
    if conditioning not in CONDITIONINGS:
        raise ValueError(f"conditioning must be 'channel' or 'projection'; got {conditioning!r}.")
    images = keras.Input(shape=tuple(image_shape), name="images")
    labels = keras.Input(shape=(), dtype="int32", name="label")

    if conditioning == "channel":
        # One learned size x size picture per class, stacked on the image as a channel.
        label_map = keras.layers.Embedding(
            num_classes, size * size, embeddings_initializer=unit_normal(), name="label_embedding"
        )(labels)
        label_map = keras.layers.Reshape((size, size, 1), name="label_channel")(label_map)
        image_and_label = keras.layers.Concatenate(name="image_and_label")([images, label_map])
        features = discriminator_features(
            image_and_label, base_filters, dropout, batch_norm, spectral_norm
        )
        logits = maybe_spectral_norm(
            keras.layers.Dense(1, dtype="float32", name="logits"), spectral_norm
        )(features)
        return keras.Model([images, labels], logits, name=name)

    # Projection: logit = psi(features) + <embedding(label), features>. The first term says
    # "looks real", the second "looks like this class".
    features = discriminator_features(images, base_filters, dropout, batch_norm, spectral_norm)
    realism = maybe_spectral_norm(
        keras.layers.Dense(1, dtype="float32", name="realism"), spectral_norm
    )(features)
    # Left without spectral normalization (the paper has it): keras's SpectralNormalization
    # casts a layer's output to its input's type, which for integer labels is int32.
    class_vectors = keras.layers.Embedding(
        num_classes, int(features.shape[-1]), name="label_embedding"
    )(labels)
    class_match = keras.layers.Dot(axes=1, dtype="float32", name="projection")(
        [class_vectors, features]
    )
    logits = keras.layers.Add(dtype="float32", name="logits")([realism, class_match])
    return keras.Model([images, labels], logits, name=name)


@keras.saving.register_keras_serializable(package="kerasgan")
class ConditionalGAN(DCGAN):
    """A conditional DCGAN, trained with the algorithm in `GAN.train_step`.

    It trains on batches of `(images, labels)`: labels as integers (N,) or (N, 1),
    or one-hot (N, num_classes). `cgan([z, labels])` and `cgan.generator([z, labels])`
    draw images of the given classes.

    Args:
        image_shape: (size, size, channels) of the training images.
        num_classes: number of classes (2 or more).
        latent_dim: length of the latent vector z.
        embedding_dim: length of the generator's label embedding.
        class_names: one name per class, kept in the generator (default "0", "1", ...).
        conditioning: how the discriminator takes the label: "channel" or "projection"
            (see `conditional_discriminator`).
        generator_filters, discriminator_filters, upsampling, generator_batch_norm,
            discriminator_batch_norm, spectral_norm, dropout: as for `DCGAN`.
        generator, discriminator: ready-made networks with inputs `[z, label]` and
            `[images, label]`, to use instead of the builders'.
        **gan_options: loss, label_smoothing, instance_noise, instance_noise_steps,
            discriminator_steps, gradient_penalty_weight, augment, augment_probability,
            ada, ema_decay, seed (see `GAN`).

    Example:

    ```python
    (x_train, y_train), _ = kerasgan.load_mnist()
    dataset = kerasgan.array_dataset(x_train, y_train, batch_size=64)
    cgan = ConditionalGAN(image_shape=(28, 28, 1), num_classes=10, conditioning="projection")
    cgan.compile()
    cgan.fit(dataset, epochs=5)
    sevens = cgan.generator.predict([np.random.normal(size=(8, 128)), np.full(8, 7)])
    ```
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        num_classes=10,
        latent_dim=128,
        embedding_dim=8,
        class_names=None,
        conditioning="channel",
        generator_filters=64,
        discriminator_filters=64,
        upsampling="transpose",
        generator_batch_norm=True,
        discriminator_batch_norm=False,
        spectral_norm=False,
        dropout=0.3,
        generator=None,
        discriminator=None,
        **gan_options,
    ):
        class_names = check_class_names(class_names, num_classes)
        image_shape = tuple(int(value) for value in image_shape)
        if generator is None:
            generator = conditional_generator(
                image_shape,
                num_classes,
                latent_dim,
                embedding_dim,
                generator_filters,
                upsampling,
                generator_batch_norm,
                class_names,
            )
        if discriminator is None:
            discriminator = conditional_discriminator(
                image_shape,
                num_classes,
                conditioning,
                discriminator_filters,
                dropout,
                discriminator_batch_norm,
                spectral_norm,
            )
        if len(generator.inputs) != 2 or len(discriminator.inputs) != 2:
            raise ValueError(
                "A ConditionalGAN's generator takes [z, label] and its discriminator "
                "[images, label]: build them with conditional_generator and "
                "conditional_discriminator."
            )
        super().__init__(
            image_shape,
            latent_dim,
            generator_filters,
            discriminator_filters,
            upsampling,
            generator_batch_norm,
            discriminator_batch_norm,
            spectral_norm,
            dropout,
            generator=generator,
            discriminator=discriminator,
            **gan_options,
        )
        self.num_classes = int(num_classes)
        self.embedding_dim = int(embedding_dim)
        self.class_names = class_names
        self.conditioning = conditioning

    # How a batch feeds the networks: images and labels together (see GAN.train_step).

    def unpack_batch(self, data):
        if not isinstance(data, (tuple, list)) or len(data) < 2:
            raise ValueError(
                "A ConditionalGAN trains on (images, labels) batches, but the data has no "
                "labels: load it with labels=True, or pass fit(images, labels)."
            )
        return data[0], self.class_indices(data[1])

    def generate(self, latents, labels, training=False):
        return self.generator([latents, labels], training=training)

    def discriminate(self, images, labels, training=False):
        return self.discriminator([images, labels], training=training)

    def call(self, inputs, training=False):
        """`cgan([z, labels])` returns images of those classes; labels integer or one-hot."""
        latents, labels = inputs
        latents = ops.convert_to_tensor(latents, "float32")
        return self.generator([latents, self.class_indices(labels)], training=training)

    def class_indices(self, labels):
        """Integer labels (N,) from integers (N,) or (N, 1), or one-hot rows (N, num_classes)."""
        labels = ops.convert_to_tensor(labels)
        if len(labels.shape) == 2 and labels.shape[-1] == self.num_classes:
            return ops.cast(ops.argmax(labels, axis=-1), "int32")  # one-hot
        if len(labels.shape) == 2 and labels.shape[-1] == 1:
            labels = ops.squeeze(labels, axis=-1)
        if len(labels.shape) != 1:
            raise ValueError(
                f"Labels must be integers shaped (batch,) or one-hot shaped (batch, "
                f"{self.num_classes}); got shape {tuple(labels.shape)}."
            )
        return ops.cast(labels, "int32")

    def get_config(self):
        config = super().get_config()
        config.update(
            num_classes=self.num_classes,
            embedding_dim=self.embedding_dim,
            class_names=list(self.class_names),
            conditioning=self.conditioning,
        )
        return config
