"""Bad input to `kerasgan train wavegan`: one sentence, exit 2, no run folder written."""

import numpy as np
import pytest

from kerasgan.cli import main


@pytest.fixture
def folders(tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    pictures = tmp_path / "pictures"
    pictures.mkdir()
    for index in range(3):
        (pictures / f"photo{index}.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    images_npz = tmp_path / "digits.npz"
    np.savez(images_npz, x_train=np.zeros((10, 28, 28), np.uint8))
    return {"empty": empty, "pictures": pictures, "images_npz": images_npz}


@pytest.mark.parametrize(
    "dataset, options, words",
    [
        ("spoken", ["--audio-length", "5000"], "multiple of 1024 samples"),
        ("spoken", ["--sample-rate", "0"], "sample_rate must be a whole number of 1 or more"),
        ("spoken", ["--cfg", "huge"], "cfg must be one of paper, small"),
        ("spoken", ["--augment", "flip"], "does not apply to sounds"),
        ("empty", [], "holds no .wav clips (it is empty.)"),
        ("pictures", [], "holds no .wav clips (it holds 3 images: is it an image dataset?)"),
        ("images_npz", [], "is it an image dataset? WaveGAN trains on sounds"),
        ("missing", [], "There is no dataset at"),
    ],
)
def test_bad_input_is_one_sentence_and_writes_nothing(
    dataset, options, words, folders, spoken_digits_npz, tmp_path, capsys
):
    path = {"spoken": spoken_digits_npz, "missing": tmp_path / "nowhere"}.get(dataset) or folders[dataset]
    outdir = tmp_path / "results"
    status = main(["train", "wavegan", "--dataset", str(path), "--cfg", "small", *options,
                   "--outdir", str(outdir), "--verbose", "0"])
    error = capsys.readouterr().err
    assert status == 2
    assert words in error and "Traceback" not in error, error
    assert len(error.strip().splitlines()) == 1, error
    assert not outdir.exists() or not any(outdir.iterdir())
