"""`kerasgan export`: latent generators (DCGAN, conditional GAN) as a SavedModel and TFLite.

The exported files must compute what the Keras model computes, as tests/pix2pix/test_export.py
checks for image-to-image generators; bad input is one sentence and exit status 2.
"""

import json

import keras
import numpy as np
import pytest

from kerasgan.cli import main
from kerasgan.snapshots.export import load_saved_model, load_tflite


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """Small untrained generators and a discriminator, saved as .keras snapshots (seeded)."""
    from kerasgan.models.conditional_gan import conditional_generator
    from kerasgan.models.dcgan import dcgan_discriminator, dcgan_generator

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("snapshots")
    models = {
        "dcgan": dcgan_generator((28, 28, 1), latent_dim=16, base_filters=8),
        "cgan": conditional_generator(
            (32, 32, 3), num_classes=3, latent_dim=12, base_filters=8, class_names=["cat", "dog", "owl"]
        ),
        "discriminator": dcgan_discriminator((28, 28, 1), base_filters=8),
    }
    paths = {}
    for name, model in models.items():
        paths[name] = folder / f"{name}.keras"
        model.save(paths[name])
    return paths


def test_dcgan_generator_exports_as_a_saved_model_equal_to_keras(snapshots, tmp_path, capsys):
    status = main(["export", "--generator", str(snapshots["dcgan"]), "--format", "savedmodel",
                   "--out", str(tmp_path / "out")])
    assert status == 0
    assert "largest difference" in capsys.readouterr().out
    generator = keras.models.load_model(snapshots["dcgan"])
    z = np.random.default_rng(1).standard_normal((5, 16)).astype("float32")
    expected = generator(z, training=False).numpy()
    np.testing.assert_allclose(load_saved_model(tmp_path / "out")(z), expected, atol=1e-5)

    info = json.loads((tmp_path / "out" / "generator.json").read_text())
    assert info["kind"] == "latent" and info["latent_dim"] == 16
    assert info["input_names"] == ["z"] and info["inputs"] == [[None, 16]]
    assert info["output"] == [None, 28, 28, 1] and info["files"] == {"saved_model": "saved_model"}
    assert not (tmp_path / "out" / "generator.tflite").exists()
    assert not list((tmp_path / "out").glob(".tmp-*"))  # nothing left from building it


def test_conditional_generator_exports_to_tflite_with_its_labels(snapshots, tmp_path):
    status = main(["export", "--generator", str(snapshots["cgan"]), "--format", "tflite",
                   "--out", str(tmp_path / "phone")])
    assert status == 0
    generator = keras.models.load_model(snapshots["cgan"])
    z = np.random.default_rng(2).standard_normal((6, 12)).astype("float32")
    labels = np.array([0, 1, 2, 2, 1, 0], dtype="int32")
    expected = generator([z, labels], training=False).numpy()
    from_tflite = load_tflite(tmp_path / "phone" / "generator.tflite")([z, labels])
    assert from_tflite.shape == (6, 32, 32, 3)
    np.testing.assert_allclose(from_tflite, expected, atol=1e-4)
    # The label matters: another label at the same z gives another image.
    assert np.abs(from_tflite[0] - load_tflite(tmp_path / "phone" / "generator.tflite")(
        [z[:1], np.array([2], "int32")])[0]).max() > 1e-3

    info = json.loads((tmp_path / "phone" / "generator.json").read_text())
    assert info["input_names"] == ["z", "label"] and info["input_dtypes"] == ["float32", "int32"]
    assert info["class_names"] == ["cat", "dog", "owl"]
    assert info["files"] == {"tflite": "generator.tflite"}
    assert not (tmp_path / "phone" / "saved_model").exists()


def test_a_mixed_precision_generator_exports_computing_in_float32(tmp_path):
    from kerasgan.models.dcgan import dcgan_generator

    keras.utils.set_random_seed(3)
    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:
        mixed = dcgan_generator((28, 28, 1), latent_dim=16, base_filters=8)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    mixed.save(tmp_path / "mixed.keras")
    assert main(["export", "--generator", str(tmp_path / "mixed.keras"), "--format", "tflite",
                 "--out", str(tmp_path / "out")]) == 0  # TFLite converts no bfloat16 layers

    float32 = dcgan_generator((28, 28, 1), latent_dim=16, base_filters=8)
    float32.set_weights(mixed.get_weights())
    z = np.random.default_rng(4).standard_normal((4, 16)).astype("float32")
    from_tflite = load_tflite(tmp_path / "out" / "generator.tflite")(z)
    np.testing.assert_allclose(from_tflite, float32(z, training=False).numpy(), atol=1e-4)
    # bfloat16 keeps 8 bits of mantissa: the mixed model differs by its rounding only.
    np.testing.assert_allclose(from_tflite, mixed(z, training=False).numpy(), atol=3e-2)


def test_bad_input_is_one_sentence_and_exit_status_2(snapshots, tmp_path, capsys):
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    cases = [
        (["--generator", str(tmp_path / "missing.keras")], "There is no snapshot"),
        (["--generator", str(snapshots["discriminator"])], "is not a generator"),
        (["--generator", str(snapshots["dcgan"]), "--out", str(not_a_folder / "out")],
         "is a file, not a folder; choose another path"),  # checked before the snapshot loads
    ]
    for arguments, sentence in cases:
        if "--out" not in arguments:
            arguments = arguments + ["--out", str(tmp_path / "never")]
        assert main(["export", *arguments]) == 2
        error = capsys.readouterr().err
        assert error.startswith("kerasgan: error: ") and sentence in error
        assert error.count("\n") == 1 and "Traceback" not in error
    assert not (tmp_path / "never").exists()  # nothing half-written
