"""TensorFlow pickles (NVlabs/stylegan2's config-f, stylegan2-ada TF) convert as NVIDIA converts them.

`fixtures/configf64.npz` was made by `tools/nvidia_reference.py`: networks built by NVIDIA's
stylegan2-ada-pytorch in the config-f layout at 64 px (8 mapping layers, skip generator,
residual discriminator, no minibatch-stddev group stored), written in the TensorFlow
layout, converted back by NVIDIA's `legacy.load_network_pkl`; it holds the TensorFlow
variables and keyword arguments and the outputs of NVIDIA's converted networks. Here our
writer rebuilds that TensorFlow pickle, and kerasgan converts it.
"""

import json
from pathlib import Path

import numpy as np
import pytest

from kerasgan.nvidia.convert import convert_discriminator, convert_generator, require_snapshot
from kerasgan.nvidia.pickles import is_tensorflow_snapshot, read_network_pickle
from kerasgan.nvidia.tensorflow_layout import (
    UnsupportedTensorFlowNetworkError,
    generator_kwargs,
    tensorflow_variables,
)
from kerasgan.nvidia.writer import (
    networks_from_fixture,
    tensorflow_networks_from_fixture,
    write_tensorflow_pickle,
)

FIXTURES = Path(__file__).parent / "fixtures"
IMAGE_TOLERANCE, WS_TOLERANCE, LOGIT_TOLERANCE = 1e-3, 1e-4, 1e-3


@pytest.fixture(scope="module")
def config_f(tmp_path_factory):
    arrays = np.load(FIXTURES / "configf64.npz")
    path = tmp_path_factory.mktemp("tensorflow") / "stylegan2-configf64.pkl"
    write_tensorflow_pickle(path, tensorflow_networks_from_fixture(arrays))
    networks = read_network_pickle(path)
    assert is_tensorflow_snapshot(networks)
    return arrays, require_snapshot(networks)


def test_config_f_g_ema_draws_what_nvidias_conversion_draws(config_f):
    arrays, networks = config_f
    generator = convert_generator(networks["G_ema"])
    mapping, synthesis = generator.get_layer("mapping"), generator.get_layer("synthesis")
    assert len(mapping.dense_layers) == 8 and synthesis.resolutions[-1] == 64
    psi = float(arrays["in/truncation_psi"])
    cutoff = int(arrays["in/truncation_cutoff"])
    truncations = {"psi1": {}, "psi07": dict(truncation_psi=psi),
                   "psi07_cutoff": dict(truncation_psi=psi, truncation_cutoff=cutoff)}
    for key, truncation in truncations.items():
        expected_ws = arrays[f"out/ws_{key}"]
        ws = np.asarray(mapping(arrays["in/z"][: len(expected_ws)], **truncation))
        assert np.abs(ws - expected_ws).max() < WS_TOLERANCE, key
        images = np.asarray(synthesis(ws, noise_mode="const"))
        expected = arrays[f"out/images_{key}"]
        assert images.shape == expected.shape == (len(expected_ws), 64, 64, 3)
        assert np.abs(images - expected).max() < IMAGE_TOLERANCE, key


def test_config_f_g_and_d_give_what_nvidias_conversion_gives(config_f):
    arrays, networks = config_f
    expected = arrays["out/g_images_psi1"]
    images = np.asarray(convert_generator(networks["G"])(arrays["in/z"][: len(expected)]))
    assert np.abs(images - expected).max() < IMAGE_TOLERANCE
    # No group size stored: NVIDIA's conversion groups the whole batch of 8 (TensorFlow's
    # default of 4 would give other logits).
    discriminator = convert_discriminator(networks["D"])
    images = arrays["out/images_psi1"]
    assert len(images) == 8
    logits = np.asarray(discriminator(images))
    assert logits.shape == arrays["out/d_logits"].shape
    assert np.abs(logits - arrays["out/d_logits"]).max() < LOGIT_TOLERANCE


def test_a_conditional_stylegan2_ada_layout_goes_there_and_back(tmp_path):
    # The cifar layout (labels, 2 mapping layers, 'orig' D, float16 flags, conv_clamp) written
    # as stylegan2-ada's TensorFlow code would, then converted: NVIDIA's PyTorch outputs.
    arrays = np.load(FIXTURES / "cifar32.npz")
    pytorch = networks_from_fixture(arrays)
    common = dict(resolution=32, label_size=10, fmap_base=512, fmap_max=32, num_fp16_res=4,
                  conv_clamp=256)
    g_kwargs = dict(common, latent_size=32, dlatent_size=32, mapping_layers=2)
    d_kwargs = dict(common, architecture="orig", mapping_layers=8, mbstd_group_size=32)
    tensorflow = {"G": (g_kwargs, tensorflow_variables("G", g_kwargs, pytorch["G"][2])),
                  "D": (d_kwargs, tensorflow_variables("D", d_kwargs, pytorch["D"][2])),
                  "Gs": (g_kwargs, tensorflow_variables("G", g_kwargs, pytorch["G_ema"][2]))}
    # The discriminator's label mapping is stored at TensorFlow's multiplier 0.1.
    np.testing.assert_allclose(tensorflow["D"][1]["Mapping0/weight"],
                               pytorch["D"][2]["mapping.fc0.weight"].T / 10, rtol=1e-6)
    path = tmp_path / "cifar-tf.pkl"
    write_tensorflow_pickle(path, tensorflow)
    networks = require_snapshot(read_network_pickle(path))
    inputs = [arrays["in/z"], arrays["in/labels"]]
    images = np.asarray(convert_generator(networks["G_ema"])(inputs))
    assert np.abs(images - arrays["out/images_psi1"]).max() < IMAGE_TOLERANCE
    logits = np.asarray(convert_discriminator(networks["D"])([images, arrays["in/labels"]]))
    assert np.abs(logits - arrays["out/d_logits"]).max() < LOGIT_TOLERANCE


def test_layouts_kerasgan_does_not_convert_are_one_sentence():
    arrays = np.load(FIXTURES / "configf64.npz")
    settings = json.loads(str(arrays["tf_kwargs/G"]))
    assert generator_kwargs(settings)["synthesis_kwargs"]["channel_base"] == 512
    for extra, said in ((dict(architecture="resnet"), "'skip' generator"),
                        (dict(nonlinearity="relu"), "leaky ReLU"),
                        (dict(mapping_fmaps=512), "32 wide"),
                        (dict(fmap_decay=0.5), "does not know")):
        with pytest.raises(UnsupportedTensorFlowNetworkError, match=said) as error:
            generator_kwargs({**settings, **extra})
        message = str(error.value)
        assert "\n" not in message and message.endswith(".")
