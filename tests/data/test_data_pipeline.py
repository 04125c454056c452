"""array_dataset: uint8 arrays -> batches of float32 NHWC in [-1, 1]."""

import numpy as np
import pytest

from kerasgan.data.pipeline import array_dataset


def _epoch(dataset):
    return [batch for batch in dataset.as_numpy_iterator()]


def test_grayscale_gets_a_channel_axis_and_exact_range():
    images = np.zeros((8, 28, 28), np.uint8)
    images[:, :14] = 255  # top half white, bottom half black
    batches = _epoch(array_dataset(images, batch_size=4, shuffle=False))
    assert len(batches) == 2
    batch = batches[0]
    assert batch.shape == (4, 28, 28, 1) and batch.dtype == np.float32
    assert np.all(batch[:, :14] == 1.0) and np.all(batch[:, 14:] == -1.0)


def test_mid_grey_maps_near_zero():
    images = np.full((2, 4, 4, 3), 128, np.uint8)
    batch = _epoch(array_dataset(images, batch_size=2))[0]
    np.testing.assert_allclose(batch, 128 / 127.5 - 1, atol=1e-6)


def test_labels_are_int32_and_follow_their_images(cifar10_npz):
    with np.load(cifar10_npz) as archive:
        images, labels = archive["x_train"][:256], archive["y_train"][:256]
    # keras.datasets.cifar10 labels are (N, 1); they come out flat.
    dataset = array_dataset(images, labels.reshape(-1, 1), batch_size=64, seed=3)
    seen = 0
    for batch_images, batch_labels in dataset.as_numpy_iterator():
        assert batch_images.shape == (64, 32, 32, 3) and batch_labels.shape == (64,)
        assert batch_labels.dtype == np.int32
        # Find each image in the source array and check that its label travelled with it.
        pixels = np.rint((batch_images + 1) * 127.5).astype(np.uint8)
        for image, label in zip(pixels, batch_labels):
            index = np.flatnonzero((images == image).all(axis=(1, 2, 3)))[0]
            assert labels[index] == label
        seen += len(batch_labels)
    assert seen == 256


def test_resize_mnist_to_32(mnist_npz):
    with np.load(mnist_npz) as archive:
        images = archive["x_train"][:64]
    batch = _epoch(array_dataset(images, batch_size=64, image_size=32, shuffle=False))[0]
    assert batch.shape == (64, 32, 32, 1)
    assert batch.min() >= -1.0 and batch.max() <= 1.0
    # Enlarging keeps the picture: mean brightness barely moves.
    assert abs(batch.mean() - (images / 127.5 - 1).mean()) < 0.02


def test_shrinking_averages_areas():
    images = np.zeros((2, 4, 4, 1), np.uint8)
    images[:, ::2, ::2] = 255  # one white pixel in every 2x2 block
    batch = _epoch(array_dataset(images, batch_size=2, image_size=2))[0]
    np.testing.assert_allclose(batch, 255 / 4 / 127.5 - 1, atol=1e-6)


def test_channels_option_converts_gray_and_rgb():
    gray = np.full((2, 8, 8), 200, np.uint8)
    rgb_batch = _epoch(array_dataset(gray, batch_size=2, channels=3))[0]
    assert rgb_batch.shape == (2, 8, 8, 3)
    color = np.zeros((2, 8, 8, 3), np.uint8)
    color[..., 1] = 255  # pure green
    gray_batch = _epoch(array_dataset(color, batch_size=2, channels=1))[0]
    assert gray_batch.shape == (2, 8, 8, 1)
    np.testing.assert_allclose(gray_batch, 0.587 * 255 / 127.5 - 1, atol=0.01)


def test_same_seed_same_order_and_epochs_differ():
    images = np.arange(32, dtype=np.uint8).reshape(32, 1, 1)
    first_values = lambda dataset: [
        tuple(batch[:, 0, 0, 0]) for batch in dataset.as_numpy_iterator()
    ]

    dataset = array_dataset(images, batch_size=8, seed=7)
    epoch_one, epoch_two = first_values(dataset), first_values(dataset)
    assert epoch_one == first_values(array_dataset(images, batch_size=8, seed=7))
    assert epoch_one != epoch_two
    assert epoch_one != first_values(array_dataset(images, batch_size=8, seed=8))
    assert sorted(sum(epoch_one, ())) == sorted((np.arange(32) / 127.5 - 1).astype(np.float32))


def test_drop_remainder():
    images = np.zeros((10, 2, 2), np.uint8)
    assert [len(batch) for batch in _epoch(array_dataset(images, batch_size=4))] == [4, 4]
    kept = array_dataset(images, batch_size=4, drop_remainder=False)
    assert [len(batch) for batch in _epoch(kept)] == [4, 4, 2]


def test_float_images_are_refused():
    with pytest.raises(ValueError, match="needs uint8 images"):
        array_dataset(np.zeros((4, 2, 2), np.float32), batch_size=2)


def test_fewer_images_than_a_batch_is_refused():
    with pytest.raises(ValueError, match="Only 3 images in the array for batch_size=4"):
        array_dataset(np.zeros((3, 2, 2), np.uint8), batch_size=4)


def test_label_count_must_match():
    with pytest.raises(ValueError, match="Got 4 images but 3 labels"):
        array_dataset(np.zeros((4, 2, 2), np.uint8), np.arange(3), batch_size=2)


def test_bad_image_size_is_refused():
    with pytest.raises(ValueError, match="image_size must be a positive integer"):
        array_dataset(np.zeros((4, 2, 2), np.uint8), batch_size=2, image_size=(32, 32))
