"""`kerasgan train pix2pix`: a run folder with input | output | target grids, resumed exactly."""

import json

import numpy as np
import pytest

from kerasgan import images
from kerasgan.cli import main
from kerasgan.snapshots.live import load_translator
from kerasgan.training.run_folder import TrainingRun


@pytest.fixture(scope="module")
def frames_folder(clip_frames, tmp_path_factory):
    """A video dataset's layout: 12 training frames, 4 test frames from later in the clip."""
    root = tmp_path_factory.mktemp("bikes")
    frames = clip_frames(16, size=64, every=15)
    for index, frame in enumerate(frames):
        split = "train" if index < 12 else "test"
        images.save_image(root / split / f"frame{index:03d}.jpg", frame)
    (root / "manifest.json").write_text("{}")
    return root


def _train(folder, outdir, epochs):
    return main(
        ["train", "pix2pix", "--data", str(folder), "--input-mode", "downscale",
         "--downscale-factor", "4", "--image-size", "64", "--batch-size", "4",
         "--epochs", str(epochs), "--generator-filters", "8", "--discriminator-filters", "8",
         "--outdir", str(outdir), "--verbose", "0"]
    )  # fmt: skip


def test_train_then_resume(frames_folder, tmp_path, capsys):
    assert _train(frames_folder, tmp_path, epochs=1) == 0
    (run_path,) = tmp_path.iterdir()
    run = TrainingRun(run_path)
    for name in (
        "training_options.json", "reals.png", "fakes_init.png", "fakes_000001.png",
        "generator-000001.keras", "checkpoint.npz", "stats.jsonl", "losses.png",
    ):  # fmt: skip
        assert (run_path / name).exists(), name
    options = run.options()
    assert options["input_mode"] == "downscale" and options["l1_weight"] == 100.0

    # One row per fixed test pair (the 4 test frames): input | output | target.
    grid = images_read(run_path / "fakes_000001.png")
    assert grid.shape == (4 * 66 + 2, 3 * 66 + 2, 3)
    with np.load(run.checkpoint_path) as checkpoint:
        test_targets = checkpoint["array/test_targets"]
    assert test_targets.shape == (4, 64, 64, 3)
    # The right column shows the targets: the test frames themselves.
    np.testing.assert_allclose(
        grid[2:66, 2 * 66 + 2 : 3 * 66].astype(float),
        np.rint((test_targets[0] + 1) * 127.5),
        atol=1,
    )
    # reals.png shows what it learns from: a batch of training pairs, input | target.
    reals = images_read(run_path / "reals.png")
    assert reals.shape == (4 * 66 + 2, 2 * 66 + 2, 3)
    small_input, target = reals[2:66, 2:66].astype(float), reals[2:66, 68:132].astype(float)
    # Downscale mode: the input is the target made blocky, so alike in the large but not the same.
    assert np.abs(small_input - target).mean() < 30 and np.abs(small_input - target).max() > 30

    first = run.stats()
    assert [line["step"] for line in first] == [3]
    assert 0 < first[0]["test_l1"] < 2 and first[0]["test_psnr"] > 0

    # The same command with more epochs continues the same run from its checkpoint.
    capsys.readouterr()
    assert _train(frames_folder, tmp_path, epochs=2) == 0
    assert [path.name for path in tmp_path.iterdir()] == [run_path.name]
    stats = run.stats()
    assert [line["interval"] for line in stats] == [1, 2]
    assert [line["step"] for line in stats] == [3, 6]  # the step count went on, not from 0
    assert stats[0] == first[0]
    with np.load(run.checkpoint_path) as checkpoint:
        np.testing.assert_array_equal(checkpoint["array/test_targets"], test_targets)
        progress = json.loads(checkpoint["progress.json"].tobytes())["progress"]
    assert progress == {"interval": 2, "step": 6, "epoch": 2.0}

    out = capsys.readouterr().out
    assert "Held-out L1" in out and "kerasgan live --generator" in out

    # The snapshot is all `kerasgan live` needs: it knows how to make its input.
    _, input_mode = load_translator(run.latest_snapshot())
    assert run.latest_snapshot().name == "generator-000002.keras"
    assert input_mode.name == "downscale" and input_mode.downscale_factor == 4


def images_read(path):
    import cv2

    return cv2.imread(str(path))[..., ::-1]


def test_a_missing_data_folder_is_one_sentence(tmp_path, capsys):
    assert _train(tmp_path / "nowhere", tmp_path / "results", epochs=1) == 2
    assert "No folder at" in capsys.readouterr().err
