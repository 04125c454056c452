"""Killed during a checkpoint write, five times at random moments: every rerun resumes.

Each run is the same `kerasgan train` command, in a child process that kills
itself with SIGKILL at a randomly chosen moment inside a checkpoint write: after
a temporary file is created, before the previous checkpoint is linked, before it
is renamed, or before the new checkpoint is renamed over the old one. A sixth
run finishes. After every kill the checkpoint reads back whole, the rerun
resumes from it, and at the end no file is missing and no temporary file is left.
"""

import json
import os
import random
import subprocess
import sys

import numpy as np
from killing_child import CHILD

from kerasgan.training import checkpoint

INTERVALS = 8
INTERVAL_STEPS = 2
BATCH_SIZE = 8

def train_arguments(dataset, outdir):
    return [
        "train", "dcgan", "--dataset", str(dataset), "--outdir", str(outdir),
        "--epochs", str(INTERVALS), "--batch-size", str(BATCH_SIZE),
        "--interval-steps", str(INTERVAL_STEPS), "--latent-dim", "8",
        "--generator-filters", "8", "--discriminator-filters", "8", "--verbose", "2",
    ]


def small_dataset(mnist_npz, folder):
    """16 digits: an epoch is the 2 steps of an interval."""
    with np.load(mnist_npz) as archive:
        arrays = {key: archive[key][: 2 * BATCH_SIZE] for key in archive.files}
    path = folder / "digits.npz"
    np.savez(path, **arrays)
    return path


def run(arguments, kill_at):
    environment = {**os.environ, "KILL_AT": str(kill_at), "TF_CPP_MIN_LOG_LEVEL": "2"}
    return subprocess.run(
        [sys.executable, "-c", CHILD, *arguments],
        capture_output=True, text=True, env=environment, timeout=600,
    )


def test_five_kills_inside_checkpoint_writes_all_resume(mnist_npz, tmp_path):
    arguments = train_arguments(small_dataset(mnist_npz, tmp_path), tmp_path / "results")
    chooser = random.Random(os.environ.get("KERASGAN_KILL_SEED", "21"))
    resumed_from = None
    run_folder = None
    for kill in range(5):
        # The first save makes 2 operations (no previous checkpoint yet), later ones 4.
        kill_at = chooser.randint(3 if kill == 0 else 1, 8)
        result = run(arguments, kill_at)
        assert result.returncode == -9, result.stdout[-2000:] + result.stderr[-2000:]
        assert "killed before" in result.stdout
        if resumed_from is not None:
            assert f"Resuming {run_folder.name} after interval {resumed_from}" in result.stdout
        (run_folder,) = (tmp_path / "results").iterdir()
        # Whatever the kill interrupted, the checkpoint reads back whole.
        header = checkpoint.read_header(run_folder / "checkpoint.npz")
        resumed_from = header["progress"]["interval"]

    final = run(arguments, 0)
    assert final.returncode == 0, final.stdout[-2000:] + final.stderr[-2000:]
    assert f"Resuming {run_folder.name} after interval {resumed_from}" in final.stdout
    assert [p.name for p in (tmp_path / "results").iterdir()] == [run_folder.name]

    names = sorted(p.name for p in run_folder.iterdir())
    assert not [name for name in names if name.startswith(".tmp-")], names
    for interval in range(1, INTERVALS + 1):
        assert f"fakes_{interval:06d}.png" in names
        assert f"generator-{interval:06d}.keras" in names
    assert "checkpoint-previous.npz" in names
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    assert [line["interval"] for line in stats] == list(range(1, INTERVALS + 1))
    header = checkpoint.read_header(run_folder / "checkpoint.npz")
    assert header["progress"]["interval"] == INTERVALS
    assert header["progress"]["step"] == INTERVALS * INTERVAL_STEPS
