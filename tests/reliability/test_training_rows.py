"""The trainer's rows of issue 21: --kimg stops on time, messages name the options used."""

import json

import pytest

from kerasgan.cli import main

TINY = [
    "--batch-size", "8", "--latent-dim", "8", "--generator-filters", "8",
    "--discriminator-filters", "8", "--verbose", "2",
]


@pytest.fixture(scope="module")
def kimg_run(digits, tmp_path_factory):
    outdir = tmp_path_factory.mktemp("kimg")
    argv = ["train", "dcgan", "--dataset", str(digits), "--outdir", str(outdir), "--kimg", "1",
            "--interval-steps", "50", *TINY]
    assert main(argv) == 0
    (run_folder,) = outdir.iterdir()
    return argv, run_folder


def test_training_stops_at_kimg_even_inside_an_epoch(kimg_run):
    _, run_folder = kimg_run
    stats = [json.loads(line) for line in (run_folder / "stats.jsonl").read_text().splitlines()]
    # 1,000 images are 125 steps of 8: two intervals of 50 steps and a last one of 25.
    assert [line["step"] for line in stats] == [50, 100, 125]
    assert stats[-1]["images_seen"] == 1000


def test_a_finished_kimg_run_names_kimg(kimg_run, capsys):
    argv, run_folder = kimg_run
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert f"{run_folder.name} has already finished its 1 kimg (1,000 images). Pass a larger --kimg" in out
    assert "--epochs" not in out.split("has already finished")[1]


def test_resuming_with_another_image_size_names_the_option(kimg_run, digits, capsys):
    _, run_folder = kimg_run
    argv = ["train", "dcgan", "--dataset", str(digits), "--resume", str(run_folder),
            "--image-size", "32", "--kimg", "1", *TINY]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kerasgan: error: {run_folder} was trained with --image-size 28, not 32")
    assert error.count("\n") == 1


def test_a_negative_learning_rate_is_refused(digits, tmp_path, capsys):
    argv = ["train", "dcgan", "--dataset", str(digits), "--outdir", str(tmp_path),
            "--learning-rate", "-1", *TINY]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith("kerasgan: error: learning_rate must be")
    assert "-1" in error
    assert not list(tmp_path.iterdir())  # refused before a run folder was made


def test_image_size_0_lists_the_sizes(digits, tmp_path, capsys):
    argv = ["train", "dcgan", "--dataset", str(digits), "--outdir", str(tmp_path),
            "--image-size", "0", *TINY]
    assert main(argv) == 2
    assert "got 0: pass a size the model takes, such as --image-size 64 (dcgan and cgan: 28, 32, " \
        "64, 128 or 256)." in capsys.readouterr().err
