"""With --deterministic, a run killed and resumed is bit for bit the run that never stopped.

A tiny model trains straight in one process; in two more, the same command
trains part of the way, is killed with SIGKILL just after a checkpoint, and is
run again to finish. Every array of the final checkpoints (both networks, both
optimizers, the random generator states, the fixed latents) must be equal bit
for bit: the RNG state, the data pipeline's position in its shuffled epochs and
the fixed latents are all restored.

Two models: a DCGAN, and a StyleGAN2 whose run is long enough that its lazy
regularizers run on both sides of the kill (R1 every 16 discriminator steps:
steps 0 and 16; path length every 4 generator steps: 0, 4, 8 and 12, 16), with
style mixing, the generator average and ADA's augmentation probability p, all
of which must come back from the checkpoint as they were. For StyleGAN2 this is
also the test of `kerasgan train stylegan2`'s run folder after a resume: every
interval's line, grid and snapshot once, and what the resumed run printed.
"""

import json

import numpy as np
import pytest
from killing_child import finish_child, run_child, start_child

from kerasgan.training import checkpoint

INTERVAL_STEPS = 3  # an interval that does not divide the 5-step epoch: resumes mid-epoch
STEPS_PER_EPOCH = 5

# model: (batch size, epochs, the checkpoint to kill after, the model's own options)
RUNS = {
    "dcgan": (8, 3, 2, [
        "--latent-dim", "8", "--generator-filters", "8", "--discriminator-filters", "8",
        "--augment", "translation,cutout",
    ]),
    # 20 steps, killed after step 9: R1 runs at steps 0 and 16, path length at 0, 4, 8, 12, 16.
    "stylegan2": (4, 4, 3, [
        "--cfg", "small", "--image-size", "32", "--latent-dim", "16",
        "--augment", "translation", "--augment-p", "ada",
    ]),
}  # fmt: skip


def arguments(model, dataset, outdir):
    batch_size, epochs, _, model_options = RUNS[model]
    return [
        "train", model, "--dataset", str(dataset), "--outdir", str(outdir),
        "--epochs", str(epochs), "--batch-size", str(batch_size),
        "--interval-steps", str(INTERVAL_STEPS), *model_options,
        "--deterministic", "--verbose", "2",
    ]  # fmt: skip


def final_arrays(outdir):
    (run_folder,) = outdir.iterdir()
    header, arrays = checkpoint.read_checkpoint_file(run_folder / "checkpoint.npz")
    return header, arrays


def variable(header, arrays, ending):
    """The saved value of the one model variable whose path ends with `ending`."""
    (key,) = [key for key, path in header["variable_paths"].items() if path.endswith(ending)]
    return arrays[key]


@pytest.mark.parametrize("model", sorted(RUNS))
def test_killed_and_resumed_equals_straight_bit_for_bit(model, mnist_npz, tmp_path):
    batch_size, epochs, kill_after, _ = RUNS[model]
    with np.load(mnist_npz) as archive:
        digits = {key: archive[key][: STEPS_PER_EPOCH * batch_size + 3] for key in archive.files}
    dataset = tmp_path / "digits.npz"
    np.savez(dataset, **digits)

    # The straight run goes on in the background while the other is killed and resumed.
    straight = start_child(arguments(model, dataset, tmp_path / "straight"))
    killed = run_child(arguments(model, dataset, tmp_path / "resumed"), kill_after=kill_after)
    assert killed.returncode == -9 and f"killed after checkpoint {kill_after}" in killed.stdout
    resumed = run_child(arguments(model, dataset, tmp_path / "resumed"))
    assert resumed.returncode == 0, resumed.stdout[-2000:] + resumed.stderr[-2000:]
    straight = finish_child(straight)
    assert straight.returncode == 0, straight.stdout[-2000:] + straight.stderr[-2000:]
    assert f"after interval {kill_after} (step {kill_after * INTERVAL_STEPS}" in resumed.stdout

    straight_header, straight_arrays = final_arrays(tmp_path / "straight")
    resumed_header, resumed_arrays = final_arrays(tmp_path / "resumed")
    total_steps = epochs * STEPS_PER_EPOCH
    assert straight_header["progress"]["step"] == resumed_header["progress"]["step"] == total_steps
    assert sorted(straight_arrays) == sorted(resumed_arrays)
    generator_keys = straight_header["networks"]["generator"]
    for key in generator_keys + sorted(straight_arrays):
        np.testing.assert_array_equal(straight_arrays[key], resumed_arrays[key], err_msg=key)
    # Exactly one optimizer step per training step, before and after the kill.
    for network in ("generator_optimizer", "discriminator_optimizer"):
        iterations = [int(resumed_arrays[key])
                      for key, path in resumed_header["variable_paths"].items()
                      if key.startswith(network + "/") and path.endswith("iteration")]
        assert iterations == [total_steps], (network, iterations)
    if model == "stylegan2":
        # The regularizers ran on both sides of the kill (so their state crossed it).
        assert float(variable(resumed_header, resumed_arrays, "r1_runs")) == 2  # steps 0, 16
        assert float(variable(resumed_header, resumed_arrays, "path_length_runs")) == 5
        assert float(variable(resumed_header, resumed_arrays, "path_length_mean")) > 0
        assert_the_resumed_run_folder_is_whole(tmp_path / "resumed", resumed.stdout, total_steps)


def assert_the_resumed_run_folder_is_whole(outdir, printed, total_steps):
    """Each interval's stats line, grid and snapshot once; the resumed run's progress lines."""
    (run_folder,) = outdir.iterdir()
    intervals = -(-total_steps // INTERVAL_STEPS)  # the last one cut short at the run's end
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    assert [line["interval"] for line in stats] == list(range(1, intervals + 1))
    for interval in range(1, intervals + 1):
        assert (run_folder / f"fakes_{interval:06d}.png").exists()
        assert (run_folder / f"generator-{interval:06d}.keras").exists()
    # The resumed run goes on measuring how much the grid changes (from the checkpoint's
    # grid) and says how far it is in kimg, with the time left.
    assert all(line["grid_change"] > 0 for line in stats)
    assert f"interval {intervals}: kimg 0.1/0.1, step {total_steps}," in printed, printed[-2000:]
    assert "0s left" in printed and "grid change " in printed
