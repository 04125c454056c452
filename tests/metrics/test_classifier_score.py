"""The Inception-style classifier score against scipy.stats.entropy (the KL divergence)."""

import numpy as np
import pytest
import scipy.stats

from kerasgan.metrics.classifier_score import classifier_score


def scipy_classifier_score(probabilities, num_splits):
    scores = []
    for part in np.array_split(probabilities, num_splits):
        marginal = part.mean(axis=0)
        scores.append(np.exp(np.mean([scipy.stats.entropy(row, marginal) for row in part])))
    return np.mean(scores), np.std(scores)


def test_matches_scipy_entropy():
    random = np.random.default_rng(0)
    logits = random.normal(scale=3.0, size=(200, 10))
    probabilities = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    expected_mean, expected_std = scipy_classifier_score(probabilities, 4)
    mean, std = classifier_score(probabilities, num_splits=4)
    assert mean == pytest.approx(expected_mean, rel=1e-4)
    assert std == pytest.approx(expected_std, rel=1e-4)


def test_extremes_are_one_and_the_number_of_classes():
    # Every image confidently one class, all classes equally often: the maximum.
    confident_and_varied = np.eye(10)[np.arange(100) % 10]
    assert classifier_score(confident_and_varied, num_splits=2)[0] == pytest.approx(10.0, rel=1e-4)
    # Every image the same class (collapse), or every image unsure (uniform): the minimum.
    collapsed = np.eye(10)[np.zeros(100, dtype=int)]
    unsure = np.full((100, 10), 0.1)
    assert classifier_score(collapsed, num_splits=2)[0] == pytest.approx(1.0, rel=1e-4)
    assert classifier_score(unsure, num_splits=2)[0] == pytest.approx(1.0, rel=1e-4)


def test_logits_are_refused():
    with pytest.raises(ValueError, match="softmax"):
        classifier_score(np.random.default_rng(1).normal(size=(20, 10)))
