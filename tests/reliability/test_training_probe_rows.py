"""The training rows of the second bad-input and fault probe: one trainer per run, Ctrl-C
before the first checkpoint, and inputs that used to be accepted or answered in numpy's words."""

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from kerasgan.cli import main

TINY = [
    "--batch-size", "8", "--latent-dim", "8", "--generator-filters", "8",
    "--discriminator-filters", "8", "--verbose", "0",
]


def train_argv(digits, outdir, *more):
    return ["train", "dcgan", "--dataset", str(digits), "--outdir", str(outdir), *TINY, *more]


def contents(folder):
    """Every file under `folder` (relative name -> bytes) but the lock, whose text names the
    process training the run: to check that nothing else changed."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and path.name != ".lock"
    }


# ------------------------------------------------------------- one trainer per run

HOLDER = textwrap.dedent(
    """
    import sys, time
    from kerasgan.training.run_folder import TrainingRun
    lock = TrainingRun(sys.argv[1]).lock()
    print("holding", flush=True)
    time.sleep(600)
    """
)


def test_a_second_trainer_of_one_run_is_refused_and_a_killed_one_leaves_no_lock(
    digits, tmp_path, capsys
):
    assert main(train_argv(digits, tmp_path, "--epochs", "1")) == 0
    (run_folder,) = [p for p in tmp_path.iterdir() if p.is_dir()]
    before = contents(run_folder)
    # Another process trains the run: it holds the run's lock as `kerasgan train` does.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(run_folder)], stdout=subprocess.PIPE, text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "holding"
        capsys.readouterr()
        assert main(train_argv(digits, tmp_path, "--epochs", "2")) == 2
        error = capsys.readouterr().err
        assert error.startswith(
            f"kerasgan: error: {run_folder} is being trained by process {holder.pid} on "
        ), error
        assert "wait for it to finish or stop it first" in error and error.count("\n") == 1
        # Nothing written: not a stats line, not a snapshot, no new run folder.
        assert contents(run_folder) == before
        assert sorted(p.name for p in tmp_path.iterdir()) == [run_folder.name]
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    # A killed trainer's lock ends with it: the same command now continues the run.
    assert main(train_argv(digits, tmp_path, "--epochs", "2")) == 0
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    assert [line["interval"] for line in stats] == [1, 2]
    assert sorted(p.name for p in tmp_path.iterdir()) == [run_folder.name]


def test_two_new_runs_made_at_once_get_two_numbers(tmp_path, monkeypatch):
    from kerasgan.training import run_folder

    # The other process makes 00000 between this one's listing and its mkdir.
    listing = run_folder.Path.iterdir

    def listing_then_other_process(self):
        names = list(listing(self))
        (tmp_path / "00000-dcgan-digits").mkdir(exist_ok=True)
        return iter(names)

    monkeypatch.setattr(run_folder.Path, "iterdir", listing_then_other_process)
    run = run_folder.TrainingRun.create(tmp_path, "dcgan-digits")
    assert run.path.name == "00001-dcgan-digits"


# ------------------------------------------------------- Ctrl-C before a checkpoint


def interrupted_fit(*args, **kwargs):
    raise KeyboardInterrupt


def test_ctrl_c_before_the_first_checkpoint_removes_the_run_and_says_so(
    digits, tmp_path, capsys, monkeypatch
):
    from kerasgan.training import trainer

    monkeypatch.setattr(trainer, "_fit", interrupted_fit)
    assert main(train_argv(digits, tmp_path, "--epochs", "1")) == 130
    error = capsys.readouterr().err
    removed = tmp_path / "00000-dcgan-digits"
    assert f"Interrupted before the first checkpoint: removed {removed}, which held no training " \
        "yet. Run the same command again to start over." in error
    assert "continue" not in error
    assert list(tmp_path.iterdir()) == []
    # The same command starts over as 00000, not 00001 beside an empty 00000.
    monkeypatch.undo()
    assert main(train_argv(digits, tmp_path, "--epochs", "1")) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["00000-dcgan-digits"]


def test_ctrl_c_after_a_checkpoint_continues_the_same_run(digits, tmp_path, capsys, monkeypatch):
    from kerasgan.training import trainer

    assert main(train_argv(digits, tmp_path, "--epochs", "1")) == 0
    (run_folder,) = tmp_path.iterdir()
    before = contents(run_folder)
    monkeypatch.setattr(trainer, "_fit", interrupted_fit)
    assert main(train_argv(digits, tmp_path, "--epochs", "2")) == 130
    error = capsys.readouterr().err
    assert f"Interrupted. Run the same command again to continue {run_folder.name}" in error
    assert contents(run_folder) == before
    monkeypatch.undo()
    assert main(train_argv(digits, tmp_path, "--epochs", "2")) == 0
    assert [p.name for p in tmp_path.iterdir()] == [run_folder.name]
    # The README's listing of a run folder names every kind of file a run of two intervals has.
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    listing = readme.split("results/00000-dcgan-mnist/\n", 1)[1].split("```", 1)[0]
    kinds = {re.sub(r"\d{6}", "000001", p.name) + ("/" if p.is_dir() else "")
             for p in run_folder.iterdir() if not p.name.startswith(".")}  # fmt: skip
    assert "checkpoint-previous.npz" in kinds
    assert sorted(kind for kind in kinds if kind not in listing) == []


# ----------------------------------------------------------- inputs refused early


@pytest.mark.parametrize(
    "value, sentence",
    [
        ("0", "latent_dim must be a whole number of 1 or more; got 0: pass --latent-dim 1 or more."),
        ("-5", "latent_dim must be a whole number of 1 or more; got -5: pass --latent-dim 1 or more."),
    ],
)
def test_stylegan2_latent_dim_below_1_is_refused(tmp_path, capsys, value, sentence):
    argv = ["train", "stylegan2", "--dataset", "mnist", "--outdir", str(tmp_path),
            "--latent-dim", value]  # fmt: skip
    assert main(argv) == 2
    assert capsys.readouterr().err == f"kerasgan: error: {sentence}\n"
    assert list(tmp_path.iterdir()) == []


def test_stylegan2_on_an_mnist_npz_draws_32_pixels_and_says_so(mnist_npz, capsys):
    from kerasgan.training.trainer import resolve_options

    options = resolve_options("stylegan2", str(mnist_npz))
    assert options.image_size == 32
    assert (
        "kerasgan: mnist_subset.npz holds 28-pixel images; StyleGAN2 draws powers of two, so they "
        "are resized to 32 (pass --image-size to choose another size)." in capsys.readouterr().err
    )
    # A size given on the command line wins, and a size StyleGAN2 draws needs no note.
    assert resolve_options("stylegan2", str(mnist_npz), image_size=64).image_size == 64
    assert capsys.readouterr().err == ""


def test_cyclegan_with_the_same_folder_twice_is_refused(tmp_path, capsys):
    folder = tmp_path / "photos"
    folder.mkdir()
    outdir = tmp_path / "results"
    argv = ["train", "cyclegan", "--data-a", str(folder), "--data-b", str(folder) + "/",
            "--outdir", str(outdir)]  # fmt: skip
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error == (
        f"kerasgan: error: --data-a and --data-b are the same folder ({folder}): CycleGAN "
        "translates between two different sets of images, so pass a second folder to --data-b.\n"
    )
    assert not outdir.exists()


def test_train_outdir_under_a_file_is_refused_before_the_data_loads(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    argv = ["train", "dcgan", "--dataset", str(tmp_path / "missing.npz"),
            "--outdir", str(notes / "results")]  # fmt: skip
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error == (
        f"kerasgan: error: Cannot write --outdir {notes}/results: {notes} is a file, not a folder; "
        "choose another path.\n"
    )
    assert notes.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_a_text_file_named_npz_is_not_called_pickled_data(tmp_path, capsys):
    text = tmp_path / "digits.npz"
    text.write_text("x,y\n1,2\n")
    outdir = tmp_path / "results"
    assert main(train_argv(text, outdir, "--epochs", "1")) == 2
    error = capsys.readouterr().err
    assert error == (
        f"kerasgan: error: {text} is damaged or is not an .npz file (it is not a zip archive): "
        "save it again with np.savez(path, x_train=..., y_train=..., x_test=..., y_test=...).\n"
    )
    assert "pickle" not in error
    assert not outdir.exists()


def test_an_npz_with_no_images_says_so(tmp_path, capsys):
    empty = tmp_path / "empty.npz"
    nothing = np.zeros((0, 28, 28), np.uint8)
    np.savez(empty, x_train=nothing, y_train=np.zeros(0), x_test=nothing, y_test=np.zeros(0))
    outdir = tmp_path / "results"
    assert main(train_argv(empty, outdir, "--epochs", "1")) == 2
    error = capsys.readouterr().err
    assert error == (
        f"kerasgan: error: x_train in {empty} holds 0 images: save the training images in it, "
        "np.savez(path, x_train=..., y_train=..., x_test=..., y_test=...).\n"
    )
    assert not outdir.exists()


def test_resume_from_a_text_file_named_keras_is_not_called_missing(digits, tmp_path, capsys):
    text = tmp_path / "generator.keras"
    text.write_text("not a model")
    outdir = tmp_path / "results"
    assert main(train_argv(digits, outdir, "--epochs", "1", "--resume-from", str(text))) == 2
    error = capsys.readouterr().err
    assert error == (
        f"kerasgan: error: {text} is not a kerasgan snapshot (it is not a zip archive, so it is "
        "damaged or another kind of file): pass a run folder, its checkpoint.npz, or a "
        "generator-*.keras snapshot.\n"
    )
    assert "not found" not in error
    assert not outdir.exists()


def test_a_tiny_image_in_a_training_folder_is_named(tmp_path, capsys):
    from PIL import Image

    from kerasgan.data import image_folder

    folder = tmp_path / "photos"
    folder.mkdir()
    for index in range(3):
        Image.new("RGB", (64, 64), (40 * index, 90, 200)).save(folder / f"photo{index}.png")
    Image.new("RGB", (1, 1), (255, 0, 0)).save(folder / "icon.png")
    dataset = image_folder(folder, 64, batch_size=2)
    assert len(dataset.file_paths) == 4  # kept: it is an image, only a poor one
    assert capsys.readouterr().err == (
        "kerasgan: 1 image is less than half of 64 px on the short side and will be enlarged to "
        "it, blurred (icon.png (1 px)): remove it or pass a smaller --image-size.\n"
    )
    # Images at or above half the size are enlarged without a note.
    (folder / "icon.png").unlink()
    image_folder(folder, 64, batch_size=2)
    assert capsys.readouterr().err == ""


def test_sample_it_is_quoted_for_a_path_with_spaces(tmp_path):
    from kerasgan.training.recipe import sample_it
    from kerasgan.training.run_folder import TrainingRun

    run = TrainingRun(tmp_path / "My Drive" / "00000-dcgan-mnist")
    run.path.mkdir(parents=True)
    run.snapshot_path(3).write_bytes(b"")
    line = sample_it(run)[1]
    assert line == (
        f"Sample it:        kerasgan generate --snapshot '{run.snapshot_path(3)}' --num 64 "
        "--out grid.png"
    )


# ------------------------------------------------------------------ a full disk


def test_a_full_disk_names_the_file_keeps_the_run_and_resumes_once_there_is_room(
    digits, small_disk, fill_disk, capsys
):
    outdir = small_disk / "results"
    assert main(train_argv(digits, outdir, "--epochs", "1")) == 0
    (run_folder,) = outdir.iterdir()
    before = contents(run_folder)
    ballast = fill_disk(small_disk)
    capsys.readouterr()
    assert main(train_argv(digits, outdir, "--epochs", "2")) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith(f"kerasgan: error: The disk is full: {run_folder}/"), error
    assert "could not be written (" in error and f"free in {run_folder}); the files already " \
        "there are kept: free some space, or choose another folder, and run the same command " \
        "again." in error
    assert "[Errno 28]" not in error
    # The first interval's checkpoint, snapshot and stats are as they were, byte for byte,
    # and no temporary file is left.
    after = contents(run_folder)
    assert {name: after.get(name) for name in before} == before
    assert not [name for name in after if ".tmp-" in name]
    ballast.unlink()
    assert main(train_argv(digits, outdir, "--epochs", "2")) == 0
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    assert [line["interval"] for line in stats] == [1, 2]


def test_a_disk_full_before_the_first_checkpoint_leaves_no_run_folder(
    digits, small_disk, fill_disk, capsys
):
    outdir = small_disk / "results"
    outdir.mkdir()
    fill_disk(small_disk)
    assert main(train_argv(digits, outdir, "--epochs", "1")) == 2
    error = capsys.readouterr().err
    assert f"kerasgan: error: The disk is full: {outdir}/00000-dcgan-digits/" in error
    assert f"kerasgan: removed {outdir}/00000-dcgan-digits, which had no checkpoint yet." in error
    assert list(outdir.iterdir()) == []
