"""Checks shared by the conversion tests: a converted network against NVIDIA's recorded outputs.

The `.npz` fixtures (tools/nvidia_reference.py) hold NVIDIA's ws and images for the same z
(and labels) at psi 1, psi 0.7 and psi 0.7 with a cutoff, constant noise.
"""

import numpy as np

IMAGE_TOLERANCE, WS_TOLERANCE, LOGIT_TOLERANCE = 1e-3, 1e-4, 1e-3


def model_inputs(arrays, count):
    """z, or [z, labels] for a conditional network: the first `count` of the fixture's."""
    z = arrays["in/z"][:count]
    if arrays["in/c"].shape[1]:
        return [z, arrays["in/labels"][:count]]
    return z


def assert_draws_nvidias_ws_and_images(generator, arrays):
    """The generator's mapping and synthesis give NVIDIA's ws and images at every truncation."""
    mapping, synthesis = generator.get_layer("mapping"), generator.get_layer("synthesis")
    psi = float(arrays["in/truncation_psi"])
    cutoff = int(arrays["in/truncation_cutoff"])
    truncations = {"psi1": {}, "psi07": dict(truncation_psi=psi),
                   "psi07_cutoff": dict(truncation_psi=psi, truncation_cutoff=cutoff)}
    for key, truncation in truncations.items():
        expected_ws = arrays[f"out/ws_{key}"]
        ws = np.asarray(mapping(model_inputs(arrays, len(expected_ws)), **truncation))
        assert np.abs(ws - expected_ws).max() < WS_TOLERANCE, key
        images = np.asarray(synthesis(ws, noise_mode="const"))
        expected = arrays[f"out/images_{key}"]
        assert images.shape == expected.shape
        assert np.abs(images - expected).max() < IMAGE_TOLERANCE, key
