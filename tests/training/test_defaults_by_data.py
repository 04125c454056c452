"""The defaults a dataset gets follow what its images are, not what it is called."""

import json

import numpy as np
from PIL import Image

from kerasgan.training import configs
from kerasgan.training.trainer import resolve_options, train


def _without_identity(options):
    """The options that decide how a run trains: all but the dataset's name and the reason."""
    return {k: v for k, v in options.to_dict().items() if k not in ("dataset", "defaults")}


def _png_folder(folder, images, mode):
    folder.mkdir()
    for index, image in enumerate(images):
        Image.fromarray(image, mode).save(folder / f"{index:03d}.png")
    return folder


def test_digits_in_an_npz_or_a_folder_train_as_mnist_does(mnist_npz, tmp_path):
    with np.load(mnist_npz) as archive:
        digits = archive["x_train"][:12]
    folder = _png_folder(tmp_path / "my_digits", digits, "L")
    for model in ("dcgan", "cgan"):
        by_name = resolve_options(model, "mnist")
        assert by_name.defaults == "mnist (the mnist dataset)"
        for dataset in (mnist_npz, folder):
            options = resolve_options(model, str(dataset))
            assert _without_identity(options) == _without_identity(by_name)
            assert options.defaults.startswith("mnist (28x28 grey images in ")
    # Flags still win over the row the data chose.
    assert resolve_options("dcgan", str(folder), batch_size=16).batch_size == 16


def test_small_colour_images_get_the_cifar10_row_and_photos_the_custom_row(cifar10_npz, tmp_path):
    cifar = resolve_options("dcgan", str(cifar10_npz))
    assert _without_identity(cifar) == _without_identity(resolve_options("dcgan", "cifar10"))
    assert cifar.defaults == f"cifar10 (32x32 colour images in {cifar10_npz.name})"
    # The DCGAN's measured small-image settings: batches of 32 (the table's row says 64).
    assert (cifar.batch_size, cifar.kimg, cifar.latent_dim) == (32, 2_000, 128)
    assert (cifar.learning_rate, cifar.ema_decay, cifar.discriminator_dropout) == (8e-4, 0.99, 0.0)

    photos = _png_folder(tmp_path / "photos", np.zeros((3, 96, 128, 3), np.uint8), "RGB")
    custom = resolve_options("dcgan", str(photos))
    assert custom.defaults == "custom (128x96 colour images in the folder photos)"
    assert (custom.batch_size, custom.image_size, custom.kimg) == (32, None, 500)
    # 32 px grey images keep their size under the MNIST row.
    grey_32 = tmp_path / "grey_32.npz"
    np.savez(grey_32, x_train=np.zeros((4, 32, 32), np.uint8), y_train=np.zeros(4, np.uint8))
    look = configs.look_at_data(grey_32)
    assert (look.kind, look.image_size) == ("mnist", 32)
    assert resolve_options("dcgan", str(grey_32)).image_size == 32
    # What is not a dataset gets the custom row; loading it says what is wrong.
    assert configs.look_at_data(tmp_path / "missing.npz").kind == "custom"
    # Models whose rows do not come from the table record no row.
    assert resolve_options("stylegan2", "mnist").defaults is None


def test_the_run_says_which_row_it_used_first_and_records_it(mnist_npz, tmp_path, capsys):
    run = train(
        "dcgan", str(mnist_npz), outdir=tmp_path, kimg=1, batch_size=128, interval_steps=8,
        generator_filters=8, discriminator_filters=8, latent_dim=8, verbose=2,
    )  # fmt: skip
    assert run.path.name == "00000-dcgan-mnist_subset"  # named by the file, as before
    reason = "mnist (28x28 grey images in mnist_subset.npz)"
    first_line = capsys.readouterr().out.splitlines()[0]
    assert first_line == f"Defaults: {reason}; the options you pass win."
    recorded = json.loads((run.path / "training_options.json").read_text())
    assert recorded["defaults"] == reason
    assert (recorded["learning_rate"], recorded["ema_decay"], recorded["mixed_precision"]) == (8e-4, 0.99, True)
