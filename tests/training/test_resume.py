"""A training process killed with SIGKILL resumes exactly, and leaves no half-written file."""

import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest

INTERVAL_STEPS = 10


def train_command(dataset, outdir):
    return [
        sys.executable, "-m", "kerasgan", "train", "dcgan",
        "--dataset", str(dataset), "--outdir", str(outdir),
        "--epochs", "1", "--batch-size", "64", "--interval-steps", str(INTERVAL_STEPS),
        "--latent-dim", "16", "--generator-filters", "8", "--discriminator-filters", "8",
        "--verbose", "2",
    ]


def checkpoint_state(run_folder):
    """(progress, fixed latents, generator optimizer iterations) from checkpoint.npz."""
    with np.load(run_folder / "checkpoint.npz") as archive:
        header = json.loads(archive["progress.json"].tobytes())
        iterations = [
            int(archive[key]) for key, path in header["variable_paths"].items()
            if key.startswith("generator_optimizer/") and path.endswith("iteration")
        ]
        return header["progress"], archive["array/fixed_latents"].copy(), iterations


def assert_every_file_is_whole(run_folder, temporaries_allowed=False):
    """Every file opens; only a hidden .tmp- file (never a real name) may be unfinished."""
    import cv2

    names = sorted(p.name for p in run_folder.iterdir())
    if not temporaries_allowed:
        assert not [n for n in names if n.startswith(".tmp-")], names
    for path in run_folder.iterdir():
        if path.name.startswith(".tmp-"):
            continue
        if path.suffix == ".png":
            assert cv2.imread(str(path)) is not None, path
        elif path.suffix == ".keras":
            with zipfile.ZipFile(path) as archive:
                assert archive.testzip() is None, path
        elif path.suffix == ".json":
            json.loads(path.read_text())
        elif path.suffix == ".jsonl":
            [json.loads(line) for line in path.read_text().splitlines()]
        elif path.suffix == ".npz":
            with np.load(path) as archive:
                archive["progress.json"]


def test_sigkill_after_a_checkpoint_then_rerun_continues_exactly(mnist_npz, tmp_path, capsys):
    outdir = tmp_path / "results"
    command = train_command(mnist_npz, outdir)
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2", "PYTHONUNBUFFERED": "1"}
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             env=environment, text=True)
    try:
        # Wait until two intervals have been checkpointed, then kill without warning.
        deadline = time.time() + 300
        run_folder = None
        while time.time() < deadline:
            folders = list(outdir.glob("00000-*"))
            if folders and (folders[0] / "checkpoint.npz").exists():
                run_folder = folders[0]
                try:
                    progress, _, _ = checkpoint_state(run_folder)
                except Exception:  # never half-written, but a reader may race the rename
                    progress = {"interval": 0}
                if progress["interval"] >= 2:
                    break
            if first.poll() is not None:
                pytest.fail("training ended before it could be killed:\n" + first.stdout.read())
            time.sleep(0.2)
        else:
            pytest.fail("no second checkpoint within 300 s")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
        first.stdout.close()

    killed_progress, killed_latents, killed_iterations = checkpoint_state(run_folder)
    assert killed_iterations == [killed_progress["step"]]
    assert_every_file_is_whole(run_folder, temporaries_allowed=True)

    # The same command again: it must find the run, and go on from the checkpoint.
    second = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600)
    assert second.returncode == 0, second.stdout[-3000:] + second.stderr[-3000:]
    resumed = killed_progress["interval"]
    assert f"Resuming {run_folder.name} after interval {resumed}" in second.stdout
    assert sorted(p.name for p in outdir.iterdir()) == [run_folder.name]  # no second run
    assert run_folder.name == "00000-dcgan-mnist_subset"  # named by the data file's stem

    steps_per_epoch = 3678 // 64
    total_intervals = -(-steps_per_epoch // INTERVAL_STEPS)
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    assert [line["interval"] for line in stats] == list(range(1, total_intervals + 1))
    # Training stops at the end of the epoch: the last interval is cut short.
    assert [line["step"] for line in stats] == [
        min(INTERVAL_STEPS * i, steps_per_epoch) for i in range(1, total_intervals + 1)
    ]
    final_progress, final_latents, final_iterations = checkpoint_state(run_folder)
    assert final_progress["interval"] == total_intervals
    assert final_iterations == [steps_per_epoch]
    np.testing.assert_array_equal(final_latents, killed_latents)
    assert_every_file_is_whole(run_folder)
    for interval in range(1, total_intervals + 1):
        assert (run_folder / f"fakes_{interval:06d}.png").exists()
        assert (run_folder / f"generator-{interval:06d}.keras").exists()

    # A third run of the same command has nothing left to do, and says so. (In this process:
    # no process is killed here, and a new one would cost seconds of TensorFlow start-up.)
    from kerasgan.cli import main

    assert command[1:3] == ["-m", "kerasgan"]
    assert main(command[3:]) == 0
    assert "already finished" in capsys.readouterr().out
