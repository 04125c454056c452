"""Two unpaired domains of real MNIST digits written as folders, for the CycleGAN tests.

Domain A is real digits as MNIST draws them (white on black); domain B is other real
digits, inverted (black on white). B comes from a disjoint half of the subset, so no
image of A has its partner in B: the model must learn the mapping without pairs.
"""

import numpy as np

from kerasgan import images


def invert(digits):
    """B's style: black ink on white paper."""
    return 255 - np.asarray(digits, dtype="uint8")


def write_domain(folder, train, test=()):
    """PNG files in folder/train (and folder/test when given), as `kerasgan dataset video` lays them out."""
    for split, pictures in (("train", train), ("test", test)):
        if len(pictures) == 0:
            continue
        (folder / split).mkdir(parents=True)
        for index, picture in enumerate(pictures):
            images.save_image(folder / split / f"{index:05d}.png", picture[..., None] if picture.ndim == 2 else picture)
    return folder


def mnist_domains(mnist_npz, root, train_count, test_count=16):
    """(folder A, folder B, held-out test digits, their labels, domain B's count).

    A: the first half of the subset's training digits; B: the second half, inverted.
    The held-out digits are the subset's test digits (in neither training folder).
    """
    with np.load(mnist_npz) as arrays:
        x_train, x_test, y_test = arrays["x_train"], arrays["x_test"], arrays["y_test"]
    half = len(x_train) // 2
    folder_a = write_domain(root / "a", x_train[:train_count], x_test[:test_count])
    folder_b = write_domain(root / "b", invert(x_train[half : half + train_count]),
                            invert(x_test[test_count : 2 * test_count]))
    return folder_a, folder_b, x_test, y_test
