"""`kerasgan export` of a StyleGAN2 generator: z [+ label] -> image, truncation and constant noise built in.

The exported files must draw what `sample_stylegan2(generator, z, truncation_psi=...,
noise_mode="const")` draws from the Keras model, as tests/commands/test_export_command.py
checks for the other generators; bad input is one sentence and exit status 2.
"""

import json

import keras
import numpy as np
import pytest

from kerasgan.cli import main
from kerasgan.snapshots.export import load_saved_model, load_tflite
from kerasgan.models.stylegan2_networks import sample_stylegan2, stylegan2_generator

# 32 px, 8 ws: 16 feature maps at 4 and 8 px, 8 at 16 px, 4 at 32 px.
TINY = dict(latent_dim=16, w_dim=16, mapping_layers=2, channel_base=128, channel_max=16)


def latents(count, seed):
    return np.random.default_rng(seed).standard_normal((count, 16)).astype("float32")


def as_if_trained(generator, seed):
    """An untrained generator has w_avg = 0 and no noise: give it both, so each choice shows."""
    random = np.random.default_rng(seed)
    generator.get_layer("mapping").w_avg.assign(random.standard_normal(16).astype("float32"))
    for weight in generator.weights:
        if weight.path.endswith("noise_strength"):
            weight.assign(0.5)
    return generator


@pytest.fixture(scope="module")
def snapshots(tmp_path_factory):
    """A StyleGAN2 generator saved as a GPU run saves it (fused, random noise), a conditional
    one, and a DCGAN generator."""
    from kerasgan.models.dcgan import dcgan_generator

    keras.utils.set_random_seed(0)
    folder = tmp_path_factory.mktemp("snapshots")
    models = {
        "stylegan2": as_if_trained(
            stylegan2_generator(32, 3, noise_mode="random", fused_modconv="fused", **TINY), 1
        ),
        "conditional": as_if_trained(
            stylegan2_generator(32, 1, num_classes=3, class_names=["ant", "bee", "cat"], **TINY), 2
        ),
        "dcgan": dcgan_generator((28, 28, 1), latent_dim=16, base_filters=8),
    }
    paths = {}
    for name, model in models.items():
        paths[name] = folder / f"{name}.keras"
        model.save(paths[name])
    return paths


def test_saved_model_draws_the_truncated_images_with_constant_noise(snapshots, tmp_path, capsys):
    out = tmp_path / "exported"
    status = main(["export", "--generator", str(snapshots["stylegan2"]), "--format", "savedmodel",
                   "--trunc", "0.7", "--out", str(out)])
    assert status == 0
    printed = capsys.readouterr().out
    assert "largest difference" in printed and "truncation psi 0.7" in printed

    generator = keras.models.load_model(snapshots["stylegan2"])
    z = latents(5, seed=3)
    exported = load_saved_model(out)(z)
    expected = sample_stylegan2(generator, z, truncation_psi=0.7, noise_mode="const")
    assert exported.shape == (5, 32, 32, 3)
    np.testing.assert_allclose(exported, expected, atol=1e-5)
    # Constant noise: one z, one image, call after call.
    np.testing.assert_array_equal(load_saved_model(out)(z), exported)
    # The truncation and the noise are what was asked for, not the snapshot's own.
    untruncated = sample_stylegan2(generator, z, truncation_psi=1.0, noise_mode="const")
    assert np.abs(exported - untruncated).max() > 1e-2
    without_noise = sample_stylegan2(generator, z, truncation_psi=0.7, noise_mode="none")
    assert np.abs(exported - without_noise).max() > 1e-2

    info = json.loads((out / "generator.json").read_text())
    assert info["kind"] == "latent" and info["latent_dim"] == 16
    assert info["input_names"] == ["z"] and info["output"] == [None, 32, 32, 3]
    assert info["stylegan2"] == {"truncation_psi": 0.7, "truncation_cutoff": None,
                                 "noise_mode": "const", "num_ws": 8, "w_dim": 16}
    assert not list(out.glob(".tmp-*"))


def test_conditional_generator_exports_to_tflite_with_a_truncation_cutoff(snapshots, tmp_path):
    out = tmp_path / "phone"
    status = main(["export", "--generator", str(snapshots["conditional"]), "--format", "tflite",
                   "--trunc", "0", "--trunc-cutoff", "4", "--out", str(out)])
    assert status == 0

    generator = keras.models.load_model(snapshots["conditional"])
    z = latents(4, seed=4)
    labels = np.array([0, 1, 2, 1], "int32")
    run = load_tflite(out / "generator.tflite")
    exported = run([z, labels])
    expected = sample_stylegan2(generator, z, labels, truncation_psi=0.0, truncation_cutoff=4,
                                noise_mode="const")
    assert exported.shape == (4, 32, 32, 1)
    np.testing.assert_allclose(exported, expected, atol=1e-4)
    # psi 0 on the first 4 ws only: the fine styles still follow z, so the images differ...
    assert np.abs(exported[1] - exported[3]).max() > 1e-3
    # ...and the label still matters.
    assert np.abs(exported[0] - run([z[:1], np.array([2], "int32")])[0]).max() > 1e-3

    info = json.loads((out / "generator.json").read_text())
    assert info["input_names"] == ["z", "label"] and info["class_names"] == ["ant", "bee", "cat"]
    assert info["stylegan2"]["truncation_psi"] == 0.0 and info["stylegan2"]["truncation_cutoff"] == 4
    assert info["files"] == {"tflite": "generator.tflite"}


def test_a_mixed_precision_generator_exports_computing_in_float32(tmp_path):
    from kerasgan.snapshots.export import export_generator

    keras.mixed_precision.set_global_policy("mixed_bfloat16")
    try:  # 16-bit compute in the top two resolutions, as SG2-ADA trains (TFLite takes no bfloat16)
        mixed = stylegan2_generator(32, 3, num_fp16_res=2, **TINY)
    finally:
        keras.mixed_precision.set_global_policy("float32")
    assert mixed.get_layer("synthesis").conv1_layers[-1].compute_dtype == "bfloat16"
    mixed.save(tmp_path / "mixed.keras")
    paths = export_generator(tmp_path / "mixed.keras", tmp_path / "out", saved_model=False,
                             truncation_psi=0.5)

    float32 = stylegan2_generator(32, 3, **TINY)
    float32.set_weights(mixed.get_weights())
    z = latents(3, seed=6)
    exported = load_tflite(paths["tflite"])(z)
    np.testing.assert_allclose(
        exported, sample_stylegan2(float32, z, truncation_psi=0.5, noise_mode="const"), atol=1e-4
    )
    # bfloat16 keeps 8 bits of mantissa: the mixed model differs by its rounding only.
    np.testing.assert_allclose(
        exported, sample_stylegan2(mixed, z, truncation_psi=0.5, noise_mode="const"), atol=0.2
    )


def test_bad_truncation_is_one_sentence_and_writes_nothing(snapshots, tmp_path, capsys):
    cases = [
        ("stylegan2", ["--trunc", "1.5"], "must be between 0 (the average image) and 1"),
        ("stylegan2", ["--trunc", "-0.2"], "got -0.2"),
        ("stylegan2", ["--trunc", "0.7", "--trunc-cutoff", "9"], "has 8 ws, so it must be between 1 and 8"),
        ("dcgan", ["--trunc", "0.7"], "--trunc applies to StyleGAN2 snapshots; this is a DCGAN generator"),
    ]
    for snapshot, arguments, sentence in cases:
        status = main(["export", "--generator", str(snapshots[snapshot]), *arguments,
                       "--out", str(tmp_path / "never")])
        assert status == 2
        error = capsys.readouterr().err
        assert error.startswith("kerasgan: error: ") and sentence in error, error
        assert error.count("\n") == 1 and "Traceback" not in error
    assert not (tmp_path / "never").exists()
