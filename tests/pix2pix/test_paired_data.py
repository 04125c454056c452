"""Paired data for pix2pix: the three layouts, and a jitter that moves input and target together."""

import numpy as np
import pytest

from kerasgan import images
from kerasgan.data.input_modes import InputMode
from kerasgan.data.paired import load_paired_data
from kerasgan.snapshots.live import prepare_frame

SIZE = 64


def _pixels(batch):
    """[-1, 1] floats back to the uint8 values they were made from (exact)."""
    return np.rint((np.asarray(batch) + 1.0) * 127.5).astype(np.uint8)


def _coordinate_picture(size=SIZE):
    """Red grows left to right, green top to bottom: a pixel's colour says where it was."""
    x, y = np.meshgrid(np.arange(size), np.arange(size))
    return np.stack([4 * x, 4 * y, np.full_like(x, 128)], axis=-1).astype(np.uint8)


@pytest.fixture
def coordinate_pairs(tmp_path):
    """Two folders of 4 identical pairs: target = coordinate picture, input = its negative."""
    target = _coordinate_picture()
    for index in range(4):
        images.save_image(tmp_path / "inputs" / f"{index:02d}.png", 255 - target)
        images.save_image(tmp_path / "targets" / f"{index:02d}.png", target)
    return tmp_path / "inputs", tmp_path / "targets"


def _crop_and_flip(target):
    """(left, top, mirrored) of a jittered coordinate picture, read from its colours."""
    red, green = target[..., 0].astype(int), target[..., 1].astype(int)
    mirrored = red[0, -1] < red[0, 0]
    left = red[0, -1] if mirrored else red[0, 0]
    return int(left), int(green[0, 0]), bool(mirrored)


def test_input_and_target_get_the_same_crop_and_flip(coordinate_pairs):
    inputs_folder, targets_folder = coordinate_pairs
    data = load_paired_data(inputs_folder, SIZE, batch_size=4, target_folder=targets_folder, seed=3)
    assert data.description.startswith("Folder inputs: 4 training pairs")
    draws = []
    for inputs, targets in data.dataset.repeat(4):  # 4 epochs of one batch of 4 pairs
        inputs, targets = inputs.numpy(), targets.numpy()
        # The input is the negative of the target, pixel for pixel (one rounding step
        # apart): a different crop or flip would put other colours under each pixel.
        assert np.abs(inputs + targets).max() <= 1 / 127.5 + 1e-6
        draws.extend(_crop_and_flip(target) for target in _pixels(targets))
    # It really was jittered: 16 draws of 9 x 9 crops and 2 flips, mostly different.
    assert len(set(draws)) >= 10
    assert {mirrored for _, _, mirrored in draws} == {True, False}
    assert {(left, top) for left, top, _ in draws} != {(0, 0)}


def test_two_steps_draw_different_crops(coordinate_pairs):
    inputs_folder, targets_folder = coordinate_pairs
    data = load_paired_data(inputs_folder, SIZE, 4, target_folder=targets_folder)
    steps = data.dataset.repeat().take(2)  # how fit() reads it: one long stream
    first, second = [_pixels(targets) for _, targets in steps]
    # Within a step every pair has its own crop, and the next step draws new ones: a crop
    # frozen when TensorFlow traced the pipeline would repeat the same one everywhere.
    assert len({_crop_and_flip(target) for target in first}) > 1
    assert [_crop_and_flip(t) for t in first] != [_crop_and_flip(t) for t in second]


def test_without_jitter_the_pairs_are_the_pictures(coordinate_pairs):
    inputs_folder, targets_folder = coordinate_pairs
    data = load_paired_data(inputs_folder, SIZE, 4, target_folder=targets_folder, jitter=False)
    inputs, targets = next(iter(data.dataset))
    assert (_pixels(targets) == _coordinate_picture()).all()
    assert (_pixels(inputs) == 255 - _coordinate_picture()).all()


def test_input_modes_see_the_jittered_target(clip_frames, tmp_path):
    for index, frame in enumerate(clip_frames(6)):
        images.save_image(tmp_path / "frames" / f"{index}.png", frame)
    mode = InputMode("grayscale")
    data = load_paired_data(tmp_path / "frames", SIZE, 6, input_mode="grayscale")
    assert data.input_channels == 1 and data.input_mode == mode
    inputs, targets = next(iter(data.dataset))
    assert inputs.shape == (6, SIZE, SIZE, 1) and targets.shape == (6, SIZE, SIZE, 3)
    for made, target in zip(_pixels(inputs), _pixels(targets)):
        assert (made == mode.apply(target)).all()


def test_live_prepares_a_frame_exactly_as_training(clip_frames, tmp_path):
    frame = clip_frames(1)[0]
    images.save_image(tmp_path / "frames" / "0.png", frame)
    for name in ("edges", "downscale", "posterize"):
        data = load_paired_data(tmp_path / "frames", SIZE, 1, input_mode=name, jitter=False)
        inputs, targets = next(iter(data.dataset))
        square, made = prepare_frame(frame, SIZE, InputMode(name))
        assert (square == _pixels(targets)[0]).all()
        assert (made == _pixels(inputs)[0]).all(), name


def test_a_video_dataset_folder_trains_on_train_and_tests_on_test(cifar_folder):
    data = load_paired_data(cifar_folder, SIZE, 8, input_mode="downscale", downscale_factor=4)
    # manifest.json, contact_sheet.jpg and .downloads/ are not training pairs.
    assert data.num_examples == 2000
    assert "64 test pairs from" in data.description
    inputs, targets = data.test_pairs(8)
    assert inputs.shape == (8, SIZE, SIZE, 1) and targets.shape == (8, SIZE, SIZE, 3)
    assert inputs.min() >= -1 and targets.max() <= 1


def _side_by_side_folder(folder, count=3):
    for index in range(count):
        picture = np.zeros((48, 96, 3), np.uint8)
        picture[:, :48] = (200, 0, 0)  # A: red
        picture[:, 48:] = (0, 0, 200)  # B: blue
        images.save_image(folder / "train" / f"{index}.jpg", picture)
    images.save_image(folder / "val" / "0.jpg", picture)
    return folder


def test_side_by_side_images_split_by_direction(tmp_path):
    folder = _side_by_side_folder(tmp_path / "facades")
    for direction, (input_colour, target_colour) in {
        "AtoB": ((200, 0, 0), (0, 0, 200)),
        "BtoA": ((0, 0, 200), (200, 0, 0)),
    }.items():
        data = load_paired_data(folder, SIZE, 3, direction=direction)
        assert "3 training pairs" in data.description and "1 test pairs" in data.description
        inputs, targets = data.test_pairs()
        assert np.abs(_pixels(inputs)[0, 20, 20].astype(int) - input_colour).max() <= 4
        assert np.abs(_pixels(targets)[0, 20, 20].astype(int) - target_colour).max() <= 4


def test_single_pictures_without_an_input_mode_are_explained(clip_frames, tmp_path):
    images.save_image(tmp_path / "frames" / "0.png", clip_frames(1)[0])
    with pytest.raises(ValueError, match="not two pictures side by side.*--input-mode edges"):
        load_paired_data(tmp_path / "frames", SIZE, 1)


def test_two_folders_pair_by_name_only(tmp_path, capsys):
    picture = _coordinate_picture()
    for name in ("a.png", "b.png", "c.png"):
        images.save_image(tmp_path / "in" / name, picture)
    for name in ("a.jpg", "b.png", "z.png"):
        images.save_image(tmp_path / "out" / name, picture)
    data = load_paired_data(tmp_path / "in", SIZE, 1, target_folder=tmp_path / "out")
    assert data.num_examples == 2  # a and b; c and z have no partner
    assert "2 images have no partner" in capsys.readouterr().err
    with pytest.raises(ValueError, match="has a partner of the same name"):
        load_paired_data(tmp_path / "in", SIZE, 1, target_folder=tmp_path / "in" / "..")


def test_bad_options_are_one_sentence(tmp_path):
    folder = _side_by_side_folder(tmp_path / "facades")
    with pytest.raises(ValueError, match="direction must be AtoB or BtoA"):
        load_paired_data(folder, SIZE, 1, direction="AB")
    with pytest.raises(ValueError, match="use one or the other"):
        load_paired_data(folder, SIZE, 1, input_mode="edges", target_folder=folder)
    with pytest.raises(ValueError, match="Only 3 pairs .* batch_size=8"):
        load_paired_data(folder, SIZE, 8)
