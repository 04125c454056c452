"""Per-dataset defaults, in one table, so every command and example starts from the same place.

A dataset's row gives the options a user does not pass; the defaults of all the other
options are fields of the options dataclasses (`kerasgan/training/options.py`, and each
model's in `kerasgan/training/recipes/`). Everything here can be overridden on the
command line (`--epochs 20`) or in `train(epochs=20)`.

How long to train is given in thousands of training images shown (`kimg`, as in
StyleGAN), not in epochs: 200 kimg is 3 or 4 epochs of the full MNIST download but 50
epochs of the 4,000 offline digits, and both need about the same number of steps to
draw readable digits. Pass `--epochs` to count in epochs instead.

A dataset's row is chosen by what its images are (`look_at_data`): an .npz or a folder
of small grey digits gets the MNIST row, small colour images the CIFAR-10 row.
"""

import dataclasses
from pathlib import Path

DATASET_DEFAULTS = {
    # MNIST: small, gray, readable digits after ~3,000 steps of 64 (minutes on a CPU).
    "mnist": {"image_size": 28, "batch_size": 64, "kimg": 200, "latent_dim": 100},
    # CIFAR-10: colour and varied; GANs need far more images to make recognisable things.
    "cifar10": {"image_size": 32, "batch_size": 64, "kimg": 2_000, "latent_dim": 128},
    # Your own images (a folder, a dataset built from a video, an .npz file). image_size None:
    # an .npz keeps its own size, a folder is cropped and resized to 64 x 64.
    "custom": {"image_size": None, "batch_size": 32, "kimg": 500, "latent_dim": 128},
}

def dataset_kind(dataset):
    """'mnist' or 'cifar10' for those datasets' names, else 'custom': how run folders are named.

    Which defaults a dataset gets is decided by what its images are, not by its name:
    see `look_at_data`.
    """
    name = str(dataset).lower()
    return name if name in ("mnist", "cifar10") else "custom"


# Images this small are digits-like (grey) or CIFAR-like (colour): the MNIST and CIFAR-10
# rows suit them whatever the file or folder is called. Larger images get the custom row.
SMALL_IMAGE_SIDES = range(28, 33)
# A folder is judged by this many of its images (the first in name order): enough to see
# whether they are small and grey without opening thousands of files.
IMAGES_LOOKED_AT = 8


@dataclasses.dataclass(frozen=True)
class DataLook:
    """Which row of `DATASET_DEFAULTS` a dataset gets, and why, from a cheap look at its images.

    `image_size` is the images' own side where it differs from the row's but is one the
    models draw (32 px grey images keep their 32 px under the MNIST row), else None.
    """

    kind: str
    reason: str
    image_size: int = None

    def __str__(self):
        """What training_options.json's "defaults" says: "mnist (28x28 grey images in x.npz)"."""
        return f"{self.kind} ({self.reason})"


def look_at_data(dataset):
    """The `DataLook` of a dataset name, an .npz file or a folder, without loading it.

    MNIST and CIFAR-10 by name get their rows. An .npz is judged by the header of its
    `x_train` array, a folder by its first few images (their headers only): grey images
    of 28 to 32 pixels get the MNIST row, colour ones the CIFAR-10 row, anything else
    (larger photos, a dataset built from a video, what cannot be read) the custom row.
    """
    from kerasgan.data.sources import KNOWN_DATASETS, _looks_like_path, npz_images_shape

    name = str(dataset).strip().lower().replace("-", "").replace("_", "")
    if name in KNOWN_DATASETS and not _looks_like_path(str(dataset)):
        return DataLook(name, f"the {name} dataset")
    path = Path(str(dataset)).expanduser()
    if path.is_dir():
        sizes_and_channels = _folder_images(path)
        where = f"in the folder {path.name}"
    elif path.suffix.lower() == ".npz" and path.is_file():
        shape = npz_images_shape(path)
        sizes_and_channels = [] if shape is None or len(shape) not in (3, 4) else [
            (shape[1], shape[2], 1 if len(shape) == 3 else shape[3])
        ]
        where = f"in {path.name}"
    else:
        return DataLook("custom", "not a dataset name, folder or .npz file")
    if not sizes_and_channels:
        return DataLook("custom", f"no images read {where}")
    sides = {side for height, width, _ in sizes_and_channels for side in (height, width)}
    channels = {channel_count for _, _, channel_count in sizes_and_channels}
    colour = "grey" if channels == {1} else "colour" if channels == {3} else "mixed"
    height, width, _ = sizes_and_channels[0]
    same_size = len({(h, w) for h, w, _ in sizes_and_channels}) == 1
    shown = f"{width}x{height}" + ("" if same_size else " and similar")
    reason = f"{shown} {colour} images {where}"
    if len(sides) == 1 and sides <= set(SMALL_IMAGE_SIDES) and colour != "mixed":
        kind = "mnist" if colour == "grey" else "cifar10"
        side = sides.pop()
        own_size = side if side in (28, 32) and side != DATASET_DEFAULTS[kind]["image_size"] else None
        return DataLook(kind, reason, own_size)
    return DataLook("custom", reason)


def _folder_images(folder):
    """(height, width, channels) of the first `IMAGES_LOOKED_AT` images of a folder (train/ first)."""
    from PIL import Image

    from kerasgan.data.image_folder import IMAGE_EXTENSIONS

    if (folder / "train").is_dir():
        folder = folder / "train"  # a dataset built from a video: its training split
    found = []
    for path in sorted(folder.rglob("*")):
        if len(found) == IMAGES_LOOKED_AT:
            break
        if path.suffix.lower() not in IMAGE_EXTENSIONS or not path.is_file():
            continue
        try:
            with Image.open(path) as image:  # reads the header, not the pixels
                grey = image.mode in ("1", "L", "LA", "I", "I;16", "F")
                found.append((image.height, image.width, 1 if grey else 3))
        except OSError:
            continue
    return found


def epochs_for(options, num_examples):
    """`options.epochs` if given, else the whole epochs it takes to show `options.kimg` thousand images."""
    if options.epochs:
        return int(options.epochs)
    return max(1, -(-int(options.kimg) * 1000 // int(num_examples)))
