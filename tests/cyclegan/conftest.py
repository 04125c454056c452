"""Fixtures for the CycleGAN tests: two unpaired domains of real MNIST digits in folders.

The helpers that write them live in `cyclegan_domains.py`, which tests import by name (a
`from conftest import ...` would find whichever conftest.py pytest loaded first).
"""

import pytest
from cyclegan_domains import mnist_domains


@pytest.fixture(scope="session")
def small_domains(mnist_npz, tmp_path_factory):
    """48 digits per domain (and 16 held out each): enough for short runs and bad-input tests."""
    root = tmp_path_factory.mktemp("cyclegan_domains")
    folder_a, folder_b, _, _ = mnist_domains(mnist_npz, root, 48)
    return folder_a, folder_b
