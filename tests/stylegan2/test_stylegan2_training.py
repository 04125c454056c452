"""`kerasgan train stylegan2`: a run folder, exact resume after SIGKILL, fine-tuning, bad input."""

import json
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from kerasgan.cli import main

INTERVAL_STEPS = 3


@pytest.fixture(scope="module")
def small_npz(tmp_path_factory, mnist_npz):
    """96 real MNIST digits (and a 40-digit set of others) as .npz files."""
    folder = tmp_path_factory.mktemp("digits")
    with np.load(mnist_npz) as archive:
        x_train, y_train = archive["x_train"], archive["y_train"]
    for name, part in (("digits", slice(0, 96)), ("others", slice(-40, None)), ("tiny", slice(0, 5))):
        np.savez(folder / f"{name}.npz", x_train=x_train[part], y_train=y_train[part],
                 x_test=x_train[:8], y_test=y_train[:8])
    return folder


def train_command(dataset, outdir, *extra):
    return [
        sys.executable, "-m", "kerasgan", "train", "stylegan2", "--dataset", str(dataset),
        "--outdir", str(outdir), "--cfg", "small", "--image-size", "32", "--epochs", "1",
        "--batch-size", "8", "--interval-steps", str(INTERVAL_STEPS), "--latent-dim", "16",
        "--augment", "translation", "--augment-p", "ada", "--verbose", "2", *extra,
    ]  # fmt: skip


def checkpoint_state(run_folder):
    """(progress, {checkpoint key: (variable path, value)}) from checkpoint.npz."""
    with np.load(run_folder / "checkpoint.npz") as archive:
        header = json.loads(archive["progress.json"].tobytes())
        values = {key: (path, archive[key].copy()) for key, path in header["variable_paths"].items()}
    return header["progress"], values


def pick(values, ending):
    matches = [value for path, value in values.values() if path.endswith(ending)]
    assert matches, f"no variable ends with {ending}"
    return matches[0]


def test_sigkill_then_the_same_command_continues_exactly(small_npz, tmp_path, capsys):
    command = train_command(small_npz / "digits.npz", tmp_path / "out")
    environment = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "2"}
    first = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, env=environment)
    run_folder = None
    try:
        deadline = time.time() + 600
        while time.time() < deadline and first.poll() is None:
            folders = list((tmp_path / "out").glob("*-stylegan2-*"))
            if folders and (folders[0] / "checkpoint.npz").exists():
                run_folder = folders[0]
                try:
                    progress, _ = checkpoint_state(run_folder)
                except Exception:  # being replaced this very moment
                    progress = {"interval": 0}
                if progress["interval"] >= 2:
                    break
            time.sleep(0.2)
        assert first.poll() is None, first.stdout.read()[-3000:]
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=60)
    finally:
        if first.poll() is None:
            first.kill()
    killed_progress, killed = checkpoint_state(run_folder)

    second = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=600)
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"Resuming {run_folder.name} after interval {killed_progress['interval']}" in second.stdout
    final_progress, final = checkpoint_state(run_folder)
    total_steps = 96 // 8
    assert final_progress["step"] == total_steps
    # Exactly one optimizer step per training step, before and after the kill.
    for network in ("generator_optimizer", "discriminator_optimizer"):
        iterations = [int(value) for key, (path, value) in final.items()
                      if key.startswith(network + "/") and path.endswith("iteration")]
        assert iterations == [total_steps], (network, iterations)
    # The state that makes the run StyleGAN2-ADA came back and moved on from where it was:
    # w_avg every step, the path length mean at step 8 (every 4th step).
    for ending in ("w_avg", "path_length_mean"):
        assert not np.array_equal(pick(final, ending), pick(killed, ending)), ending
    assert float(pick(final, "r1_runs")) == 1  # step 0 only (every 16): not run again on resume
    assert float(pick(final, "path_length_runs")) == 3  # steps 0, 4 and 8
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    assert [line["interval"] for line in stats] == list(range(1, total_steps // INTERVAL_STEPS + 1))
    for interval in range(1, total_steps // INTERVAL_STEPS + 1):
        assert (run_folder / f"fakes_{interval:06d}.png").exists()
        assert (run_folder / f"generator-{interval:06d}.keras").exists()
    # The resumed run goes on measuring how much the grid changes (from the checkpoint's
    # grid) and says how far it is in kimg, with the time left.
    assert all(line["grid_change"] > 0 for line in stats)
    assert f"interval {total_steps // INTERVAL_STEPS}: kimg 0.1/0.1, step {total_steps}," in second.stdout
    assert "0s left" in second.stdout and "grid change " in second.stdout

    # --resume-from fine-tunes on another dataset, and freezes discriminator layers. (In this
    # process: nothing is killed here, and a new one would cost seconds of start-up.)
    tuning = train_command(small_npz / "others.npz", tmp_path / "tuned", "--resume-from",
                           str(run_folder), "--freeze-discriminator-layers", "2")
    assert tuning[1:3] == ["-m", "kerasgan"]
    capsys.readouterr()
    assert main(tuning[3:]) == 0
    assert "Fine-tuning from" in capsys.readouterr().out
    tuned_folder = next((tmp_path / "tuned").glob("*-stylegan2-*"))
    assert (tuned_folder / "generator-000001.keras").exists()


def run_cli(argv, capsys):
    status = main(argv)
    return status, capsys.readouterr().err


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--image-size", "48"], "power of two from 32 to 1024; got image size 48"),
        (["--cfg", "huge"], "cfg must be one of"),
        (["--loss", "hinge"], "--loss hinge does not apply to stylegan2"),
        # StyleGAN2 always trains with Adam(beta_1=0): not its option, not silently ignored.
        (["--beta-1", "0.5"], "--beta-1 0.5 does not apply to stylegan2"),
    ],
)
def test_bad_options_are_one_sentence_and_leave_no_run_folder(small_npz, tmp_path, capsys,
                                                              extra, message):
    argv = ["train", "stylegan2", "--dataset", str(small_npz / "digits.npz"),
            "--outdir", str(tmp_path / "out"), *extra]
    status, error = run_cli(argv, capsys)
    assert status == 2
    assert error.startswith("kerasgan: error: ") and message in error, error
    assert error.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_fewer_images_than_a_batch_is_one_sentence(small_npz, tmp_path, capsys):
    # Its 28 px images are drawn at 32 px (said in a note); five images are then too few.
    status, error = run_cli(["train", "stylegan2", "--dataset", str(small_npz / "tiny.npz"),
                             "--cfg", "small", "--outdir", str(tmp_path / "out")], capsys)
    assert status == 2 and "Only 5 images" in error and "batch_size=32" in error
    assert error.count("kerasgan: error:") == 1
    assert not (tmp_path / "out").exists()


def test_a_snapshot_of_another_model_for_resume_from_is_one_sentence(small_npz, tmp_path, capsys):
    from kerasgan.models.dcgan import dcgan_generator

    snapshot = tmp_path / "generator-000001.keras"
    dcgan_generator((32, 32, 1), latent_dim=16, base_filters=8).save(snapshot)
    status, error = run_cli(["train", "stylegan2", "--dataset", str(small_npz / "digits.npz"),
                             "--cfg", "small", "--image-size", "32", "--batch-size", "8",
                             "--latent-dim", "16", "--resume-from", str(snapshot), "--outdir", str(tmp_path / "out")],
                            capsys)
    assert status == 2 and str(snapshot) in error and error.count("\n") == 1, error
    assert not (tmp_path / "out").exists()
