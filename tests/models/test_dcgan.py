"""DCGAN: shapes for every supported size, a short fit per loss, and save/load round trips."""

import json
import subprocess
import sys
import warnings

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan.models.dcgan import DCGAN, dcgan_discriminator, dcgan_generator


def tiny_dataset(image_shape=(28, 28, 1), count=16, batch_size=8, seed=0):
    images = np.random.default_rng(seed).uniform(-1, 1, (count, *image_shape)).astype("float32")
    return tf.data.Dataset.from_tensor_slices(images).batch(batch_size, drop_remainder=True)


@pytest.mark.parametrize(
    "image_shape", [(28, 28, 1), (32, 32, 3), (64, 64, 1), (128, 128, 3), (256, 256, 3)]
)
def test_builders_make_every_supported_shape(image_shape):
    generator = dcgan_generator(image_shape, latent_dim=16, base_filters=8)
    discriminator = dcgan_discriminator(image_shape, base_filters=8)
    images = generator(np.zeros((2, 16), "float32"))
    assert tuple(images.shape) == (2, *image_shape)
    assert float(tf.reduce_max(tf.abs(images))) <= 1.0  # tanh output
    assert tuple(discriminator(images).shape) == (2, 1)


@pytest.mark.parametrize("bad_shape", [(48, 48, 3), (512, 512, 3), (32, 32, 2), (32, 64, 3), (16, 16, 1)])
def test_unsupported_shapes_are_a_clear_error(bad_shape):
    with pytest.raises(ValueError, match="DCGAN supports square images of 28 pixels or a power of two"):
        dcgan_generator(bad_shape)


def test_resize_upsampling_and_spectral_norm_build_and_train():
    gan = DCGAN((32, 32, 3), latent_dim=8, generator_filters=8, discriminator_filters=8,
                upsampling="resize", spectral_norm=True, seed=1)
    gan.compile()
    history = gan.fit(tiny_dataset((32, 32, 3)), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    names = [layer.__class__.__name__ for layer in gan.discriminator.layers]
    assert "SpectralNormalization" in names
    assert "UpSampling2D" in [layer.__class__.__name__ for layer in gan.generator.layers]


@pytest.mark.parametrize(
    "options",
    [
        {"loss": "bce", "label_smoothing": 0.1, "instance_noise": 0.2},
        {"loss": "hinge"},
        {"loss": "lsgan", "label_smoothing": 0.1},
        {"loss": "wgan-gp", "discriminator_steps": 3},
    ],
    ids=["bce", "hinge", "lsgan", "wgan-gp"],
)
def test_two_steps_of_fit_update_both_networks(options):
    gan = DCGAN(latent_dim=8, generator_filters=8, discriminator_filters=8, seed=3, **options)
    gan.compile()
    generator_before = [w.copy() for w in gan.generator.get_weights()]
    discriminator_before = [w.copy() for w in gan.discriminator.get_weights()]
    history = gan.fit(tiny_dataset(), epochs=1, verbose=0)
    for name in ("d_loss", "g_loss", "d_real_sign"):
        assert np.isfinite(history.history[name][-1]), name
    steps = options.get("discriminator_steps", 1)
    assert int(gan.generator_optimizer.iterations.numpy()) == 2
    assert int(gan.discriminator_optimizer.iterations.numpy()) == 2 * steps
    assert any(not np.allclose(a, b) for a, b in zip(generator_before, gan.generator.get_weights()))
    assert any(
        not np.allclose(a, b) for a, b in zip(discriminator_before, gan.discriminator.get_weights())
    )
    if options["loss"] == "wgan-gp":
        assert history.history["gradient_penalty"][-1] >= 0


def test_invalid_options_are_clear_errors():
    with pytest.raises(ValueError, match="label_smoothing applies to the 'bce' and 'lsgan'"):
        DCGAN(latent_dim=8, generator_filters=8, discriminator_filters=8, loss="hinge",
              label_smoothing=0.1)
    with pytest.raises(ValueError, match="Unknown GAN loss"):
        DCGAN(latent_dim=8, generator_filters=8, discriminator_filters=8, loss="wgan")
    gan = DCGAN(latent_dim=8, generator_filters=8, discriminator_filters=8)
    shared = keras.optimizers.Adam()
    with pytest.raises(ValueError, match="two separate optimizers"):
        gan.compile(d_optimizer=shared, g_optimizer=shared)


def test_instance_noise_falls_linearly_to_zero():
    gan = DCGAN(latent_dim=8, generator_filters=8, discriminator_filters=8,
                instance_noise=0.5, instance_noise_steps=4)
    gan.compile()
    levels = []
    for step in range(6):
        gan.generator_optimizer.iterations.assign(step)
        levels.append(float(gan.instance_noise_stddev()))
    assert levels == pytest.approx([0.5, 0.375, 0.25, 0.125, 0.0, 0.0])


def test_config_round_trips_through_json_with_equal_outputs():
    gan = DCGAN((32, 32, 3), latent_dim=8, generator_filters=8, discriminator_filters=8,
                upsampling="resize", loss="lsgan", label_smoothing=0.2, discriminator_steps=2, seed=5)
    config = json.loads(json.dumps(gan.get_config()))
    clone = DCGAN.from_config(config)
    networks = ("generator", "discriminator")
    assert {k: v for k, v in clone.get_config().items() if k not in networks} == {
        k: v for k, v in config.items() if k not in networks
    }
    for network in networks:
        layers = [layer.__class__ for layer in getattr(gan, network).layers]
        assert [layer.__class__ for layer in getattr(clone, network).layers] == layers
    clone.set_weights(gan.get_weights())
    latents = np.random.default_rng(0).standard_normal((4, 8)).astype("float32")
    np.testing.assert_allclose(clone.generator(latents), gan.generator(latents), atol=1e-6)


def test_keras_save_and_load_give_equal_outputs_and_keep_training(tmp_path):
    gan = DCGAN(latent_dim=8, generator_filters=8, discriminator_filters=8, loss="hinge", seed=2)
    gan.compile()
    gan.fit(tiny_dataset(), epochs=1, verbose=0)
    path = tmp_path / "dcgan.keras"
    gan.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "compile() was not called as part of model loading"
        loaded = keras.models.load_model(path)
    assert isinstance(loaded, DCGAN) and loaded.loss_name == "hinge"
    latents = np.random.default_rng(1).standard_normal((4, 8)).astype("float32")
    images = gan.generator(latents)
    np.testing.assert_allclose(loaded.generator(latents), images, atol=1e-6)
    np.testing.assert_allclose(loaded.discriminator(images), gan.discriminator(images), atol=1e-5)
    # Loaded compiled, with the optimizers where training left them: it trains on as is.
    for name in ("discriminator_optimizer", "generator_optimizer"):
        saved, restored = getattr(gan, name), getattr(loaded, name)
        assert int(restored.iterations) == int(saved.iterations) > 0
        for before, after in zip(saved.variables, restored.variables):
            np.testing.assert_allclose(np.asarray(after), np.asarray(before), atol=1e-7)
    history = loaded.fit(tiny_dataset(), epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])


def test_a_saved_generator_samples_with_plain_keras(tmp_path):
    generator = dcgan_generator((28, 28, 1), latent_dim=8, base_filters=8)
    path = tmp_path / "generator.keras"
    generator.save(path)
    latents = np.random.default_rng(4).standard_normal((3, 8)).astype("float32")
    np.save(tmp_path / "z.npy", latents)
    expected = np.asarray(generator(latents))
    # A fresh interpreter that never imports kerasgan.
    script = (
        "import sys, numpy as np, keras; "
        f"m = keras.models.load_model({str(path)!r}); "
        f"out = np.asarray(m(np.load({str(tmp_path / 'z.npy')!r}))); "
        f"np.save({str(tmp_path / 'out.npy')!r}, out); "
        "print('kerasgan' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "False"
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), expected, atol=1e-6)


def test_mixed_precision_wraps_optimizers_and_trains():
    previous = keras.config.dtype_policy()
    keras.mixed_precision.set_global_policy("mixed_float16")
    try:
        gan = DCGAN(latent_dim=8, generator_filters=8, discriminator_filters=8, seed=0)
        gan.compile()
    finally:
        keras.mixed_precision.set_global_policy(previous)
    assert isinstance(gan.generator_optimizer, keras.optimizers.LossScaleOptimizer)
    assert isinstance(gan.discriminator_optimizer, keras.optimizers.LossScaleOptimizer)
    assert gan.generator.output.dtype == "float32"  # images and logits stay float32
    history = gan.fit(tiny_dataset(), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    assert np.isfinite(history.history["g_loss"][-1])
