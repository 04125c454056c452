"""StyleGAN2's three networks: mapping, synthesis (together the generator) and the residual discriminator.

Paper: Karras et al. 2020, https://arxiv.org/abs/1912.04958 (figure 2 and 7, section 4);
StyleGAN2-ADA: https://arxiv.org/abs/2006.06676 (its configurations and training setup).

- Mapping: z is normalised to unit mean square, an optional class label is embedded and
  joined to it, and a few dense layers (learning rate x0.01) turn it into w. A moving
  average of w (`w_avg`) is kept: truncation pulls w toward it, trading variety for quality.
- Synthesis: a learned 4x4 constant; at each resolution two modulated 3x3 convolutions
  (the first after a low-pass 2x upsampling), each followed by per-pixel noise with a
  learned strength, a bias and a leaky ReLU; a modulated 1x1 "toRGB" per resolution whose
  images are upsampled and summed (the "skip" generator of figure 7).
- Discriminator: "fromRGB" once at the top, then residual blocks that halve the image with
  a low-pass filter; at 4x4, the minibatch standard deviation, a 3x3 convolution and two
  dense layers give one logit (or, with classes, a projection onto the label's embedding).

Every layer takes an equalized learning rate (kerasgan/models/stylegan2_layers.py).
"""

import math

import keras
import numpy as np
from keras import ops

from kerasgan.models.conditional_gan import check_class_names
from kerasgan.models.layers import ClassLabels
from kerasgan.models.stylegan2_layers import (
    EqualizedConv2D,
    clamp_activations,
    EqualizedDense,
    MinibatchStdDev,
    check_fused,
    choose_fused,
    leaky_relu,
    modulated_conv2d,
    upsample_2x,
)

NOISE_MODES = ("random", "const", "none")
MIN_RESOLUTION, MAX_RESOLUTION = 32, 1024
CONV_CLAMP = 256.0  # StyleGAN2-ADA's clamp for float16 activations


def check_resolution(image_size):
    """The image size as an int, or a ValueError naming the sizes that work."""
    size = int(image_size)
    if size != image_size or not MIN_RESOLUTION <= size <= MAX_RESOLUTION or size & (size - 1):
        raise ValueError(
            f"StyleGAN2 draws square images whose side is a power of two from {MIN_RESOLUTION} "
            f"to {MAX_RESOLUTION}; got image size {image_size}. Choose 32, 64, 128, 256, 512 "
            "or 1024."
        )
    return size


def channels_at(resolution, channel_base, channel_max):
    """Feature maps at a resolution: channel_base / resolution, at most channel_max (as SG2-ADA)."""
    return int(min(channel_base // resolution, channel_max))


def fp16_resolutions(image_size, num_fp16_res):
    """The resolutions computed in float16 under mixed precision: the top `num_fp16_res`, never below 8."""
    if num_fp16_res <= 0:
        return ()
    lowest = max(2 ** (int(math.log2(image_size)) + 1 - num_fp16_res), 8)
    return tuple(2**level for level in range(int(math.log2(lowest)), int(math.log2(image_size)) + 1))


def normalize_second_moment(x, epsilon=1e-8):
    """Scales each vector to unit mean square (z and label embeddings enter the mapping like this)."""
    x = ops.cast(x, "float32")
    return x * ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + epsilon)


def _block_dtype(policy_name, resolution, half_precision_resolutions):
    """A layer's dtype policy: the model's mixed policy at the top resolutions, float32 below."""
    if policy_name.startswith("mixed") and resolution in half_precision_resolutions:
        return policy_name
    return "float32"


# ------------------------------------------------------------------ synthesis layers


@keras.saving.register_keras_serializable(package="kerasgan")
class StyleConvolution(keras.layers.Layer):
    """One synthesis layer: style affine, modulated 3x3 convolution, noise, bias, leaky ReLU.

    Called on `[x, w]` with x (batch, h, w, in) and w (batch, w_dim).

    Args:
        in_channels, filters: input and output feature maps.
        resolution: the output's side (the noise image is this size).
        upsample: double the size first (low-pass filtered), as each block's first layer does.
        kernel_size: 3.
        noise_mode: the noise when sampling (training always draws fresh noise): "const"
            (one fixed noise image, so a z always gives the same image, as SG2-ADA's
            generate.py), "random" (fresh per-pixel noise at every call) or "none".
        fused_modconv: "auto", "fused" or "unfused" (see `modulated_conv2d`).
        conv_clamp: clamp for float16 activations, or None.
        clamp_float32: clamp in every dtype, as NVIDIA's code does (False: float16 only, as
            layers saved before this key did).
        pad_once: when upsampling, pad the zero-spread image once for both the low-pass
            filter and the 3x3 convolution, as the paper's code (NVIDIA's conv2d_resample)
            does: the border pixels then see the filtered image beyond the edge, not zeros.
            False pads the filter and the convolution each on its own, as kerasgan's
            networks did before; snapshots saved without this key keep drawing that way.

    Example:

    ```python
    x = StyleConvolution(512, 256, resolution=64, upsample=True, pad_once=True)([x, w])
    ```
    """

    def __init__(
        self,
        in_channels,
        filters,
        resolution,
        upsample=False,
        kernel_size=3,
        noise_mode="const",
        fused_modconv="auto",
        conv_clamp=CONV_CLAMP,
        seed=None,
        pad_once=False,
        clamp_float32=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.pad_once = bool(pad_once)
        self.clamp_float32 = bool(clamp_float32)
        self.in_channels = int(in_channels)
        self.filters = int(filters)
        self.resolution = int(resolution)
        self.upsample = bool(upsample)
        self.kernel_size = int(kernel_size)
        self.noise_mode = check_noise_mode(noise_mode)
        self.fused_modconv = check_fused(fused_modconv)
        self.conv_clamp = conv_clamp
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        # Styles start near 1 (bias 1): at first every channel passes unchanged.
        self.affine = EqualizedDense(self.in_channels, bias_init=1.0, dtype="float32", name="affine")

    def build(self, input_shape):
        _, w_shape = input_shape
        self.affine.build(w_shape)
        size = self.kernel_size
        self.kernel = self.add_weight(
            shape=(size, size, self.in_channels, self.filters),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="kernel",
        )
        self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")
        # Starts at 0: noise is added only as much as training finds it useful.
        self.noise_strength = self.add_weight(shape=(), initializer="zeros", name="noise_strength")
        self.noise_const = self.add_weight(
            shape=(self.resolution, self.resolution, 1),
            initializer=keras.initializers.RandomNormal(stddev=1.0, seed=self.seed),
            trainable=False,
            name="noise_const",
        )

    def call(self, inputs, noise_mode=None, training=False):
        x, w = inputs
        styles = self.affine(w)
        x = ops.cast(x, self.compute_dtype)
        padding = "SAME"
        if self.upsample and self.pad_once:
            # One more pixel each side for the convolution, which then pads nothing.
            x = upsample_2x(x, padding=(3, 2))
            padding = "VALID"
        elif self.upsample:
            x = upsample_2x(x)
        fused = choose_fused(self.fused_modconv, training)
        x = modulated_conv2d(x, self.kernel, styles, demodulate=True, fused=fused,
                             padding=padding)
        # Per-pixel noise, one image per sample shared by all channels, learned strength.
        # Training always draws fresh noise; sampling uses the chosen mode.
        noise_mode = "random" if training else (noise_mode or self.noise_mode)
        if noise_mode == "random":
            shape = (ops.shape(x)[0], self.resolution, self.resolution, 1)
            noise = keras.random.normal(shape, seed=self.seed_generator)
            x = x + ops.cast(noise * self.noise_strength, x.dtype)
        elif noise_mode == "const":
            x = x + ops.cast(self.noise_const * self.noise_strength, x.dtype)[None]
        x = leaky_relu(x + ops.cast(self.bias, x.dtype))
        return clamp_activations(x, self.conv_clamp, self.clamp_float32)

    def compute_output_shape(self, input_shape):
        x_shape, _ = input_shape
        return (x_shape[0], self.resolution, self.resolution, self.filters)

    def get_config(self):
        return {
            **super().get_config(),
            "in_channels": self.in_channels,
            "filters": self.filters,
            "resolution": self.resolution,
            "upsample": self.upsample,
            "kernel_size": self.kernel_size,
            "noise_mode": self.noise_mode,
            "fused_modconv": self.fused_modconv,
            "conv_clamp": self.conv_clamp,
            "seed": self.seed,
            "pad_once": self.pad_once,
            "clamp_float32": self.clamp_float32,
        }


@keras.saving.register_keras_serializable(package="kerasgan")
class ToRGB(keras.layers.Layer):
    """A modulated 1x1 convolution to image channels, not demodulated, plus a bias.

    Not demodulated: the colours it writes must keep the scale the style gives them.
    The style is scaled by 1/sqrt(in_channels), the equalized learning rate of a 1x1 kernel.

    Args:
        in_channels: input feature maps.
        image_channels: 1 or 3.
        fused_modconv, conv_clamp, clamp_float32: as for `StyleConvolution`.

    Example:

    ```python
    image = image + ToRGB(256, 3)([x, w])
    ```
    """

    def __init__(self, in_channels, image_channels, fused_modconv="auto", conv_clamp=CONV_CLAMP,
                 clamp_float32=False, **kwargs):
        super().__init__(**kwargs)
        self.clamp_float32 = bool(clamp_float32)
        self.in_channels = int(in_channels)
        self.image_channels = int(image_channels)
        self.fused_modconv = check_fused(fused_modconv)
        self.conv_clamp = conv_clamp
        self.affine = EqualizedDense(self.in_channels, bias_init=1.0, dtype="float32", name="affine")

    def build(self, input_shape):
        _, w_shape = input_shape
        self.affine.build(w_shape)
        self.kernel = self.add_weight(
            shape=(1, 1, self.in_channels, self.image_channels),
            initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="kernel",
        )
        self.bias = self.add_weight(shape=(self.image_channels,), initializer="zeros", name="bias")

    def call(self, inputs, training=False):
        x, w = inputs
        styles = self.affine(w) * (1.0 / math.sqrt(self.in_channels))
        x = ops.cast(x, self.compute_dtype)
        fused = choose_fused(self.fused_modconv, training)
        x = modulated_conv2d(x, self.kernel, styles, demodulate=False, fused=fused)
        x = clamp_activations(x + ops.cast(self.bias, x.dtype), self.conv_clamp,
                              self.clamp_float32)
        return ops.cast(x, "float32")  # images add up in float32

    def compute_output_shape(self, input_shape):
        x_shape, _ = input_shape
        return (*x_shape[:-1], self.image_channels)

    def get_config(self):
        return {
            **super().get_config(),
            "in_channels": self.in_channels,
            "image_channels": self.image_channels,
            "fused_modconv": self.fused_modconv,
            "conv_clamp": self.conv_clamp,
            "clamp_float32": self.clamp_float32,
        }


def check_noise_mode(noise_mode):
    if noise_mode not in NOISE_MODES:
        raise ValueError(f"noise_mode must be one of {NOISE_MODES}; got {noise_mode!r}.")
    return noise_mode


# ------------------------------------------------------------------ mapping network


@keras.saving.register_keras_serializable(package="kerasgan")
class MappingNetwork(keras.layers.Layer):
    """z (and a class label) to w, repeated for every synthesis layer: (batch, num_ws, w_dim).

    Called on z, or on `[z, labels]` when `num_classes` > 0. With `latent_dim=0` it maps
    the label alone (the conditional discriminator's label embedding).

    Args:
        latent_dim: length of z (0 for a label-only mapping).
        w_dim: length of w.
        num_ws: how many copies of w the synthesis network takes (None: one, shape (batch, w_dim)).
        num_layers: dense layers (8 in the paper, 2 in SG2-ADA's `auto` and `cifar`).
        num_classes: classes for conditioning (0: unconditional).
        lr_multiplier: 0.01: the mapping learns 100x slower than the rest.
        w_avg_beta: decay of the tracked average of w (0.995), updated by `update_w_avg`.
        truncation_psi, truncation_cutoff: default truncation at inference (1: none):
            w = w_avg + psi * (w - w_avg) for the first `cutoff` ws (None: all).

    Example:

    ```python
    ws = generator.get_layer("mapping")(z, truncation_psi=0.7)  # (batch, num_ws, w_dim)
    ```
    """

    def __init__(
        self,
        latent_dim=512,
        w_dim=512,
        num_ws=None,
        num_layers=8,
        num_classes=0,
        lr_multiplier=0.01,
        w_avg_beta=0.995,
        truncation_psi=1.0,
        truncation_cutoff=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.latent_dim = int(latent_dim)
        self.w_dim = int(w_dim)
        self.num_ws = None if num_ws is None else int(num_ws)
        self.num_layers = int(num_layers)
        self.num_classes = int(num_classes)
        self.lr_multiplier = float(lr_multiplier)
        self.w_avg_beta = float(w_avg_beta)
        self.truncation_psi = float(truncation_psi)
        self.truncation_cutoff = None if truncation_cutoff is None else int(truncation_cutoff)
        self.embed = None
        if self.num_classes:
            self.embed = EqualizedDense(self.w_dim, name="label_embedding")
        self.dense_layers = [
            EqualizedDense(self.w_dim, lr_multiplier=self.lr_multiplier, activation="lrelu",
                           name=f"dense_{index}")
            for index in range(self.num_layers)
        ]

    def build(self, input_shape):
        features = self.latent_dim + (self.w_dim if self.num_classes else 0)
        if self.embed is not None:
            self.embed.build((None, self.num_classes))
        for layer in self.dense_layers:
            layer.build((None, features))
            features = self.w_dim
        self.w_avg = self.add_weight(
            shape=(self.w_dim,), initializer="zeros", trainable=False, aggregation="mean",
            name="w_avg",
        )

    def call(self, inputs, truncation_psi=None, truncation_cutoff=None, training=False):
        if not self.latent_dim:
            z, labels = None, inputs  # a label-only mapping
        elif isinstance(inputs, (list, tuple)):
            z, labels = inputs
        else:
            z, labels = inputs, None
        parts = []
        if self.latent_dim:
            parts.append(normalize_second_moment(z))
        if self.num_classes:
            one_hot = ops.one_hot(ops.cast(ops.reshape(labels, (-1,)), "int32"), self.num_classes)
            parts.append(normalize_second_moment(self.embed(one_hot)))
        x = parts[0] if len(parts) == 1 else ops.concatenate(parts, axis=-1)
        for layer in self.dense_layers:
            x = layer(x)
        x = ops.cast(x, "float32")
        if self.num_ws is None:
            return x
        ws = ops.repeat(x[:, None, :], self.num_ws, axis=1)
        psi = self.truncation_psi if truncation_psi is None else float(truncation_psi)
        cutoff = self.truncation_cutoff if truncation_cutoff is None else int(truncation_cutoff)
        if psi != 1.0 and not training:
            ws = truncate(ws, self.w_avg, psi, cutoff)
        return ws

    def update_w_avg(self, w):
        """Moves `w_avg` toward the batch's mean w (w: (batch, w_dim) or (batch, num_ws, w_dim))."""
        if len(w.shape) == 3:
            w = w[:, 0]
        batch_mean = ops.mean(ops.cast(w, "float32"), axis=0)
        self.w_avg.assign(batch_mean + self.w_avg_beta * (self.w_avg - batch_mean))

    def compute_output_shape(self, input_shape):
        batch = (input_shape[0] if isinstance(input_shape, list) else input_shape)[0]
        if self.num_ws is None:
            return (batch, self.w_dim)
        return (batch, self.num_ws, self.w_dim)

    def get_config(self):
        return {
            **super().get_config(),
            "latent_dim": self.latent_dim,
            "w_dim": self.w_dim,
            "num_ws": self.num_ws,
            "num_layers": self.num_layers,
            "num_classes": self.num_classes,
            "lr_multiplier": self.lr_multiplier,
            "w_avg_beta": self.w_avg_beta,
            "truncation_psi": self.truncation_psi,
            "truncation_cutoff": self.truncation_cutoff,
        }


def truncate(ws, w_avg, psi, cutoff=None):
    """The truncation trick: w_avg + psi * (w - w_avg) for the first `cutoff` ws (all when None).

    psi 0 gives the average image for every z; psi 1 changes nothing. A cutoff keeps the
    fine styles (the later ws) free, so details stay varied.
    """
    w_avg = ops.cast(w_avg, ws.dtype)
    truncated = w_avg + psi * (ws - w_avg)
    if cutoff is None:
        return truncated
    num_ws = int(ws.shape[1])
    mask = np.zeros((1, num_ws, 1), "float32")
    mask[:, : int(cutoff)] = 1.0
    return ws + ops.cast(mask, ws.dtype) * (truncated - ws)


# ------------------------------------------------------------------ synthesis network


@keras.saving.register_keras_serializable(package="kerasgan")
class SynthesisNetwork(keras.layers.Layer):
    """ws (batch, num_ws, w_dim) to images (batch, size, size, channels): StyleGAN2's skip generator.

    Consecutive blocks share a w: block r's toRGB uses the w of the next block's first
    convolution, so there are 2 * log2(size) - 2 ws (8 at 32 px, 14 at 256 px).

    Args:
        image_size: a power of two from 32 to 1024.
        image_channels: 1 or 3.
        w_dim: length of w.
        channel_base, channel_max: feature maps per resolution, min(channel_base / res, channel_max).
        num_fp16_res: under a mixed precision policy, how many of the highest
            resolutions compute in float16 (SG2-ADA's 4); the rest stay float32.
        noise_mode: the noise when sampling, "const", "random" or "none" (see `StyleConvolution`).
        fused_modconv: "auto", "fused" or "unfused".
        seed: seed of the noise.
        pad_once: how the upsampling convolutions pad (see `StyleConvolution`); False
            in snapshots saved before the key existed, True in new networks.
        conv_clamp, clamp_float32: the activation clamp of every layer (see
            `StyleConvolution`); 256 and float16 only in snapshots saved before the keys.

    Example:

    ```python
    synthesis = generator.get_layer("synthesis")
    images = synthesis(ws, noise_mode="const")
    ```
    """

    def __init__(
        self,
        image_size=256,
        image_channels=3,
        w_dim=512,
        channel_base=16384,
        channel_max=512,
        num_fp16_res=0,
        noise_mode="const",
        fused_modconv="auto",
        seed=None,
        pad_once=False,
        conv_clamp=CONV_CLAMP,
        clamp_float32=False,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.pad_once = bool(pad_once)
        self.conv_clamp = None if conv_clamp is None else float(conv_clamp)
        self.clamp_float32 = bool(clamp_float32)
        self.image_size = check_resolution(image_size)
        self.image_channels = int(image_channels)
        self.w_dim = int(w_dim)
        self.channel_base = int(channel_base)
        self.channel_max = int(channel_max)
        self.num_fp16_res = int(num_fp16_res)
        self.noise_mode = check_noise_mode(noise_mode)
        self.fused_modconv = check_fused(fused_modconv)
        self.seed = seed
        self.resolutions = [2**level for level in range(2, int(math.log2(self.image_size)) + 1)]
        self.num_ws = 2 * len(self.resolutions)  # conv1 + toRGB per block, conv0 from 8 px on
        half = fp16_resolutions(self.image_size, self.num_fp16_res)
        policy = self.dtype_policy.name

        def seed_for(index):
            return None if seed is None else int(seed) * 1000 + index

        self.conv0_layers, self.conv1_layers, self.torgb_layers = [], [], []
        in_channels = channels_at(4, self.channel_base, self.channel_max)
        for index, resolution in enumerate(self.resolutions):
            channels = channels_at(resolution, self.channel_base, self.channel_max)
            clamp = dict(conv_clamp=self.conv_clamp, clamp_float32=self.clamp_float32)
            options = dict(resolution=resolution, noise_mode=self.noise_mode,
                           fused_modconv=self.fused_modconv,
                           dtype=_block_dtype(policy, resolution, half), **clamp)
            if resolution > 4:
                self.conv0_layers.append(StyleConvolution(
                    in_channels, channels, upsample=True, seed=seed_for(2 * index),
                    pad_once=self.pad_once, name=f"conv0_{resolution}", **options))
            self.conv1_layers.append(StyleConvolution(
                channels, channels, seed=seed_for(2 * index + 1), name=f"conv1_{resolution}",
                **options))
            self.torgb_layers.append(ToRGB(
                channels, self.image_channels, fused_modconv=self.fused_modconv,
                dtype=options["dtype"], name=f"torgb_{resolution}", **clamp))
            in_channels = channels
        self.num_ws = 2 * len(self.resolutions)

    def build(self, input_shape):
        first = channels_at(4, self.channel_base, self.channel_max)
        self.const = self.add_weight(
            shape=(4, 4, first), initializer=keras.initializers.RandomNormal(stddev=1.0),
            name="const",
        )
        w_shape = (None, self.w_dim)
        in_channels = first
        for index, resolution in enumerate(self.resolutions):
            channels = channels_at(resolution, self.channel_base, self.channel_max)
            if resolution > 4:
                self.conv0_layers[index - 1].build(((None, resolution // 2, resolution // 2,
                                                      in_channels), w_shape))
            self.conv1_layers[index].build(((None, resolution, resolution, channels), w_shape))
            self.torgb_layers[index].build(((None, resolution, resolution, channels), w_shape))
            in_channels = channels

    def call(self, ws, noise_mode=None, training=False):
        ws = ops.cast(ws, "float32")
        batch = ops.shape(ws)[0]
        x = ops.repeat(self.const[None], batch, axis=0)
        images = None
        w_index = 0
        for index, resolution in enumerate(self.resolutions):
            if resolution > 4:
                x = self.conv0_layers[index - 1]([x, ws[:, w_index]], noise_mode=noise_mode,
                                                 training=training)
                w_index += 1
            x = self.conv1_layers[index]([x, ws[:, w_index]], noise_mode=noise_mode,
                                         training=training)
            w_index += 1
            # Skip architecture: the image so far, upsampled (low-pass), plus this scale's colours.
            rgb = self.torgb_layers[index]([x, ws[:, w_index]], training=training)
            images = rgb if images is None else upsample_2x(images) + rgb
        return images

    def compute_output_shape(self, input_shape):
        return (input_shape[0], self.image_size, self.image_size, self.image_channels)

    def get_config(self):
        return {
            **super().get_config(),
            "image_size": self.image_size,
            "image_channels": self.image_channels,
            "w_dim": self.w_dim,
            "channel_base": self.channel_base,
            "channel_max": self.channel_max,
            "num_fp16_res": self.num_fp16_res,
            "noise_mode": self.noise_mode,
            "fused_modconv": self.fused_modconv,
            "seed": self.seed,
            "pad_once": self.pad_once,
            "conv_clamp": self.conv_clamp,
            "clamp_float32": self.clamp_float32,
        }


# ------------------------------------------------------------------ builders


def stylegan2_generator(
    image_size=256,
    image_channels=3,
    latent_dim=512,
    w_dim=512,
    mapping_layers=8,
    num_classes=0,
    class_names=None,
    channel_base=16384,
    channel_max=512,
    num_fp16_res=0,
    truncation_psi=1.0,
    truncation_cutoff=None,
    noise_mode="const",
    fused_modconv="auto",
    seed=None,
    name="generator",
    pad_once=True,
    conv_clamp=CONV_CLAMP,
    clamp_float32=True,
):
    """The StyleGAN2 generator: a functional model z (and label) -> mapping -> synthesis -> images.

    Its layers "mapping" and "synthesis" can be called on their own for truncation,
    style mixing and projection (see `sample_stylegan2`).

    Args:
        image_size: 32, 64, ..., 1024.
        image_channels: 1 or 3.
        latent_dim, w_dim, mapping_layers: the mapping network (see `MappingNetwork`).
        num_classes: 0 for an unconditional generator, else the number of classes (the
            model then takes `[z, label]`); class_names: their names, kept in the model.
        channel_base, channel_max, num_fp16_res, noise_mode, fused_modconv: see
            `SynthesisNetwork`.
        truncation_psi, truncation_cutoff: truncation applied at inference (1: none).
        seed: seed of the per-pixel noise.
        name: the model's name.
        pad_once: pad the upsampling convolutions as NVIDIA's code does (see
            `StyleConvolution`); False only to rebuild a network trained before that.
        conv_clamp, clamp_float32: clamp activations to +-conv_clamp (None: never), in
            every dtype as NVIDIA's code does (False: in float16 only, as before).

    Returns:
        A `keras.Model` from `(latent_dim,)` (and `()` int labels) to images, about [-1, 1].

    Example:

    ```python
    generator = stylegan2_generator(64, 3, latent_dim=256, w_dim=256, mapping_layers=2)
    images = generator(keras.random.normal((4, 256)))  # (4, 64, 64, 3)
    ```
    """
    image_size = check_resolution(image_size)
    synthesis = SynthesisNetwork(
        image_size, image_channels, w_dim, channel_base, channel_max, num_fp16_res,
        noise_mode, fused_modconv, seed, pad_once=pad_once, conv_clamp=conv_clamp,
        clamp_float32=clamp_float32, name="synthesis",
    )
    mapping = MappingNetwork(
        latent_dim, w_dim, synthesis.num_ws, mapping_layers, num_classes,
        truncation_psi=truncation_psi, truncation_cutoff=truncation_cutoff, name="mapping",
    )
    latents = keras.Input(shape=(latent_dim,), name="z")
    if num_classes:
        class_names = check_class_names(class_names, num_classes)
        labels = keras.Input(shape=(), dtype="int32", name="label")
        checked = ClassLabels(class_names, name="class_labels")(labels)
        ws = mapping([latents, checked])
        inputs = [latents, labels]
    else:
        ws = mapping(latents)
        inputs = latents
    images = synthesis(ws)
    return keras.Model(inputs, images, name=name)


def sample_stylegan2(generator, latents, labels=None, truncation_psi=1.0, truncation_cutoff=None,
                    noise_mode=None, style_latents=None, style_cutoff=None):
    """Samples a StyleGAN2 generator with truncation, a noise mode and style mixing.

    Args:
        generator: from `stylegan2_generator` (or a loaded snapshot).
        latents: (batch, latent_dim) z.
        labels: (batch,) class labels for a conditional generator.
        truncation_psi, truncation_cutoff: see `truncate`.
        noise_mode: "random", "const" or "none" (None: the generator's own).
        style_latents, style_cutoff: style mixing: ws from `style_cutoff` on come from
            these latents instead (coarse styles from `latents`, fine ones from these).

    Returns:
        (batch, size, size, channels) images as a NumPy array.
    """
    mapping = generator.get_layer("mapping")
    synthesis = generator.get_layer("synthesis")
    inputs = latents if labels is None else [latents, np.asarray(labels, "int32")]
    ws = mapping(inputs, truncation_psi=truncation_psi, truncation_cutoff=truncation_cutoff)
    if style_latents is not None:
        other = style_latents if labels is None else [style_latents, np.asarray(labels, "int32")]
        other_ws = mapping(other, truncation_psi=truncation_psi,
                           truncation_cutoff=truncation_cutoff)
        mask = np.zeros((1, synthesis.num_ws, 1), "float32")
        mask[:, int(style_cutoff):] = 1.0
        ws = ws + mask * (other_ws - ws)
    return np.asarray(synthesis(ws, noise_mode=noise_mode))


def stylegan2_discriminator(
    image_size=256,
    image_channels=3,
    num_classes=0,
    channel_base=16384,
    channel_max=512,
    mbstd_group_size=4,
    architecture="resnet",
    mapping_layers=8,
    num_fp16_res=0,
    name="discriminator",
    conv_clamp=CONV_CLAMP,
    clamp_float32=True,
):
    """The StyleGAN2 discriminator (figure 7, "residual"), images (and labels) to one logit.

    Args:
        image_size, image_channels: the images it judges.
        num_classes: 0, or the number of classes: the label is mapped to a vector c and the
            logit is the projection <features, c> / sqrt(dim) (Miyato & Koyama 2018).
        channel_base, channel_max: feature maps per resolution, as for the generator.
        mbstd_group_size: images per minibatch-standard-deviation group (4).
        architecture: "resnet" (the paper's) or "orig" (no skip branch; SG2-ADA's `cifar`).
        mapping_layers: dense layers of the label mapping (conditional only).
        num_fp16_res: blocks at the top resolutions in float16 under a mixed precision policy.
        name: the model's name.
        conv_clamp, clamp_float32: as for `stylegan2_generator` (with clamp_float32 the 4x4
            convolution is clamped too, as in NVIDIA's code).

    Returns:
        A functional `keras.Model` from images (and `()` int labels) to `(batch, 1)` logits.

    Example:

    ```python
    discriminator = stylegan2_discriminator(64, 3)
    logits = discriminator(images)  # (batch, 1)
    ```
    """
    image_size = check_resolution(image_size)
    if architecture not in ("resnet", "orig"):
        raise ValueError(f"architecture must be 'resnet' or 'orig'; got {architecture!r}.")
    policy = keras.config.dtype_policy().name
    half = fp16_resolutions(image_size, num_fp16_res)

    def channels(resolution):
        return channels_at(resolution, channel_base, channel_max)

    images = keras.Input(shape=(image_size, image_size, image_channels), name="images")
    clamp = dict(conv_clamp=conv_clamp, clamp_float32=clamp_float32)
    x = EqualizedConv2D(channels(image_size), 1, activation="lrelu", **clamp,
                        dtype=_block_dtype(policy, image_size, half), name="fromrgb")(images)
    resolution = image_size
    while resolution > 4:
        dtype = _block_dtype(policy, resolution, half)
        gain = math.sqrt(0.5) if architecture == "resnet" else 1.0
        y = x
        x = EqualizedConv2D(channels(resolution), 3, activation="lrelu", **clamp,
                            dtype=dtype, name=f"conv0_{resolution}")(x)
        x = EqualizedConv2D(channels(resolution // 2), 3, downsample=True, activation="lrelu",
                            gain=gain, **clamp, dtype=dtype, name=f"conv1_{resolution}")(x)
        if architecture == "resnet":
            # The skip branch: 1x1, no bias, the same low-pass downsampling; sum / sqrt(2).
            y = EqualizedConv2D(channels(resolution // 2), 1, downsample=True, use_bias=False,
                                gain=gain, dtype=dtype, name=f"skip_{resolution}")(y)
            x = keras.layers.Add(dtype=dtype, name=f"residual_{resolution}")([x, y])
        resolution //= 2

    # Epilogue at 4x4, in float32.
    if mbstd_group_size:
        x = MinibatchStdDev(mbstd_group_size, dtype="float32", name="minibatch_stddev")(x)
    epilogue_clamp = clamp if clamp_float32 else {}  # clamped before only in float16: never
    x = EqualizedConv2D(channels(4), 3, activation="lrelu", **epilogue_clamp, dtype="float32",
                        name="conv_4")(x)
    x = keras.layers.Flatten(dtype="float32")(x)
    x = EqualizedDense(channels(4), activation="lrelu", dtype="float32", name="dense_4")(x)
    if not num_classes:
        logits = EqualizedDense(1, dtype="float32", name="logits")(x)
        return keras.Model(images, logits, name=name)

    # Projection conditioning: <features mapped to cmap_dim, label mapped to cmap_dim> / sqrt(dim).
    labels = keras.Input(shape=(), dtype="int32", name="label")
    projection_dim = channels(4)
    label_vectors = MappingNetwork(0, projection_dim, None, mapping_layers, num_classes,
                                   dtype="float32", name="label_mapping")(labels)
    x = EqualizedDense(projection_dim, dtype="float32", name="projection")(x)
    logits = ProjectionLogit(name="logits")([x, label_vectors])
    return keras.Model([images, labels], logits, name=name)


@keras.saving.register_keras_serializable(package="kerasgan")
class ProjectionLogit(keras.layers.Layer):
    """sum(features * label_vector) / sqrt(dim), one logit per image, in float32.

    Example:

    ```python
    logits = ProjectionLogit()([features, label_vectors])  # (batch, 1)
    ```
    """

    def call(self, inputs):
        features, label_vectors = (ops.cast(tensor, "float32") for tensor in inputs)
        dim = int(features.shape[-1])
        return ops.sum(features * label_vectors, axis=-1, keepdims=True) / math.sqrt(dim)

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], 1)


__all__ = [
    "MappingNetwork",
    "SynthesisNetwork",
    "StyleConvolution",
    "ToRGB",
    "ProjectionLogit",
    "stylegan2_generator",
    "stylegan2_discriminator",
    "sample_stylegan2",
    "truncate",
    "check_resolution",
]
