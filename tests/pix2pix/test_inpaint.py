"""The inpaint input mode: random holes where the mask says, of the chosen sizes, carried
from training to `kerasgan live` in the snapshot."""

import json

import cv2
import numpy as np
import pytest

from kerasgan import images
from kerasgan.cli import main
from kerasgan.data.input_modes import InputMode, hole_mask, parse_hole_size
from kerasgan.snapshots.live import load_translator, prepare_frame, side_by_side
from kerasgan.training.recipes.pix2pix import hole_masks, image_scores, side_by_side_grid
from kerasgan.training.run_folder import TrainingRun


@pytest.fixture(scope="module")
def frame(clip_frames):
    return clip_frames(1, size=64)[0]


def test_the_holes_are_where_the_mask_says_and_hold_the_fill(frame):
    mode = InputMode("inpaint", hole_size=(0.25, 0.5), holes=2, hole_fill=100)
    made = mode.apply(frame, seed=3)
    assert made.dtype == np.uint8 and made.shape == (64, 64, 4) and mode.channels == 4
    mask = made[..., 3]
    assert set(np.unique(mask)) == {0, 255}
    holes = mask == 255
    np.testing.assert_array_equal(holes, hole_mask((64, 64), (0.25, 0.5), 2, seed=3))
    assert (made[holes][:, :3] == 100).all()
    np.testing.assert_array_equal(made[~holes][:, :3], frame[~holes])


@pytest.mark.parametrize("hole_size", [(0.25, 0.5), (0.125, 0.125), (0.5, 1.0)])
def test_each_hole_is_one_rectangle_of_a_size_in_the_range(hole_size):
    smallest, largest = (round(fraction * 64) for fraction in hole_size)
    heights, widths = set(), set()
    for seed in range(40):
        mask = hole_mask((64, 64), hole_size, holes=1, seed=seed)
        rows, columns = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
        height, width = rows[-1] - rows[0] + 1, columns[-1] - columns[0] + 1
        assert mask.sum() == height * width  # a filled rectangle, nothing else
        assert smallest <= height <= largest and smallest <= width <= largest
        heights.add(height)
        widths.add(width)
    # Width and height vary over the whole range, independently.
    assert len(heights) > 1 and len(widths) > 1 or smallest == largest


def test_the_same_seed_gives_the_same_holes_another_seed_others(frame):
    mode = InputMode("inpaint")
    np.testing.assert_array_equal(mode.apply(frame, seed=5), mode.apply(frame, seed=5))
    assert (mode.apply(frame, seed=5) != mode.apply(frame, seed=6)).any()
    # A tf.data pair seed (two int64 numbers, maybe negative) works as well.
    pair_seed = np.array([-7, 2**40], dtype=np.int64)
    np.testing.assert_array_equal(mode.apply(frame, pair_seed), mode.apply(frame, pair_seed))
    # Without a seed (live use): seed 0, the same holes in every frame.
    np.testing.assert_array_equal(mode.apply(frame), mode.apply(frame, seed=0))


@pytest.mark.parametrize(
    "text, expected",
    [("0.25-0.5", (0.25, 0.5)), ("0.3", (0.3, 0.3)), ([0.1, 1], (0.1, 1.0)), (0.5, (0.5, 0.5))],
)
def test_hole_sizes_are_read_from_the_command_line_form(text, expected):
    assert parse_hole_size(text) == expected


@pytest.mark.parametrize("text", ["0", "0.5-0.25", "1.5", "big", "0.1-0.2-0.3", "-0.2", ""])
def test_a_bad_hole_size_is_one_sentence(text):
    with pytest.raises(ValueError, match=r"^hole_size must be .* got .*--hole-size 0\.25-0\.5"):
        parse_hole_size(text)


def test_the_mode_round_trips_through_json_and_a_snapshot(tmp_path):
    from kerasgan.models.pix2pix import unet_generator

    mode = InputMode("inpaint", hole_size=(0.2, 0.4), holes=3, hole_fill=0)
    assert InputMode.from_config(json.loads(json.dumps(mode.to_config()))) == mode
    generator = unet_generator(64, 4, 3, base_filters=8, input_mode=mode.to_config())
    generator.save(tmp_path / "generator-000001.keras")
    _, loaded_mode = load_translator(tmp_path / "generator-000001.keras")
    assert loaded_mode == mode


def test_live_makes_the_same_input_and_shows_the_holed_picture(frame):
    mode = InputMode("inpaint")
    square, made = prepare_frame(frame, 64, mode)
    np.testing.assert_array_equal(made, mode.apply(square))
    picture = side_by_side([square, made, square], panel_size=64)
    assert picture.shape == (64, 3 * 64, 3)
    np.testing.assert_array_equal(picture[:, 64:128], made[..., :3])


def test_hole_scores_and_grids_of_four_channel_inputs():
    inputs = -np.ones((2, 4, 4, 4), "float32")
    inputs[0, :2, :2, 3] = 1.0  # a 2 x 2 hole in the first picture, none in the second
    targets = np.zeros((2, 4, 4, 3), "float32")
    outputs = targets.copy()
    outputs[0, 0, 0] = 0.6  # wrong by 0.6 in 3 of the 12 hole values
    outputs[1] = 0.5  # wrong everywhere outside the holes
    scores = image_scores(outputs, targets, hole_masks(inputs))
    assert scores["test_hole_l1"] == pytest.approx(3 * 0.6 / 12)
    assert scores["test_l1"] == pytest.approx((3 * 0.6 + 48 * 0.5) / 96)
    # The grid shows an input's picture, not its mask channel: input | output | target.
    assert side_by_side_grid(inputs, outputs, targets).shape == (2 * 6 + 2, 3 * 6 + 2, 3)


@pytest.fixture(scope="module")
def frames_folder(clip_frames, tmp_path_factory):
    """12 training frames and 4 test frames from later in the clip, 64 pixels."""
    root = tmp_path_factory.mktemp("inpaint_frames")
    for index, picture in enumerate(clip_frames(16, size=64, every=15)):
        split = "train" if index < 12 else "test"
        images.save_image(root / split / f"frame{index:03d}.png", picture)
    return root


def test_training_pairs_get_new_holes_every_epoch_held_out_pairs_the_same(frames_folder):
    from kerasgan.data.paired import load_paired_data

    data = load_paired_data(
        frames_folder, 64, 4, input_mode="inpaint", hole_size="0.2-0.4", shuffle=False
    )
    assert data.input_channels == 4
    # The same pictures in the same order, two epochs: other holes.
    epochs = [[hole_masks(inputs) for inputs, _ in data.dataset] for _ in range(2)]
    masks = [np.concatenate(epoch) for epoch in epochs]
    assert masks[0].shape == (12, 64, 64, 1)
    assert all((one != other).any() for one, other in zip(masks[0], masks[1]))
    inputs, targets = data.test_pairs()
    again, _ = data.test_pairs()
    np.testing.assert_array_equal(inputs, again)
    # Outside the holes the input is the target itself; inside, the fill (128 is 0.0039).
    holes = hole_masks(inputs)[..., 0]
    np.testing.assert_allclose(inputs[..., :3][~holes], targets[~holes], atol=1e-6)
    np.testing.assert_allclose(inputs[..., :3][holes], 128 / 127.5 - 1, atol=1e-6)


def _train(folder, outdir, hole_size):
    return main(
        ["train", "pix2pix", "--data", str(folder), "--input-mode", "inpaint",
         "--hole-size", hole_size, "--holes", "2", "--image-size", "64", "--batch-size", "4",
         "--epochs", "1", "--generator-filters", "8", "--discriminator-filters", "8",
         "--outdir", str(outdir), "--verbose", "0"]
    )  # fmt: skip


def test_train_inpaint_scores_the_holes_and_snapshots_the_mode(frames_folder, tmp_path, capsys):
    assert _train(frames_folder, tmp_path, "0.2-0.4") == 0
    (run_path,) = tmp_path.iterdir()
    run = TrainingRun(run_path)
    assert run.options()["hole_size"] == "0.2-0.4" and run.options()["holes"] == 2
    (stats,) = run.stats()
    assert 0 < stats["test_hole_l1"] < 2 and 0 < stats["test_l1"] < 2
    assert "Held-out L1 inside the holes" in capsys.readouterr().out
    # The grid: one row per test frame, input | output | target, all RGB.
    grid = cv2.imread(str(run_path / "fakes_000001.png"))
    assert grid.shape == (4 * 66 + 2, 3 * 66 + 2, 3)
    # The fixed test inputs keep their mask channel, and the holes their fill.
    with np.load(run.checkpoint_path) as checkpoint:
        test_inputs = checkpoint["array/test_inputs"]
    assert test_inputs.shape == (4, 64, 64, 4)
    holes = hole_masks(test_inputs)[..., 0]
    assert 0.04 <= holes.mean() <= 0.3
    np.testing.assert_allclose(test_inputs[..., :3][holes], 128 / 127.5 - 1, atol=1e-6)
    _, input_mode = load_translator(run.latest_snapshot())
    assert input_mode == InputMode("inpaint", hole_size=(0.2, 0.4), holes=2)


@pytest.mark.parametrize("hole_size", ["0.6-0.2", "half"])
def test_a_bad_hole_size_stops_before_the_run_folder(frames_folder, tmp_path, capsys, hole_size):
    assert _train(frames_folder, tmp_path / "results", hole_size) == 2
    error = capsys.readouterr().err
    assert error.startswith("kerasgan: error: hole_size must be") and hole_size in error
    assert error.count(".\n") == 1 and "Traceback" not in error
    assert not (tmp_path / "results").exists() or not any((tmp_path / "results").iterdir())
