"""CycleGAN's generator: a ResNet that keeps the picture's layout and changes its style.

Johnson et al. 2016 (https://arxiv.org/abs/1603.08155) built it for fast style transfer;
CycleGAN (https://arxiv.org/abs/1703.10593, appendix 7.2) uses it for both of its
generators: two stride-2 convolutions down to a quarter of the size, residual blocks
there, two transposed convolutions back up. Every convolution with a large kernel reads
reflected borders (`ReflectionPadding2D`) and is followed by instance normalization.
`kerasgan/models/cyclegan.py` builds two of them into a `CycleGAN`.
"""

import keras

from kerasgan.models.layers import ReflectionPadding2D

RESIDUAL_BLOCKS = (6, 9)  # the paper's: 6 blocks for 128-pixel images, 9 for 256 and more


def check_image_size(image_size):
    """`image_size` as an int if the ResNet generator takes it (a multiple of 4, 28 or more)."""
    size = int(image_size)
    if size < 28 or size % 4:
        raise ValueError(
            f"CycleGAN takes square images whose side is a multiple of 4, from 28 pixels up; "
            f"got {image_size}. Choose --image-size 128 or 256 (32 for small tests)."
        )
    return size


def _instance_norm():
    # Instance normalization is group normalization with one group per channel: each
    # image's statistics alone, so one picture's contrast does not leak into another's.
    return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5)


def _initializer():
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)  # as pix2pix and DCGAN


def _convolution(x, filters, kernel_size, strides=1, padding="same"):
    return keras.layers.Conv2D(
        filters, kernel_size, strides=strides, padding=padding, use_bias=False,
        kernel_initializer=_initializer(),
    )(x)  # fmt: skip


def _residual_block(x, filters):
    """x + (reflect-pad, 3x3 conv, instance norm, ReLU, reflect-pad, 3x3 conv, instance norm)."""
    shortcut = x
    for last in (False, True):
        x = ReflectionPadding2D(1)(x)
        x = _instance_norm()(_convolution(x, filters, 3, padding="valid"))
        if not last:
            x = keras.layers.ReLU()(x)
    return keras.layers.Add()([shortcut, x])


def resnet_generator(
    image_size=256, channels=3, base_filters=64, residual_blocks=9, name="generator"
):
    """CycleGAN's ResNet generator: c7s1-64, d128, d256, R256 x blocks, u128, u64, c7s1-3.

    Args:
        image_size: side of the square images, a multiple of 4 (256 in the paper).
        channels: channels of the input and output images (1 grey, 3 RGB).
        base_filters: filters of the first convolution (64); the two down-sampling
            convolutions double them, the residual blocks keep 4 x base_filters.
        residual_blocks: 6 or 9 in the paper (9 for 256-pixel images); fewer for tiny tests.
        name: the model's name.

    Returns:
        A functional `keras.Model` from (size, size, channels) images in [-1, 1] to images
        of the same shape in [-1, 1] (tanh).

    Example:

    ```python
    generator = resnet_generator(128, residual_blocks=6)
    winter = generator(summer_batch)  # (batch, 128, 128, 3)
    ```
    """
    size = check_image_size(image_size)
    if int(residual_blocks) < 1:
        raise ValueError(
            f"residual_blocks must be 1 or more (6 or 9 in the paper); got {residual_blocks}."
        )
    inputs = keras.Input(shape=(size, size, channels), name="input_image")
    # c7s1-64: a 7x7 convolution over reflected borders sees a wide neighbourhood at once.
    x = ReflectionPadding2D(3)(inputs)
    x = keras.layers.ReLU()(_instance_norm()(_convolution(x, base_filters, 7, padding="valid")))
    # d128, d256: two stride-2 convolutions to a quarter of the size.
    for level in (1, 2):
        x = _convolution(x, base_filters * 2**level, 3, strides=2)
        x = keras.layers.ReLU()(_instance_norm()(x))
    # The residual blocks change the picture's style at that size; the shortcuts keep it.
    for _ in range(int(residual_blocks)):
        x = _residual_block(x, base_filters * 4)
    # u128, u64: two transposed convolutions back to the full size.
    for level in (1, 0):
        x = keras.layers.Conv2DTranspose(
            base_filters * 2**level, 3, strides=2, padding="same", use_bias=False,
            kernel_initializer=_initializer(),
        )(x)  # fmt: skip
        x = keras.layers.ReLU()(_instance_norm()(x))
    x = ReflectionPadding2D(3)(x)
    x = keras.layers.Conv2D(channels, 7, padding="valid", kernel_initializer=_initializer())(x)
    # float32 output even under mixed precision: images and the L1 terms stay exact.
    outputs = keras.layers.Activation("tanh", dtype="float32", name="output_image")(x)
    return keras.Model(inputs, outputs, name=name)
