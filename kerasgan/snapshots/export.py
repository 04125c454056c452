"""Exporting a trained generator for use outside Python: a TensorFlow SavedModel and TFLite.

A `.keras` snapshot needs Python, Keras and kerasgan to run. An artist's installation
often wants something else: TensorFlow Serving or TensorFlow.js (which read SavedModels),
a phone, a Raspberry Pi or a browser through TFLite / LiteRT. `export_generator` writes

```
exported/
    saved_model/        `model.export(...)`: a SavedModel with one "serve" function
    generator.tflite    the same function converted to TFLite (float32)
    generator.json      what a program needs to feed it: input names, shapes, types, value range
```

Two kinds of generator are exported the same way:

- latent generators (DCGAN, StyleGAN2): a float32 batch of latent vectors z, shape
  (batch, latent_dim), drawn from a standard normal; a conditional one (cGAN) also takes an
  int32 label per image, shape (batch,). Inputs in the model's order: `[z, label]`.
- image-to-image generators (pix2pix, and CycleGAN's generator_a2b / generator_b2a): a
  float32 batch (batch, size, size, channels) in [-1, 1].

Both return the generated batch in [-1, 1], in inference mode (no dropout, batch norm's
running statistics), exactly as `generator(inputs, training=False)` does.

A StyleGAN2 generator is sampled with choices that are arguments of its layers, not
inputs: the truncation psi (and cutoff) of its mapping network, the noise mode of its
synthesis network. An exported function has only its inputs, so the choices are baked in
when it is exported: the truncation psi asked for (`truncation_psi=0.7`, `--trunc 0.7`;
none by default), constant noise (the same z always gives the same image, as NVIDIA's
`generate.py --noise-mode const`), and the unfused modulated convolution (the fused one is
a grouped convolution, which neither TensorFlow's CPU kernels nor TFLite run). The
exported function is z [+ label] -> image, like the other latent generators, and
generator.json records the choices.

Example:

```python
from kerasgan.snapshots.export import export_generator, load_saved_model, load_tflite

paths = export_generator("results/00002-pix2pix-bikes/generator-000040.keras", "exported")
paths = export_generator("results/00003-stylegan2-faces/generator-000100.keras", "faces",
                         truncation_psi=0.7)  # z -> image, truncation and constant noise built in
outputs = load_tflite(paths["tflite"])(inputs)  # NumPy in, NumPy out
images = load_saved_model("exported")([z, labels])  # a conditional generator: a list, model order
```
"""

import json
import shutil
import tempfile
from pathlib import Path

import numpy as np

from kerasgan import files

FORMATS = ("savedmodel", "tflite")


def export_generator(generator, folder, tflite=True, saved_model=True, truncation_psi=None,
                     truncation_cutoff=None):
    """Writes a generator as a SavedModel (and a TFLite file) into `folder`.

    Args:
        generator: a `keras.Model`, or the path of a .keras snapshot.
        folder: the output folder (created; files in it are replaced).
        tflite: also convert to `generator.tflite`.
        saved_model: keep the `saved_model/` folder (TFLite is converted from one either
            way; with False it is built in a temporary folder and removed).
        truncation_psi, truncation_cutoff: StyleGAN2 generators only: the truncation
            built into the export (psi from 0 to 1; the cutoff, the number of ws it
            applies to, all when None). None keeps the generator's own (1: none).

    Returns:
        A dict of paths: "saved_model" and "tflite" (those written), "info".
    """
    import tensorflow as tf

    if not (tflite or saved_model):
        raise ValueError("Nothing to export: ask for a SavedModel, a TFLite file, or both.")
    from kerasgan import snapshots

    if isinstance(generator, (str, Path)):
        generator, family = snapshots.load(generator)
    else:
        family = snapshots.family_of(generator)
    generator = exportable_generator(generator, truncation_psi, truncation_cutoff)
    check_export_folder(folder, saved_model)
    folder = Path(folder)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OSError(
            f"Could not create the output folder {folder} ({error.strerror}): pass an --out "
            "folder you can write to."
        ) from error

    paths = {}
    # model.export writes a folder: build it under a temporary name in the same folder,
    # then swap it in, so an interrupted export leaves the old one (or nothing) behind.
    building = Path(tempfile.mkdtemp(prefix=files.TEMPORARY_PREFIX, dir=folder))
    try:
        built = building / "saved_model"
        generator.export(str(built), format="tf_saved_model", verbose=False)
        if tflite:
            converter = tf.lite.TFLiteConverter.from_saved_model(str(built))
            paths["tflite"] = folder / "generator.tflite"
            files.write_bytes(paths["tflite"], converter.convert())
        if saved_model:
            paths["saved_model"] = folder / "saved_model"
            if paths["saved_model"].exists():
                shutil.rmtree(paths["saved_model"])
            built.rename(paths["saved_model"])
    except tf.errors.ResourceExhaustedError as error:
        # TensorFlow's file writers say a full disk this way, naming no file.
        raise files.disk_full_error(folder / "saved_model") from error
    finally:
        shutil.rmtree(building, ignore_errors=True)

    paths["info"] = folder / "generator.json"
    files.write_json(paths["info"], describe_generator(generator, family, paths))
    return paths


# What model.export writes into a SavedModel folder: an export replaces only a folder of these.
SAVED_MODEL_NAMES = {"saved_model.pb", "fingerprint.pb", "variables", "assets", "assets.extra"}


def check_export_folder(folder, saved_model=True):
    """Raises a ValueError, before any work, if the export would replace what it did not write.

    An export replaces `saved_model/` whole: a folder of that name holding other files
    (notes, another program's model) would be lost. `--out ""` is refused outright:
    it means the working folder, which is rarely what was meant.
    """
    if not str(folder).strip():
        raise ValueError('--out is empty: pass the folder to export into, e.g. --out exported.')
    existing = Path(folder) / "saved_model"
    if saved_model and existing.exists():
        foreign = sorted(p.name for p in existing.iterdir()) if existing.is_dir() else [existing.name]
        foreign = [name for name in foreign if name not in SAVED_MODEL_NAMES]
        if foreign or not existing.is_dir():
            raise ValueError(
                f"{existing} holds files an export did not write ({', '.join(foreign[:3])}), and "
                "an export replaces that folder whole: choose another --out folder, or move them."
            )


def describe_generator(generator, family, paths):
    """The generator.json contents: enough for a program in any language to feed the model."""
    from kerasgan.models.layers import generator_input_mode

    info = {
        "name": generator.name,
        "family": family.name,
        "kind": family.kind,
        "input_names": [_input_name(tensor) for tensor in generator.inputs],
        "inputs": [list(tensor.shape) for tensor in generator.inputs],
        "input_dtypes": [str(tensor.dtype) for tensor in generator.inputs],
        "output": list(generator.outputs[0].shape),
        "value_range": [-1.0, 1.0],
        "input_mode": generator_input_mode(generator),
        "saved_model_function": "serve",
        "files": {key: path.name for key, path in paths.items() if key != "info"},
    }
    if family.kind == "latent":
        from kerasgan.snapshots import sampling

        info["latent_dim"] = sampling.generator_latent_dim(generator)
        info["latent_distribution"] = "standard normal"
        if sampling.is_conditional(generator):
            info["class_names"] = sampling.generator_class_names(generator)
    info.update(family.describe_export(generator))
    return info


def exportable_generator(generator, truncation_psi=None, truncation_cutoff=None, path=None):
    """The model an export is made from: the generator computing in float32, with what its
    family builds in (a StyleGAN2 generator: its truncation and constant noise).

    The CLI checks the exported files against this model. For a StyleGAN2 generator it
    draws what `sample_stylegan2(generator, z, truncation_psi=..., noise_mode="const")` draws.
    Truncation given for a family without it is one sentence.
    """
    from kerasgan import snapshots

    family = snapshots.family_of(generator, path)
    choices = {"--trunc": truncation_psi, "--trunc-cutoff": truncation_cutoff}
    given = [flag for flag, value in choices.items() if value is not None]
    family.check_flags("export", given, generator, path or generator.name)
    return family.exportable(generator, choices)


def stylegan2_exportable(generator, truncation_psi=None, truncation_cutoff=None):
    """A StyleGAN2 generator computing in float32 with its truncation and constant noise built in
    (and the unfused modulated convolution, which TFLite and TensorFlow's CPU kernels run)."""
    from kerasgan.snapshots.stylegan2_sampling import check_truncation

    synthesis = generator.get_layer("synthesis")
    check_truncation(truncation_psi, truncation_cutoff, synthesis.num_ws)
    mapping_settings = {}
    if truncation_psi is not None:
        mapping_settings["truncation_psi"] = float(truncation_psi)
    if truncation_cutoff is not None:
        mapping_settings["truncation_cutoff"] = int(truncation_cutoff)
    config = _with_layer_settings(
        _with_float32_policies(generator.get_config()),
        {
            "mapping": mapping_settings,
            "synthesis": {"noise_mode": "const", "fused_modconv": "unfused"},
        },
    )
    copy = generator.__class__.from_config(config)
    copy.set_weights(generator.get_weights())
    return copy


def _with_layer_settings(config, settings_by_layer):
    """A functional model's config with some of its layers' settings replaced."""
    layers = []
    for layer in config["layers"]:
        settings = settings_by_layer.get(layer["name"])
        if settings:
            layer = {**layer, "config": {**layer["config"], **settings}}
        layers.append(layer)
    return {**config, "layers": layers}


def float32_copy(generator):
    """The generator computing in float32, the same weights (itself if it already does).

    A generator trained under mixed precision keeps its layers' 16-bit compute policy in
    the snapshot. TFLite cannot convert bfloat16 layers, and a program feeding an export
    expects float32 arithmetic, so the export is built from a float32 copy; its outputs
    differ from the mixed precision model's by the 16-bit rounding only.
    """
    config = generator.get_config()
    float32_config = _with_float32_policies(config)
    if float32_config == config:
        return generator
    copy = generator.__class__.from_config(float32_config)
    copy.set_weights(generator.get_weights())
    return copy


def _with_float32_policies(value):
    if isinstance(value, dict):
        if value.get("class_name") == "DTypePolicy" and isinstance(value.get("config"), dict):
            return {**value, "config": {**value["config"], "name": "float32"}}
        return {key: _with_float32_policies(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_with_float32_policies(item) for item in value]
    return value


def _input_name(tensor):
    return tensor.name.split(":")[0]


def _as_list(inputs):
    return list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]


def _as_array(values):
    """float32 for latents and images, int32 for labels: the types the exported model takes."""
    values = np.asarray(values)
    return values.astype("int32" if np.issubdtype(values.dtype, np.integer) else "float32")


def _read_info(folder):
    path = Path(folder) / "generator.json"
    return json.loads(path.read_text()) if path.is_file() else {}


def load_saved_model(folder):
    """A function from NumPy inputs to a NumPy batch, running an exported SavedModel.

    Args:
        folder: the `saved_model` folder written by `export_generator` (or the folder
            holding it). The function takes one array, or a list of arrays in the model's
            input order (`[z, labels]`).
    """
    import tensorflow as tf

    folder = Path(folder)
    if (folder / "saved_model").is_dir():
        folder = folder / "saved_model"
    restored = tf.saved_model.load(str(folder))

    def run(inputs):
        tensors = [tf.constant(_as_array(values)) for values in _as_list(inputs)]
        return restored.serve(tensors if len(tensors) > 1 else tensors[0]).numpy()

    return run


def load_tflite(path):
    """A function from NumPy inputs to a NumPy batch, running an exported TFLite file.

    It takes one array, or a list of arrays in the model's input order; the interpreter is
    resized to each batch size it is given. The inputs are matched by name, from the
    generator.json beside the file (TFLite lists a signature's inputs in name order).
    """
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_path=str(path))
    signature = interpreter.get_signature_runner("serving_default")
    signature_inputs = interpreter.get_signature_list()["serving_default"]["inputs"]
    names = _read_info(Path(path).parent).get("input_names") or signature_inputs

    def run(inputs):
        inputs = _as_list(inputs)
        if len(inputs) != len(names):
            raise ValueError(f"The exported generator takes {len(names)} inputs ({', '.join(names)}); got {len(inputs)}.")
        outputs = signature(**{name: _as_array(values) for name, values in zip(names, inputs)})
        return next(iter(outputs.values())).copy()

    return run


def example_inputs(generator, batch_size=4, seed=0):
    """A batch of inputs the generator takes: standard normal z (and labels), or images in [-1, 1]."""
    random = np.random.default_rng(seed)
    inputs = []
    for tensor in generator.inputs:
        shape = (batch_size, *tensor.shape[1:])
        if "int" in str(tensor.dtype):
            from kerasgan.snapshots import sampling

            num_classes = len(sampling.generator_class_names(generator))
            inputs.append(random.integers(0, num_classes, shape).astype("int32"))
        elif len(shape) == 4:
            inputs.append(random.uniform(-1, 1, shape).astype("float32"))
        else:
            inputs.append(random.standard_normal(shape).astype("float32"))
    return inputs


def largest_differences(generator, paths, batch_size=4):
    """The largest absolute difference between the Keras model and each exported file.

    Returns:
        A dict, e.g. {"saved_model": 0.0, "tflite": 2.4e-07}.
    """
    inputs = example_inputs(generator, batch_size)
    expected = np.asarray(generator(inputs if len(inputs) > 1 else inputs[0], training=False))
    runners = {"saved_model": load_saved_model, "tflite": load_tflite}
    return {
        key: float(np.max(np.abs(runners[key](paths[key])(inputs) - expected)))
        for key in runners
        if key in paths
    }


__all__ = [
    "export_generator",
    "exportable_generator",
    "load_saved_model",
    "load_tflite",
    "stylegan2_exportable",
    "describe_generator",
    "largest_differences",
]
