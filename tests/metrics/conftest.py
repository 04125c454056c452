"""Fixtures for the metrics tests: real data and the domain classifiers, trained once per session.

The classifiers land in the per-session cache that tests/conftest.py points
KERASGAN_CACHE at, so every test (and the model tests) shares one training.
"""

import pytest


@pytest.fixture
def offline_downloads(monkeypatch):
    """Makes keras.utils.get_file fail as it does without a network; no test may download."""

    def fail(*args, **kwargs):
        raise Exception(
            "URL fetch failure on https://storage.googleapis.com/...: None -- "
            "[Errno -2] Name or service not known"
        )

    monkeypatch.setattr("keras.utils.get_file", fail)


@pytest.fixture(scope="session")
def mnist_reference(mnist_npz):
    from kerasgan.metrics.reference_data import load_reference_data

    return load_reference_data("mnist", path=mnist_npz)


@pytest.fixture(scope="session")
def mnist_classifier(mnist_reference):
    from kerasgan.metrics.classifier import domain_classifier

    return domain_classifier(reference=mnist_reference)


@pytest.fixture(scope="session")
def cifar10_reference(cifar10_npz):
    from kerasgan.metrics.reference_data import load_reference_data

    return load_reference_data("cifar10", path=cifar10_npz)
