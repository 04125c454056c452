"""`kerasgan train stylegan2`: fine-tuning and bad input (exact resume: tests/reliability)."""

import sys

import numpy as np
import pytest

from kerasgan.cli import main

INTERVAL_STEPS = 3


@pytest.fixture(scope="module")
def small_npz(tmp_path_factory, mnist_npz):
    """96 real MNIST digits (and sets of 24, 24 others and 5) as .npz files."""
    folder = tmp_path_factory.mktemp("digits")
    with np.load(mnist_npz) as archive:
        x_train, y_train = archive["x_train"], archive["y_train"]
    parts = (("digits", slice(0, 96)), ("few", slice(0, 24)), ("others", slice(-24, None)),
             ("tiny", slice(0, 5)))
    for name, part in parts:
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


def test_resume_from_fine_tunes_on_another_dataset_with_frozen_discriminator_layers(
    small_npz, tmp_path, capsys
):
    # Exact resume after SIGKILL, with the run folder it leaves, is tested with StyleGAN2's
    # lazy regularizers in tests/reliability/test_deterministic_resume.py. Here, in this
    # process: a run of one interval (24 digits, 3 steps), then --resume-from it on
    # 24 others (3 steps).
    first = train_command(small_npz / "few.npz", tmp_path / "out")
    assert main(first[3:]) == 0
    (run_folder,) = (tmp_path / "out").glob("*-stylegan2-*")
    capsys.readouterr()
    tuning = train_command(small_npz / "others.npz", tmp_path / "tuned", "--resume-from",
                           str(run_folder), "--freeze-discriminator-layers", "2")
    assert main(tuning[3:]) == 0
    printed = capsys.readouterr().out
    assert "Fine-tuning from" in printed, printed[-2000:]
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
