"""Projection: a generator's own image is found again, by the library and by `kerasgan project`."""

import json

import cv2
import numpy as np
import pytest
from PIL import Image

from kerasgan import images
from kerasgan.snapshots import projection, sampling
from kerasgan.cli import main
from kerasgan.models.conditional_gan import conditional_generator
from kerasgan.models.dcgan import dcgan_generator

LATENT_DIM = 8
TARGET_SEED = 123


def with_contrast(generator):
    """Scales the kernels of an untrained generator: its images then span [-1, 1] with structure.

    Freshly initialised, a generator draws nearly flat grey images, which any latent
    vector matches; a projection test needs targets that differ from one another.
    """
    for layer in generator.layers:
        if hasattr(layer, "kernel"):
            layer.kernel.assign(layer.kernel * 3.0)
    return generator


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """A tiny 28x28 generator saved with plain Keras, and a target PNG it drew from a known z."""
    import keras

    keras.utils.set_random_seed(0)
    generator = with_contrast(
        dcgan_generator((28, 28, 1), latent_dim=LATENT_DIM, base_filters=8, batch_norm=False)
    )
    folder = tmp_path_factory.mktemp("projection")
    path = folder / "generator.keras"
    generator.save(path)
    latent = sampling.latents_for_seeds([TARGET_SEED], LATENT_DIM)[0]
    target_path = folder / "target.png"
    images.save_image(target_path, generator.predict(latent[np.newaxis], verbose=0)[0])
    return path, generator, latent, target_path


def test_project_recovers_the_generators_own_image(snapshot):
    _, generator, latent, _ = snapshot
    target = generator.predict(latent[np.newaxis], verbose=0)[0]
    other = generator.predict(sampling.latents_for_seeds([7], LATENT_DIM), verbose=0)[0]
    result = projection.project(generator, target, steps=100, starts=4)
    unrelated_mse = float(np.mean(np.square(other - target)) / 4)
    assert result.pixel_mse < unrelated_mse / 100
    assert result.psnr > 40
    assert np.linalg.norm(result.latent - latent) < 0.1 * np.linalg.norm(latent)
    assert result.image.shape == (28, 28, 1)
    assert len(result.history) == 100 and result.history[-1] < result.history[0]
    # A frame every 5 steps (0, 5, ..., 95) and the result.
    assert result.frames.shape == (21, 28, 28, 1) and result.frame_steps[-1] == 100


def test_project_cli_writes_every_file_and_a_small_error(snapshot, tmp_path, capsys):
    path, generator, latent, target_path = snapshot
    out = tmp_path / "found"
    status = main(
        ["project", "--snapshot", str(path), "--image", str(target_path), "--steps", "100",
         "--out", str(out)]
    )
    assert status == 0, capsys.readouterr().err
    written = sorted(p.name for p in out.iterdir())
    assert written == [
        "comparison.png", "latent.npy", "projection.json", "result.png", "search.gif", "target.png"
    ]
    report = json.loads((out / "projection.json").read_text())
    # The target went through an 8-bit PNG, so about 59 dB is the best there is.
    assert report["pixel_mse"] < 1e-4 and report["psnr_db"] > 35
    found = np.load(out / "latent.npy")
    assert found.shape == (LATENT_DIM,)
    assert np.linalg.norm(found - latent) < 0.1 * np.linalg.norm(latent)
    result = cv2.imread(str(out / "result.png"), cv2.IMREAD_GRAYSCALE)
    target = cv2.imread(str(target_path), cv2.IMREAD_GRAYSCALE)
    assert result.shape == (28, 28)
    assert np.abs(result.astype(int) - target.astype(int)).max() <= 8
    with Image.open(out / "search.gif") as gif:
        assert gif.n_frames == 21
    assert "PSNR" in capsys.readouterr().out


def test_a_picture_of_another_size_is_resized_with_a_note(snapshot, tmp_path, capsys):
    path, _, _, target_path = snapshot
    large = tmp_path / "large.png"
    picture = cv2.imread(str(target_path), cv2.IMREAD_GRAYSCALE)
    cv2.imwrite(str(large), cv2.resize(picture, (70, 56)))
    status = main(
        ["project", "--snapshot", str(path), "--image", str(large), "--steps", "5", "--starts", "1",
         "--out", str(tmp_path / "out"), "--animation", "mp4"]
    )
    output = capsys.readouterr().out
    assert status == 0
    assert "center-cropped from 70x56 to 56x56 and resized from 56x56 to the generator's 28x28" in output
    assert cv2.imread(str(tmp_path / "out" / "target.png")).shape[:2] == (28, 28)
    assert (tmp_path / "out" / "search.mp4").stat().st_size > 0


def test_a_snapshot_that_is_not_a_generator_is_one_sentence(tmp_path, capsys):
    import keras

    classifier = keras.Sequential([keras.Input((28, 28, 1)), keras.layers.Flatten(), keras.layers.Dense(10)])
    path = tmp_path / "classifier.keras"
    classifier.save(path)
    picture = tmp_path / "digit.png"
    images.save_image(picture, np.zeros((28, 28, 1), "float32"))
    status = main(["project", "--snapshot", str(path), "--image", str(picture)])
    error = capsys.readouterr().err
    assert status == 2
    assert "is not a generator" in error and error.count("\n") == 1


def test_an_unreadable_image_is_one_sentence(snapshot, tmp_path, capsys):
    path = snapshot[0]
    broken = tmp_path / "photo.png"
    broken.write_bytes(b"this is not a picture")
    status = main(["project", "--snapshot", str(path), "--image", str(broken)])
    error = capsys.readouterr().err
    assert status == 2
    assert error == f"kerasgan: error: Could not read {broken} as an image: pass a PNG or JPEG file.\n"
    assert main(["project", "--snapshot", str(path), "--image", str(tmp_path / "none.png")]) == 2
    assert "There is no image at" in capsys.readouterr().err


def test_vgg_without_a_download_is_one_sentence(monkeypatch, snapshot):
    import keras

    def no_internet(*args, **kwargs):
        raise Exception("URL fetch failure on https://storage.googleapis.com/...")

    monkeypatch.setattr(keras.applications, "VGG16", no_internet)
    with pytest.raises(ValueError, match=r"^--perceptual vgg needs the ImageNet VGG16 weights"):
        projection.project(snapshot[1], np.zeros((28, 28, 1), "float32"), steps=1, perceptual="vgg")


def test_vgg_features_accept_small_greyscale_images():
    # Random weights stand in for ImageNet's: the shapes and the code path are the same.
    features = projection.vgg_features(weights=None)(np.zeros((2, 28, 28, 1), "float32"))
    assert [tuple(f.shape) for f in features] == [(2, 64, 64, 64), (2, 32, 32, 128), (2, 16, 16, 256)]


def test_a_conditional_generator_needs_a_class_and_searches_in_it(tmp_path, capsys):
    generator = with_contrast(
        conditional_generator((28, 28, 1), num_classes=3, latent_dim=LATENT_DIM, base_filters=8,
                              class_names=["a", "b", "c"])
    )
    path = tmp_path / "cgan.keras"
    generator.save(path)
    latent = sampling.latents_for_seeds([5], LATENT_DIM)
    picture = tmp_path / "b.png"
    images.save_image(picture, generator.predict([latent, np.array([1])], verbose=0)[0])
    assert main(["project", "--snapshot", str(path), "--image", str(picture)]) == 2
    assert "add --class with one of a, b, c" in capsys.readouterr().err
    out = tmp_path / "out"
    status = main(
        ["project", "--snapshot", str(path), "--image", str(picture), "--class", "b",
         "--steps", "60", "--out", str(out)]
    )
    assert status == 0
    report = json.loads((out / "projection.json").read_text())
    assert report["class"] == 1 and report["psnr_db"] > 30
