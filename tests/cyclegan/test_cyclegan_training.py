"""`kerasgan train cyclegan`: the run folder, exact resume after SIGKILL, and bad input."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from cyclegan_domains import write_domain

from kerasgan.cli import main
from kerasgan.training import checkpoint

INTERVAL_STEPS = 3
TOTAL_STEPS = 12  # 2 epochs of the 48 images per domain, in batches of 8


def train_command(folder_a, folder_b, outdir, *extra):
    return [
        sys.executable, "-m", "kerasgan", "train", "cyclegan", "--data-a", str(folder_a),
        "--data-b", str(folder_b), "--outdir", str(outdir), "--image-size", "28",
        "--batch-size", "8", "--epochs", "2", "--interval-steps", str(INTERVAL_STEPS),
        "--generator-filters", "4", "--residual-blocks", "1", "--discriminator-filters", "4",
        "--pool-size", "20", "--deterministic", "--verbose", "2", *extra,
    ]  # fmt: skip


def final_checkpoint(outdir):
    (run_folder,) = outdir.glob("*-cyclegan-*")
    return run_folder, *checkpoint.read_checkpoint_file(run_folder / "checkpoint.npz")


def interval_of(run_folder):
    try:
        return checkpoint.read_header(run_folder / "checkpoint.npz")["progress"]["interval"]
    except Exception:  # not written yet, or being replaced this very moment
        return 0


def test_sigkill_then_the_same_command_continues_exactly(small_domains, tmp_path):
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    # The run that never stops goes on in the background while the other is killed and
    # resumed (a small run keeps about one of the two cores busy).
    straight = subprocess.Popen(train_command(*small_domains, tmp_path / "straight"),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                env=environment)

    command = train_command(*small_domains, tmp_path / "resumed")
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, env=environment)
    try:
        deadline = time.time() + 600
        while time.time() < deadline and first.poll() is None:
            folders = list((tmp_path / "resumed").glob("*-cyclegan-*"))
            if folders and interval_of(folders[0]) >= 1:
                break
            time.sleep(0.1)
        assert first.poll() is None, first.stdout.read()[-3000:]
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    killed_at = interval_of(folders[0])
    assert killed_at < TOTAL_STEPS // INTERVAL_STEPS

    second = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"Resuming {folders[0].name} after interval {killed_at}" in second.stdout
    try:
        _, straight_errors = straight.communicate(timeout=600)
    finally:
        if straight.poll() is None:
            straight.kill()
    assert straight.returncode == 0, straight_errors[-3000:]

    # Bit for bit the run that never stopped: all four networks, both optimizers (their
    # steps, hence the learning rates of the decay), both pools and the random states.
    run_folder, straight_header, straight_arrays = final_checkpoint(tmp_path / "straight")
    resumed_folder, resumed_header, resumed_arrays = final_checkpoint(tmp_path / "resumed")
    assert straight_header["progress"]["step"] == resumed_header["progress"]["step"] == TOTAL_STEPS
    assert sorted(straight_arrays) == sorted(resumed_arrays)
    paths = straight_header["variable_paths"]
    assert any("pool_a" in path for path in paths.values())
    for key in sorted(straight_arrays):
        np.testing.assert_array_equal(straight_arrays[key], resumed_arrays[key], err_msg=paths.get(key, key))

    # The run folder, as every model's, with both generators in each snapshot.
    for interval in range(1, TOTAL_STEPS // INTERVAL_STEPS + 1):
        assert (resumed_folder / f"fakes_{interval:06d}.png").exists()
        for direction in ("a2b", "b2a"):
            assert (resumed_folder / f"generator_{direction}-{interval:06d}.keras").exists()
    stats = [json.loads(line) for line in (resumed_folder / "stats.jsonl").read_text().splitlines()]
    assert [line["interval"] for line in stats] == [1, 2, 3, 4]
    assert {"cycle_loss", "identity_loss", "d_loss"} <= set(stats[-1])
    for name in ("reals.png", "fakes_init.png", "losses.png", "training_options.json"):
        assert (resumed_folder / name).exists(), name
    assert "kerasgan live --generator" in second.stdout and "generator_a2b-000004.keras" in second.stdout


def run_cli(argv, capsys):
    status = main(argv)
    return status, capsys.readouterr().err


def bad_run(folder_a, folder_b, outdir, capsys, *extra):
    argv = ["train", "cyclegan", "--data-a", str(folder_a), "--data-b", str(folder_b),
            "--outdir", str(outdir), "--image-size", "28", "--batch-size", "8", *extra]
    status, error = run_cli(argv, capsys)
    assert status == 2
    assert error.startswith("kerasgan: error: ") and error.count("\n") == 1, error
    assert not outdir.exists()
    return error


def test_a_missing_or_empty_folder_is_one_sentence(small_domains, tmp_path, capsys):
    folder_a, _ = small_domains
    error = bad_run(folder_a, tmp_path / "nowhere", tmp_path / "out", capsys)
    assert f"No folder at {tmp_path / 'nowhere'}" in error
    (tmp_path / "empty").mkdir()
    error = bad_run(tmp_path / "empty", folder_a, tmp_path / "out", capsys)
    assert f"The folder {tmp_path / 'empty'} is empty" in error


def test_domains_with_different_channels_are_one_sentence(small_domains, tmp_path, capsys):
    folder_a, _ = small_domains
    rng = np.random.default_rng(0)
    colour = write_domain(tmp_path / "colour", rng.integers(0, 255, (16, 28, 28, 3), dtype="uint8"))
    error = bad_run(folder_a, colour, tmp_path / "out", capsys)
    assert "domain A" in error and "1 channel (grey)" in error and "3 channels (colour)" in error


def test_a_pix2pix_snapshot_where_a_cyclegan_one_is_needed_is_one_sentence(small_domains, tmp_path, capsys):
    from kerasgan.models.pix2pix import unet_generator

    snapshot = tmp_path / "generator-000001.keras"
    unet_generator(64, input_channels=1, output_channels=1, base_filters=4).save(snapshot)
    error = bad_run(*small_domains, tmp_path / "out", capsys, "--resume-from", str(snapshot))
    assert str(snapshot) in error and "is a pix2pix generator (generator), and this run trains a " \
        "CycleGAN generator_a2b" in error


def test_options_that_do_not_apply_are_one_sentence(small_domains, tmp_path, capsys):
    error = bad_run(*small_domains, tmp_path / "out", capsys, "--augment", "flip")
    assert "--augment flip does not apply to cyclegan" in error
    error = bad_run(*small_domains, tmp_path / "out", capsys, "--image-size", "30")
    assert "multiple of 4" in error and "got 30" in error
