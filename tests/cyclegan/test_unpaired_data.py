"""Unpaired data: two folders -> (A batch, B batch) per step, each domain cropped and flipped on its own."""

import numpy as np
import pytest
from cyclegan_domains import write_domain

from kerasgan.data.unpaired import image_channels, load_unpaired_data


@pytest.fixture(scope="module")
def photos(cifar10_npz, tmp_path_factory):
    """Real CIFAR-10 photos: 40 in one folder (with 8 held out in test/), 24 in another."""
    root = tmp_path_factory.mktemp("unpaired")
    with np.load(cifar10_npz) as arrays:
        train, test = arrays["x_train"][:64], arrays["x_test"][:8]
    return write_domain(root / "many", train[:40], test), write_domain(root / "few", train[40:])


def test_two_colour_folders_give_a_batch_of_each_per_step(photos):
    many, few = photos
    data = load_unpaired_data(many, few, image_size=32, batch_size=4, seed=0)
    assert data.image_shape == (32, 32, 3)
    # One pass is as many steps as the larger domain fills; the smaller one repeats.
    assert data.num_examples == 40
    batches = list(data.dataset)
    assert len(batches) == 10
    for images_a, images_b in batches:
        assert images_a.shape == images_b.shape == (4, 32, 32, 3)
        assert -1.0 <= float(np.min(images_a)) and float(np.max(images_b)) <= 1.0
    assert "A: 40 images" in data.description and "8 held out" in data.description


def test_each_domain_gets_its_own_order_crops_and_flips(photos):
    many, _ = photos
    # The same folder as both domains: the two streams still differ (other seeds), so
    # nothing pairs an A image with a B image.
    data = load_unpaired_data(many, many, image_size=32, batch_size=8, seed=0)
    images_a, images_b = next(iter(data.dataset))
    assert not np.allclose(images_a, images_b)
    # The random crops move the pictures: a training batch is not the plain decoded images.
    plain = load_unpaired_data(many, many, image_size=32, batch_size=8, seed=0, jitter=False)
    assert not np.allclose(next(iter(plain.dataset))[0], images_a)


def test_held_out_images_come_from_the_test_folder_else_from_training(photos):
    many, few = photos
    data = load_unpaired_data(many, few, image_size=32, batch_size=4)
    held_a, held_b = data.held_out(6)
    assert held_a.shape == held_b.shape == (6, 32, 32, 3)
    # Held out: the same every time (no random crop), so grids compare across intervals.
    np.testing.assert_array_equal(held_a, data.held_out(6)[0])


def test_grey_and_colour_are_read_from_the_file_headers(photos, small_domains):
    assert image_channels(sorted(str(p) for p in photos[0].rglob("*.png"))) == 3
    assert image_channels(sorted(str(p) for p in small_domains[0].rglob("*.png"))) == 1
