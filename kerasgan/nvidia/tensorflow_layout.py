"""NVIDIA's TensorFlow StyleGAN2 pickles, brought into the PyTorch layout that `convert` reads.

NVlabs/stylegan2 (config-f: `stylegan2-ffhq-config-f.pkl`, cars, cats, churches, horses) and
the TensorFlow stylegan2-ada pickle a tuple (G, D, Gs) of `dnnlib.tflib.network.Network`s.
Each holds the keyword arguments it was built with (`static_kwargs`), its own variables by
TensorFlow name, and its sub-networks (`components`: G's "mapping" and "synthesis"). Gs is
the generator average, the one NVIDIA samples (G_ema in the PyTorch layout).

Three things differ from the PyTorch layout, and this module handles each:

1. Names and axes. TensorFlow stores a dense weight as (in, out) and a convolution as
   (kh, kw, in, out); PyTorch as (out, in) and (out, in, kh, kw). The upsampling
   convolution (`Conv0_up`) is flipped in both spatial directions. The constant input has
   a batch axis, each noise image two leading axes. `NAMES` below pairs every tensor.
2. The style bias. TensorFlow adds 1 to the style after the bias (`mod_bias` starts at 0);
   PyTorch starts the bias at 1 and adds nothing: 1 is added to `mod_bias`.
3. Settings stored as keyword arguments, with TensorFlow's names (`fmap_base` is half of
   `channel_base`, `mapping_lrmul`, `mbstd_group_size`, ...), where a missing one means its
   default. The learning-rate multipliers scale the stored weights: NVIDIA's TensorFlow
   discriminator maps labels at 0.1, kerasgan (like the PyTorch code's default) at 0.01, so
   those weights are rescaled to draw the same numbers.

The defaults and the reading of each setting follow NVIDIA's own conversion (`legacy.py`
of stylegan2-ada-pytorch), so a TensorFlow pickle converts to what NVIDIA's tools convert
it to. The inverse (`tensorflow_variables`) writes the TensorFlow layout of a PyTorch
network; the tests and `tools/nvidia_reference.py` build TensorFlow pickles with it.

Example:

```python
networks = read_network_pickle("stylegan2-cat-config-f.pkl")   # (G, D, Gs)
snapshot = pytorch_layout(networks)                              # {"G", "D", "G_ema"}
generator = convert_generator(snapshot["G_ema"])
```
"""

import math

import numpy as np

from kerasgan.errors import KerasganError
from kerasgan.nvidia import writer

# kerasgan's mapping networks learn at this multiplier (the generator's and the labels').
KERASGAN_MAPPING_LR = 0.01


class UnsupportedTensorFlowNetworkError(KerasganError):
    """A TensorFlow network whose layout kerasgan does not convert."""


def _refuse(message):
    raise UnsupportedTensorFlowNetworkError(message)


# ------------------------------------------------------------------ settings


class _Settings:
    """A network's `static_kwargs`, read the way NVIDIA's conversion reads them."""

    # Settings that change nothing in a converted network (training or sampling choices).
    IGNORED = {"truncation_psi", "truncation_cutoff", "truncation_psi_val",
               "truncation_cutoff_val", "style_mixing_prob", "structure", "freeze_layers",
               "dlatent_avg_beta", "fused_modconv", "randomize_noise", "dtype",
               "is_template_graph"}

    def __init__(self, static_kwargs, what):
        self.values, self.what, self.read = dict(static_kwargs or {}), what, set()

    def get(self, name, default=None):
        self.read.add(name)
        value = self.values.get(name)
        return default if value is None else value

    def require(self, name, default, allowed, explanation):
        value = self.get(name, default)
        if value not in allowed:
            _refuse(f"This TensorFlow {self.what} has {name}={value!r}; {explanation}")
        return value

    def refuse_unknown(self):
        unknown = sorted(set(self.values) - self.read - self.IGNORED)
        if unknown:
            _refuse(f"This TensorFlow {self.what} was built with {unknown[0]}="
                    f"{self.values[unknown[0]]!r}, a setting kerasgan does not know how to "
                    "convert (it converts the config-f and stylegan2-ada layouts).")


def _common_checks(settings):
    settings.require("nonlinearity", "lrelu", ("lrelu",),
                     "kerasgan's StyleGAN2 uses leaky ReLU only.")
    settings.require("resample_kernel", [1, 3, 3, 1], ([1, 3, 3, 1],),
                     "kerasgan's StyleGAN2 resamples with the [1, 3, 3, 1] filter only.")


def generator_kwargs(static_kwargs):
    """The PyTorch Generator's arguments for a TensorFlow G or Gs."""
    settings = _Settings(static_kwargs, "generator")
    w_dim = settings.get("dlatent_size", 512)
    kwargs = dict(
        z_dim=settings.get("latent_size", 512),
        c_dim=settings.get("label_size", 0),
        w_dim=w_dim,
        img_resolution=settings.get("resolution", 1024),
        img_channels=settings.get("num_channels", 3),
        mapping_kwargs=dict(
            num_layers=settings.get("mapping_layers", 8),
            lr_multiplier=settings.get("mapping_lrmul", 0.01),
            w_avg_beta=settings.get("w_avg_beta", 0.995),
        ),
        synthesis_kwargs=dict(
            # TensorFlow's widths are min(fmap_base / 2**(log2(res) - 1), fmap_max).
            channel_base=2 * settings.get("fmap_base", 16384),
            channel_max=settings.get("fmap_max", 512),
            num_fp16_res=settings.get("num_fp16_res", 0),
            conv_clamp=settings.get("conv_clamp"),
        ),
    )
    _common_checks(settings)
    settings.require("architecture", "skip", ("skip",),
                     "kerasgan converts the paper's 'skip' generator (all of NVIDIA's "
                     "published StyleGAN2 networks) only.")
    settings.require("mapping_nonlinearity", "lrelu", ("lrelu",),
                     "kerasgan's mapping network uses leaky ReLU only.")
    settings.require("use_noise", True, (True,), "kerasgan's StyleGAN2 always adds noise.")
    for name in ("mapping_fmaps", "label_fmaps"):
        settings.require(name, w_dim, (w_dim,),
                         f"kerasgan's mapping network is {w_dim} wide (the w length) throughout.")
    settings.refuse_unknown()
    return kwargs


def discriminator_kwargs(static_kwargs):
    """The PyTorch Discriminator's arguments for a TensorFlow D."""
    settings = _Settings(static_kwargs, "discriminator")
    kwargs = dict(
        c_dim=settings.get("label_size", 0),
        img_resolution=settings.get("resolution", 1024),
        img_channels=settings.get("num_channels", 3),
        architecture=settings.require(
            "architecture", "resnet", ("resnet", "orig"),
            "kerasgan converts the 'resnet' (the paper's) and 'orig' discriminators only."),
        channel_base=2 * settings.get("fmap_base", 16384),
        channel_max=settings.get("fmap_max", 512),
        num_fp16_res=settings.get("num_fp16_res", 0),
        conv_clamp=settings.get("conv_clamp"),
        mapping_lr_multiplier=settings.get("mapping_lrmul", 0.1),
        # NVIDIA's conversion reads a missing group size as one group of the whole batch.
        epilogue_kwargs=dict(mbstd_group_size=settings.get("mbstd_group_size"),
                             mbstd_num_channels=settings.get("mbstd_num_features", 1)),
    )
    settings.get("mapping_layers")  # read from the variables (Mapping0, Mapping1, ...)
    settings.get("mapping_fmaps")  # read from the variables' shapes
    _common_checks(settings)
    settings.refuse_unknown()
    return kwargs


# ------------------------------------------------------------------ names


# How a value changes from TensorFlow's layout to PyTorch's, and back.
TO_PYTORCH = {
    "copy": lambda value: value,
    "dense": lambda value: value.T,
    "conv": lambda value: value.transpose(3, 2, 0, 1),
    "conv_up": lambda value: value[::-1, ::-1].transpose(3, 2, 0, 1),
    "const": lambda value: value[0],
    "noise": lambda value: value[0, 0],
    "style_bias": lambda value: value + 1,
}
TO_TENSORFLOW = {
    "copy": lambda value: value,
    "dense": lambda value: value.T,
    "conv": lambda value: value.transpose(2, 3, 1, 0),
    "conv_up": lambda value: value.transpose(2, 3, 1, 0)[::-1, ::-1],
    "const": lambda value: value[None],
    "noise": lambda value: value[None, None],
    "style_bias": lambda value: value - 1,
}


def _dense_names(pytorch, tensorflow, scale=1.0):
    return [(f"{pytorch}.weight", f"{tensorflow}/weight", "dense", scale),
            (f"{pytorch}.bias", f"{tensorflow}/bias", "copy", scale)]


def generator_names(kwargs, mapping_layers):
    """(PyTorch name, TensorFlow name, change, scale) for every tensor of a generator.

    `scale` multiplies the TensorFlow value into the PyTorch one (learning-rate multipliers).
    """
    mapping_scale = kwargs["mapping_kwargs"]["lr_multiplier"] / KERASGAN_MAPPING_LR
    names = [("mapping.w_avg", "dlatent_avg", "copy", 1.0)]
    if kwargs["c_dim"]:
        names += _dense_names("mapping.embed", "mapping/LabelEmbed")
    for index in range(mapping_layers):
        names += _dense_names(f"mapping.fc{index}", f"mapping/Dense{index}", mapping_scale)
    names.append(("synthesis.b4.const", "synthesis/4x4/Const/const", "const", 1.0))
    levels = int(math.log2(kwargs["img_resolution"]))
    for level in range(2, levels + 1):
        res = 2**level
        # (PyTorch layer, TensorFlow scope, index of its noise image, weight change)
        layers = [("conv1", "4x4/Conv", 0, "conv")] if res == 4 else [
            ("conv0", f"{res}x{res}/Conv0_up", 2 * level - 5, "conv_up"),
            ("conv1", f"{res}x{res}/Conv1", 2 * level - 4, "conv"),
        ]
        for layer, scope, noise, change in layers:
            pytorch, tensorflow = f"synthesis.b{res}.{layer}", f"synthesis/{scope}"
            names += [
                (f"{pytorch}.weight", f"{tensorflow}/weight", change, 1.0),
                (f"{pytorch}.bias", f"{tensorflow}/bias", "copy", 1.0),
                (f"{pytorch}.noise_strength", f"{tensorflow}/noise_strength", "copy", 1.0),
                (f"{pytorch}.noise_const", f"synthesis/noise{noise}", "noise", 1.0),
                (f"{pytorch}.affine.weight", f"{tensorflow}/mod_weight", "dense", 1.0),
                (f"{pytorch}.affine.bias", f"{tensorflow}/mod_bias", "style_bias", 1.0),
            ]
        pytorch, tensorflow = f"synthesis.b{res}.torgb", f"synthesis/{res}x{res}/ToRGB"
        names += [
            (f"{pytorch}.weight", f"{tensorflow}/weight", "conv", 1.0),
            (f"{pytorch}.bias", f"{tensorflow}/bias", "copy", 1.0),
            (f"{pytorch}.affine.weight", f"{tensorflow}/mod_weight", "dense", 1.0),
            (f"{pytorch}.affine.bias", f"{tensorflow}/mod_bias", "style_bias", 1.0),
        ]
    return names


def discriminator_names(kwargs, mapping_layers):
    """(PyTorch name, TensorFlow name, change, scale) for every tensor of a discriminator."""
    resolution = kwargs["img_resolution"]
    names = []
    for level in range(int(math.log2(resolution)), 2, -1):
        res = 2**level
        scope = f"{res}x{res}"
        if res == resolution:
            names += [(f"b{res}.fromrgb.weight", f"{scope}/FromRGB/weight", "conv", 1.0),
                      (f"b{res}.fromrgb.bias", f"{scope}/FromRGB/bias", "copy", 1.0)]
        for layer, tensorflow in (("conv0", "Conv0"), ("conv1", "Conv1_down")):
            names += [(f"b{res}.{layer}.weight", f"{scope}/{tensorflow}/weight", "conv", 1.0),
                      (f"b{res}.{layer}.bias", f"{scope}/{tensorflow}/bias", "copy", 1.0)]
        if kwargs["architecture"] == "resnet":
            names.append((f"b{res}.skip.weight", f"{scope}/Skip/weight", "conv", 1.0))
    if kwargs["c_dim"]:
        mapping_scale = kwargs["mapping_lr_multiplier"] / KERASGAN_MAPPING_LR
        names += _dense_names("mapping.embed", "LabelEmbed")
        for index in range(mapping_layers):
            names += _dense_names(f"mapping.fc{index}", f"Mapping{index}", mapping_scale)
    names += [("b4.conv.weight", "4x4/Conv/weight", "conv", 1.0),
              ("b4.conv.bias", "4x4/Conv/bias", "copy", 1.0)]
    names += _dense_names("b4.fc", "4x4/Dense0") + _dense_names("b4.out", "Output")
    return names


def _count_layers(names, pattern):
    count = 0
    while pattern.format(count) in names:
        count += 1
    return count


# ------------------------------------------------------------------ TensorFlow -> PyTorch


def all_variables(network, prefix=""):
    """A network's variables and its sub-networks', by full name ("mapping/Dense0/weight")."""
    found = {prefix + name: value for name, value in network.variables.items()}
    for name, component in network.components.items():
        found.update(all_variables(component, f"{prefix}{name}/"))
    return found


def _pytorch_tensors(variables, names, what):
    tensors = {}
    for pytorch, tensorflow, change, scale in names:
        if tensorflow not in variables:
            _refuse(f"The TensorFlow {what} has no variable {tensorflow}: its layout is not "
                    "one kerasgan converts (config-f or stylegan2-ada).")
        value = TO_PYTORCH[change](np.asarray(variables[tensorflow], np.float32)) * scale
        tensors[pytorch] = np.array(value, np.float32, order="C")
    return tensors


def _read(network, read_kwargs):
    """The PyTorch arguments and all the variables of a TensorFlow network of StyleGAN2's."""
    if network.version < 4:
        _refuse(f"The TensorFlow network {network.name} is from an older pickle version "
                f"({network.version}) than StyleGAN2's; kerasgan converts StyleGAN2 pickles only.")
    return read_kwargs(network.settings), all_variables(network)


def generator_tree(network):
    """A TensorFlow G or Gs as NVIDIA's PyTorch Generator tree (not yet pickled)."""
    kwargs, variables = _read(network, generator_kwargs)
    if kwargs["c_dim"] and "mapping/LabelEmbed/weight" not in variables:
        _refuse("This conditional TensorFlow generator feeds labels the way NVlabs/stylegan2 did "
                "(LabelConcat), not stylegan2-ada's label embedding; kerasgan converts the "
                "latter only.")
    if any("ToRGB_lod" in name for name in variables):
        _refuse("This TensorFlow generator is progressively grown (ToRGB_lod layers); kerasgan "
                "converts the paper's 'skip' generator only.")
    mapping_layers = _count_layers(variables, "mapping/Dense{}/weight")
    kwargs["mapping_kwargs"]["num_layers"] = mapping_layers
    names = generator_names(kwargs, mapping_layers)
    return writer.generator_module(kwargs, _pytorch_tensors(variables, names, "generator"))


def discriminator_tree(network):
    """A TensorFlow D as NVIDIA's PyTorch Discriminator tree (not yet pickled)."""
    kwargs, variables = _read(network, discriminator_kwargs)
    if kwargs["c_dim"] and "LabelEmbed/weight" not in variables:
        _refuse("This conditional TensorFlow discriminator picks its output by label the way "
                "NVlabs/stylegan2 did (LabelSwitch), not stylegan2-ada's projection; kerasgan "
                "converts the latter only.")
    if any(name.startswith("FromRGB_lod") for name in variables):
        _refuse("This TensorFlow discriminator is progressively grown (FromRGB_lod layers); "
                "kerasgan converts the 'resnet' and 'orig' discriminators only.")
    names = discriminator_names(kwargs, _count_layers(variables, "Mapping{}/weight"))
    return writer.discriminator_module(kwargs, _pytorch_tensors(variables, names, "discriminator"))


def pytorch_layout(networks):
    """A TensorFlow (G, D, Gs) as the {"G", "D", "G_ema"} of a stylegan2-ada-pytorch snapshot.

    Args:
        networks: what `read_network_pickle` returned for a TensorFlow pickle.

    Returns:
        A dict of `PersistentModule`s, as `read_network_pickle` returns for a PyTorch pickle.
    """
    generator, discriminator, generator_average = networks
    return {
        "G": writer.in_memory(generator_tree(generator)),
        "D": writer.in_memory(discriminator_tree(discriminator)),
        "G_ema": writer.in_memory(generator_tree(generator_average)),
        "augment_pipe": None,
        "training_set_kwargs": None,
    }


# ------------------------------------------------------------------ PyTorch -> TensorFlow


def tensorflow_variables(kind, static_kwargs, tensors):
    """The TensorFlow variables (full names) of a PyTorch network's state dict: the inverse.

    Args:
        kind: "G" (for G and Gs) or "D".
        static_kwargs: the TensorFlow network's keyword arguments (TensorFlow names).
        tensors: the PyTorch state dict (name -> array); resampling filters are not stored
            in TensorFlow and are left out.
    """
    if kind == "G":
        kwargs = generator_kwargs(static_kwargs)
        layers = _count_layers(tensors, "mapping.fc{}.weight")
        names = generator_names(kwargs, layers)
    else:
        kwargs = discriminator_kwargs(static_kwargs)
        layers = _count_layers(tensors, "mapping.fc{}.weight")
        names = discriminator_names(kwargs, layers)
    variables = {tensorflow: np.array(
                     TO_TENSORFLOW[change](np.asarray(tensors[pytorch], np.float32) / scale),
                     np.float32, order="C")
                 for pytorch, tensorflow, change, scale in names}
    # The progressive-growing level NVIDIA's networks keep (0: full resolution); unused.
    lods = ("lod", "synthesis/lod") if kind == "G" else ("lod",)
    variables.update({name: np.zeros((), np.float32) for name in lods})
    return variables
