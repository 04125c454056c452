"""Shared test fixtures: real offline data from ../shared/data and a private cache folder."""

import os
from pathlib import Path

import pytest

# Quiet TensorFlow's start-up logging before anything imports it.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("KERASGAN_SHARED_DATA", REPO_ROOT.parent / "shared" / "data"))


def pytest_configure(config):
    # One cache (trained classifiers, downloads) per test session, never the user's.
    cache = Path(config.rootpath) / ".pytest_cache" / "kerasgan-cache"
    os.environ.setdefault("KERASGAN_CACHE", str(cache))


def _shared_file(name):
    path = SHARED_DATA / name
    if not path.exists():
        pytest.fail(
            f"Real test data {path} is missing: the tests expect the shared/ folder beside the "
            "repository (or KERASGAN_SHARED_DATA pointing at its data/ folder)."
        )
    return path


@pytest.fixture(scope="session")
def mnist_npz():
    """Path of the real MNIST subset: x_train (3678, 28, 28) uint8, x_test (10000, 28, 28)."""
    return _shared_file("mnist_subset.npz")


@pytest.fixture(scope="session")
def spoken_digits_npz():
    """Path of the spoken digits: x_train (2000, 16384) int16 at 16 kHz, y_train, x_test (400, ...)."""
    return _shared_file("spoken_digits.npz")


@pytest.fixture(scope="session")
def cifar10_npz():
    """Path of the real CIFAR-10 subset: x_train (5000, 32, 32, 3) uint8, x_test (1000, ...)."""
    return _shared_file("cifar10_subset.npz")
