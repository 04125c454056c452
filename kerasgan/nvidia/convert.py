"""NVIDIA's StyleGAN2 networks (as read by `pickles.py`) rebuilt as kerasgan's networks.

Everything here reads the PyTorch layout of stylegan2-ada-pytorch; a TensorFlow pickle's
(G, D, Gs) is first brought into that layout by `tensorflow_layout.py` (`require_snapshot`
does it), so both kinds of pickle convert through the same code.

The architecture is the same (kerasgan's StyleGAN2 follows the paper and NVIDIA's
stylegan2-ada-pytorch); what changes between the two is only where numbers are kept:

- PyTorch stores a dense weight as (out, in) and a convolution as (out, in, kh, kw);
  Keras as (in, out) and (kh, kw, in, out): transposed.
- NVIDIA's upsampling convolutions (the first of each synthesis block) run as a
  transposed convolution, a true convolution, while every other layer (and every layer
  of ours) is a cross-correlation: their kernels are flipped in both directions.
- The discriminator's last dense layer reads the 4x4 features flattened channels-first
  (c, h, w); ours flattens channels-last (h, w, c): its rows are reordered.
- Images are NCHW there, NHWC here (only the callers see this).

Equalized learning rate, the learning-rate multiplier of the mapping, the bias starting
values, the noise and `w_avg` are stored the same way on both sides and copy as they are.
Settings (resolution, widths, mapping depth, classes, float16 resolutions, the
discriminator's architecture and minibatch-stddev group) are read from the networks.
"""

import math

import numpy as np

from kerasgan.errors import KerasganError
from kerasgan.models.stylegan2_networks import (
    channels_at,
    stylegan2_discriminator,
    stylegan2_generator,
)


class UnsupportedNetworkError(KerasganError):
    """An NVIDIA network whose layout kerasgan's StyleGAN2 cannot hold."""


def _refuse(message):
    raise UnsupportedNetworkError(message)


def _assign(variable, array, what):
    array = np.asarray(array, np.float32)
    if tuple(variable.shape) != array.shape:
        _refuse(f"The pickle's {what} has shape {array.shape} where kerasgan expects "
                f"{tuple(variable.shape)}: this network's layout is not one kerasgan converts.")
    variable.assign(array)


def _dense_kernel(weight):
    return np.asarray(weight).T


def _conv_kernel(weight, flip=False):
    # (out, in, kh, kw) -> (kh, kw, in, out)
    kernel = np.transpose(np.asarray(weight), (2, 3, 1, 0))
    return kernel[::-1, ::-1] if flip else kernel


def channel_settings(channels, what):
    """(channel_base, channel_max) that reproduce the feature maps per resolution.

    NVIDIA computes min(channel_base // res, channel_max), as we do; the pickle keeps
    only the resulting widths, from which we take the two numbers back.
    """
    channel_max = max(channels.values())
    narrower = [res * count for res, count in channels.items() if count < channel_max]
    channel_base = max(narrower) if narrower else channel_max * max(channels)
    if any(channels_at(res, channel_base, channel_max) != count for res, count in channels.items()):
        _refuse(f"The {what}'s feature maps per resolution ({channels}) do not follow "
                "min(channel_base / resolution, channel_max), so kerasgan cannot rebuild it.")
    return channel_base, channel_max


def _fp16_count(blocks):
    return sum(1 for block in blocks if block.setting("use_fp16"))


# ------------------------------------------------------------------ generator


def generator_settings(module):
    """kerasgan's `stylegan2_generator` arguments for an NVIDIA Generator."""
    if module.class_name != "Generator":
        _refuse(f"Expected NVIDIA's Generator, got a {module.class_name}.")
    synthesis = module.child("synthesis")
    resolution = int(module.setting("img_resolution"))
    blocks = [synthesis.child(f"b{2**level}") for level in range(2, int(math.log2(resolution)) + 1)]
    for block in blocks:
        if block.setting("architecture", "skip") != "skip":
            _refuse(f"This generator uses the {block.setting('architecture')!r} architecture; "
                    "kerasgan converts the paper's 'skip' generator (all of NVIDIA's published "
                    "StyleGAN2 networks) only.")
    tensors = module.tensors()
    channels = {block.setting("resolution"): int(tensors[f"synthesis.b{block.setting('resolution')}"
                                                         ".conv1.weight"].shape[0])
                for block in blocks}
    channel_base, channel_max = channel_settings(channels, "generator")
    mapping = module.child("mapping")
    mapping_layers = sum(1 for name in mapping.children() if name.startswith("fc"))
    c_dim = int(module.setting("c_dim") or 0)
    return dict(
        image_size=resolution,
        image_channels=int(module.setting("img_channels")),
        latent_dim=int(module.setting("z_dim")),
        w_dim=int(module.setting("w_dim")),
        mapping_layers=mapping_layers,
        num_classes=c_dim,
        channel_base=channel_base,
        channel_max=channel_max,
        num_fp16_res=_fp16_count(blocks),
        conv_clamp=blocks[0].child("conv1").setting("conv_clamp"),
        clamp_float32=True,
    )


def convert_generator(module, name="generator", **options):
    """A kerasgan StyleGAN2 generator with the weights of NVIDIA's Generator (G or G_ema).

    Args:
        module: a `PersistentModule` of class "Generator" (from `read_network_pickle`).
        name: the Keras model's name.
        **options: more `stylegan2_generator` arguments (class_names, noise_mode, ...).

    Returns:
        A functional `keras.Model` (z, and labels when conditional) -> NHWC images.

    Example:

    ```python
    networks = read_network_pickle("ffhq.pkl")
    generator = convert_generator(networks["G_ema"])
    ```
    """
    settings = generator_settings(module)
    generator = stylegan2_generator(**settings, **options, name=name)
    load_generator_weights(generator, module)
    return generator


def load_generator_weights(generator, module):
    """Copies NVIDIA's Generator weights into a kerasgan generator of the same settings."""
    tensors = module.tensors()
    mapping = generator.get_layer("mapping")
    synthesis = generator.get_layer("synthesis")

    def dense(layer, prefix):
        _assign(layer.kernel, _dense_kernel(tensors[prefix + "weight"]), prefix + "weight")
        _assign(layer.bias, tensors[prefix + "bias"], prefix + "bias")

    if mapping.embed is not None:
        dense(mapping.embed, "mapping.embed.")
    for index, layer in enumerate(mapping.dense_layers):
        dense(layer, f"mapping.fc{index}.")
    _assign(mapping.w_avg, tensors["mapping.w_avg"], "mapping.w_avg")

    _assign(synthesis.const, np.transpose(tensors["synthesis.b4.const"], (1, 2, 0)),
            "synthesis.b4.const")
    for index, resolution in enumerate(synthesis.resolutions):
        block = f"synthesis.b{resolution}."
        layers = [("conv1", synthesis.conv1_layers[index])]
        if resolution > 4:
            layers.insert(0, ("conv0", synthesis.conv0_layers[index - 1]))
        for conv, layer in layers:
            prefix = f"{block}{conv}."
            dense(layer.affine, prefix + "affine.")
            # conv0 upsamples: NVIDIA runs it as a (flipped) transposed convolution.
            _assign(layer.kernel, _conv_kernel(tensors[prefix + "weight"], flip=conv == "conv0"),
                    prefix + "weight")
            _assign(layer.bias, tensors[prefix + "bias"], prefix + "bias")
            _assign(layer.noise_strength, tensors[prefix + "noise_strength"],
                    prefix + "noise_strength")
            _assign(layer.noise_const, tensors[prefix + "noise_const"][:, :, None],
                    prefix + "noise_const")
        torgb = synthesis.torgb_layers[index]
        dense(torgb.affine, block + "torgb.affine.")
        _assign(torgb.kernel, _conv_kernel(tensors[block + "torgb.weight"]), block + "torgb.weight")
        _assign(torgb.bias, tensors[block + "torgb.bias"], block + "torgb.bias")


# ------------------------------------------------------------------ discriminator


def discriminator_settings(module):
    """kerasgan's `stylegan2_discriminator` arguments for an NVIDIA Discriminator."""
    if module.class_name != "Discriminator":
        _refuse(f"Expected NVIDIA's Discriminator, got a {module.class_name}.")
    resolution = int(module.setting("img_resolution"))
    blocks = [module.child(f"b{2**level}") for level in range(int(math.log2(resolution)), 2, -1)]
    architecture = blocks[0].setting("architecture", "resnet")
    if architecture not in ("resnet", "orig"):
        _refuse(f"This discriminator uses the {architecture!r} architecture; kerasgan converts "
                "'resnet' (the paper's) and 'orig' (the cifar config's) only.")
    tensors = module.tensors()
    channels = {block.setting("resolution"): int(tensors[f"b{block.setting('resolution')}"
                                                         ".conv0.weight"].shape[0])
                for block in blocks}
    channels[4] = int(tensors["b4.conv.weight"].shape[0])
    channel_base, channel_max = channel_settings(channels, "discriminator")
    epilogue = module.child("b4")
    mbstd = epilogue.children().get("mbstd")
    if mbstd is not None and int(mbstd.setting("num_channels", 1)) != 1:
        _refuse("This discriminator appends more than one minibatch-stddev feature; kerasgan's "
                "appends one.")
    group_size = 0 if mbstd is None else mbstd.setting("group_size")
    c_dim = int(module.setting("c_dim") or 0)
    mapping_layers = 8
    if c_dim:
        if int(epilogue.setting("cmap_dim")) != channels[4]:
            _refuse("This discriminator projects labels to a width other than its 4x4 feature "
                    "maps; kerasgan's uses the same width.")
        mapping_layers = sum(1 for name in module.child("mapping").children()
                             if name.startswith("fc"))
    return dict(
        image_size=resolution,
        image_channels=int(module.setting("img_channels")),
        num_classes=c_dim,
        channel_base=channel_base,
        channel_max=channel_max,
        # NVIDIA's None means one group of the whole batch.
        mbstd_group_size=2**30 if group_size is None else int(group_size),
        architecture=architecture,
        mapping_layers=mapping_layers,
        num_fp16_res=_fp16_count(blocks),
        conv_clamp=blocks[0].child("conv0").setting("conv_clamp"),
        clamp_float32=True,
    )


def convert_discriminator(module, name="discriminator"):
    """A kerasgan StyleGAN2 discriminator with the weights of NVIDIA's Discriminator.

    Example:

    ```python
    discriminator = convert_discriminator(read_network_pickle("ffhq.pkl")["D"])
    logits = discriminator(images)  # NHWC images in [-1, 1]
    ```
    """
    discriminator = stylegan2_discriminator(**discriminator_settings(module), name=name)
    load_discriminator_weights(discriminator, module)
    return discriminator


def load_discriminator_weights(discriminator, module):
    """Copies NVIDIA's Discriminator weights into a kerasgan discriminator of the same settings."""
    tensors = module.tensors()

    def conv(layer_name, prefix):
        layer = discriminator.get_layer(layer_name)
        _assign(layer.kernel, _conv_kernel(tensors[prefix + "weight"]), prefix + "weight")
        if layer.bias is not None:
            _assign(layer.bias, tensors[prefix + "bias"], prefix + "bias")

    def dense(layer, prefix, kernel=None):
        kernel = _dense_kernel(tensors[prefix + "weight"]) if kernel is None else kernel
        _assign(layer.kernel, kernel, prefix + "weight")
        _assign(layer.bias, tensors[prefix + "bias"], prefix + "bias")

    resolution = discriminator.input_shape[0][1] if isinstance(
        discriminator.input_shape, list) else discriminator.input_shape[1]
    conv("fromrgb", f"b{resolution}.fromrgb.")
    while resolution > 4:
        conv(f"conv0_{resolution}", f"b{resolution}.conv0.")
        conv(f"conv1_{resolution}", f"b{resolution}.conv1.")
        if f"b{resolution}.skip.weight" in tensors:
            conv(f"skip_{resolution}", f"b{resolution}.skip.")
        resolution //= 2
    conv("conv_4", "b4.conv.")
    # NVIDIA flattens the 4x4 features as (c, h, w), Keras as (h, w, c): reorder the rows.
    weight = np.asarray(tensors["b4.fc.weight"])
    out_features, in_features = weight.shape
    channels = in_features // 16
    kernel = weight.reshape(out_features, channels, 4, 4).transpose(2, 3, 1, 0)
    dense(discriminator.get_layer("dense_4"), "b4.fc.", kernel.reshape(in_features, out_features))
    if "mapping.embed.weight" not in tensors:
        dense(discriminator.get_layer("logits"), "b4.out.")
        return
    dense(discriminator.get_layer("projection"), "b4.out.")
    label_mapping = discriminator.get_layer("label_mapping")
    dense(label_mapping.embed, "mapping.embed.")
    for index, layer in enumerate(label_mapping.dense_layers):
        dense(layer, f"mapping.fc{index}.")


# ------------------------------------------------------------------ the whole snapshot


def convert_snapshot(networks):
    """kerasgan's StyleGAN2 model (G, D and G_ema) from an NVIDIA snapshot's networks.

    Args:
        networks: what `read_network_pickle` returned for a stylegan2-ada-pytorch snapshot,
            or for a TensorFlow pickle of NVlabs/stylegan2 or stylegan2-ada.

    Returns:
        (model, g_ema): a `StyleGAN2` whose generator is NVIDIA's G, discriminator D and
        generator average G_ema (with G_ema's `w_avg`), and G_ema alone as a generator model.
    """
    from kerasgan.models.stylegan2 import StyleGAN2

    networks = require_snapshot(networks)
    g_ema = convert_generator(networks["G_ema"], name="generator")
    generator = convert_generator(networks["G"], name="generator")
    discriminator = convert_discriminator(networks["D"])
    g_settings = generator_settings(networks["G"])
    d_settings = discriminator_settings(networks["D"])
    model = StyleGAN2(
        image_size=g_settings["image_size"],
        image_channels=g_settings["image_channels"],
        latent_dim=g_settings["latent_dim"],
        w_dim=g_settings["w_dim"],
        mapping_layers=g_settings["mapping_layers"],
        num_classes=g_settings["num_classes"],
        channel_base=g_settings["channel_base"],
        channel_max=g_settings["channel_max"],
        num_fp16_res=g_settings["num_fp16_res"],
        mbstd_group_size=d_settings["mbstd_group_size"],
        discriminator_architecture=d_settings["architecture"],
        generator=generator,
        discriminator=discriminator,
    )
    model.ema_generator.set_weights(g_ema.get_weights())
    return model, g_ema


def require_snapshot(networks):
    """The G, D and G_ema of a snapshot, or one sentence saying what the pickle holds instead.

    A TensorFlow pickle's (G, D, Gs) comes back in the PyTorch layout (G_ema from Gs), so
    everything after this reads both kinds the same way (kerasgan/nvidia/tensorflow_layout.py).
    """
    from kerasgan.nvidia.pickles import is_tensorflow_snapshot
    from kerasgan.nvidia.tensorflow_layout import pytorch_layout

    if is_tensorflow_snapshot(networks):
        return pytorch_layout(networks)
    if not isinstance(networks, dict) or not {"G", "D", "G_ema"} <= set(networks):
        found = ", ".join(map(str, networks)) if isinstance(networks, dict) else type(
            networks).__name__
        _refuse(f"The pickle holds {found}, not the networks G, D and G_ema of a StyleGAN2 "
                "snapshot (stylegan2-ada-pytorch) nor G, D and Gs of a TensorFlow one "
                "(NVlabs/stylegan2, stylegan2-ada).")
    return networks
