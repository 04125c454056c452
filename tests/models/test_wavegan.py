"""WaveGAN: phase shuffle and the gradient penalty against numbers worked out by hand,
the paper's shapes, a short fit per loss, and save/load round trips."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan import losses
from kerasgan.models.wavegan import (
    CONFIGS,
    PhaseShuffle,
    WaveGAN,
    generator_sample_rate,
    wavegan_discriminator,
    wavegan_generator,
)

TINY = {"audio_length": 1024, "sample_rate": 4000, "latent_dim": 8, "model_dim": 2}


def tiny_sounds(count=8, batch_size=4, length=1024, seed=0):
    rng = np.random.default_rng(seed)
    times = np.arange(length) / 4000.0
    pitches = rng.uniform(200, 800, (count, 1))
    sounds = (0.8 * np.sin(2 * np.pi * pitches * times))[..., None].astype("float32")
    return tf.data.Dataset.from_tensor_slices(sounds).batch(batch_size, drop_remainder=True)


# --------------------------------------------------------------- phase shuffle


def test_phase_shuffle_shifts_each_example_with_reflection_at_the_edges():
    signal = np.array([1, 2, 3, 4, 5, 6], "float32")
    batch = np.stack([signal, signal, signal, 10 * signal])[..., None]  # (4, 6, 1)
    shifted = PhaseShuffle(2).shift(batch, np.array([2, -1, 0, -2]))
    expected = [
        [3, 2, 1, 2, 3, 4],  # 2 later: out[t] = in[t - 2], in[-2] = in[2], in[-1] = in[1]
        [2, 3, 4, 5, 6, 5],  # 1 earlier: out[t] = in[t + 1], in[6] = in[4]
        [1, 2, 3, 4, 5, 6],  # not moved
        [30, 40, 50, 60, 50, 40],  # 2 earlier: in[6] = in[4], in[7] = in[3]
    ]
    np.testing.assert_array_equal(np.asarray(shifted)[..., 0], expected)


def test_phase_shuffle_draws_a_shift_per_example_only_while_training():
    layer = PhaseShuffle(2, seed=7)
    ramp = np.arange(40, dtype="float32")
    batch = np.tile(ramp[None, :, None], (64, 1, 3))  # 64 copies, 3 channels
    np.testing.assert_array_equal(layer(batch, training=False), batch)
    shifted = np.asarray(layer(batch, training=True))
    found = []
    for example in shifted:
        # Inside the edges a ramp shifted by s reads t - s: its shift is plain to see.
        shift = int(round(ramp[10] - example[10, 0]))
        assert -2 <= shift <= 2
        np.testing.assert_array_equal(example, np.asarray(layer.shift(batch[:1], [shift]))[0])
        found.append(shift)
    assert set(found) == {-2, -1, 0, 1, 2}  # every shift drawn, each example its own


# --------------------------------------------------------------------- shapes


def test_the_paper_generator_makes_16384_samples_and_the_discriminator_one_logit():
    generator = wavegan_generator()  # z 100, d 64, 16 kHz
    layers = [layer for layer in generator.layers if isinstance(layer, keras.layers.Conv1DTranspose)]
    assert [layer.kernel_size[0] for layer in layers] == [25] * 5
    assert [layer.strides[0] for layer in layers] == [4] * 5
    assert [layer.filters for layer in layers] == [512, 256, 128, 64, 1]
    assert generator.get_layer(index=1).units == 16 * 1024  # dense to 16 x 1024
    sounds = generator(np.zeros((2, 100), "float32"))
    assert tuple(sounds.shape) == (2, 16384, 1)
    assert float(tf.reduce_max(tf.abs(sounds))) <= 1.0
    assert generator_sample_rate(generator) == 16000

    discriminator = wavegan_discriminator()
    convolutions = [l for l in discriminator.layers if isinstance(l, keras.layers.Conv1D)]
    assert [layer.filters for layer in convolutions] == [64, 128, 256, 512, 1024]
    shuffles = [l for l in discriminator.layers if isinstance(l, PhaseShuffle)]
    assert [layer.radius for layer in shuffles] == [2, 2, 2, 2]
    assert tuple(discriminator(sounds).shape) == (2, 1)


def test_the_small_config_makes_4096_samples_at_8_khz():
    gan = WaveGAN(**CONFIGS["small"])
    sounds = gan.generator(np.zeros((1, 100), "float32"))
    assert tuple(sounds.shape) == (1, 4096, 1)
    assert generator_sample_rate(gan.generator) == 8000
    assert gan.loss_name == "wgan-gp" and gan.discriminator_steps == 5


@pytest.mark.parametrize("bad_length", [1000, 512, 0, 16000])
def test_a_length_the_layers_cannot_make_is_a_clear_error(bad_length):
    with pytest.raises(ValueError, match="multiple of 1024 samples"):
        WaveGAN(audio_length=bad_length, model_dim=2)


# ------------------------------------------------------------ gradient penalty


def test_gradient_penalty_of_a_linear_critic_on_signals_is_worked_out_by_hand():
    # critic(x) = sum_t w_t x_t has the gradient w everywhere: penalty (|w| - 1)^2.
    weights = tf.constant([[3.0], [0.0], [4.0], [0.0]])  # |w| = 5
    critic = lambda sounds: tf.reduce_sum(sounds * weights, axis=[1, 2])
    real = tf.random.normal((3, 4, 1))
    fake = tf.random.normal((3, 4, 1))
    penalty = losses.gradient_penalty(critic, real, fake, tf.fill((3, 1, 1), 0.3))
    assert float(penalty) == pytest.approx(16.0, rel=1e-5)


def test_gradient_penalty_on_signals_equals_a_finite_difference_norm():
    critic = wavegan_discriminator(1024, model_dim=2, phase_shuffle=0)
    rng = np.random.default_rng(0)
    real = rng.uniform(-1, 1, (2, 1024, 1)).astype("float32")
    fake = rng.uniform(-1, 1, (2, 1024, 1)).astype("float32")
    weights = np.array([0.25, 0.8], "float32").reshape(2, 1, 1)
    penalty = float(losses.gradient_penalty(critic, real, fake, weights))

    points = real + weights * (fake - real)
    step = 1e-2
    norms = []
    for point in points.astype("float64"):
        # Central differences along each of the 1,024 samples, in one batch: the critic is
        # piecewise linear, so they equal the gradient unless a step crosses a kink.
        offsets = np.eye(1024)[..., None] * step
        up = critic(np.float32(point[None] + offsets), training=False)
        down = critic(np.float32(point[None] - offsets), training=False)
        gradient = (np.asarray(up, "float64") - np.asarray(down, "float64"))[:, 0] / (2 * step)
        norms.append(np.linalg.norm(gradient))
    expected = np.mean((np.array(norms) - 1.0) ** 2)
    assert penalty == pytest.approx(expected, rel=2e-3)


# ---------------------------------------------------------------- training


# The paper's five critic updates per step with WGAN-GP; hinge with one (each update is one
# more copy of the step to trace: one is enough to see the hinge loss train both networks).
@pytest.mark.parametrize("loss, discriminator_steps", [("wgan-gp", 5), ("hinge", 1)])
def test_two_steps_of_fit_update_both_networks(loss, discriminator_steps):
    gan = WaveGAN(**TINY, loss=loss, discriminator_steps=discriminator_steps, seed=3)
    gan.compile()
    optimizer = gan.generator_optimizer
    assert float(optimizer.learning_rate) == pytest.approx(1e-4)
    assert (optimizer.beta_1, optimizer.beta_2) == (0.5, 0.9)
    generator_before = [w.copy() for w in gan.generator.get_weights()]
    discriminator_before = [w.copy() for w in gan.discriminator.get_weights()]
    history = gan.fit(tiny_sounds(), epochs=1, verbose=0)
    assert np.isfinite(history.history["d_loss"][-1])
    assert int(gan.generator_optimizer.iterations.numpy()) == 2
    assert int(gan.discriminator_optimizer.iterations.numpy()) == 2 * discriminator_steps
    assert any(not np.allclose(a, b) for a, b in zip(generator_before, gan.generator.get_weights()))
    assert any(
        not np.allclose(a, b) for a, b in zip(discriminator_before, gan.discriminator.get_weights())
    )


# ------------------------------------------------------------------- saving


def test_config_round_trips_through_json_with_equal_outputs():
    gan = WaveGAN(**TINY, phase_shuffle=1, generator_batch_norm=True, loss="lsgan",
                  discriminator_steps=2, seed=5)
    config = json.loads(json.dumps(gan.get_config()))
    clone = WaveGAN.from_config(config)
    networks = ("generator", "discriminator")
    assert {k: v for k, v in clone.get_config().items() if k not in networks} == {
        k: v for k, v in config.items() if k not in networks
    }
    assert config["audio_length"] == 1024 and config["sample_rate"] == 4000
    clone.set_weights(gan.get_weights())
    latents = np.random.default_rng(0).standard_normal((2, 8)).astype("float32")
    np.testing.assert_allclose(clone.generator(latents), gan.generator(latents), atol=1e-6)


def test_keras_save_and_load_give_equal_outputs_and_keep_training(tmp_path):
    gan = WaveGAN(**TINY, discriminator_steps=2, seed=2)  # fewer steps to trace: quicker
    gan.compile()
    gan.fit(tiny_sounds(), epochs=1, verbose=0)
    path = tmp_path / "wavegan.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    assert isinstance(loaded, WaveGAN) and loaded.loss_name == "wgan-gp"
    latents = np.random.default_rng(1).standard_normal((2, 8)).astype("float32")
    sounds = gan.generator(latents)
    np.testing.assert_allclose(loaded.generator(latents), sounds, atol=1e-6)
    np.testing.assert_allclose(loaded.discriminator(sounds), gan.discriminator(sounds), atol=1e-5)
    assert int(loaded.generator_optimizer.iterations) == 2
    assert loaded.generator_optimizer.beta_2 == 0.9
    history = loaded.fit(tiny_sounds(), epochs=1, verbose=0)
    assert np.isfinite(history.history["g_loss"][-1])


def test_a_saved_generator_samples_with_plain_keras_and_knows_its_rate(tmp_path):
    generator = wavegan_generator(**TINY)
    path = tmp_path / "generator.keras"
    generator.save(path)
    latents = np.random.default_rng(4).standard_normal((2, 8)).astype("float32")
    np.save(tmp_path / "z.npy", latents)
    expected = np.asarray(generator(latents))
    script = (  # a fresh interpreter that never imports kerasgan
        "import sys, numpy as np, keras; "
        f"m = keras.models.load_model({str(path)!r}); "
        f"np.save({str(tmp_path / 'out.npy')!r}, np.asarray(m(np.load({str(tmp_path / 'z.npy')!r})))); "
        "print('kerasgan' in sys.modules, m.layers[-1].name)"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.split() == ["False", "samples_at_4000_hz"]
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), expected, atol=1e-6)
