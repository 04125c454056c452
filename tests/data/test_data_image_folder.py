"""image_folder: folders of images in any mode -> square batches in [-1, 1]."""

import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from kerasgan.data.image_folder import image_dataset, image_folder, scan_image_folder

RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def _solid(path, mode, color, size=(20, 20), **save_options):
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new(mode, size, color).save(path, **save_options)
    return path


def _one_image(folder, **options):
    """Decodes the only image in `folder` -> float array (S, S, C)."""
    dataset = image_folder(folder, batch_size=1, shuffle=False, **options)
    (batch,) = list(dataset.as_numpy_iterator())
    return batch[0]


def _to_pixels(image):
    return np.rint((image + 1) * 127.5).astype(int)


def test_white_is_one_and_black_is_minus_one(tmp_path):
    _solid(tmp_path / "a.png", "L", 255)
    _solid(tmp_path / "b.png", "L", 0)
    batch = next(image_folder(tmp_path, 8, batch_size=2, shuffle=False).as_numpy_iterator())
    assert batch.shape == (2, 8, 8, 3) and batch.dtype == np.float32
    assert np.all(batch[0] == 1.0) and np.all(batch[1] == -1.0)


# (file name, Pillow mode, fill color, expected RGB after decoding)
MODES = [
    ("a_gray.png", "L", 100, (100, 100, 100)),
    ("b_rgb.jpg", "RGB", (200, 30, 90), (200, 30, 90)),
    ("c_rgb.bmp", "RGB", (10, 120, 250), (10, 120, 250)),
    ("d_first_frame.gif", "RGB", (255, 0, 0), (255, 0, 0)),
    ("e_opaque.png", "RGBA", (0, 0, 255, 255), (0, 0, 255)),
    # Transparent pixels are composited over white, whatever color they hold.
    ("f_transparent.png", "RGBA", (0, 0, 0, 0), (255, 255, 255)),
    ("g_half_transparent.png", "RGBA", (0, 0, 0, 128), (127, 127, 127)),
    ("h_gray_alpha.png", "LA", (0, 0), (255, 255, 255)),
    ("i_gray.webp", "L", 60, (60, 60, 60)),
]


def test_every_mode_decodes_to_rgb(tmp_path):
    for name, mode, color, _ in MODES:
        _solid(
            tmp_path / name, mode, color, **({"lossless": True} if name.endswith("webp") else {})
        )
    dataset = image_folder(tmp_path, 8, batch_size=len(MODES), shuffle=False)
    (batch,) = list(dataset.as_numpy_iterator())
    assert batch.shape == (len(MODES), 8, 8, 3)
    for (name, _, _, expected), image in zip(MODES, _to_pixels(batch)):
        tolerance = 3 if name.endswith(".jpg") else 1
        error = np.abs(image - np.array(expected)).max()
        assert error <= tolerance, f"{name}: off by {error} from {expected}"


def test_palette_png(tmp_path):
    image = Image.new("RGB", (20, 20), GREEN)
    image.paste(RED, (0, 0, 20, 10))
    image.convert("P").save(tmp_path / "palette.png")
    assert Image.open(tmp_path / "palette.png").mode == "P"
    pixels = _to_pixels(_one_image(tmp_path, image_size=20))
    assert (pixels[0, 0] == RED).all() and (pixels[19, 19] == GREEN).all()


def test_16_bit_png_scales_to_the_full_range(tmp_path):
    values = np.zeros((4, 4), np.uint16)
    values[0] = 65535  # white
    values[1] = 128 * 257  # 8-bit 128 in 16 bits
    values[2] = 0  # black
    values[3] = 255  # nearly black in 16 bits: must not turn white
    Image.fromarray(values).save(tmp_path / "deep.png")
    assert Image.open(tmp_path / "deep.png").mode.startswith("I")
    image = _one_image(tmp_path, image_size=4, channels=1)
    assert image.shape == (4, 4, 1)
    assert np.all(image[0] == 1.0) and np.all(image[2] == -1.0) and np.all(image[3] == -1.0)
    np.testing.assert_allclose(image[1], 128 / 127.5 - 1, atol=1e-6)


def test_grayscale_output_from_color(tmp_path):
    _solid(tmp_path / "green.png", "RGB", GREEN)
    image = _one_image(tmp_path, image_size=8, channels=1)
    assert image.shape == (8, 8, 1)
    np.testing.assert_allclose(_to_pixels(image), round(0.587 * 255), atol=1)


def test_center_crop_keeps_the_middle_and_none_squashes(tmp_path):
    # A wide image in thirds: red | green | blue. The centered square is all green.
    image = Image.new("RGB", (300, 100), GREEN)
    image.paste(RED, (0, 0, 100, 100))
    image.paste(BLUE, (200, 0, 300, 100))
    image.save(tmp_path / "wide.png")
    centered = _to_pixels(_one_image(tmp_path, image_size=12))
    assert (centered == GREEN).all()
    squashed = _to_pixels(_one_image(tmp_path, image_size=12, crop="none"))
    assert (squashed[:, 0] == RED).all() and (squashed[:, 6] == GREEN).all()
    assert (squashed[:, 11] == BLUE).all()


def test_large_jpeg_matches_an_area_resize(tmp_path):
    # Large JPEGs decode at reduced scale; the result must still look like an area resize.
    y, x = np.mgrid[0:512, 0:512]
    picture = np.stack([x / 2, y / 2, (x + y) / 4], axis=-1).astype(np.uint8)
    picture[200:300, 200:300] = 255  # a bright square, to catch any shift
    Image.fromarray(picture).save(tmp_path / "big.jpg", quality=95)
    decoded = _to_pixels(_one_image(tmp_path, image_size=64))
    reference = np.asarray(Image.fromarray(picture).resize((64, 64), Image.Resampling.BOX), int)
    assert np.abs(decoded - reference).mean() < 2.0
    assert np.abs(decoded - reference).max() < 40


def test_scan_skips_hidden_and_non_images_with_one_notice(tmp_path, capsys):
    _solid(tmp_path / "frames" / "a.jpg", "RGB", RED)
    _solid(tmp_path / "frames" / "deeper" / "b.PNG", "RGB", RED)
    _solid(tmp_path / ".downloads" / "hidden.jpg", "RGB", RED)
    _solid(tmp_path / ".thumbnail.png", "RGB", RED)
    (tmp_path / "manifest.json").write_text("{}")
    (tmp_path / "notes.txt").write_text("notes")
    (tmp_path / "frames" / "video.mp4").write_bytes(b"\0")
    scan = scan_image_folder(tmp_path)
    assert [name.rsplit("/", 1)[-1] for name in scan.files] == ["a.jpg", "b.PNG"]
    assert scan.skipped_count == 3 and scan.labels is None and scan.class_names is None
    assert capsys.readouterr().err.count("skipped 3 files that are not images") == 1


def test_labels_from_subfolders(tmp_path):
    for index in range(3):
        _solid(tmp_path / "cats" / f"{index}.png", "RGB", RED)
    for index in range(2):
        _solid(tmp_path / "dogs" / f"{index}.png", "RGB", BLUE)
    (tmp_path / "empty").mkdir()
    dataset = image_folder(tmp_path, 4, batch_size=5, labels=True, seed=1)
    assert dataset.class_names == ["cats", "dogs"]
    images, labels = next(dataset.as_numpy_iterator())
    assert images.shape == (5, 4, 4, 3) and labels.dtype == np.int32
    assert sorted(labels) == [0, 0, 0, 1, 1]
    for image, label in zip(_to_pixels(images), labels):
        assert (image == (RED if label == 0 else BLUE)).all()


def test_scan_with_fixed_class_names_keeps_indices(tmp_path):
    _solid(tmp_path / "dogs" / "0.png", "RGB", BLUE)
    scan = scan_image_folder(tmp_path, labels=True, class_names=["cats", "dogs"])
    assert scan.labels == [1] and scan.class_names == ["cats", "dogs"]


def test_same_seed_same_order(tmp_path):
    for value in range(12):
        _solid(tmp_path / f"{value:02d}.png", "L", value * 20)

    def first_pixels(dataset):
        return [tuple(_to_pixels(batch)[:, 0, 0, 0]) for batch in dataset.as_numpy_iterator()]

    dataset = image_folder(tmp_path, 2, batch_size=4, seed=5)
    epoch_one, epoch_two = first_pixels(dataset), first_pixels(dataset)
    assert epoch_one == first_pixels(image_folder(tmp_path, 2, batch_size=4, seed=5))
    assert epoch_one != epoch_two  # reshuffled every epoch
    assert sorted(sum(epoch_one, ())) == [value * 20 for value in range(12)]
    uncached = image_folder(tmp_path, 2, batch_size=4, seed=5, cache=False)
    assert sorted(sum(first_pixels(uncached), ())) == [value * 20 for value in range(12)]


def test_corrupt_images_are_dropped_not_fatal(tmp_path):
    for index in range(4):
        _solid(tmp_path / f"{index}.png", "RGB", RED)
    (tmp_path / "page.jpg").write_text("<html>not an image</html>")
    good = _solid(tmp_path / "truncated.png", "RGB", RED)
    good.write_bytes(good.read_bytes()[:40])
    dataset = image_dataset(tmp_path, 4, batch_size=2, drop_remainder=False)
    sizes = [len(batch) for batch in dataset.as_numpy_iterator()]
    assert sum(sizes) == 4


def test_image_dataset_is_the_same_pipeline():
    assert image_dataset is image_folder


def test_missing_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="No folder at .*nowhere"):
        image_folder(tmp_path / "nowhere", 64)


def test_empty_folder(tmp_path):
    with pytest.raises(ValueError, match="is empty: put images"):
        image_folder(tmp_path, 64)


def test_folder_without_images(tmp_path):
    (tmp_path / "notes.txt").write_text("notes")
    with pytest.raises(ValueError, match="No images in .*: its 1 files have none of the image"):
        image_folder(tmp_path, 64)


def test_fewer_images_than_one_batch(tmp_path):
    _solid(tmp_path / "a.png", "RGB", RED)
    with pytest.raises(ValueError, match="Only 1 images in .* for batch_size=64"):
        image_folder(tmp_path, 64)


def test_labels_without_subfolders(tmp_path):
    _solid(tmp_path / "a.png", "RGB", RED)
    with pytest.raises(ValueError, match="labels=True needs one subfolder of images per class"):
        image_folder(tmp_path, 8, batch_size=1, labels=True)


def test_a_file_instead_of_a_folder(tmp_path):
    path = _solid(tmp_path / "a.png", "RGB", RED)
    with pytest.raises(ValueError, match="is a file, not a folder"):
        scan_image_folder(path)


def test_bad_crop_name(tmp_path):
    _solid(tmp_path / "a.png", "RGB", RED)
    with pytest.raises(ValueError, match="crop must be one of center, none"):
        image_folder(tmp_path, 8, batch_size=1, crop="random")


def test_importing_the_package_and_scanning_needs_no_tensorflow(tmp_path):
    _solid(tmp_path / "a.png", "RGB", RED)
    code = (
        "import sys; from kerasgan.data import scan_image_folder, load_training_data; "
        f"scan_image_folder({str(tmp_path)!r}); "
        "print('tensorflow' in sys.modules, 'keras' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.split() == ["False", "False"]


def test_image_folder_from_the_package_is_the_function_not_the_module():
    # The module kerasgan/data/image_folder.py shares the function's name.
    import kerasgan
    import kerasgan.data.image_folder
    from kerasgan.data import image_folder as from_package

    assert from_package is image_folder and kerasgan.image_folder is image_folder
