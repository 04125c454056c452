"""The snapshot commands' rows of the second bad-input and fault probe: export never empties
a folder it did not fill and names a full disk; generate, project and live refuse bad
values before the work."""

import numpy as np
import pytest

from kerasgan.cli import main


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """A small DCGAN generator saved as a run saves it (latent size 8, 28 x 28 x 1)."""
    import keras

    from kerasgan.models.dcgan import dcgan_generator

    keras.utils.set_random_seed(0)
    path = tmp_path_factory.mktemp("snapshot") / "generator.keras"
    dcgan_generator((28, 28, 1), latent_dim=8, base_filters=8).save(path)
    return path


def contents(folder):
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# ------------------------------------------------------------------------ export


def test_export_out_empty_is_refused_and_the_working_folder_is_untouched(
    snapshot, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "saved_model").mkdir()
    (tmp_path / "saved_model" / "important.txt").write_text("my notes")
    assert main(["export", "--generator", str(snapshot), "--out", ""]) == 2
    assert capsys.readouterr().err == (
        "kerasgan: error: --out is empty: pass the folder to export into, e.g. --out exported.\n"
    )
    assert contents(tmp_path) == {"saved_model/important.txt": b"my notes"}


def test_export_never_replaces_a_saved_model_folder_of_other_files(snapshot, tmp_path, capsys):
    out = tmp_path / "phone"
    (out / "saved_model").mkdir(parents=True)
    (out / "saved_model" / "important.txt").write_bytes(b"\x00mine\xff")
    (out / "saved_model" / "saved_model.pb").write_bytes(b"another program's model")
    before = contents(tmp_path)
    assert main(["export", "--generator", str(snapshot), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"kerasgan: error: {out}/saved_model holds files an export did not write (important.txt), "
        "and an export replaces that folder whole: choose another --out folder, or move them.\n"
    )
    assert contents(tmp_path) == before  # byte for byte, nothing added


def test_export_replaces_its_own_earlier_export(snapshot, tmp_path):
    out = tmp_path / "exported"
    assert main(["export", "--generator", str(snapshot), "--out", str(out)]) == 0
    assert main(["export", "--generator", str(snapshot), "--out", str(out)]) == 0
    assert (out / "saved_model" / "saved_model.pb").is_file()


def test_export_tflite_to_a_full_disk_names_the_file_and_leaves_nothing(
    snapshot, small_disk, fill_disk, capsys
):
    out = small_disk / "phone"
    out.mkdir()
    (out / "generator.json").write_text('{"earlier": true}\n')
    fill_disk(small_disk)
    before = contents(out)
    assert main(["export", "--generator", str(snapshot), "--format", "tflite", "--out", str(out)]) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith(f"kerasgan: error: The disk is full: {out}/"), error
    assert "could not be written (" in error and "free some space, or choose another folder" in error
    assert "ResourceExhausted" not in error and "Traceback" not in error
    assert contents(out) == before  # nothing half-written, the earlier file kept


# ---------------------------------------------------------------------- generate

FIXTURES = __import__("pathlib").Path(__file__).parents[1] / "snapshots" / "fixtures"


@pytest.mark.parametrize("fps", ["0", "-5"])
@pytest.mark.parametrize("suffix", [".gif", ".mp4"])
def test_generate_fps_below_1_is_refused_before_rendering(snapshot, tmp_path, capsys, fps, suffix):
    out = tmp_path / f"walk{suffix}"
    argv = ["generate", "--snapshot", str(snapshot), "--seeds", "0-3", "--interpolate",
            "--fps", fps, "--out", str(out)]  # fmt: skip
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"kerasgan: error: --fps must be 1 or more; got {fps}: pass e.g. --fps 12.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_generate_a_huge_seed_range_is_counted_before_any_list_is_made(snapshot, tmp_path, capsys):
    argv = ["generate", "--snapshot", str(snapshot), "--seeds", "0-4000000000",
            "--outdir", str(tmp_path / "samples")]  # fmt: skip
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "kerasgan: error: '0-4000000000' asks for more than 100,000 seeds: give a smaller range, "
        "such as 0-999, and run the command again for the next.\n"
    )
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "arguments, sentence",
    [
        (["--num", "1000000"], "--num 1,000,000 is more than one grid can show (4,096 images, a "
                               "64 x 64 grid): for many images pass --seeds 0-9999 --outdir "
                               "samples/, one file each."),
        (["--seeds", "0-9999"], "--seeds 0-9999 gives 10,000 images, more than one grid can show "
                                "(4,096): pass --outdir samples/ for one file each instead of --out."),
    ],
)
def test_generate_a_grid_too_large_is_refused_before_the_work(
    snapshot, tmp_path, capsys, arguments, sentence
):
    out = tmp_path / "grid.png"
    assert main(["generate", "--snapshot", str(snapshot), *arguments, "--out", str(out)]) == 2
    assert capsys.readouterr().err == f"kerasgan: error: {sentence}\n"
    assert not out.exists()


@pytest.mark.parametrize(
    "value, words",
    [(1e30, "holds a w value of 1e+30, far outside what a mapping network gives"),
     (np.nan, "holds NaN or infinite values: project the image again.")],
)
def test_generate_refuses_an_absurd_projected_w(tmp_path, capsys, value, words):
    ws = tmp_path / "projected_w.npy"
    np.save(ws, np.full(8, value, dtype="float32"))  # the fixture's w_dim is 8
    out = tmp_path / "me.png"
    argv = ["generate", "--snapshot", str(FIXTURES / "stylegan2.keras"), "--projected-w", str(ws),
            "--out", str(out)]  # fmt: skip
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kerasgan: error: {ws} ") and words in error, error
    assert error.count("\n") == 1
    assert not out.exists()


# ----------------------------------------------------------------- project, live


def test_project_a_zero_byte_target_is_one_sentence(snapshot, tmp_path, capsys):
    empty = tmp_path / "zero-byte.png"
    empty.write_bytes(b"")
    out = tmp_path / "projection"
    argv = ["project", "--snapshot", str(snapshot), "--target", str(empty), "--out", str(out)]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"kerasgan: error: {empty} is empty (0 bytes): pass a PNG or JPEG file.\n"
    )
    assert not out.exists()


@pytest.mark.parametrize("size", ["100000", "-5", "0"])
def test_live_panel_size_out_of_range_is_refused_before_the_video(tmp_path, capsys, size):
    out = tmp_path / "session.mp4"
    argv = ["live", "--generator", str(FIXTURES / "pix2pix.keras"), "--source", "missing.mp4",
            "--output", str(out), "--panel-size", size]  # fmt: skip
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"kerasgan: error: --panel-size must be from 16 to 2048 pixels; got {size}: pass e.g. "
        "--panel-size 512.\n"
    )
    assert list(tmp_path.iterdir()) == []


def test_live_output_under_a_file_is_refused_before_the_video(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    argv = ["live", "--generator", str(FIXTURES / "pix2pix.keras"), "--source", "missing.mp4",
            "--output", str(notes / "session.mp4")]  # fmt: skip
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        f"kerasgan: error: Cannot write --output {notes}/session.mp4: {notes} is a file, not a "
        "folder; choose another path.\n"
    )
    assert notes.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_export_of_a_stylegan2_records_the_range_it_draws(tmp_path, capsys):
    import json

    from kerasgan.snapshots.export import load_saved_model

    out = tmp_path / "exported"
    assert main(["export", "--generator", str(FIXTURES / "stylegan2.keras"), "--out", str(out)]) == 0
    info = json.loads((out / "generator.json").read_text())
    low, high = info["value_range"]
    # What the exported model draws for 64 latents lies in the recorded range, not in [-1, 1].
    z = np.random.default_rng(0).standard_normal((64, info["latent_dim"])).astype("float32")
    drawn = np.asarray(load_saved_model(out)(z))
    assert low == pytest.approx(drawn.min(), abs=1e-3) and high == pytest.approx(drawn.max(), abs=1e-3)
    assert "clip to [-1, 1]" in info["value_range_note"]


# ---------------------------------------------------------------------- evaluate


class _PixelExtractor:
    """Features are the pixels themselves: enough to score without training a classifier."""

    name = "pixels"

    def predict(self, images):
        features = np.asarray(images, "float32").reshape(len(images), -1)
        probabilities = np.full((len(images), 10), 0.1, "float32")
        return probabilities, features


def test_evaluate_compares_a_32_pixel_generator_with_the_28_pixel_digits_it_learned(
    mnist_npz, capsys
):
    from kerasgan.metrics.evaluation import evaluate_images

    with np.load(mnist_npz) as archive:
        digits = archive["x_train"][:64]
    # The digits as StyleGAN2 trains on them: resized to 32 pixels, in [-1, 1].
    import cv2

    drawn = np.stack([cv2.resize(d, (32, 32), interpolation=cv2.INTER_LINEAR) for d in digits])
    drawn = (drawn.astype("float32") / 127.5 - 1.0)[..., None]
    scores = evaluate_images(drawn, "mnist", extractor=_PixelExtractor(), path=str(mnist_npz))
    assert scores["num_images"] == 64
    assert "kerasgan: the generator draws 32-pixel images and mnist's are 28: its samples are " \
        "resized to 28 pixels to be compared with them." in capsys.readouterr().err
    # The same digits resized there and back are nearly the real ones: a near-perfect score.
    assert scores["precision"] > 0.9


def test_evaluate_a_text_file_named_npz_is_not_called_pickled_data(snapshot, tmp_path, capsys):
    text = tmp_path / "digits.npz"
    text.write_text("not an archive")
    argv = ["evaluate", "--snapshot", str(snapshot), "--dataset", str(text)]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error == (
        f"kerasgan: error: {text} is damaged or is not an .npz file (it is not a zip archive): "
        "save it again with np.savez(path, x_train=..., y_train=..., x_test=..., y_test=...).\n"
    )


def test_generate_many_seeds_to_a_folder_shows_progress_and_draws_each_seed_alike(
    snapshot, tmp_path, capsys
):
    many, one = tmp_path / "many", tmp_path / "one"
    assert main(["generate", "--snapshot", str(snapshot), "--seeds", "0-299", "--outdir", str(many)]) == 0
    out = capsys.readouterr().out
    assert "256 of 300 images written" in out and "300 of 300 images written" in out
    assert len(list(many.glob("seed*.png"))) == 300
    # Drawn in batches, a seed's image is the one it gets alone.
    assert main(["generate", "--snapshot", str(snapshot), "--seeds", "270", "--outdir", str(one)]) == 0
    assert (many / "seed0270.png").read_bytes() == (one / "seed0270.png").read_bytes()


@pytest.mark.parametrize(
    "precision, recall, words",
    [
        (0.90, 0.0, "the samples look real but cover little of the data's variety"),
        (0.05, 0.02, "few samples look real yet, and they cover little of the data: train longer"),
        (0.30, 0.70, "the samples spread over the data's variety, but many do not look real yet"),
        (0.80, 0.70, "the samples look real and cover much of the data's variety"),
    ],
)
def test_evaluate_says_what_precision_and_recall_mean_for_this_run(precision, recall, words):
    from kerasgan.metrics.report import format_scores

    text = format_scores({"extractor": "domain", "precision": precision, "recall": recall})
    (reading,) = [line for line in text.splitlines() if line.startswith("reading: ")]
    assert f"precision {precision:.2f} is the share of samples that look like some real image, " \
        f"recall {recall:.2f} the share of real images that some sample looks like: " in reading
    assert words in reading
