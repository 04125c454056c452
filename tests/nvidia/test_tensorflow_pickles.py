"""TensorFlow pickles (NVlabs/stylegan2 config-f, stylegan2-ada TF) convert as NVIDIA converts them.

The fixtures were made by `tools/nvidia_reference.py`: networks built by NVIDIA's
stylegan2-ada-pytorch, written in the TensorFlow layout, converted back by NVIDIA's
`legacy.load_network_pkl`; each holds the TensorFlow variables and keyword arguments and
the outputs of NVIDIA's converted networks. Here our writer rebuilds that TensorFlow
pickle, and kerasgan converts it.

- `configf64`: config-f at 64 px: 8 mapping layers, skip generator, residual discriminator,
  no minibatch-stddev group stored (NVIDIA's conversion groups the whole batch).
- `ada32`: stylegan2-ada's TensorFlow `cifar` layout: 10 classes (label embedding,
  projection discriminator), 2 mapping layers in G and 8 in D at TensorFlow's multiplier
  0.1, 'orig' discriminator, group 32, float16 flags and conv_clamp 256.
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
from kerasgan.nvidia.writer import tensorflow_networks_from_fixture, write_tensorflow_pickle
from nvidia_outputs import (
    IMAGE_TOLERANCE,
    LOGIT_TOLERANCE,
    assert_draws_nvidias_ws_and_images,
    model_inputs,
)

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module", params=("configf64", "ada32"))
def layout(request, tmp_path_factory):
    arrays = np.load(FIXTURES / f"{request.param}.npz")
    path = tmp_path_factory.mktemp("tensorflow") / f"{request.param}.pkl"
    write_tensorflow_pickle(path, tensorflow_networks_from_fixture(arrays))
    networks = read_network_pickle(path)
    assert is_tensorflow_snapshot(networks)
    return request.param, arrays, require_snapshot(networks)


def test_g_ema_from_gs_draws_what_nvidias_conversion_draws(layout):
    name, arrays, networks = layout
    generator = convert_generator(networks["G_ema"])
    mapping, synthesis = generator.get_layer("mapping"), generator.get_layer("synthesis")
    assert (len(mapping.dense_layers), synthesis.resolutions[-1]) == (
        (8, 64) if name == "configf64" else (2, 32))
    assert_draws_nvidias_ws_and_images(generator, arrays)


def test_g_and_d_give_what_nvidias_conversion_gives(layout):
    name, arrays, networks = layout
    expected = arrays["out/g_images_psi1"]
    images = np.asarray(convert_generator(networks["G"])(model_inputs(arrays, len(expected))))
    assert np.abs(images - expected).max() < IMAGE_TOLERANCE
    # configf64 stores no group size: NVIDIA's conversion groups the whole batch of 8
    # (TensorFlow's default of 4 would give other logits).
    discriminator = convert_discriminator(networks["D"])
    images = arrays["out/images_psi1"]
    assert len(images) == (8 if name == "configf64" else 4)
    inputs = [images, arrays["in/labels"]] if arrays["in/c"].shape[1] else images
    logits = np.asarray(discriminator(inputs))
    assert logits.shape == arrays["out/d_logits"].shape
    assert np.abs(logits - arrays["out/d_logits"]).max() < LOGIT_TOLERANCE


def test_back_to_tensorflow_gives_the_variables_the_reference_wrote(layout):
    # tools/nvidia_reference.py wrote the TensorFlow variables with `tensorflow_variables`
    # from NVIDIA's networks, and NVIDIA's conversion gave those networks back: kerasgan's
    # forward mapping and that inverse must undo each other.
    name, arrays, networks = layout
    tensorflow = tensorflow_networks_from_fixture(arrays)
    for kind, pytorch_name, tensorflow_name in (("G", "G", "G"), ("D", "D", "D"),
                                                ("G", "G_ema", "Gs")):
        kwargs, variables = tensorflow[tensorflow_name]
        again = tensorflow_variables(kind, kwargs, networks[pytorch_name].tensors())
        assert set(again) == set(variables)
        for key, value in variables.items():
            np.testing.assert_allclose(again[key], value, rtol=1e-6, atol=1e-7, err_msg=key)
    if name == "ada32":
        # The label mapping is stored at TensorFlow's multiplier 0.1, kerasgan's is 0.01.
        np.testing.assert_allclose(networks["D"].tensors()["mapping.fc0.weight"],
                                   tensorflow["D"][1]["Mapping0/weight"].T * 10, rtol=1e-6)


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
