"""Fine-tuning: a new run that starts from the weights of an earlier one.

A GAN trained on many images (all of CIFAR-10, a long video) already knows how to
draw edges, textures and shapes; a new run on a few dozen of your own pictures can
start from it instead of from noise. `kerasgan train dcgan --dataset mine/
--resume-from results/00003-dcgan-cifar10` does that: it copies only the weights
(both networks from a checkpoint, or the generator alone from a generator snapshot)
into a fresh run, whose step count and optimizers start from zero. That is what
`--resume` is not: `--resume` continues the same run exactly.

Freezing the discriminator's first layers (FreezeD, Mo et al. 2020,
https://arxiv.org/abs/2002.10964) keeps the general features it learned on the big
dataset and lets only its later, more specific layers adapt: with few images, a
whole discriminator free to move soon memorises them.

StyleGAN2 also fine-tunes from NVIDIA's networks, as the StyleGAN2-ADA paper does: a
stylegan2-ada-pytorch pickle (`--resume-from network-snapshot.pkl`), one of the named
networks (`--resume-from ffhq256`, downloaded once), or a folder `kerasgan convert --out`
wrote. G, D and G_ema are all copied, and the run takes the network's settings (resolution,
widths, mapping depths, classes, ...) from it: `nvidia_settings` reads them.
"""

import functools
import json
import zipfile
from pathlib import Path

import numpy as np

from kerasgan.training import checkpoint


def pretrained_file(path, model=None):
    """The checkpoint, snapshot or NVIDIA pickle `--resume-from PATH` names.

    A run folder (or a `kerasgan convert` folder) means its checkpoint; the name of one of
    NVIDIA's networks (`kerasgan convert --list`) means its pickle, downloaded once. `model`,
    the run's, refuses an NVIDIA network for any model but StyleGAN2 before downloading it.
    """
    from kerasgan.nvidia.networks import is_network_source, resolve_network

    if is_network_source(path):
        if model not in (None, "stylegan2"):
            raise ValueError(
                f"--resume-from {path} is one of NVIDIA's StyleGAN2 networks, and this run trains "
                f"a {model}: fine-tune it with `kerasgan train stylegan2`."
            )
        return Path(resolve_network(path, option="--resume-from")).resolve()
    path = Path(path).expanduser()
    if path.is_dir():
        path = path / checkpoint.CHECKPOINT_NAME
    if not path.is_file():
        raise FileNotFoundError(
            f"There is nothing to fine-tune from at {path}: pass a run folder, its "
            "checkpoint.npz, a generator-*.keras snapshot, or (StyleGAN2) an NVIDIA .pkl."
        )
    if path.suffix not in (".npz", ".keras"):
        raise ValueError(
            f"{path} is neither a checkpoint (.npz) nor a generator snapshot (.keras): pass one "
            "of those, or a run folder."
        )
    if not zipfile.is_zipfile(path):
        # Both are zip archives; Keras says "File not found" for a .keras file that is not.
        raise ValueError(
            f"{path} is not a kerasgan {'checkpoint' if path.suffix == '.npz' else 'snapshot'} "
            "(it is not a zip archive, so it is damaged or another kind of file): pass a run "
            "folder, its checkpoint.npz, or a generator-*.keras snapshot."
        )
    return path.resolve()


def load_pretrained_weights(path, gan, options):
    """Copies the weights in `path` into `gan`; returns a sentence saying what was copied.

    Args:
        path: a checkpoint.npz (both networks) or a generator snapshot .keras (generator only).
        gan: the new run's model, built and compiled.
        options: the new run's options, to explain a mismatch in their words.
    """
    path = pretrained_file(path)
    if path.suffix == ".pkl":
        return _load_nvidia_pickle(path, gan)
    if path.suffix == ".keras":
        _load_generator_snapshot(path, gan, options["model"])
        copied = "the generator (the discriminator starts fresh)"
    else:
        _check_source_options(path, options)
        header = checkpoint.read_header(path)
        if "networks" not in header:
            raise ValueError(
                f"{path} was written before checkpoints recorded which weights belong to which "
                "network: fine-tune from one of its generator-*.keras snapshots instead."
            )
        with np.load(path) as archive:
            for name in ("generator", "discriminator"):
                values = [archive[key] for key in header["networks"][name]]
                _assign(getattr(gan, name).variables, values, path, name)
        copied = "the generator and the discriminator"
    converted_g_ema = path.parent / "generator.keras"
    if _is_conversion(path) and converted_g_ema.exists():
        # A `kerasgan convert` folder: its generator.keras is NVIDIA's G_ema, the average.
        _copy_weights(_read_generator(converted_g_ema), gan.ema_generator, path, "G_ema")
        return f"Fine-tuning from {path}: copied NVIDIA's G, D and G_ema."
    if gan.ema_generator is not None:
        gan.ema_generator.set_weights(gan.generator.get_weights())  # the average starts here
    return f"Fine-tuning from {path}: copied the weights of {copied}."


# ------------------------------------------------------------- NVIDIA's networks


def _is_conversion(path):
    """True for the checkpoint.npz of a folder `kerasgan convert --out` wrote."""
    return path.suffix == ".npz" and (path.parent / "conversion.json").exists()


def is_nvidia_source(path):
    """True when `pretrained_file(path)` is an NVIDIA pickle or a converted one."""
    path = Path(path)
    return path.suffix == ".pkl" or _is_conversion(path)


@functools.lru_cache(maxsize=1)
def _convert_pickle(path, modified):
    """NVIDIA's G, D and G_ema as one kerasgan StyleGAN2, converted once per process
    (the options read its settings, then the new run copies its weights)."""
    from kerasgan.nvidia.convert import convert_snapshot
    from kerasgan.nvidia.pickles import read_network_pickle

    model, _ = convert_snapshot(read_network_pickle(path))
    return model


def _converted(path):
    return _convert_pickle(str(path), Path(path).stat().st_mtime_ns)


def nvidia_settings(path):
    """StyleGAN2's network arguments of an NVIDIA source (`pretrained_file`'s answer).

    Returns:
        image_size, image_channels, latent_dim, w_dim, mapping_layers, num_classes,
        channel_base, channel_max, num_fp16_res, mbstd_group_size,
        discriminator_architecture and discriminator_mapping_layers, as the conversion
        read them from G and D (a pickle) or recorded them (a `kerasgan convert` folder).
    """
    path = Path(path)
    if path.suffix == ".pkl":
        config = _converted(path).get_config()
    else:
        config = json.loads((path.parent / "conversion.json").read_text(encoding="utf-8"))["config"]
    return {key: config[key] for key in NETWORK_SETTINGS if key in config}


# The StyleGAN2 arguments a network fixes; the training ones (R1 gamma, the average, the
# regularizers) still come from --cfg.
NETWORK_SETTINGS = (
    "image_size", "image_channels", "latent_dim", "w_dim", "mapping_layers", "num_classes",
    "channel_base", "channel_max", "num_fp16_res", "mbstd_group_size",
    "discriminator_architecture", "discriminator_mapping_layers",
)  # fmt: skip


def _load_nvidia_pickle(path, gan):
    """Copies NVIDIA's G, D and G_ema into the run's generator, discriminator and average."""
    source = _converted(path)
    _copy_weights(source.generator, gan.generator, path, "G")
    _copy_weights(source.discriminator, gan.discriminator, path, "D")
    _copy_weights(source.ema_generator, gan.ema_generator, path, "G_ema")
    _convert_pickle.cache_clear()  # the run holds the weights now: free the source's memory
    return f"Fine-tuning from NVIDIA's network {path}: copied G, D and G_ema."


def _copy_weights(source, target, path, name):
    """Copies every weight of `source` into `target` (not the noise seeds: the run's own)."""
    weights = lambda model: [v for v in model.variables if "seed_generator" not in v.path]
    _assign(weights(target), [v.numpy() for v in weights(source)], path, name)


def _read_generator(path):
    """A generator snapshot (.keras), with kerasgan's own layers registered."""
    import keras

    from kerasgan import snapshots

    # Registers kerasgan's own layers (class labels, input modes, StyleGAN2's networks).
    snapshots.register_layers()
    try:
        return keras.models.load_model(path, compile=False)
    except Exception as error:
        raise ValueError(f"{path} could not be read as a Keras generator: {error}") from None


def freeze_discriminator_layers(discriminator, count):
    """Stops training the first `count` layers of the discriminator that hold weights.

    Call it before `compile`, so the optimizer only keeps moments for what it trains.
    A frozen batch normalization layer also stops updating its statistics.
    """
    count = int(count)
    layers = [layer for layer in discriminator.layers if layer.weights]
    if count < 0 or count > len(layers):
        raise ValueError(
            f"--freeze-discriminator-layers must be from 0 to {len(layers)}, the number of "
            f"layers with weights in this discriminator; got {count}."
        )
    for layer in layers[:count]:
        layer.trainable = False
    return [layer.name for layer in layers[:count]]


def _load_generator_snapshot(path, gan, model):
    from kerasgan import snapshots

    snapshot = _read_generator(path)
    # The snapshot's family (its record, or for an older one its layers) must be the run's,
    # and a CycleGAN run starts from its A -> B generator (named as the run's), not B -> A.
    family = snapshots.family_name(snapshot)
    other_direction = snapshot.name != gan.generator.name and gan.generator.name != "generator"
    if family not in (None, model) or (family == model and other_direction):
        title = lambda name: snapshots.family(name).title if name in snapshots.FAMILIES else name
        raise ValueError(
            f"--resume-from {path} is a {title(family)} generator ({snapshot.name}), and this run "
            f"trains a {title(model)} {gan.generator.name}: pass a {gan.generator.name}-*.keras "
            f"snapshot of a {model} run, or the run folder."
        )
    wanted, found = _shapes(gan.generator), _shapes(snapshot)
    if wanted != found:
        raise ValueError(
            f"The snapshot {path} does not fit this run: it maps inputs {found[0]} to images "
            f"{found[1]}, this run's generator maps {wanted[0]} to {wanted[1]} (check "
            "--image-size, --latent-dim and the model)."
        )
    _assign(gan.generator.variables, [v.numpy() for v in snapshot.variables], path, "generator")


def _shapes(model):
    inputs = [tuple(tensor.shape[1:]) for tensor in model.inputs]
    return inputs, tuple(model.outputs[0].shape[1:])


def _check_source_options(path, options):
    """Names the option that differs when the source run's training_options.json says so."""
    options_path = path.parent / "training_options.json"
    if not options_path.exists():
        return
    source = json.loads(options_path.read_text(encoding="utf-8"))
    for key, flag in (
        ("model", "model"),
        ("image_size", "--image-size"),
        ("latent_dim", "--latent-dim"),
        ("generator_filters", "--generator-filters"),
        ("discriminator_filters", "--discriminator-filters"),
    ):
        if key in source and key in options and source[key] != options[key]:
            raise ValueError(
                f"{path} comes from a run with {key} {source[key]} but this run has "
                f"{options[key]}: use the same {flag} to fine-tune from it."
            )


def _assign(variables, values, path, name):
    if len(values) != len(variables):
        raise ValueError(
            f"The {name} in {path} has {len(values)} weight arrays but this run's has "
            f"{len(variables)}: they are different architectures (check the model options)."
        )
    for variable, value in zip(variables, values):
        if tuple(value.shape) != tuple(variable.shape):
            raise ValueError(
                f"The {name} in {path} does not fit this run: {variable.path} is "
                f"{tuple(value.shape)} there and {tuple(variable.shape)} here (a different "
                "image size or number of filters)."
            )
    for variable, value in zip(variables, values):
        variable.assign(value)
