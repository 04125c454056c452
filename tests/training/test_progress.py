"""The progress line and stats.jsonl say how far a run is and whether it still changes:
kimg, time per tick and time left, the fixed-latent grid's change between ticks, and
whether the grid change and the Frechet distance are levelling off."""

import json
import re

import cv2
import numpy as np
import pytest

import kerasgan
from kerasgan.training.callbacks import (
    format_duration,
    frechet_levelling_off,
    grid_change,
    grids_levelling_off,
    relative_changes,
)


def test_grid_change_is_the_mean_absolute_pixel_change_as_a_share_of_the_range():
    before = np.zeros((2, 2, 3), "uint8")
    after = before.copy()
    after[0, 0, :] = 51  # a fifth of 255, in one pixel of four
    assert grid_change(before, after) == pytest.approx(0.05)
    assert grid_change(after, before) == pytest.approx(0.05)
    assert grid_change(after, after) == 0.0
    assert grid_change(np.zeros((4, 4), "uint8"), np.full((4, 4), 255, "uint8")) == 1.0
    with pytest.raises(ValueError, match="different shapes"):
        grid_change(np.zeros((2, 2)), np.zeros((2, 3)))


def test_grids_level_off_when_two_ticks_change_less_than_a_fifth_of_the_early_ones():
    changes = [0.20, 0.30, 0.10, 0.05, 0.05]
    # The yardstick is the largest of the first three changes, 0.30.
    assert relative_changes(changes) == pytest.approx([2 / 3, 1.0, 1 / 3, 1 / 6, 1 / 6])
    assert grids_levelling_off(changes)
    assert not grids_levelling_off([0.20, 0.30, 0.10, 0.05, 0.07])  # 0.07 is 23% of 0.30
    assert not grids_levelling_off([0.20, 0.30, 0.10, 0.08, 0.05])  # only one small tick
    assert not grids_levelling_off([0.20, 0.01, 0.01, 0.01])  # the early ticks are not over
    assert not grids_levelling_off([0.0] * 6)  # a grid that never moved: nothing to compare


def test_the_frechet_distance_levels_off_when_it_stops_falling_by_five_percent():
    assert frechet_levelling_off([100.0, 60.0, 59.0, 58.5])  # 58.5 > 0.95 * 60 = 57
    assert not frechet_levelling_off([100.0, 60.0, 59.0, 56.0])
    assert not frechet_levelling_off([100.0, 80.0, 60.0])
    assert not frechet_levelling_off([100.0, 99.0])  # too few evaluations to say


def test_durations_read_as_a_person_says_them():
    assert format_duration(42.4) == "42s"
    assert format_duration(725) == "12m 05s"
    assert format_duration(3 * 3600 + 20 * 60 + 7) == "3h 20m"


def read_grid(path):
    grid = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    return grid[..., ::-1] if grid.ndim == 3 else grid  # the file is BGR, the grid RGB


def test_stats_and_progress_line_report_kimg_time_left_and_grid_change(mnist_npz, tmp_path, capsys):
    fake_distances = iter([100.0, 60.0, 59.0, 58.5])
    run = kerasgan.train(
        "dcgan", dataset=mnist_npz, outdir=tmp_path, kimg=2, batch_size=64, interval_steps=8,
        latent_dim=16, generator_filters=8, discriminator_filters=8, verbose=1,
        evaluators=[lambda model: {"fid": next(fake_distances)}],
    )  # fmt: skip
    stats = [json.loads(line) for line in (run.path / "stats.jsonl").read_text().splitlines()]
    assert [line["interval"] for line in stats] == [1, 2, 3, 4]  # 32 steps of 64 = 2,048 images

    # Each tick's change is the change between the grid files it wrote, the first against
    # fakes_init.png.
    previous = read_grid(run.initial_grid_path)
    for line in stats:
        grid = read_grid(run.grid_path(line["interval"]))
        assert line["grid_change"] == pytest.approx(grid_change(previous, grid), abs=1e-6)
        previous = grid
    changes = [line["grid_change"] for line in stats]
    assert changes[0] > 0.001  # training moved the untrained generator's grid
    # Each tick knows only the early ticks so far: its yardstick is the largest among them.
    yardsticks = [max(changes[: min(tick, 3)]) for tick in range(1, 5)]
    assert [line["grid_change_relative"] for line in stats] == pytest.approx(
        [change / yardstick for change, yardstick in zip(changes, yardsticks)], rel=1e-3
    )
    assert [line["grids_levelling_off"] for line in stats] == [False] * 4  # too early to say
    assert [line["fid_levelling_off"] for line in stats] == [False, False, False, True]

    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if line.startswith("interval ")]
    assert len(lines) == 4
    assert lines[0].startswith("interval 1: kimg 0.5/2.0, step 8,")
    assert " left, " in lines[0] and ", tick " in lines[0]
    assert f"grid change {100 * changes[0]:.1f}% (still changing)" in lines[0]
    assert lines[-1].startswith("interval 4: kimg 2.0/2.0, step 32,")
    assert "about 0s left" in lines[-1]
    assert "Frechet distance levelling off" in lines[-1]
    assert "Frechet distance" not in lines[-2]


def test_a_collapsed_grid_still_changing_by_9_percent_is_not_levelling_off():
    # A StyleGAN2 run's first tick turns noise into one blob; then one digit keeps changing
    # shape by 8-9% a tick: a fifth of the first change, but far from level.
    assert not grids_levelling_off([0.45, 0.30, 0.20, 0.088, 0.085])
    assert grids_levelling_off([0.45, 0.30, 0.20, 0.04, 0.03])


def test_the_progress_bar_counts_intervals_and_has_no_estimate_from_the_first_step(capsys):
    import time

    import keras

    from kerasgan.training.callbacks import IntervalProgressBar

    class SlowFirstStep(keras.callbacks.Callback):
        """The first step's tracing, as StyleGAN2's takes a minute: here 2 seconds. The other
        steps take 0.1 s, longer than the bar waits between two drawings (0.05 s)."""

        def on_train_batch_end(self, batch, logs=None):
            time.sleep(2.0 if batch == 0 and not getattr(self, "done", False) else 0.1)
            self.done = True

    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    capsys.readouterr()
    model.fit(
        np.ones((8, 2)), np.ones((8, 1)), batch_size=2, epochs=2, verbose=1,
        callbacks=[SlowFirstStep(), IntervalProgressBar()],
    )  # fmt: skip
    out = capsys.readouterr().out
    assert "Interval 1/2" in out and "Interval 2/2" in out
    assert "Epoch" not in out
    # Every estimate drawn leaves the slow first step out: the 2 steps left take 0.2 s, where
    # an estimate from the first step would say 6 s.
    # The estimate after each bar: "8s", "1:15" (minutes) or "1:02:03".
    estimates = re.findall(r"━\x1b\[0m \x1b\[1m([\d:]+)s?\x1b\[0m", out)
    assert estimates, out
    seconds = [sum(int(part) * 60**i for i, part in enumerate(reversed(e.split(":")))) for e in estimates]
    assert max(seconds) <= 1, estimates
