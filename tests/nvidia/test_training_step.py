"""One StyleGAN2 training step computes NVIDIA's losses and gradients.

`fixtures/loss32.npz` was made by `tools/nvidia_reference.py --loss` from NVIDIA's own
stylegan2-ada-pytorch: a conditional 32 px G and D (residual D, 2 mapping layers, float32)
built with its seeded initialisation, and its `StyleGAN2Loss` run once per phase of the
training step on those weights, augmentation off, each phase with its gain (its lazy
interval): Gmain (non-saturating G loss), Greg (path length, every 4 steps), Dmain (logistic
D loss) and Dreg (R1, gamma 10, every 16 steps). The file holds the networks, the draws the
loss used (each phase's z, style mixing's second z and cutoff, the path length noise, the
running mean before), and NVIDIA's losses, new running mean and the gradient of every
parameter of the phase's network. Both sides add the networks' stored noise images (noise
mode "const"), since per-pixel noise drawn by two random generators cannot agree.

Relative difference, per tensor: ||ours - NVIDIA's|| / ||NVIDIA's|| (Euclidean norms), and
the largest elementwise difference over the largest magnitude of NVIDIA's tensor; both
must be under 1e-3, as must each loss's relative difference.
"""

import json
from pathlib import Path

import numpy as np
import pytest
import tensorflow as tf

from kerasgan.nvidia.convert import (
    convert_snapshot,
    load_discriminator_weights,
    load_generator_weights,
)
from kerasgan.nvidia.pickles import read_network_pickle
from kerasgan.nvidia.writer import networks_from_fixture, write_network_pickle

FIXTURE = Path(__file__).parent / "fixtures" / "loss32.npz"
TOLERANCE = 1e-3


class _Arrays(dict):
    """The fixture's arrays as `networks_from_fixture` reads an `.npz` (with `.files`)."""

    @property
    def files(self):
        return list(self)


@pytest.fixture(scope="module")
def step(tmp_path_factory):
    arrays = _Arrays(np.load(FIXTURE))
    # A snapshot has a G_ema too: G stands in for it (the step does not use it).
    arrays.update({"G_ema/" + key[2:]: value for key, value in list(arrays.items())
                   if key.startswith("G/")})
    path = tmp_path_factory.mktemp("pickles") / "loss32.pkl"
    write_network_pickle(path, networks_from_fixture(arrays))
    networks = read_network_pickle(path)
    model, _ = convert_snapshot(networks)
    return arrays, networks, model


class _Tensors:
    """Stands in for a read network: the converter takes its tensors from `tensors()`."""

    def __init__(self, tensors):
        self._tensors = tensors

    def tensors(self):
        return self._tensors


def _nvidia_gradients(step, phase):
    """The phase's network (ours) and NVIDIA's gradients laid out as its trainable variables.

    The conversion only transposes, flips and reorders NVIDIA's tensors, so it carries a
    parameter's gradient exactly as it carries the parameter: the converter loads the
    gradients in place of the weights (buffers kept), and the network is put back after.
    """
    arrays, networks, model = step
    name = phase[0]  # "G" or "D"
    network, load_weights = {"G": (model.generator, load_generator_weights),
                             "D": (model.discriminator, load_discriminator_weights)}[name]
    prefix = f"grad/{phase}/{name}/"
    tensors = dict(networks[name].tensors())
    gradients = {key[len(prefix):]: arrays[key] for key in arrays if key.startswith(prefix)}
    assert set(gradients) <= set(tensors)
    tensors.update(gradients)
    weights = network.get_weights()
    for variable in network.trainable_variables:  # whatever the converter misses stays NaN
        variable.assign(np.full(variable.shape, np.nan, np.float32))
    load_weights(network, _Tensors(tensors))
    expected = [np.array(variable) for variable in network.trainable_variables]
    network.set_weights(weights)
    return network, expected


def _assert_close(ours, nvidia, what, zero_scale=None):
    """Relative difference under TOLERANCE (see the module's docstring).

    Where NVIDIA's tensor is exactly zero (a bias whose gradient vanishes: no image's path
    length depends on toRGB's bias, nor R1 on the biases that only shift D's output),
    ours must be zero to within TOLERANCE of `zero_scale`, the phase's largest gradient.
    """
    ours, nvidia = np.asarray(ours, np.float64), np.asarray(nvidia, np.float64)
    assert ours.shape == nvidia.shape, what
    assert np.isfinite(nvidia).all(), f"{what}: no NVIDIA tensor was loaded there"
    if not nvidia.any() and zero_scale is not None:
        assert np.abs(ours).max() <= TOLERANCE * zero_scale, what
        return
    assert np.linalg.norm(ours - nvidia) / np.linalg.norm(nvidia) < TOLERANCE, what
    assert np.abs(ours - nvidia).max() / np.abs(nvidia).max() < TOLERANCE, what


def _assert_gradients(tape, loss, network, expected, phase):
    variables = network.trainable_variables
    gradients = tape.gradient(loss, variables)
    assert len(gradients) == len(expected) > 10
    largest = max(np.abs(nvidia).max() for nvidia in expected)
    for variable, gradient, nvidia in zip(variables, gradients, expected):
        gradient = np.zeros(variable.shape) if gradient is None else gradient
        _assert_close(gradient, nvidia, f"{phase}: {variable.path}", zero_scale=largest)


def _mixing(arrays, phase):
    return tf.constant(arrays[f"in/{phase}/mixing_z"]), int(arrays[f"in/{phase}/cutoff"])


def _labels(arrays, count=None):
    return tf.constant(arrays["in/labels"][:count])


def test_the_step_has_nvidias_settings_and_draws(step):
    arrays, _, model = step
    settings = json.loads(str(arrays["in/settings"]))
    intervals = json.loads(str(arrays["in/intervals"]))
    assert (model.style_mixing_probability, model.r1_gamma, model.path_length_batch_shrink,
            model.path_length_decay, model.path_length_weight) == (
        settings["style_mixing_prob"], settings["r1_gamma"], settings["pl_batch_shrink"],
        settings["pl_decay"], settings["pl_weight"])
    assert (model.r1_interval, model.path_length_interval) == (intervals["Dreg"],
                                                                 intervals["Greg"])
    # The draws exercise both sides of style mixing: two cutoffs inside, one with no mixing.
    cutoffs = [int(arrays[f"in/{phase}/cutoff"]) for phase in ("Gmain", "Greg", "Dmain")]
    assert cutoffs[0] < model.num_ws and cutoffs[1] < model.num_ws
    assert cutoffs[2] == model.num_ws


def test_generator_loss_and_gradients(step):
    arrays, _, model = step
    network, expected = _nvidia_gradients(step, "Gmain")
    labels = _labels(arrays)
    with tf.GradientTape() as tape:
        fakes, _ = model.fake_images(tf.constant(arrays["in/Gmain/z"]), labels, _mixing(arrays, "Gmain"),
                                     noise_mode="const")
        loss = model.generator_loss(fakes, labels)
    _assert_close(loss, arrays["out/Gmain/G_loss"].mean(), "G loss")
    _assert_gradients(tape, loss, network, expected, "Gmain")


def test_path_length_loss_mean_and_gradients(step):
    arrays, _, model = step
    network, expected = _nvidia_gradients(step, "Greg")
    shrunk = len(arrays["in/labels"]) // model.path_length_batch_shrink
    model.path_length_mean.assign(arrays["in/pl_mean_before"])
    with tf.GradientTape() as tape:
        loss, penalty, mean = model.path_length_loss(
            tf.constant(arrays["in/Greg/z"][:shrunk]), _labels(arrays, shrunk),
            _mixing(arrays, "Greg"), noise=tf.constant(arrays["in/Greg/path_length_noise"]),
            noise_mode="const")
    _assert_close(penalty, arrays["out/Greg/pl_penalty"].mean(), "path length penalty")
    _assert_close(loss, arrays["out/Greg/G_reg"].mean() * model.path_length_interval,
                  "path length loss")
    _assert_close(mean, arrays["out/pl_mean_after"], "running mean path length")
    _assert_gradients(tape, loss, network, expected, "Greg")


def test_discriminator_loss_and_gradients(step):
    arrays, _, model = step
    network, expected = _nvidia_gradients(step, "Dmain")
    labels = _labels(arrays)
    fakes, _ = model.fake_images(tf.constant(arrays["in/Dmain/z"]), labels,
                                 _mixing(arrays, "Dmain"), noise_mode="const")
    with tf.GradientTape() as tape:
        loss, real_logits = model.discriminator_loss(fakes, tf.constant(arrays["in/reals"]),
                                                     labels)
    _assert_close(loss, arrays["out/Dmain/D_loss"].mean(), "D loss")
    _assert_close(real_logits, arrays["out/Dmain/scores_real"], "D(real)")
    _assert_gradients(tape, loss, network, expected, "Dmain")


def test_r1_loss_and_gradients(step):
    arrays, _, model = step
    network, expected = _nvidia_gradients(step, "Dreg")
    with tf.GradientTape() as tape:
        loss, penalty = model.r1_loss(tf.constant(arrays["in/reals"]), _labels(arrays))
    _assert_close(penalty, arrays["out/Dreg/r1_penalty"].mean(), "R1 penalty")
    _assert_close(loss, arrays["out/Dreg/D_reg"].mean() * model.r1_interval, "R1 loss")
    _assert_gradients(tape, loss, network, expected, "Dreg")
