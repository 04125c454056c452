"""Data a user brings that is not quite right: float .npz images, folders with bad files."""

import numpy as np
import pytest

from kerasgan.data import keras_datasets


def save_npz(path, x_train, x_test=None):
    x_test = x_train[:4] if x_test is None else x_test
    np.savez(
        path,
        x_train=x_train,
        y_train=np.arange(len(x_train)) % 10,
        x_test=x_test,
        y_test=np.arange(len(x_test)) % 10,
    )
    return path


@pytest.fixture(scope="module")
def digits(mnist_npz):
    with np.load(mnist_npz) as archive:
        return archive["x_train"][:32]


@pytest.mark.parametrize(
    "scaling, note",
    [
        (lambda x: x.astype(np.float32) / 255.0, "floats in [0, 1]; scaled to 0-255"),
        (lambda x: x.astype(np.float64) / 127.5 - 1.0, "floats in [-1, 1]; scaled to 0-255"),
        (lambda x: x.astype(np.float32), "float32 values 0-255; read as uint8"),
    ],
)
def test_float_images_in_an_npz_are_scaled_back(tmp_path, capsys, digits, scaling, note):
    path = save_npz(tmp_path / "floats.npz", scaling(digits))
    (x_train, _), (x_test, _) = keras_datasets.load_keras_npz(path)
    assert x_train.dtype == np.uint8
    np.testing.assert_array_equal(x_train, digits)
    np.testing.assert_array_equal(x_test, digits[:4])
    assert f"kerasgan: x_train in {path} holds {note}." in capsys.readouterr().err


def test_the_advice_for_floats_out_of_range_works_when_followed(tmp_path, digits):
    floats = digits.astype(np.float32) * 3.0 - 100.0
    path = save_npz(tmp_path / "odd.npz", floats)
    with pytest.raises(ValueError) as caught:
        keras_datasets.load_keras_npz(path)
    message = str(caught.value)
    assert message.startswith(f"x_train in {path} is float32 with values from -100 to 665:")
    assert message.endswith(".astype('uint8')).")
    advice = message.split("e.g. ")[1][: -len(").")]
    followed = eval(advice, {"x": floats})  # the advice, as a user would paste it
    (x_train, _), _ = keras_datasets.load_keras_npz(save_npz(tmp_path / "fixed.npz", followed))
    assert x_train.dtype == np.uint8 and x_train.max() == 255 and x_train.mean() > 20


def test_images_cast_to_black_are_refused(tmp_path, digits):
    black = (digits.astype(np.float32) / 255.0).astype(np.uint8)  # the old advice, followed
    path = save_npz(tmp_path / "black.npz", black)
    with pytest.raises(ValueError, match=r"every image would be black: .*\(x \* 255\)\.round\(\)"):
        keras_datasets.load_keras_npz(path)


def write_folder(folder, good, truncated, text):
    import cv2

    folder.mkdir()
    random = np.random.default_rng(0)
    for index in range(good):
        image = random.integers(0, 256, size=(12, 12, 3), dtype=np.uint8)
        cv2.imwrite(str(folder / f"good_{index:02d}.png"), image)
    for index in range(truncated):
        image = random.integers(0, 256, size=(40, 40, 3), dtype=np.uint8)
        cv2.imwrite(str(folder / f"cut_{index}.jpg"), image)
        data = (folder / f"cut_{index}.jpg").read_bytes()
        (folder / f"cut_{index}.jpg").write_bytes(data[: len(data) // 2])
    for index in range(text):
        (folder / f"page_{index}.png").write_text("<html>not an image</html>")


def test_a_folder_with_bad_files_counts_and_names_them(tmp_path, capsys):
    from kerasgan.data.sources import load_training_data

    folder = tmp_path / "photos"
    write_folder(folder, good=40, truncated=5, text=5)
    data = load_training_data(str(folder), image_size=8, batch_size=8)
    err = capsys.readouterr().err
    assert "40 training images" in data.description
    assert data.num_examples == 40
    assert err.count("skipped 10 damaged or unreadable image files") == 1
    for name in [f"cut_{i}.jpg" for i in range(5)] + [f"page_{i}.png" for i in range(5)]:
        assert name in err
    assert "using the other 40" in err
    images = np.concatenate([np.asarray(batch) for batch in data.dataset])
    assert images.shape == (40, 8, 8, 3)


@pytest.mark.parametrize("how", ["empty", "cut short"])
def test_a_damaged_dataset_npz_is_one_sentence(tmp_path, mnist_npz, how):
    data = mnist_npz.read_bytes()
    path = tmp_path / "digits.npz"
    path.write_bytes(b"" if how == "empty" else data[:3000])
    with pytest.raises(ValueError, match=rf"^{path} is damaged or is not an \.npz file \("):
        keras_datasets.load_keras_npz(path)


def test_a_damaged_stats_line_names_the_file_and_line(tmp_path):
    from kerasgan import files

    path = tmp_path / "stats.jsonl"
    path.write_text('{"interval": 1}\n{"interv\n')
    with pytest.raises(ValueError, match=rf"^{path} is damaged at line 2 \(.*\): delete that line"):
        files.read_json_lines(path)
