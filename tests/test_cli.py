"""The command line: fast help with real examples, and one clear sentence for bad input."""

import subprocess
import sys

import numpy as np
import pytest

from kerasgan.cli import COMMANDS, main


def test_help_answers_without_importing_tensorflow():
    script = (
        "import sys, contextlib, io\n"
        "from kerasgan.cli import main\n"
        "for argv in (['--help'], ['train', 'dcgan', '--help'], ['generate', '--help']):\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        try:\n"
        "            main(argv)\n"
        "        except SystemExit:\n"
        "            pass\n"
        "print(sorted(m for m in ('tensorflow', 'keras') if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


@pytest.mark.parametrize("argv", [["--help"], ["train", "dcgan", "--help"], ["generate", "--help"]])
def test_help_shows_real_example_command_lines(argv, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 0
    text = capsys.readouterr().out
    assert "examples:" in text
    assert "  kerasgan " in text


def test_every_registered_command_has_help_with_examples(capsys):
    from kerasgan.cli import _available_commands

    available = _available_commands()
    assert {"train", "generate"} <= set(available)
    assert set(available) <= set(COMMANDS)
    for name in available:
        with pytest.raises(SystemExit):
            main([name, "--help"])
        assert "kerasgan " + name in capsys.readouterr().out


def run_cli(argv, capsys):
    status = main(argv)
    captured = capsys.readouterr()
    return status, captured.err


def test_unknown_dataset_name_is_one_sentence_and_writes_nothing(tmp_path, capsys):
    status, error = run_cli(
        ["train", "dcgan", "--dataset", "mnsit", "--outdir", str(tmp_path / "out")], capsys
    )
    assert status == 2
    assert error.startswith("kerasgan: error: Unknown dataset 'mnsit'")
    assert "mnist" in error and error.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_missing_and_empty_folders_are_clear_errors(tmp_path, capsys):
    status, error = run_cli(
        ["train", "dcgan", "--dataset", str(tmp_path / "nowhere"), "--outdir", str(tmp_path / "o")],
        capsys,
    )
    assert status == 2 and "nowhere" in error and error.count("\n") == 1
    empty = tmp_path / "empty"
    empty.mkdir()
    status, error = run_cli(
        ["train", "dcgan", "--dataset", str(empty), "--outdir", str(tmp_path / "o")], capsys
    )
    assert status == 2 and "empty" in error and error.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_unsupported_image_size_writes_no_run_folder(mnist_npz, tmp_path, capsys):
    status, error = run_cli(
        ["train", "dcgan", "--dataset", str(mnist_npz), "--image-size", "48",
         "--outdir", str(tmp_path / "out")],
        capsys,
    )
    assert status == 2
    assert "DCGAN supports square images of 28 pixels or a power of two" in error
    assert not (tmp_path / "out").exists()


def test_unknown_loss_is_a_clear_error(mnist_npz, tmp_path, capsys):
    status, error = run_cli(
        ["train", "dcgan", "--dataset", str(mnist_npz), "--loss", "wgan", "--outdir", str(tmp_path)],
        capsys,
    )
    assert status == 2 and "Unknown GAN loss 'wgan'" in error
    assert list(tmp_path.iterdir()) == []


def test_generate_refuses_a_discriminator_and_a_missing_or_foreign_file(tmp_path, capsys):
    from kerasgan.models.dcgan import dcgan_discriminator

    discriminator = dcgan_discriminator((28, 28, 1), base_filters=8)
    discriminator.save(tmp_path / "discriminator.keras")
    out = tmp_path / "grid.png"
    status, error = run_cli(
        ["generate", "--snapshot", str(tmp_path / "discriminator.keras"), "--out", str(out)], capsys
    )
    assert status == 2 and "is not a generator" in error and error.count("\n") == 1
    status, error = run_cli(["generate", "--snapshot", str(tmp_path / "no.keras"), "--out", str(out)], capsys)
    assert status == 2 and "There is no snapshot" in error
    (tmp_path / "notes.keras").write_text("not a model")
    status, error = run_cli(["generate", "--snapshot", str(tmp_path / "notes.keras"), "--out", str(out)], capsys)
    # A text file is not a zip archive: the message says the snapshot is damaged, in one line.
    assert status == 2 and "notes.keras is damaged" in error and error.count("\n") == 1
    assert not out.exists()


def test_generate_grid_seeds_and_interpolation(tmp_path, capsys):
    import cv2
    from PIL import Image

    from kerasgan.models.dcgan import dcgan_generator

    snapshot = tmp_path / "generator.keras"
    dcgan_generator((28, 28, 1), latent_dim=8, base_filters=8).save(snapshot)

    assert main(["generate", "--snapshot", str(snapshot), "--num", "16", "--out", str(tmp_path / "g.png")]) == 0
    grid = cv2.imread(str(tmp_path / "g.png"))
    assert grid.shape == (4 * 30 + 2, 4 * 30 + 2, 3)  # 4 x 4 images of 28 px, 2 px padding

    assert main(["generate", "--snapshot", str(snapshot), "--seeds", "3-5", "--outdir", str(tmp_path / "s")]) == 0
    names = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert names == ["seed0003.png", "seed0004.png", "seed0005.png"]
    # The same seed always makes the same image.
    main(["generate", "--snapshot", str(snapshot), "--seeds", "4", "--outdir", str(tmp_path / "again")])
    np.testing.assert_array_equal(
        cv2.imread(str(tmp_path / "s" / "seed0004.png")), cv2.imread(str(tmp_path / "again" / "seed0004.png"))
    )

    walk = tmp_path / "walk.gif"
    assert main(["generate", "--snapshot", str(snapshot), "--seeds", "0-2", "--interpolate",
                 "--steps", "5", "--out", str(walk)]) == 0
    assert Image.open(walk).n_frames == 15  # 3 legs (looping back to seed 0) of 5 frames

    status, error = run_cli(["generate", "--snapshot", str(snapshot), "--seeds", "x", "--out", str(tmp_path / "x.png")], capsys)
    assert status == 2 and "Cannot read seeds" in error
    status, error = run_cli(["generate", "--snapshot", str(snapshot), "--interpolate", "--out", str(walk)], capsys)
    assert status == 2 and "add --seeds" in error
