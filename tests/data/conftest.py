"""Fixtures for the data tests: keras.datasets downloads that fail the way they do offline."""

import pytest

# The message keras.utils.get_file raises on a machine without network.
OFFLINE_MESSAGE = (
    "URL fetch failure on https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz: "
    "None -- [Errno -2] Name or service not known"
)


@pytest.fixture
def offline_keras(monkeypatch, tmp_path):
    """Makes keras.datasets.mnist/cifar10.load_data fail at once, as they do offline.

    Also points KERAS_HOME at an empty folder, so no cached CIFAR-10 copy is found.
    Returns the list of dataset names whose download was attempted.
    """
    import keras

    attempts = []

    def failing_download(name):
        def load_data(*args, **kwargs):
            attempts.append(name)
            raise Exception(OFFLINE_MESSAGE)

        return load_data

    monkeypatch.setattr(keras.datasets.mnist, "load_data", failing_download("mnist"))
    monkeypatch.setattr(keras.datasets.cifar10, "load_data", failing_download("cifar10"))
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras_home"))
    return attempts
