"""With --deterministic, a run killed and resumed is bit for bit the run that never stopped.

A tiny DCGAN trains 2N steps straight in one process; in two more, the same
command trains N steps, is killed with SIGKILL just after the checkpoint of
step N, and is run again to finish. Every array of the final checkpoints (both
networks, both optimizers, the random generator states, the fixed latents) must
be equal bit for bit: the RNG state, the data pipeline's position in its
shuffled epochs and the fixed latents are all restored.
"""

import os
import subprocess
import sys

import numpy as np
from killing_child import CHILD

from kerasgan.training import checkpoint

BATCH_SIZE = 8
INTERVAL_STEPS = 3  # an interval that does not divide the 5-step epoch: resumes mid-epoch



def arguments(dataset, outdir):
    return [
        "train", "dcgan", "--dataset", str(dataset), "--outdir", str(outdir),
        "--epochs", "3", "--batch-size", str(BATCH_SIZE),
        "--interval-steps", str(INTERVAL_STEPS), "--latent-dim", "8",
        "--generator-filters", "8", "--discriminator-filters", "8",
        "--augment", "translation,cutout", "--deterministic", "--verbose", "2",
    ]


def run(argv, kill_after=0):
    environment = {
        **os.environ, "KILL_AFTER_CHECKPOINT": str(kill_after), "TF_CPP_MIN_LOG_LEVEL": "2",
    }
    return subprocess.run(
        [sys.executable, "-c", CHILD, *argv], capture_output=True, text=True,
        env=environment, timeout=600,
    )


def final_arrays(outdir):
    (run_folder,) = outdir.iterdir()
    header, arrays = checkpoint.read_checkpoint_file(run_folder / "checkpoint.npz")
    return header, arrays


def test_killed_and_resumed_equals_straight_bit_for_bit(mnist_npz, tmp_path):
    with np.load(mnist_npz) as archive:
        digits = {key: archive[key][: 5 * BATCH_SIZE + 3] for key in archive.files}
    dataset = tmp_path / "digits.npz"
    np.savez(dataset, **digits)

    straight = run(arguments(dataset, tmp_path / "straight"))
    assert straight.returncode == 0, straight.stdout[-2000:] + straight.stderr[-2000:]

    killed = run(arguments(dataset, tmp_path / "resumed"), kill_after=2)
    assert killed.returncode == -9 and "killed after checkpoint 2" in killed.stdout
    resumed = run(arguments(dataset, tmp_path / "resumed"))
    assert resumed.returncode == 0, resumed.stdout[-2000:] + resumed.stderr[-2000:]
    assert "after interval 2 (step 6" in resumed.stdout

    straight_header, straight_arrays = final_arrays(tmp_path / "straight")
    resumed_header, resumed_arrays = final_arrays(tmp_path / "resumed")
    assert straight_header["progress"]["step"] == resumed_header["progress"]["step"] == 15
    assert sorted(straight_arrays) == sorted(resumed_arrays)
    generator_keys = straight_header["networks"]["generator"]
    for key in generator_keys + sorted(straight_arrays):
        np.testing.assert_array_equal(straight_arrays[key], resumed_arrays[key], err_msg=key)
