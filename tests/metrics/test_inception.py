"""InceptionV3: one clear sentence offline, and its preprocessing on random weights."""

import numpy as np
import pytest

from kerasgan.errors import KerasganError
from kerasgan.metrics.inception import InceptionExtractor


def test_offline_weights_are_one_sentence_that_says_what_to_do(offline_downloads):
    with pytest.raises(KerasganError) as raised:
        InceptionExtractor()
    message = str(raised.value)
    assert message.startswith("InceptionV3's ImageNet weights could not be downloaded")
    assert "extractor='domain'" in message and "~/.keras/models/" in message
    assert "\n" not in message


def test_grayscale_digits_become_2048_features_and_1000_probabilities():
    # Random weights: the numbers mean nothing, but the resizing and outputs are exercised.
    extractor = InceptionExtractor(weights=None, batch_size=2)
    digits = np.random.default_rng(0).integers(0, 256, size=(3, 28, 28), dtype=np.uint8)
    probabilities, features = extractor.predict(digits)
    assert probabilities.shape == (3, 1000)
    assert features.shape == (3, 2048)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-4)
    assert extractor.name == "inception_v3-random-weights"
