"""StyleGAN2's building blocks: equalized learning rate, the modulated convolution, low-pass resampling.

Paper: Karras et al. 2020, "Analyzing and Improving the Image Quality of StyleGAN",
https://arxiv.org/abs/1912.04958 (section 2.2 for modulation and demodulation).

Everything here works on NHWC images, the layout TensorFlow's CPU kernels support,
so a StyleGAN2 trains and samples on a laptop as well as on a GPU.

- Equalized learning rate (Karras et al. 2018, section 4.1): weights are stored as
  N(0, 1) numbers and multiplied by 1/sqrt(fan_in) at run time. Adam changes each stored
  number by about the learning rate whatever the layer's size, so every layer learns
  at the same speed. A `lr_multiplier` (0.01 in the mapping network) slows a layer down.
- The modulated convolution: one shared 3x3 kernel, scaled per image by a "style"
  (one number per input channel, computed from w), then "demodulated": each output
  channel divided by the norm its scaled kernel would have, so that unit-variance
  inputs give unit-variance outputs. It replaces StyleGAN1's AdaIN, whose
  normalisation of the activations caused the "water droplet" artifacts.
- Low-pass resampling: upsampling and downsampling go through the 4x4 binomial
  filter [1, 3, 3, 1] x [1, 3, 3, 1], so no aliasing (checkerboards) enters the images.
"""

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

LEAKY_RELU_SLOPE = 0.2
# leaky ReLU halves (about) the variance of its input; sqrt(2) restores it (He et al. 2015).
LEAKY_RELU_GAIN = math.sqrt(2.0)
ACTIVATIONS = ("linear", "lrelu")
FUSED_CHOICES = ("auto", "fused", "unfused")
DEMODULATION_EPSILON = 1e-8


def low_pass_filter(channels, gain=1.0, dtype="float32"):
    """The 4x4 binomial filter as a depthwise kernel (4, 4, channels, 1), summing to `gain`."""
    taps = np.array([1.0, 3.0, 3.0, 1.0])
    kernel = np.outer(taps, taps)
    kernel = kernel / kernel.sum() * gain
    kernel = np.tile(kernel[:, :, None, None], (1, 1, channels, 1))
    return tf.constant(kernel, dtype=dtype)


def _filter(images, padding, stride=1, gain=1.0):
    """Pads (top/left, bottom/right) then applies the low-pass filter to every channel."""
    channels = int(images.shape[-1])
    before, after = padding
    images = tf.pad(images, [[0, 0], [before, after], [before, after], [0, 0]])
    kernel = low_pass_filter(channels, gain, images.dtype)
    return tf.nn.depthwise_conv2d(images, kernel, [1, stride, stride, 1], "VALID")


def upsample_2x(images, padding=(2, 1)):
    """Doubles height and width: zeros between the pixels, then the low-pass filter (gain 4).

    The zeros make a picture whose spectrum holds the original plus a copy (an alias);
    the filter keeps the first and removes the copy. Gain 4 = 2 x 2 because three of
    every four pixels were zeros. A 4-tap filter on a 2x grid with the default padding
    (2, 1) gives exactly 2h x 2w; a convolution that follows without padding of its own
    asks for more (see `StyleConvolution`'s `pad_once`).
    """
    batch = tf.shape(images)[0]
    height, width, channels = (int(size) for size in images.shape[1:])
    zeros = tf.zeros_like(images)
    # (b, h, w, c) -> (b, h, 2, w, 2, c) with the image in [:, :, 0, :, 0] -> (b, 2h, 2w, c)
    rows = tf.stack([images, zeros], axis=3)  # (b, h, w, 2, c)
    rows = tf.stack([rows, tf.zeros_like(rows)], axis=2)  # (b, h, 2, w, 2, c)
    spread = tf.reshape(rows, [batch, 2 * height, 2 * width, channels])
    return _filter(spread, padding, gain=4.0)


def downsample_2x(images):
    """Halves height and width: the low-pass filter, then every second pixel."""
    return _filter(images, (1, 1), stride=2)


def leaky_relu(x):
    """Leaky ReLU with slope 0.2, times sqrt(2) to keep the variance."""
    return ops.leaky_relu(x, LEAKY_RELU_SLOPE) * ops.cast(LEAKY_RELU_GAIN, x.dtype)


def check_activation(activation):
    if activation not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {ACTIVATIONS}; got {activation!r}.")
    return activation


def _activate(x, activation, gain=1.0, clamp=None, clamp_float32=False):
    if activation == "lrelu":
        x = leaky_relu(x)
    if gain != 1.0:
        x = x * ops.cast(gain, x.dtype)
    return clamp_activations(x, clamp, clamp_float32, gain)


def clamp_activations(x, clamp, clamp_float32=False, gain=1.0):
    """Clamps activations to +-clamp (float16 overflows at 65504).

    With `clamp_float32`, as NVIDIA's code does: in every dtype, at clamp * gain. Without
    it (layers saved before the key existed), float16 activations only, at clamp.
    """
    if clamp is None:
        return x
    if clamp_float32:
        limit = clamp * gain
        return ops.clip(x, -limit, limit)
    if x.dtype == "float16":
        return ops.clip(x, -clamp, clamp)
    return x


# ------------------------------------------------------------------ equalized learning rate


@keras.saving.register_keras_serializable(package="kerasgan")
class EqualizedDense(keras.layers.Layer):
    """A dense layer with an equalized learning rate (weights scaled by lr_multiplier/sqrt(fan_in)).

    Args:
        units: output size.
        lr_multiplier: how fast this layer learns relative to the others (0.01 in the
            mapping network, so w moves slowly and stays stable).
        bias_init: the starting bias (1 for the style affines: styles start near 1).
        activation: "linear" or "lrelu" (leaky ReLU with gain sqrt(2)).

    Example:

    ```python
    layer = EqualizedDense(512, lr_multiplier=0.01, activation="lrelu")
    w = layer(z)  # (batch, 512)
    ```
    """

    def __init__(self, units, lr_multiplier=1.0, bias_init=0.0, activation="linear", **kwargs):
        super().__init__(**kwargs)
        self.units = int(units)
        self.lr_multiplier = float(lr_multiplier)
        self.bias_init = float(bias_init)
        self.activation = check_activation(activation)

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        # Stored as N(0, 1/lr_multiplier): times the run-time gain, the weights start at He init.
        self.kernel = self.add_weight(
            shape=(fan_in, self.units),
            initializer=keras.initializers.RandomNormal(stddev=1.0 / self.lr_multiplier),
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(self.units,),
            initializer=keras.initializers.Constant(self.bias_init),
            name="bias",
        )
        self.weight_gain = self.lr_multiplier / math.sqrt(fan_in)

    def call(self, inputs):
        inputs = ops.cast(inputs, self.compute_dtype)
        kernel = ops.cast(self.kernel * self.weight_gain, self.compute_dtype)
        bias = ops.cast(self.bias * self.lr_multiplier, self.compute_dtype)
        return _activate(ops.matmul(inputs, kernel) + bias, self.activation)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], self.units)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "lr_multiplier": self.lr_multiplier,
            "bias_init": self.bias_init,
            "activation": self.activation,
        }


@keras.saving.register_keras_serializable(package="kerasgan")
class EqualizedConv2D(keras.layers.Layer):
    """A convolution with an equalized learning rate, optionally downsampling by 2 with a low-pass filter.

    Used by the discriminator. With `downsample=True` the image is low-pass filtered
    first and the convolution then has stride 2 (StyleGAN2-ADA's conv2d_resample).

    Args:
        filters: output channels.
        kernel_size: 1 or 3.
        downsample: halve the height and width.
        activation: "linear" or "lrelu".
        use_bias: add a learned bias (the residual skip convolutions have none).
        gain: multiplies the output (sqrt(0.5) on both branches of a residual block, so
            their sum keeps unit variance).
        conv_clamp: clamp float16 outputs to +-conv_clamp (256 in StyleGAN2-ADA), or None.
        clamp_float32: clamp in every dtype, at conv_clamp * gain, as NVIDIA's code does
            (False: float16 only, at conv_clamp, as layers saved before this key did).

    Example:

    ```python
    x = EqualizedConv2D(128, 3, downsample=True, activation="lrelu")(x)  # (b, h/2, w/2, 128)
    ```
    """

    def __init__(
        self,
        filters,
        kernel_size=3,
        downsample=False,
        activation="linear",
        use_bias=True,
        gain=1.0,
        conv_clamp=None,
        clamp_float32=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.clamp_float32 = bool(clamp_float32)
        self.filters = int(filters)
        self.kernel_size = int(kernel_size)
        self.downsample = bool(downsample)
        self.activation = check_activation(activation)
        self.use_bias = bool(use_bias)
        self.gain = float(gain)
        self.conv_clamp = None if conv_clamp is None else float(conv_clamp)

    def build(self, input_shape):
        in_channels = int(input_shape[-1])
        size = self.kernel_size
        self.kernel = self.add_weight(
            shape=(size, size, in_channels, self.filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")
        self.weight_gain = 1.0 / math.sqrt(in_channels * size * size)

    def call(self, inputs):
        x = ops.cast(inputs, self.compute_dtype)
        kernel = ops.cast(self.kernel * self.weight_gain, self.compute_dtype)
        if self.downsample:
            if self.kernel_size == 1:
                x = _filter(x, (1, 1), stride=2)  # filter and subsample, then a 1x1 conv
                x = tf.nn.conv2d(x, kernel, 1, "VALID")
            else:
                # Pad so that the filter, then a stride-2 'valid' conv, give exactly h/2.
                pad = self.kernel_size // 2 + 1
                x = _filter(x, (pad, pad))
                x = tf.nn.conv2d(x, kernel, 2, "VALID")
        else:
            x = tf.nn.conv2d(x, kernel, 1, "SAME")
        if self.bias is not None:
            x = x + ops.cast(self.bias, x.dtype)
        return _activate(x, self.activation, self.gain, self.conv_clamp, self.clamp_float32)

    def compute_output_shape(self, input_shape):
        batch, height, width, _ = input_shape
        if self.downsample:
            height = None if height is None else height // 2
            width = None if width is None else width // 2
        return (batch, height, width, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "filters": self.filters,
            "kernel_size": self.kernel_size,
            "downsample": self.downsample,
            "activation": self.activation,
            "use_bias": self.use_bias,
            "gain": self.gain,
            "conv_clamp": self.conv_clamp,
            "clamp_float32": self.clamp_float32,
        }


# ------------------------------------------------------------------ the modulated convolution


def gpu_available():
    """True when TensorFlow sees a GPU: only there has the grouped convolution a kernel."""
    return bool(tf.config.list_logical_devices("GPU"))


def demodulation_factors(weight, styles):
    """1 / sqrt(sum over kernel taps and input channels of (weight * style)^2), per image and output.

    Args:
        weight: (k, k, in, out) shared kernel.
        styles: (batch, in) per-image scales of the input channels.

    Returns:
        (batch, out) float32 factors.
    """
    weight = ops.cast(weight, "float32")
    styles = ops.cast(styles, "float32")
    squared_norms = ops.sum(ops.square(weight), axis=(0, 1))  # (in, out)
    return ops.rsqrt(ops.matmul(ops.square(styles), squared_norms) + DEMODULATION_EPSILON)


def modulated_conv2d(x, weight, styles, demodulate=True, fused=False, padding="SAME"):
    """StyleGAN2's modulated convolution, stride 1, NHWC ('SAME' padding unless told 'VALID').

    Unfused (the default, every device): scale the input channels by the style, run one
    convolution shared by the whole batch, scale the output channels by the
    demodulation factor. This equals the fused form exactly, because scaling input
    channel i of image b by s[b, i] is the same as scaling the kernel's input slice i.

    Fused: build each image's own kernel w[b] = w * s[b] (demodulated), and convolve
    each image with its kernel: one grouped convolution (groups = batch) where a GPU
    runs it, else one convolution per image.

    Args:
        x: (batch, height, width, in) activations.
        weight: (k, k, in, out) the shared kernel.
        styles: (batch, in) styles.
        demodulate: divide each output channel by its scaled kernel's norm (the 3x3
            convolutions do; toRGB does not).
        fused: False, True (grouped where a GPU runs it, per image elsewhere), or
            "grouped" / "per_image" to force one of the fused forms.
        padding: "SAME" (keep the size) or "VALID" (the input was padded already).

    Returns:
        (batch, height, width, out) activations, in x's dtype.
    """
    dtype = x.dtype
    styles32 = ops.cast(styles, "float32")
    weight32 = ops.cast(weight, "float32")
    if dtype == "float16" and demodulate:
        # Demodulation cancels any scale of the styles and of each output's kernel slice:
        # normalise both first, so the float16 products cannot overflow.
        weight32 = weight32 / ops.max(ops.abs(weight32), axis=(0, 1, 2), keepdims=True)
        styles32 = styles32 / ops.max(ops.abs(styles32), axis=1, keepdims=True)
    factors = demodulation_factors(weight32, styles32) if demodulate else None

    if not fused:
        x = x * ops.cast(styles32[:, None, None, :], dtype)
        x = tf.nn.conv2d(x, ops.cast(weight32, dtype), 1, padding)
        if demodulate:
            x = x * ops.cast(factors[:, None, None, :], dtype)
        return x

    per_image = weight32[None] * styles32[:, None, None, :, None]  # (b, k, k, in, out)
    if demodulate:
        per_image = per_image * factors[:, None, None, None, :]
    per_image = ops.cast(per_image, dtype)
    grouped = fused == "grouped" or (fused is True and gpu_available())
    if grouped:
        batch = tf.shape(x)[0]
        height, width, in_channels = (int(size) for size in x.shape[1:])
        size, out_channels = int(weight.shape[0]), int(weight.shape[-1])
        out_height, out_width = (height, width) if padding == "SAME" else (
            height - size + 1, width - size + 1)
        # The batch becomes channel groups: image b's inputs are channels b*in..(b+1)*in-1.
        stacked = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, height, width, -1])
        kernels = tf.reshape(
            tf.transpose(per_image, [1, 2, 3, 0, 4]), [size, size, in_channels, -1]
        )
        y = tf.nn.conv2d(stacked, kernels, 1, padding)  # TensorFlow infers groups = batch
        y = tf.reshape(y, [out_height, out_width, batch, out_channels])
        return tf.transpose(y, [2, 0, 1, 3])
    return tf.map_fn(
        lambda pair: tf.nn.conv2d(pair[0][None], pair[1], 1, padding)[0],
        (x, per_image),
        fn_output_signature=dtype,
    )


def choose_fused(fused_modconv, training):
    """The form of the modulated convolution for this call (see `modulated_conv2d`).

    "auto" fuses only where the grouped convolution has a kernel (a GPU) and only for
    inference, as StyleGAN2-ADA does: its backward pass is slower than the unfused one's.
    """
    if fused_modconv == "fused":
        return True
    if fused_modconv == "unfused":
        return False
    return (not training) and gpu_available()


def check_fused(fused_modconv):
    if fused_modconv not in FUSED_CHOICES:
        raise ValueError(f"fused_modconv must be one of {FUSED_CHOICES}; got {fused_modconv!r}.")
    return fused_modconv


@keras.saving.register_keras_serializable(package="kerasgan")
class MinibatchStdDev(keras.layers.Layer):
    """Appends the standard deviation of features across small groups of images (Karras et al. 2018).

    A generator that draws the same image for every z fools a discriminator that sees
    one image at a time; this channel lets the discriminator see how varied a group is.
    Image i belongs to group i % (batch / group_size), as in StyleGAN2-ADA.

    Args:
        group_size: images per group (4); the batch size must be a multiple of
            min(group_size, batch size).
        num_channels: features appended (1).

    Example:

    ```python
    x = MinibatchStdDev(group_size=4)(x)  # (b, 4, 4, c + 1)
    ```
    """

    def __init__(self, group_size=4, num_channels=1, **kwargs):
        super().__init__(**kwargs)
        self.group_size = int(group_size)
        self.num_channels = int(num_channels)

    def call(self, x):
        batch = tf.shape(x)[0]
        height, width, channels = (int(size) for size in x.shape[1:])
        group = tf.minimum(self.group_size, batch)
        features = self.num_channels
        y = tf.reshape(x, [group, -1, height, width, features, channels // features])
        y = ops.cast(y, "float32")
        y = y - ops.mean(y, axis=0)
        y = ops.sqrt(ops.mean(ops.square(y), axis=0) + 1e-8)  # (n, h, w, f, c/f)
        y = ops.mean(y, axis=(1, 2, 4))  # (n, f)
        y = tf.tile(y, [group, 1])  # row j of the batch gets its group's numbers, j % n
        y = tf.broadcast_to(y[:, None, None, :], [batch, height, width, features])
        return ops.concatenate([x, ops.cast(y, x.dtype)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (*input_shape[:-1], input_shape[-1] + self.num_channels)

    def get_config(self):
        return {
            **super().get_config(),
            "group_size": self.group_size,
            "num_channels": self.num_channels,
        }
