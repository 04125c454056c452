"""StyleGAN2: shapes, truncation, the R1 penalty by finite differences, lazy regularization,
the generator average, get_config and .keras round trips, and sampling in a fresh interpreter."""

import json
import subprocess
import sys

import keras
import numpy as np
import pytest
import tensorflow as tf

from kerasgan.models.gan import GAN
from kerasgan.models.stylegan2 import StyleGAN2
from kerasgan.models.stylegan2_networks import (
    sample_stylegan2,
    stylegan2_discriminator,
    stylegan2_generator,
)

# 32 px: 16 feature maps at 4 and 8 px, 8 at 16 px, 4 at 32 px.
TINY = dict(latent_dim=16, w_dim=16, mapping_layers=2, channel_base=128, channel_max=16)


def latents(count, dim=16, seed=0):
    return np.random.default_rng(seed).standard_normal((count, dim)).astype("float32")


@pytest.mark.parametrize("size", [32, 64])
def test_networks_have_the_papers_shapes(size):
    generator = stylegan2_generator(size, 3, **TINY)
    images = generator(latents(2))
    assert tuple(images.shape) == (2, size, size, 3)
    synthesis = generator.get_layer("synthesis")
    assert synthesis.num_ws == 2 * int(np.log2(size)) - 2  # 8 at 32 px, 10 at 64 px
    assert tuple(generator.get_layer("mapping")(latents(2)).shape) == (2, synthesis.num_ws, 16)
    discriminator = stylegan2_discriminator(size, 3, channel_base=128, channel_max=16)
    assert tuple(discriminator(images).shape) == (2, 1)
    names = [layer.name for layer in discriminator.layers]
    assert "minibatch_stddev" in names and f"skip_{size}" in names


def test_conditional_networks_take_labels():
    generator = stylegan2_generator(32, 1, num_classes=3, class_names=["a", "b", "c"], **TINY)
    discriminator = stylegan2_discriminator(32, 1, num_classes=3, channel_base=128,
                                            channel_max=16, mapping_layers=2)
    labels = np.array([0, 2, 1, 2], "int32")
    images = np.asarray(generator([latents(4), labels]))
    assert images.shape == (4, 32, 32, 1)
    assert tuple(discriminator([images, labels]).shape) == (4, 1)
    assert generator.get_layer("class_labels").class_names == ("a", "b", "c")


@pytest.mark.parametrize("size", [16, 48, 100, 2048])
def test_sizes_that_are_not_a_power_of_two_from_32_to_1024_are_a_clear_error(size):
    with pytest.raises(ValueError, match=f"power of two from 32 to 1024; got image size {size}"):
        stylegan2_generator(size, 3, **TINY)


def test_truncation_psi_zero_maps_every_z_to_w_avg():
    generator = stylegan2_generator(32, 1, **TINY)
    mapping = generator.get_layer("mapping")
    w_avg = np.random.default_rng(3).standard_normal(16).astype("float32")
    mapping.w_avg.assign(w_avg)
    ws = mapping(latents(5), truncation_psi=0.0).numpy()
    np.testing.assert_allclose(ws, np.broadcast_to(w_avg, ws.shape), atol=1e-6)
    images = sample_stylegan2(generator, latents(5), truncation_psi=0.0)
    np.testing.assert_allclose(images, np.broadcast_to(images[:1], images.shape), atol=1e-5)
    # A cutoff truncates the first ws only; psi 1 changes nothing.
    free = mapping(latents(5)).numpy()
    cut = mapping(latents(5), truncation_psi=0.0, truncation_cutoff=3).numpy()
    np.testing.assert_allclose(cut[:, :3], np.broadcast_to(w_avg, cut[:, :3].shape), atol=1e-6)
    np.testing.assert_allclose(cut[:, 3:], free[:, 3:], atol=1e-6)
    half = mapping(latents(5), truncation_psi=0.5).numpy()
    np.testing.assert_allclose(half, w_avg + 0.5 * (free - w_avg), atol=1e-5)


def test_fused_and_unfused_generators_draw_the_same_images():
    unfused = stylegan2_generator(32, 3, fused_modconv="unfused", **TINY)
    fused = stylegan2_generator(32, 3, fused_modconv="fused", **TINY)
    fused.set_weights(unfused.get_weights())
    np.testing.assert_allclose(fused(latents(3)), unfused(latents(3)), atol=1e-5)


def test_r1_penalty_equals_a_finite_difference_gradient_norm():
    # Group size 1: each image is judged alone, so perturbed copies can share one batch.
    gan = StyleGAN2(32, 1, mbstd_group_size=1, seed=0, **TINY)
    real = np.random.default_rng(4).uniform(-1, 1, (2, 32, 32, 1)).astype("float32")
    penalty = float(gan.r1_penalty(tf.constant(real), None))
    step = 1e-2
    squared_norms = []
    for image in real:
        bumps = np.eye(32 * 32, dtype="float32").reshape(-1, 32, 32, 1) * step
        up = gan.discriminator.predict(image + bumps, batch_size=1024, verbose=0)[:, 0]
        down = gan.discriminator.predict(image - bumps, batch_size=1024, verbose=0)[:, 0]
        gradient = (up.astype(np.float64) - down) / (2 * step)
        squared_norms.append(np.sum(gradient**2))
    assert penalty > 0
    # The discriminator answers in float32 and its gradients here are small (|grad|^2 ~ 3e-4),
    # so the differences carry roundoff of about 1% (1.2% measured on one machine); a wrong
    # factor (gamma / 2, a sum for a mean, the augmented images) would be off by 2x or more.
    assert penalty == pytest.approx(np.mean(squared_norms), rel=3e-2)


def conditional_batches(count=28, batch_size=4):
    random = np.random.default_rng(5)
    images = random.uniform(-1, 1, (count, 32, 32, 1)).astype("float32")
    labels = random.integers(0, 3, count).astype("int32")
    return tf.data.Dataset.from_tensor_slices((images, labels)).batch(batch_size, drop_remainder=True)


class RecordEachStep(keras.callbacks.Callback):
    """After every step: how many times each regularizer has run, and whether G_ema == G."""

    def __init__(self, gan):
        super().__init__()
        self.gan, self.r1_runs, self.path_length_runs, self.ema_is_copy = gan, [], [], []

    def on_train_batch_end(self, batch, logs=None):
        self.r1_runs.append(int(self.gan.r1_runs.numpy()))
        self.path_length_runs.append(int(self.gan.path_length_runs.numpy()))
        pairs = zip(self.gan.ema_generator.weights, self.gan.generator.weights)
        self.ema_is_copy.append(all(np.array_equal(a, b) for a, b in pairs))


@pytest.fixture(scope="module")
def trained():
    """A conditional StyleGAN2 after 7 steps: R1 every 3 steps, path length every 2."""
    gan = StyleGAN2(32, 1, num_classes=3, r1_gamma=1.0, r1_interval=3, path_length_interval=2,
                    ema_kimg=1.0, ema_rampup=0.05, augment="flip,translation", ada=True,
                    seed=0, **TINY)
    gan.compile()
    record = RecordEachStep(gan)
    history = gan.fit(conditional_batches(), epochs=1, verbose=0, callbacks=[record])
    return gan, record, history.history


def test_lazy_regularizers_run_exactly_every_n_steps(trained):
    gan, record, history = trained
    # R1 at steps 0, 3 and 6; path length at steps 0, 2, 4 and 6.
    assert record.r1_runs == [1, 1, 1, 2, 2, 2, 3]
    assert record.path_length_runs == [1, 1, 2, 2, 3, 3, 4]
    assert int(gan.generator_optimizer.iterations.numpy()) == 7
    assert int(gan.discriminator_optimizer.iterations.numpy()) == 7
    assert history["r1_penalty"][-1] > 0 and history["path_length_penalty"][-1] > 0
    assert gan.path_length_mean.numpy() > 0
    for name in ("d_loss", "g_loss", "augment_p"):
        assert np.isfinite(history[name][-1])


def test_generator_average_and_w_avg_follow_training(trained):
    gan, record, _ = trained
    # With ema_rampup the first step's half-life is 0 images: the average is a copy; later
    # the half-life grows with the images seen and the average trails the generator.
    assert record.ema_is_copy[0] and not record.ema_is_copy[-1]
    w_avg = gan.generator.get_layer("mapping").w_avg.numpy()
    assert np.abs(w_avg).max() > 0
    np.testing.assert_array_equal(gan.ema_generator.get_layer("mapping").w_avg.numpy(), w_avg)


def test_get_config_json_round_trip(trained):
    gan, _, _ = trained
    text = json.dumps(gan.get_config())
    rebuilt = StyleGAN2.from_config(json.loads(text))  # (Keras empties the dict it reads)
    config = json.loads(text)
    assert json.loads(json.dumps(rebuilt.get_config())) == config
    assert config["r1_interval"] == 3 and config["num_classes"] == 3 and "ema_decay" not in config


def test_keras_save_and_load_give_equal_outputs_and_state(trained, tmp_path):
    gan, _, _ = trained
    path = tmp_path / "stylegan2.keras"
    gan.save(path)
    loaded = keras.models.load_model(path)
    z, labels = latents(4), np.array([0, 1, 2, 0], "int32")
    np.testing.assert_allclose(loaded.ema_generator([z, labels]), gan.ema_generator([z, labels]),
                               atol=1e-6)
    images = np.asarray(gan.ema_generator([z, labels]))
    np.testing.assert_allclose(loaded.discriminator([images, labels]),
                               gan.discriminator([images, labels]), atol=1e-5)
    for name in ("path_length_mean", "r1_runs", "augment_probability"):
        assert float(getattr(loaded, name).numpy()) == float(getattr(gan, name).numpy())
    np.testing.assert_array_equal(loaded.mapping.w_avg.numpy(), gan.mapping.w_avg.numpy())
    assert int(loaded.generator_optimizer.iterations.numpy()) == 7


def test_a_saved_generator_samples_in_a_fresh_interpreter(trained, tmp_path):
    gan, _, _ = trained
    path = tmp_path / "generator.keras"
    gan.ema_generator.save(path)
    z, labels = latents(3), np.array([2, 0, 1], "int32")
    np.save(tmp_path / "z.npy", z)
    expected = np.asarray(gan.ema_generator([z, labels]))
    # One fresh interpreter (each costs a TensorFlow start-up), two loaders, in this order:
    # kerasgan's snapshot loader (generate, export, project) first, while StyleGAN2's layers
    # are not yet registered: it must register them itself.
    z_path = str(tmp_path / "z.npy")
    script = (
        "import sys, numpy as np; from kerasgan.snapshots.sampling import load_snapshot; "
        "assert 'kerasgan.models.stylegan2' not in sys.modules; "
        f"m = load_snapshot({str(path)!r}); "
        f"z = np.load({z_path!r}); "
        f"np.save({str(tmp_path / 'out2.npy')!r}, np.asarray(m([z, np.array([2, 0, 1], 'int32')]))); "
        # Then plain Keras; importing kerasgan's StyleGAN2 module only registers its layers.
        "import keras, kerasgan.models.stylegan2; "
        f"m = keras.models.load_model({str(path)!r}); "
        f"np.save({str(tmp_path / 'out.npy')!r}, np.asarray(m([z, np.array([2, 0, 1], 'int32')])))"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=180)
    assert result.returncode == 0, result.stderr[-2000:]
    np.testing.assert_allclose(np.load(tmp_path / "out.npy"), expected, atol=1e-6)
    np.testing.assert_allclose(np.load(tmp_path / "out2.npy"), expected, atol=1e-6)


def test_stylegan2_has_no_gan_options_it_would_ignore():
    # Not a GAN: its own loss and average, so a GAN's loss options are not its arguments.
    with pytest.raises(ValueError, match="Unrecognized keyword arguments.*label_smoothing"):
        StyleGAN2(32, 1, label_smoothing=0.1, **TINY)
    with pytest.raises(ValueError, match="Unrecognized keyword arguments.*ema_decay"):
        StyleGAN2(32, 1, ema_decay=0.999, **TINY)
    assert not isinstance(StyleGAN2(32, 1, **TINY), GAN)


def test_mixed_precision_uses_float16_in_the_top_resolutions_only():
    keras.config.set_dtype_policy("mixed_float16")
    try:
        gan = StyleGAN2(32, 1, num_fp16_res=2, seed=0, **TINY)  # 16 and 32 px in float16
    finally:
        keras.config.set_dtype_policy("float32")
    synthesis = gan.generator.get_layer("synthesis")
    dtypes = {layer.name: layer.compute_dtype
              for layer in synthesis.conv1_layers + synthesis.conv0_layers}
    assert dtypes == {"conv1_4": "float32", "conv1_8": "float32", "conv1_16": "float16",
                      "conv1_32": "float16", "conv0_8": "float32", "conv0_16": "float16",
                      "conv0_32": "float16"}
    assert gan.discriminator.get_layer("conv0_32").compute_dtype == "float16"
    assert gan.discriminator.get_layer("conv_4").compute_dtype == "float32"
    images = gan.generator(latents(4))
    assert images.dtype == "float32" and np.all(np.isfinite(images))
    assert gan.discriminator(images).dtype == "float32"
    penalty = gan.r1_penalty(images, None)  # regularizers in float32
    assert penalty.dtype == "float32" and np.isfinite(float(penalty))
