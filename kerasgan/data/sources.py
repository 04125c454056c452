"""One call from a dataset name, an .npz file or a folder to a training-ready tf.data pipeline.

`load_training_data("mnist")`, `load_training_data("cifar10")`,
`load_training_data("mnist_subset.npz")` and `load_training_data("datasets/my_video")` all
return the same kind of thing: a `TrainingData` whose `dataset` yields float32 batches in
[-1, 1], plus what a model needs to know to be built (image shape, class names) and a
sentence for logs and run folders. `load_test_images` gives the held-out images of the
same source, for evaluation (FID) and for pix2pix previews.
"""

import difflib
from dataclasses import dataclass
from pathlib import Path

from kerasgan.data import keras_datasets

# Name -> (title, class names, native channels, loader returning (arrays, origin)).
KNOWN_DATASETS = {
    "mnist": ("MNIST", keras_datasets.MNIST_CLASS_NAMES, 1, keras_datasets.load_mnist_with_origin),
    "cifar10": (
        "CIFAR-10",
        keras_datasets.CIFAR10_CLASS_NAMES,
        3,
        keras_datasets.load_cifar10_with_origin,
    ),
}
FOLDER_IMAGE_SIZE = 64


@dataclass
class TrainingData:
    """A dataset ready for `model.fit`, and what a model needs to know about it.

    Attributes:
        dataset: `tf.data.Dataset`, one epoch of batches of float32 (B, H, W, C) images in
            [-1, 1], or `(images, int32 labels)` when loaded with `labels=True`.
        num_examples: how many images one epoch covers (before dropping the last partial
            batch; for folders, files that fail to decode are dropped on top).
        image_shape: (H, W, C) of one image.
        class_names: list of class names, or None when the source has no classes.
        description: a short sentence for logs, e.g.
            "MNIST: 3,678 training images from shared/data/mnist_subset.npz".
        batch_size: images per batch.
    """

    dataset: object
    num_examples: int
    image_shape: tuple
    class_names: list
    description: str
    batch_size: int = 64

    @property
    def num_classes(self):
        """len(class_names), or 0 without classes (what a conditional GAN is built with)."""
        return len(self.class_names) if self.class_names else 0

    @property
    def steps_per_epoch(self):
        """Full batches per epoch (the dataset drops the last partial batch)."""
        return self.num_examples // self.batch_size


def load_training_data(
    source, image_size=None, batch_size=64, labels=False, channels=None, seed=0, shuffle=True
):
    """Loads training images from a name, an .npz file or a folder, as one epoch of batches.

    Args:
        source: "mnist" or "cifar10" (any case), a path to an .npz file with the
            `keras.datasets` keys (x_train, y_train, x_test, y_test), or a folder of images.
            An .npz whose name starts with mnist or cifar10 (mnist_subset.npz) is checked
            and named as that dataset; another .npz may hold a `class_names` array.
            A folder with a `train/` subfolder (as the video dataset builder writes) is read
            from `train/`, so its test images stay held out.
        image_size: side length of the square images; default: the native size for
            MNIST (28), CIFAR-10 (32) and .npz files, 64 for folders.
        batch_size: images per batch; the last partial batch is dropped.
        labels: yield `(images, labels)` with int32 labels (for a conditional GAN);
            folders take their classes from subfolder names.
        channels: 1 (grayscale) or 3 (RGB); default 1 for MNIST, the file's own channels
            for .npz files, 3 otherwise.
        seed: shuffle seed.
        shuffle: shuffle every epoch.

    Returns:
        A `TrainingData`.

    Example:

    ```python
    data = load_training_data("mnist", image_size=32, batch_size=128)
    print(data.description, data.image_shape)
    model.fit(data.dataset, epochs=10)
    ```
    """
    return _load(
        source,
        split="train",
        image_size=image_size,
        batch_size=batch_size,
        labels=labels,
        channels=channels,
        seed=seed,
        shuffle=shuffle,
        drop_remainder=True,
    )


def native_image_size(source):
    """The side `load_training_data(source)` gives without `image_size`, read without loading.

    MNIST 28, CIFAR-10 32, a folder of images `FOLDER_IMAGE_SIZE`, an `.npz` the side of
    its `x_train` (from the array's header). None when `source` is none of these: loading
    it will say what is wrong.
    """
    name = str(source).strip().lower().replace("-", "").replace("_", "")
    if name in KNOWN_DATASETS and not _looks_like_path(str(source)):
        return {"mnist": 28, "cifar10": 32}[name]
    path = Path(str(source)).expanduser()
    if path.is_dir():
        return FOLDER_IMAGE_SIZE
    shape = npz_images_shape(path)
    return int(shape[1]) if shape is not None and len(shape) >= 3 else None


def npz_images_shape(path):
    """The shape of an .npz file's `x_train` array, read from its header (nothing loaded).

    (count, height, width) for grey images, (count, height, width, channels) otherwise;
    None when the file is not an .npz with an `x_train` array.
    """
    import zipfile

    import numpy as np

    try:
        with zipfile.ZipFile(path) as archive, archive.open("x_train.npy") as array_file:
            version = np.lib.format.read_magic(array_file)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0}.get(
                version, np.lib.format.read_array_header_2_0
            )
            return tuple(int(side) for side in read_header(array_file)[0])
    except (OSError, KeyError, ValueError, IndexError, zipfile.BadZipFile):
        return None


def load_test_images(source, image_size=None, batch_size=64, labels=False, channels=None):
    """Loads the held-out test images of a source, in a fixed order, keeping every image.

    Same sources and arguments as `load_training_data`: the test split of MNIST, CIFAR-10 or
    an .npz file (x_test, y_test), or the `test/` subfolder of a folder. The dataset is not
    shuffled and keeps the last partial batch, so every test image is seen exactly once.

    Example:

    ```python
    test = load_test_images("datasets/my_video", image_size=128)
    ```
    """
    return _load(
        source,
        split="test",
        image_size=image_size,
        batch_size=batch_size,
        labels=labels,
        channels=channels,
        seed=0,
        shuffle=False,
        drop_remainder=False,
    )


def _load(source, split, image_size, batch_size, labels, channels, seed, shuffle, drop_remainder):
    from kerasgan.data.pipeline import check_channels, check_image_size

    check_image_size(image_size)
    check_channels(channels)
    options = dict(
        split=split,
        image_size=image_size,
        batch_size=batch_size,
        labels=labels,
        channels=channels,
        seed=seed,
        shuffle=shuffle,
        drop_remainder=drop_remainder,
    )
    # A bare name always means the dataset; write ./mnist for a folder called mnist.
    name = str(source).strip().lower().replace("-", "").replace("_", "")
    if name in KNOWN_DATASETS and not _looks_like_path(str(source)):
        return _load_arrays(name, None, **options)

    path = Path(str(source)).expanduser()
    if path.is_dir():
        return _load_folder(path, **options)
    if path.is_file() and path.suffix.lower() == ".npz":
        return _load_arrays(_npz_kind(path), path, **options)
    if path.is_file():
        raise ValueError(
            f"{path} is a {path.suffix or 'plain'} file: use mnist, cifar10, a folder of images "
            "or an .npz file with the keras.datasets keys."
        )
    if _looks_like_path(str(source)):
        raise FileNotFoundError(f"No file or folder at {path}: check the path.")
    message = (
        f"Unknown dataset {str(source)!r}: use mnist, cifar10, a folder of images or an .npz "
        "file with the keras.datasets keys."
    )
    close = difflib.get_close_matches(name, KNOWN_DATASETS, n=1, cutoff=0.6)
    if close:
        message += f" Did you mean {close[0]!r}?"
    raise ValueError(message)


def _looks_like_path(text):
    return "/" in text or "\\" in text or text.startswith("~") or text.lower().endswith(".npz")


def _load_arrays(
    kind, path, split, image_size, batch_size, labels, channels, seed, shuffle, drop_remainder
):
    from kerasgan.data.pipeline import array_dataset

    if kind in KNOWN_DATASETS:
        title, class_names, native_channels, loader = KNOWN_DATASETS[kind]
        arrays, origin = loader(path)  # path None: keras.datasets or the offline copy
        class_names = list(class_names)
    else:
        arrays = keras_datasets.load_keras_npz(path, name=path.name)
        origin = f"from {path}"
        x_train = arrays[0][0]
        native_channels = 1 if x_train.ndim == 3 else x_train.shape[-1]
        title, class_names = path.stem, _npz_class_names(path, arrays)

    images, image_labels = arrays[0] if split == "train" else arrays[1]
    channels = channels or native_channels
    image_size = image_size or images.shape[1]
    dataset = array_dataset(
        images,
        image_labels if labels else None,
        batch_size=batch_size,
        image_size=image_size,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        channels=channels,
    )
    what = "training" if split == "train" else "test"
    return TrainingData(
        dataset=dataset,
        num_examples=len(images),
        image_shape=(image_size, image_size, channels),
        class_names=class_names,
        description=f"{title}: {len(images):,} {what} images {origin}",
        batch_size=batch_size,
    )


def _npz_kind(path):
    """ "mnist" or "cifar10" when the file name says so (mnist_subset.npz), else None."""
    stem = path.stem.lower().replace("-", "").replace("_", "")
    return next((name for name in KNOWN_DATASETS if stem.startswith(name)), None)


def _npz_class_names(path, arrays):
    """The file's optional `class_names` array, else the label values as strings."""
    import numpy as np

    with np.load(path, allow_pickle=False) as archive:
        if "class_names" in archive.files:
            return [str(name) for name in archive["class_names"]]
    largest_label = max(int(arrays[0][1].max()), int(arrays[1][1].max()))
    return [str(label) for label in range(largest_label + 1)]


def _load_folder(
    folder, split, image_size, batch_size, labels, channels, seed, shuffle, drop_remainder
):
    from kerasgan.data.image_folder import image_folder, scan_image_folder

    image_size = image_size or FOLDER_IMAGE_SIZE
    channels = channels or 3
    split_folder = folder / split
    note = ""
    if split_folder.is_dir():
        # A dataset built from a video: train/ and test/ are split by time, never mixed.
        note = f" (the {split}/ split)"
        images_folder = split_folder
    elif split == "test":
        raise FileNotFoundError(
            f"{folder} has no test/ subfolder: put held-out images in {folder / 'test'} "
            f"(and training images in {folder / 'train'})."
        )
    else:
        images_folder = folder

    class_names = None
    if labels and split == "test" and (folder / "train").is_dir():
        # Use the training classes, so a name maps to the same index in both splits.
        class_names = scan_image_folder(folder / "train", labels=True, verbose=False).class_names
    dataset = image_folder(
        images_folder,
        image_size,
        batch_size=batch_size,
        channels=channels,
        labels=labels,
        shuffle=shuffle,
        seed=seed,
        drop_remainder=drop_remainder,
        class_names=class_names,
    )
    count = len(dataset.file_paths)
    what = "training" if split == "train" else "test"
    return TrainingData(
        dataset=dataset,
        num_examples=count,
        image_shape=(image_size, image_size, channels),
        class_names=dataset.class_names,
        description=f"Folder {folder.name}: {count:,} {what} images from {images_folder}{note}",
        batch_size=batch_size,
    )
