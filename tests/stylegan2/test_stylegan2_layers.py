"""StyleGAN2's layers against numbers computed by hand in NumPy."""

import numpy as np
import pytest
import tensorflow as tf

from kerasgan.models.stylegan2_layers import (
    EqualizedConv2D,
    EqualizedDense,
    MinibatchStdDev,
    downsample_2x,
    modulated_conv2d,
    upsample_2x,
)


def reference_modulated_conv(x, weight, styles, demodulate):
    """Each image's own kernel w * s (divided by its norm), then a plain 'SAME' correlation."""
    x, weight, styles = (np.asarray(a, np.float64) for a in (x, weight, styles))
    batch, height, width, _ = x.shape
    size, out_channels = weight.shape[0], weight.shape[-1]
    pad = size // 2
    padded = np.pad(x, ((0, 0), (pad, pad), (pad, pad), (0, 0)))
    out = np.zeros((batch, height, width, out_channels))
    for b in range(batch):
        kernel = weight * styles[b][None, None, :, None]
        if demodulate:
            kernel = kernel / np.sqrt(np.sum(kernel**2, axis=(0, 1, 2), keepdims=True) + 1e-8)
        for dy in range(size):
            for dx in range(size):
                window = padded[b, dy : dy + height, dx : dx + width, :]
                out[b] += window @ kernel[dy, dx]
    return out


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("demodulate", [True, False])
def test_modulated_convolution_equals_a_numpy_reference_fused_and_unfused(size, demodulate):
    random = np.random.default_rng(size + 10 * demodulate)
    x = random.standard_normal((3, 6, 5, 4)).astype("float32")
    weight = random.standard_normal((size, size, 4, 7)).astype("float32")
    styles = random.uniform(0.2, 2.0, (3, 4)).astype("float32")
    expected = reference_modulated_conv(x, weight, styles, demodulate)
    unfused = modulated_conv2d(tf.constant(x), weight, styles, demodulate, fused=False)
    fused = modulated_conv2d(tf.constant(x), weight, styles, demodulate, fused="per_image")
    np.testing.assert_allclose(unfused.numpy(), expected, atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(fused.numpy(), expected, atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(fused.numpy(), unfused.numpy(), atol=1e-5, rtol=1e-5)


def test_demodulated_outputs_have_unit_variance_for_unit_variance_inputs():
    random = np.random.default_rng(0)
    x = random.standard_normal((64, 12, 12, 32)).astype("float32")
    weight = random.standard_normal((3, 3, 32, 16)).astype("float32")
    styles = random.uniform(0.1, 3.0, (64, 32)).astype("float32")  # very unequal styles
    y = modulated_conv2d(tf.constant(x), weight, styles, demodulate=True).numpy()
    interior = y[:, 1:-1, 1:-1, :]  # 'SAME' padding adds zeros at the border
    assert abs(interior.var() - 1.0) < 0.03
    per_channel = interior.var(axis=(0, 1, 2))
    assert np.all(np.abs(per_channel - 1.0) < 0.1), per_channel
    # Without demodulation the variance follows the styles, far from 1.
    raw = modulated_conv2d(tf.constant(x), weight, styles, demodulate=False).numpy()
    assert raw[:, 1:-1, 1:-1].var() > 10


def test_low_pass_resampling_keeps_flat_images_flat_and_halves_or_doubles_the_size():
    flat = tf.fill((2, 8, 8, 3), 0.5)
    up = upsample_2x(flat).numpy()
    down = downsample_2x(flat).numpy()
    assert up.shape == (2, 16, 16, 3) and down.shape == (2, 4, 4, 3)
    np.testing.assert_allclose(up[:, 2:-2, 2:-2], 0.5, atol=1e-6)  # gain 4 undoes the zeros
    np.testing.assert_allclose(down[:, 1:-1, 1:-1], 0.5, atol=1e-6)
    # A one-pixel checkerboard (the highest frequency) is removed by the filter.
    checker = np.indices((8, 8)).sum(axis=0) % 2 * 2.0 - 1.0
    filtered = downsample_2x(tf.constant(checker[None, :, :, None], tf.float32)).numpy()
    np.testing.assert_allclose(filtered[0, 1:-1, 1:-1], 0.0, atol=1e-6)


def test_equalized_layers_scale_weights_at_run_time():
    dense = EqualizedDense(5, lr_multiplier=0.01)
    x = np.random.default_rng(0).standard_normal((4, 16)).astype("float32")
    dense(x)
    # Stored weights are N(0, 1/lr): large numbers; the layer multiplies by lr / sqrt(fan_in).
    np.testing.assert_allclose(
        dense(x).numpy(), x @ (dense.kernel.numpy() * 0.01 / 4.0), rtol=1e-5, atol=1e-6
    )
    conv = EqualizedConv2D(6, 3, downsample=True)
    y = conv(tf.zeros((2, 16, 16, 3)))
    assert tuple(y.shape) == (2, 8, 8, 6)
    assert conv.weight_gain == pytest.approx(1 / np.sqrt(27))


def test_minibatch_standard_deviation_matches_numpy():
    x = np.random.default_rng(1).standard_normal((8, 4, 4, 6)).astype("float32")
    y = MinibatchStdDev(group_size=4)(x).numpy()
    assert y.shape == (8, 4, 4, 7)
    np.testing.assert_array_equal(y[..., :6], x)
    groups = x.reshape(4, 2, 4, 4, 6)  # image i in group i % 2
    expected = np.sqrt(groups.var(axis=0) + 1e-8).mean(axis=(1, 2, 3))  # (2,)
    for image in range(8):
        np.testing.assert_allclose(y[image, :, :, 6], expected[image % 2], rtol=1e-5)


def test_upsampling_pads_as_nvidia_in_new_networks_and_as_before_in_old_snapshots():
    from kerasgan.models.stylegan2_networks import StyleConvolution, stylegan2_generator

    generator = stylegan2_generator(32, 3, latent_dim=8, w_dim=8, mapping_layers=1,
                                    channel_base=64, channel_max=8)
    assert generator.get_layer("synthesis").conv0_layers[0].pad_once
    layer = StyleConvolution(4, 4, resolution=8, upsample=True, pad_once=True)
    x = np.random.RandomState(0).randn(2, 4, 4, 4).astype("float32")
    w = np.random.RandomState(1).randn(2, 8).astype("float32")
    new = np.asarray(layer([x, w]))
    # A config saved before `pad_once` existed has no such key: it rebuilds the old padding.
    config = layer.get_config()
    del config["pad_once"]
    old_layer = StyleConvolution.from_config(config)
    assert not old_layer.pad_once
    old_layer([x, w])
    old_layer.set_weights(layer.get_weights())
    old = np.asarray(old_layer([x, w]))
    # The two differ only where the convolution reaches past the filtered image's edge.
    np.testing.assert_allclose(new[:, 1:-1, 1:-1], old[:, 1:-1, 1:-1], atol=1e-5)
    assert np.abs(new - old).max() > 1e-3


def test_float32_clamping_is_new_and_old_snapshots_keep_float16_only_clamping():
    from kerasgan.models.stylegan2_layers import EqualizedConv2D
    from kerasgan.models.stylegan2_networks import SynthesisNetwork, ToRGB, stylegan2_generator

    generator = stylegan2_generator(32, 3, latent_dim=8, w_dim=8, mapping_layers=1,
                                    channel_base=64, channel_max=8)
    synthesis = generator.get_layer("synthesis")
    assert synthesis.clamp_float32 and synthesis.conv1_layers[0].clamp_float32
    assert synthesis.torgb_layers[0].clamp_float32
    # Configs saved before the keys existed rebuild float16-only clamping at 256.
    config = synthesis.get_config()
    for key in ("clamp_float32", "conv_clamp", "pad_once"):
        del config[key]
    old = SynthesisNetwork.from_config(config)
    assert not old.clamp_float32 and old.conv_clamp == 256 and not old.pad_once
    assert not old.conv1_layers[0].clamp_float32 and not old.torgb_layers[0].clamp_float32
    for layer in (EqualizedConv2D(4, 3, conv_clamp=256.0), ToRGB(4, 3)):
        config = layer.get_config()
        config.pop("clamp_float32", None)
        assert not type(layer).from_config(config).clamp_float32
    # In float32 the new layers clamp at conv_clamp * gain, the old ones never.
    x = np.full((1, 4, 4, 2), 10.0, "float32")
    new = EqualizedConv2D(2, 1, conv_clamp=1.0, gain=0.5, clamp_float32=True)
    old = EqualizedConv2D(2, 1, conv_clamp=1.0, gain=0.5)
    new.build(x.shape)
    old.build(x.shape)
    new.kernel.assign(np.eye(2, dtype="float32")[None, None] * np.sqrt(2.0))
    old.kernel.assign(new.kernel)
    np.testing.assert_allclose(np.asarray(new(x)), 0.5)
    np.testing.assert_allclose(np.asarray(old(x)), 5.0)
