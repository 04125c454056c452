"""Pix2Pix: the builders' shapes, a training step, its losses, config and .keras round trips."""

import json

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan.data.input_modes import InputMode
from kerasgan.models.pix2pix import (
    Pix2Pix,
    generator_input_mode,
    patchgan_discriminator,
    unet_generator,
)

EDGES = InputMode("edges").to_config()


def _pairs(count=4, size=64, input_channels=1, seed=0):
    rng = np.random.default_rng(seed)
    inputs = rng.uniform(-1, 1, (count, size, size, input_channels)).astype("float32")
    targets = rng.uniform(-1, 1, (count, size, size, 3)).astype("float32")
    return inputs, targets


def _tiny(**options):
    defaults = dict(image_size=64, input_channels=1, generator_filters=8, discriminator_filters=8)
    return Pix2Pix(**{**defaults, **options})


@pytest.mark.parametrize("size, patches", [(64, 6), (128, 14), (256, 30), (512, 62)])
def test_builders_for_every_size(size, patches):
    generator = unet_generator(size, input_channels=1, output_channels=3, base_filters=4)
    discriminator = patchgan_discriminator(size, 1, 3, base_filters=4)
    assert generator.output_shape == (None, size, size, 3)
    # The encoder goes all the way down to 1 x 1, as in the paper.
    assert min(layer.output.shape[1] for layer in generator.layers) == 1
    # The 70 x 70 PatchGAN: a grid of patch logits, 30 x 30 for 256 pixels.
    assert discriminator.output_shape == (None, patches, patches, 1)
    assert [tensor.shape[-1] for tensor in discriminator.inputs] == [1, 3]


def test_the_256_pixel_generator_is_the_papers_size():
    # The paper's U-Net-256 has about 54.4 million weights (the TensorFlow tutorial's: 54.43M).
    generator = unet_generator(256)
    assert 54.0e6 < generator.count_params() < 54.5e6


def test_unsupported_sizes_and_options_are_one_sentence():
    with pytest.raises(ValueError, match="64, 128, 256 or 512"):
        unet_generator(100)
    with pytest.raises(ValueError, match="l1_weight must be 0 or more"):
        _tiny(l1_weight=-1)
    with pytest.raises(ValueError, match="leave discriminator_steps at 1"):
        _tiny(discriminator_steps=5)


@pytest.fixture(scope="module")
def trained():
    """A tiny model after two training steps (one per epoch), and its history."""
    model = _tiny(l1_weight=100.0, input_mode=EDGES)
    # Eager steps: tracing the step into a graph costs more than two steps of a tiny model
    # (the run folder and "learns" tests train in graph mode).
    model.compile(run_eagerly=True)
    inputs, targets = _pairs()
    history = model.fit(inputs, targets, batch_size=4, epochs=2, verbose=0).history
    return model, history


def test_a_training_step_reports_each_loss(trained):
    model, history = trained
    assert {"d_loss", "g_loss", "g_gan_loss", "g_l1_loss", "d_real_sign"} <= set(history)
    for epoch in range(2):
        total = history["g_gan_loss"][epoch] + 100.0 * history["g_l1_loss"][epoch]
        assert history["g_loss"][epoch] == pytest.approx(total, rel=1e-5)
    assert all(np.isfinite(value) for values in history.values() for value in values)
    # Random outputs are about 0.5 away from random targets in [-1, 1], on average.
    assert 0.3 < history["g_l1_loss"][0] < 0.8
    assert int(model.generator_optimizer.iterations.numpy()) == 2
    assert int(model.discriminator_optimizer.iterations.numpy()) == 2


def test_config_round_trips_through_json():
    model = _tiny(l1_weight=50.0, input_mode=EDGES, loss="lsgan")
    config = json.loads(json.dumps(model.get_config()))
    restored = Pix2Pix.from_config(config)
    assert restored.l1_weight == 50.0 and restored.loss_name == "lsgan"
    assert restored.input_mode == EDGES
    assert restored.get_config()["generator"]["config"]["name"] == "generator"


def test_keras_files_round_trip_with_equal_outputs(trained, tmp_path):
    model, _ = trained  # trained, so batch norm's running statistics have moved
    inputs, _ = _pairs(seed=1)
    expected = model.generator(inputs, training=False).numpy()

    model.save(tmp_path / "pix2pix.keras")
    restored = keras.models.load_model(tmp_path / "pix2pix.keras")
    assert isinstance(restored, Pix2Pix)
    np.testing.assert_allclose(restored.generator(inputs, training=False), expected, atol=1e-6)

    # A generator snapshot is a plain Keras model that carries its input mode.
    model.generator.save(tmp_path / "generator.keras")
    generator = keras.models.load_model(tmp_path / "generator.keras")
    np.testing.assert_allclose(generator(inputs, training=False), expected, atol=1e-6)
    assert generator_input_mode(generator) == EDGES
    assert generator_input_mode(unet_generator(64, base_filters=4)) is None


def test_mixed_precision_trains_with_float32_outputs():
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        model = _tiny()
        model.compile(run_eagerly=True)
        assert isinstance(model.generator_optimizer, keras.optimizers.LossScaleOptimizer)
        inputs, targets = _pairs()
        history = model.fit(inputs, targets, batch_size=4, epochs=1, verbose=0).history
        assert np.isfinite(history["g_loss"][0])
        assert model.generator(inputs).dtype == tf.float32
        assert model.discriminator([inputs, targets]).dtype == tf.float32
    finally:
        keras.mixed_precision.set_global_policy("float32")
