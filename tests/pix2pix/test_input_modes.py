"""Input modes: the pictures pix2pix gets as input, made from a frame (no TensorFlow)."""

import json

import numpy as np
import pytest

from kerasgan.data.input_modes import INPUT_MODES, InputMode, input_mode


@pytest.fixture(scope="module")
def frame(clip_frames):
    return clip_frames(1, size=128)[0]


def test_every_mode_keeps_the_size_and_gives_its_channels(frame):
    for name in INPUT_MODES:
        made = InputMode(name).apply(frame)
        assert made.dtype == np.uint8
        assert made.shape == (128, 128, InputMode(name).channels), name
    assert [InputMode(name).channels for name in INPUT_MODES] == [1, 1, 1, 3, 4]


def test_grayscale_is_the_luma_of_the_frame(frame):
    gray = InputMode("grayscale").apply(frame)[..., 0].astype(float)
    luma = frame.astype(float) @ [0.299, 0.587, 0.114]
    assert np.abs(gray - luma).max() <= 1.0


def test_edges_are_white_lines_on_black(frame):
    edges = InputMode("edges").apply(frame)
    assert set(np.unique(edges)) == {0, 255}
    # A street scene has edges, but they are lines: a small part of the picture.
    assert 0.02 < np.mean(edges == 255) < 0.4
    # Lower thresholds find more edges.
    more = InputMode("edges", edge_thresholds=(30, 60)).apply(frame)
    assert np.mean(more == 255) > np.mean(edges == 255)


def test_downscale_keeps_only_the_coarse_picture(frame):
    factor = 8
    made = InputMode("downscale", downscale_factor=factor).apply(frame)[..., 0].astype(float)
    gray = InputMode("grayscale").apply(frame)[..., 0].astype(float)
    # Block averages agree (the picture is the same at 16x16) ...
    blocks = lambda image: image.reshape(16, factor, 16, factor).mean(axis=(1, 3))  # noqa: E731
    assert np.abs(blocks(made) - blocks(gray)).mean() < 6
    # ... but the fine detail (what a blur takes away) is gone.
    import cv2

    detail = lambda image: np.abs(image - cv2.GaussianBlur(image, (0, 0), 2)).mean()  # noqa: E731
    assert detail(made) < 0.5 * detail(gray)


def test_posterize_keeps_few_colour_values(frame):
    made = InputMode("posterize", posterize_levels=4).apply(frame)
    assert set(np.unique(made)) <= {0, 85, 170, 255}
    assert len(np.unique(made)) >= 3
    assert np.abs(made.astype(int) - frame).mean() < 64


def test_config_round_trips_through_json():
    mode = InputMode("downscale", downscale_factor=4, edge_thresholds=(50, 120))
    restored = InputMode.from_config(json.loads(json.dumps(mode.to_config())))
    assert restored == mode
    assert restored.edge_thresholds == (50, 120)


def test_paired_means_no_input_mode():
    assert input_mode("paired") is None
    assert input_mode("edges") == InputMode("edges")


@pytest.mark.parametrize(
    "arguments, words",
    [
        ({"name": "edge"}, "Unknown input mode 'edge'"),
        ({"name": "downscale", "downscale_factor": 1}, "downscale_factor must be 2 or more"),
        ({"name": "edges", "edge_thresholds": (200, 100)}, "low <= high"),
        ({"name": "posterize", "posterize_levels": 1}, "posterize_levels must be from 2"),
    ],
)
def test_bad_settings_are_one_sentence(arguments, words):
    with pytest.raises(ValueError, match=words):
        InputMode(**arguments)
    with pytest.raises(ValueError, match="choose paired"):
        input_mode("sketch")


def test_a_float_picture_is_refused():
    with pytest.raises(ValueError, match="needs a uint8 RGB picture"):
        InputMode("edges").apply(np.zeros((8, 8, 3), np.float32))
