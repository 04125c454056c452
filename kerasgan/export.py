"""Exporting a trained generator for use outside Python: a TensorFlow SavedModel and TFLite.

A `.keras` snapshot needs Python, Keras and kerasgan to run. An artist's installation
often wants something else: TensorFlow Serving or TensorFlow.js (which read SavedModels),
a phone, a Raspberry Pi or a browser through TFLite / LiteRT. `export_generator` writes

```
exported/
    saved_model/        `model.export(...)`: a SavedModel with one "serve" function
    generator.tflite    the same function converted to TFLite (float32)
    generator.json      what a program needs to feed it: shapes, value range, input mode
```

Both take a float32 batch (batch, size, size, channels) in [-1, 1] and return the
generated batch in [-1, 1], in inference mode (no dropout, batch norm's running
statistics), exactly as `generator(inputs, training=False)` does.

Example:

```python
from kerasgan.export import export_generator, load_saved_model, load_tflite

paths = export_generator("results/00002-pix2pix-bikes/generator-000040.keras", "exported")
outputs = load_tflite(paths["tflite"])(inputs)  # NumPy in, NumPy out
```
"""

from pathlib import Path

import numpy as np

from kerasgan import files


def export_generator(generator, folder, tflite=True):
    """Writes a generator as a SavedModel (and a TFLite file) into `folder`.

    Args:
        generator: a `keras.Model`, or the path of a .keras snapshot.
        folder: the output folder (created; files in it are replaced).
        tflite: also convert to `generator.tflite`.

    Returns:
        A dict of paths: "saved_model", "tflite" (if written), "info".
    """
    import tensorflow as tf

    from kerasgan.sampling import load_snapshot

    if isinstance(generator, (str, Path)):
        generator = load_snapshot(generator)
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)

    saved_model = folder / "saved_model"
    # model.export writes a folder; build it under a temporary name, then swap it in.
    with files.atomic_path(saved_model) as temporary:
        generator.export(temporary, format="tf_saved_model", verbose=False)
        if saved_model.exists():
            import shutil

            shutil.rmtree(saved_model)
    paths = {"saved_model": saved_model}

    if tflite:
        converter = tf.lite.TFLiteConverter.from_saved_model(str(saved_model))
        paths["tflite"] = folder / "generator.tflite"
        files.write_bytes(paths["tflite"], converter.convert())

    from kerasgan.models.pix2pix import generator_input_mode

    paths["info"] = folder / "generator.json"
    files.write_json(
        paths["info"],
        {
            "name": generator.name,
            "inputs": [list(tensor.shape) for tensor in generator.inputs],
            "output": list(generator.outputs[0].shape),
            "value_range": [-1.0, 1.0],
            "input_mode": generator_input_mode(generator),
            "saved_model_function": "serve",
            "files": {key: path.name for key, path in paths.items() if key != "info"},
        },
    )
    return paths


def load_saved_model(folder):
    """A function from a NumPy batch to a NumPy batch, running an exported SavedModel.

    Args:
        folder: the `saved_model` folder written by `export_generator` (or the folder
            holding it).
    """
    import tensorflow as tf

    folder = Path(folder)
    if (folder / "saved_model").is_dir():
        folder = folder / "saved_model"
    restored = tf.saved_model.load(str(folder))

    def run(inputs):
        return restored.serve(tf.constant(np.asarray(inputs, dtype="float32"))).numpy()

    return run


def load_tflite(path):
    """A function from a NumPy batch to a NumPy batch, running an exported TFLite file.

    The interpreter is resized to each batch size it is given.
    """
    import tensorflow as tf

    interpreter = tf.lite.Interpreter(model_path=str(path))
    input_index = interpreter.get_input_details()[0]["index"]
    output_index = interpreter.get_output_details()[0]["index"]

    def run(inputs):
        inputs = np.asarray(inputs, dtype="float32")
        interpreter.resize_tensor_input(input_index, inputs.shape)
        interpreter.allocate_tensors()
        interpreter.set_tensor(input_index, inputs)
        interpreter.invoke()
        return interpreter.get_tensor(output_index).copy()

    return run


__all__ = ["export_generator", "load_saved_model", "load_tflite"]
