"""`kerasgan generate` with a conditional generator: --class, class grids, --interpolate-classes."""

import cv2
import numpy as np
import pytest
from PIL import Image

from kerasgan import images
from kerasgan.snapshots import sampling
from kerasgan.cli import main
from kerasgan.data.keras_datasets import CIFAR10_CLASS_NAMES
from kerasgan.models.conditional_gan import conditional_generator

CIFAR_NAMES = list(CIFAR10_CLASS_NAMES)  # any ten names would do; these read well
LATENT_DIM = 8


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """A small conditional generator with CIFAR-10's class names, saved as a snapshot."""
    generator = conditional_generator(
        (32, 32, 3), num_classes=10, latent_dim=LATENT_DIM, base_filters=8, class_names=CIFAR_NAMES
    )
    # Untrained embeddings start near zero; spread them so every class draws visibly apart.
    embedding = generator.get_layer("label_embedding")
    embedding.embeddings.assign(np.random.default_rng(0).normal(size=embedding.embeddings.shape))
    path = tmp_path_factory.mktemp("snapshot") / "generator.keras"
    generator.save(path)
    return path, generator


def run_cli(argv, capsys):
    status = main([str(arg) for arg in argv])
    captured = capsys.readouterr()
    return status, captured.err


def expected_image(generator, seed, label):
    latents = sampling.latents_for_seeds([seed], LATENT_DIM)
    return images.to_uint8(generator.predict([latents, np.array([label])], verbose=0))[0]


def read_rgb(path):
    return cv2.imread(str(path))[..., ::-1]


def test_class_by_name_and_by_number_draw_the_same_images(snapshot, tmp_path):
    path, generator = snapshot
    by_name, by_number = tmp_path / "cat.png", tmp_path / "3.png"
    assert (
        main(
            [
                "generate",
                "--snapshot",
                str(path),
                "--class",
                "Cat",
                "--num",
                "4",
                "--out",
                str(by_name),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "generate",
                "--snapshot",
                str(path),
                "--class",
                "3",
                "--num",
                "4",
                "--out",
                str(by_number),
            ]
        )
        == 0
    )
    np.testing.assert_array_equal(read_rgb(by_name), read_rgb(by_number))
    assert read_rgb(by_name).shape == (2 * 34 + 2, 2 * 34 + 2, 3)  # 2 x 2 images of 32 px

    assert (
        main(
            [
                "generate",
                "--snapshot",
                str(path),
                "--class",
                "dog",
                "--seeds",
                "5",
                "--outdir",
                str(tmp_path / "dogs"),
            ]
        )
        == 0
    )
    np.testing.assert_array_equal(
        read_rgb(tmp_path / "dogs" / "seed0005.png"), expected_image(generator, seed=5, label=5)
    )


def test_unknown_class_names_list_the_valid_ones_and_numbers_out_of_range_are_errors(
    snapshot, tmp_path, capsys
):
    path, _ = snapshot
    out = tmp_path / "x.png"
    status, error = run_cli(
        ["generate", "--snapshot", path, "--class", "dgo", "--out", out], capsys
    )
    assert status == 2 and error.count("\n") == 1
    assert "Unknown class 'dgo'" in error and "Did you mean 'dog'?" in error
    assert all(name in error for name in CIFAR_NAMES)
    status, error = run_cli(["generate", "--snapshot", path, "--class", "10", "--out", out], capsys)
    assert status == 2 and "Class 10 is outside this generator's labels 0 to 9" in error
    status, error = run_cli(["generate", "--snapshot", path, "--class", "-1", "--out", out], capsys)
    assert status == 2 and "outside this generator's labels" in error
    status, error = run_cli(
        [
            "generate",
            "--snapshot",
            path,
            "--interpolate-classes",
            "cat",
            "unicorn",
            "--out",
            tmp_path / "m.gif",
        ],
        capsys,
    )
    assert status == 2 and "Unknown class 'unicorn'" in error
    assert not out.exists() and not (tmp_path / "m.gif").exists()


def test_without_a_class_a_conditional_generator_draws_a_class_grid(snapshot, tmp_path):
    path, generator = snapshot
    out = tmp_path / "classes.png"
    assert main(["generate", "--snapshot", str(path), "--seeds", "0-3", "--out", str(out)]) == 0
    grid = read_rgb(out)
    labelled_width = grid.shape[1]
    assert grid.shape[0] == 10 * 34 + 2  # one row per class
    plain = images.make_grid(np.zeros((40, 32, 32, 3), "uint8"), columns=4)
    assert labelled_width > plain.shape[1]  # a margin with the class names on the left
    # Row 5, column 2 is seed 2 drawn as class 5 (dog).
    margin = labelled_width - plain.shape[1]
    top, left = 2 + 5 * 34, margin + 2 + 2 * 34
    np.testing.assert_array_equal(
        grid[top : top + 32, left : left + 32], expected_image(generator, seed=2, label=5)
    )


def test_interpolate_classes_morphs_from_one_class_to_the_other_and_back(snapshot, tmp_path):
    path, generator = snapshot
    out = tmp_path / "morph.gif"
    assert (
        main(
            [
                "generate",
                "--snapshot",
                str(path),
                "--interpolate-classes",
                "3",
                "ship",
                "--seed",
                "7",
                "--steps",
                "4",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    gif = Image.open(out)
    assert gif.n_frames == 8  # 4 frames cat -> ship, 4 frames ship -> cat
    frames = []
    for index in range(gif.n_frames):
        gif.seek(index)
        frames.append(np.asarray(gif.convert("RGB")).astype(int))
    # GIF colours are quantised: compare loosely with the images drawn for the two classes.
    cat, ship = expected_image(generator, 7, 3).astype(int), expected_image(generator, 7, 8).astype(
        int
    )
    assert np.abs(frames[0] - cat).mean() < np.abs(frames[0] - ship).mean()
    assert np.abs(frames[4] - ship).mean() < np.abs(frames[4] - cat).mean()
    assert np.abs(frames[0] - cat).mean() < 8 and np.abs(frames[4] - ship).mean() < 8
    # In between, the frames move away from the cat.
    assert np.abs(frames[2] - cat).mean() > np.abs(frames[1] - cat).mean()


def test_class_options_on_an_unconditional_generator_are_errors(tmp_path, capsys):
    from kerasgan.models.dcgan import dcgan_generator

    path = tmp_path / "dcgan.keras"
    dcgan_generator((28, 28, 1), latent_dim=8, base_filters=8).save(path)
    status, error = run_cli(
        ["generate", "--snapshot", path, "--class", "3", "--out", tmp_path / "x.png"], capsys
    )
    assert status == 2 and "draws no classes" in error


def test_a_conditional_generator_without_a_class_where_one_is_needed(snapshot, tmp_path, capsys):
    path, _ = snapshot
    status, error = run_cli(
        ["generate", "--snapshot", path, "--seeds", "0-2", "--outdir", tmp_path / "s"], capsys
    )
    assert status == 2 and "add --class" in error and "airplane" in error
