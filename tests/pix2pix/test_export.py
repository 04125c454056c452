"""Export: a generator as a SavedModel and a TFLite file that give the same outputs."""

import json

import keras
import numpy as np

from kerasgan.snapshots.export import export_generator, load_saved_model, load_tflite


def test_saved_model_and_tflite_give_the_generators_outputs(generator_file, tmp_path):
    generator = keras.models.load_model(generator_file)
    inputs = np.random.default_rng(0).uniform(-1, 1, (3, 64, 64, 1)).astype("float32")
    expected = generator(inputs, training=False).numpy()

    paths = export_generator(generator_file, tmp_path / "exported")  # from the .keras file

    from_saved_model = load_saved_model(tmp_path / "exported")(inputs)
    np.testing.assert_allclose(from_saved_model, expected, atol=1e-5)
    from_tflite = load_tflite(paths["tflite"])(inputs)
    assert from_tflite.shape == (3, 64, 64, 3)
    np.testing.assert_allclose(from_tflite, expected, atol=1e-4)

    info = json.loads(paths["info"].read_text())
    assert info["input_mode"]["name"] == "edges"
    assert info["inputs"] == [[None, 64, 64, 1]] and info["output"] == [None, 64, 64, 3]
    assert info["files"] == {"saved_model": "saved_model", "tflite": "generator.tflite"}
    assert not list(tmp_path.glob("exported/.tmp-*"))  # written atomically, nothing left over

    # Exporting again replaces the files.
    export_generator(generator, tmp_path / "exported", tflite=False)
    np.testing.assert_allclose(load_saved_model(paths["saved_model"])(inputs), expected, atol=1e-5)
