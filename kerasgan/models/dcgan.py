"""DCGAN: a convolutional generator and discriminator (Radford et al. 2015).

Paper: https://arxiv.org/abs/1511.06434

The builders make the two networks for 28x28 images (MNIST) and for any square
power of two from 32 to 256 pixels, with 1 or 3 channels. `DCGAN` puts them
into the shared `GAN` training algorithm (`kerasgan/models/gan.py`), where
`train_step` is written out step by step.

Choices a student can flip and compare:
- `upsampling="transpose"` (strided transposed convolutions, as in the paper) or
  `"resize"` (nearest-neighbour upsampling then a convolution, which avoids the
  checkerboard artifacts of overlapping transposed kernels:
  https://distill.pub/2016/deconv-checkerboard/);
- batch normalization in either network;
- spectral normalization in the discriminator (Miyato et al. 2018).
"""

import math

import keras

from kerasgan.models.gan import GAN

MAX_FILTERS = 512


def check_image_shape(image_shape):
    """Returns (size, channels) for a supported DCGAN image shape, or raises a ValueError."""
    shape = tuple(int(value) for value in image_shape)
    if len(shape) != 3:
        raise ValueError(f"image_shape must be (height, width, channels); got {image_shape}.")
    height, width, channels = shape
    size_ok = height == width and (
        height == 28 or (32 <= height <= 256 and _is_power_of_two(height))
    )
    if not size_ok or channels not in (1, 3):
        raise ValueError(
            f"DCGAN supports square images of 28 pixels or a power of two from 32 to 256, with "
            f"1 or 3 channels; got {height}x{width}x{channels}. Choose --image-size 28, 32, 64, "
            "128 or 256."
        )
    return height, channels


def _is_power_of_two(value):
    return value > 0 and value & (value - 1) == 0


def _upsampling_plan(size):
    """(starting size, number of 2x upsamplings): 28 = 7 * 2 * 2, 2^n = 4 * 2^(n-2)."""
    if size == 28:
        return 7, 2
    return 4, int(math.log2(size)) - 2


def _filters(base_filters, level):
    return min(MAX_FILTERS, base_filters * 2**level)


def dcgan_generator(
    image_shape=(28, 28, 1),
    latent_dim=128,
    base_filters=64,
    upsampling="transpose",
    batch_norm=True,
    name="generator",
):
    """The DCGAN generator: a latent vector, projected to a small feature map, upsampled to an image.

    Args:
        image_shape: (size, size, channels): size 28 or a power of two from 32 to 256.
        latent_dim: length of the latent vector z.
        base_filters: filters of the last upsampling block; each block towards the start
            has twice as many (capped at 512).
        upsampling: "transpose" (Conv2DTranspose, stride 2) or "resize" (nearest-neighbour
            upsampling and a 3x3 convolution: no checkerboard artifacts).
        batch_norm: batch normalization after each block (the DCGAN paper's choice).
        name: the model's name.

    Returns:
        A functional `keras.Model` from `(latent_dim,)` to `image_shape`, tanh output in [-1, 1].

    Example:

    ```python
    generator = dcgan_generator((32, 32, 3), latent_dim=128)
    images = generator(keras.random.normal((16, 128)))  # (16, 32, 32, 3)
    ```
    """
    size, channels = check_image_shape(image_shape)
    if upsampling not in ("transpose", "resize"):
        raise ValueError(f"upsampling must be 'transpose' or 'resize'; got {upsampling!r}.")
    start_size, upsamplings = _upsampling_plan(size)

    latents = keras.Input(shape=(latent_dim,), name="z")
    # Project z to a start_size x start_size feature map with many channels.
    x = keras.layers.Dense(
        start_size * start_size * _filters(base_filters, upsamplings), use_bias=not batch_norm
    )(latents)
    x = keras.layers.Reshape((start_size, start_size, _filters(base_filters, upsamplings)))(x)
    if batch_norm:
        x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)

    # Each block doubles the size and halves the filters.
    for level in reversed(range(upsamplings)):
        filters = _filters(base_filters, level)
        if upsampling == "transpose":
            # Kernel 4 with stride 2: the kernel size divides by the stride, so overlaps are even.
            x = keras.layers.Conv2DTranspose(
                filters, 4, strides=2, padding="same", use_bias=not batch_norm
            )(x)
        else:
            x = keras.layers.UpSampling2D(2, interpolation="nearest")(x)
            x = keras.layers.Conv2D(filters, 3, padding="same", use_bias=not batch_norm)(x)
        if batch_norm:
            x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)

    x = keras.layers.Conv2D(channels, 3, padding="same")(x)
    # float32 output even under mixed precision: images and losses stay exact.
    images = keras.layers.Activation("tanh", dtype="float32", name="images")(x)
    return keras.Model(latents, images, name=name)


def dcgan_discriminator(
    image_shape=(28, 28, 1),
    base_filters=64,
    dropout=0.3,
    batch_norm=False,
    spectral_norm=False,
    name="discriminator",
):
    """The DCGAN discriminator: strided convolutions down to a small map, then one logit.

    Args:
        image_shape: (size, size, channels), as for the generator.
        base_filters: filters of the first block; each next block has twice as many (max 512).
        dropout: dropout rate after each block (0 for none); it slows the discriminator
            down on small datasets such as MNIST.
        batch_norm: batch normalization after each block but the first (the paper's choice).
            Off by default: real and fake batches then cannot leak statistics into each other.
        spectral_norm: wrap each convolution and the last dense layer in
            `keras.layers.SpectralNormalization`, which keeps the discriminator smooth.
        name: the model's name.

    Returns:
        A functional `keras.Model` from `image_shape` to `(1,)` raw logits (no sigmoid:
        the losses take logits, which is numerically safer).
    """
    check_image_shape(image_shape)
    images = keras.Input(shape=tuple(image_shape), name="images")
    features = discriminator_features(images, base_filters, dropout, batch_norm, spectral_norm)
    logits = maybe_spectral_norm(
        keras.layers.Dense(1, dtype="float32", name="logits"), spectral_norm
    )(features)
    return keras.Model(images, logits, name=name)


def discriminator_features(
    images, base_filters=64, dropout=0.3, batch_norm=False, spectral_norm=False
):
    """The DCGAN discriminator's body: strided convolutions from images to a flat feature vector.

    Shared with the conditional GAN, whose discriminators add the label to this
    body's input (an extra channel) or to its output (a projection).

    Args:
        images: a 4D Keras tensor (batch, size, size, channels); any number of channels.
        base_filters, dropout, batch_norm, spectral_norm: as for `dcgan_discriminator`.

    Returns:
        The flattened features of the last block, a 2D Keras tensor.
    """
    _, downsamplings = _upsampling_plan(int(images.shape[1]))
    x = images
    for level in range(downsamplings):
        convolution = keras.layers.Conv2D(
            _filters(base_filters, level), 4, strides=2, padding="same"
        )
        x = maybe_spectral_norm(convolution, spectral_norm)(x)
        if batch_norm and level > 0:
            x = keras.layers.BatchNormalization()(x)
        x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
        if dropout:
            x = keras.layers.Dropout(dropout)(x)
    return keras.layers.Flatten()(x)


def maybe_spectral_norm(layer, spectral_norm):
    """`layer` wrapped in `keras.layers.SpectralNormalization` when `spectral_norm` is true."""
    return keras.layers.SpectralNormalization(layer) if spectral_norm else layer


@keras.saving.register_keras_serializable(package="kerasgan")
class DCGAN(GAN):
    """A DCGAN, trained with the algorithm in `GAN.train_step`.

    Args:
        image_shape: (size, size, channels) of the training images.
        latent_dim: length of the latent vector z.
        generator_filters, discriminator_filters: `base_filters` of the two builders.
        upsampling: "transpose" or "resize" (see `dcgan_generator`).
        generator_batch_norm, discriminator_batch_norm: batch normalization in each network.
        spectral_norm: spectral normalization in the discriminator.
        dropout: dropout rate in the discriminator.
        generator, discriminator: ready-made networks to use instead of the builders'.
        **gan_options: loss, label_smoothing, instance_noise, instance_noise_steps,
            discriminator_steps, gradient_penalty_weight, augment, augment_probability,
            ada, ema_decay, seed (see `GAN`).

    Example:

    ```python
    (x_train, _), _ = kerasgan.load_mnist()
    dataset = kerasgan.array_dataset(x_train, batch_size=64)
    gan = DCGAN(image_shape=(28, 28, 1), latent_dim=128)
    gan.compile()
    gan.fit(dataset, epochs=5)
    gan.generator.save("generator.keras")
    ```
    """

    def __init__(
        self,
        image_shape=(28, 28, 1),
        latent_dim=128,
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
        image_shape = tuple(int(value) for value in image_shape)
        if generator is None:
            generator = dcgan_generator(
                image_shape, latent_dim, generator_filters, upsampling, generator_batch_norm
            )
        if discriminator is None:
            discriminator = dcgan_discriminator(
                image_shape,
                discriminator_filters,
                dropout,
                discriminator_batch_norm,
                spectral_norm,
            )
        super().__init__(generator, discriminator, **gan_options)
        self.image_shape = image_shape
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.upsampling = upsampling
        self.generator_batch_norm = generator_batch_norm
        self.discriminator_batch_norm = discriminator_batch_norm
        self.spectral_norm = spectral_norm
        self.dropout = dropout

    def get_config(self):
        config = super().get_config()
        config.update(
            image_shape=list(self.image_shape),
            latent_dim=self.latent_dim,
            generator_filters=self.generator_filters,
            discriminator_filters=self.discriminator_filters,
            upsampling=self.upsampling,
            generator_batch_norm=self.generator_batch_norm,
            discriminator_batch_norm=self.discriminator_batch_norm,
            spectral_norm=self.spectral_norm,
            dropout=self.dropout,
        )
        return config
