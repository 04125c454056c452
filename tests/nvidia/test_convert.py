"""Converted NVIDIA networks draw NVIDIA's pictures: the numbers NVIDIA's own code computed.

`fixtures/*.npz` were made by `tools/nvidia_reference.py` from networks that NVIDIA's
stylegan2-ada-pytorch built with its random initialisation (its zero-initialised biases,
noise strengths and w_avg given seeded random values), all run in float32 (NVIDIA's
float16 layers with `force_fp32=True`, ours under the float32 policy). Layouts: `cifar32`
(conditional, 10 classes, 2 mapping layers, D without residuals, group 32, float16 flags
and conv_clamp 256), `plain64` (NVIDIA's defaults), `paper256` (group 8, float16 in the
top four resolutions, conv_clamp 256), `clamp32` (conv_clamp 0.5: NVIDIA clamps float32
activations too, at conv_clamp times the layer's gain). Each test writes the networks into a
pickle in NVIDIA's layout, reads it back with the safe reader and converts it.
"""

from pathlib import Path

import keras
import numpy as np
import pytest

from kerasgan.nvidia.convert import (
    UnsupportedNetworkError,
    channel_settings,
    convert_discriminator,
    convert_generator,
)
from kerasgan.nvidia.pickles import read_network_pickle
from kerasgan.nvidia.writer import networks_from_fixture, write_network_pickle
from nvidia_outputs import (
    IMAGE_TOLERANCE,
    LOGIT_TOLERANCE,
    assert_draws_nvidias_ws_and_images,
    model_inputs,
)

FIXTURES = Path(__file__).parent / "fixtures"
LAYOUTS = ("cifar32", "plain64", "paper256", "clamp32")


@pytest.fixture(scope="module", params=LAYOUTS)
def layout(request, tmp_path_factory):
    arrays = np.load(FIXTURES / f"{request.param}.npz")
    path = tmp_path_factory.mktemp("pickles") / f"{request.param}.pkl"
    write_network_pickle(path, networks_from_fixture(arrays))
    return arrays, read_network_pickle(path)


def test_g_ema_draws_nvidias_images_and_ws(layout):
    arrays, networks = layout
    generator = convert_generator(networks["G_ema"])
    assert_draws_nvidias_ws_and_images(generator, arrays)
    # The whole model, as a user calls it, draws the same psi-1 images.
    expected = arrays["out/images_psi1"]
    images = np.asarray(generator(model_inputs(arrays, len(expected))))
    assert np.abs(images - expected).max() < IMAGE_TOLERANCE


def test_g_converts_too_and_the_fused_form_agrees(layout):
    arrays, networks = layout
    expected = arrays["out/g_images_psi1"]
    for fused in ("unfused", "fused"):
        generator = convert_generator(networks["G"], fused_modconv=fused)
        images = np.asarray(generator(model_inputs(arrays, len(expected))))
        assert np.abs(images - expected).max() < IMAGE_TOLERANCE, fused


def test_d_gives_nvidias_logits(layout):
    arrays, networks = layout
    discriminator = convert_discriminator(networks["D"])
    images = arrays["out/images_psi1"]
    inputs = [images, arrays["in/labels"][: len(images)]] if arrays["in/c"].shape[1] else images
    logits = np.asarray(discriminator(inputs))
    expected = arrays["out/d_logits"]
    assert logits.shape == expected.shape
    assert np.abs(logits - expected).max() < LOGIT_TOLERANCE


def test_the_converted_generator_saves_and_loads_with_plain_keras(layout, tmp_path):
    arrays, networks = layout
    generator = convert_generator(networks["G_ema"])
    generator.save(tmp_path / "g_ema.keras")
    loaded = keras.models.load_model(tmp_path / "g_ema.keras")
    expected = arrays["out/images_psi1"]
    images = np.asarray(loaded(model_inputs(arrays, len(expected))))
    assert np.abs(images - expected).max() < IMAGE_TOLERANCE


def test_widths_that_no_channel_rule_gives_are_one_sentence():
    assert channel_settings({4: 512, 8: 512, 16: 256, 32: 128}, "generator") == (4096, 512)
    with pytest.raises(UnsupportedNetworkError, match="feature maps per resolution"):
        channel_settings({4: 32, 8: 20, 16: 32}, "generator")
