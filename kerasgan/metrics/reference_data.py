"""The real images a generator is measured against: MNIST, CIFAR-10 or any dataset .npz.

Every score compares generated images with real ones, and the domain
classifier learns from real labelled images. Both get them here, through
`kerasgan.data`, so `"mnist"` means the same arrays everywhere (the download,
or the offline copy) and an `.npz` file laid out like `keras.datasets` works
for any other dataset.
"""

import dataclasses
from pathlib import Path

import numpy as np

KNOWN_DATASETS = ("mnist", "cifar10")


@dataclasses.dataclass
class ReferenceData:
    """Real labelled images of one dataset.

    Attributes:
        name: the dataset's name ("mnist", "cifar10", or an .npz file's stem).
        x_train, y_train: uint8 images (N, H, W[, C]) and integer labels (N,);
            y_train is None for unlabelled images.
        x_test, y_test: the held-out split, same layout; None when there is none.
        class_names: one name per class, in label order.
        origin: where the arrays came from, for reports.
    """

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple
    origin: str

    @property
    def num_classes(self):
        return len(self.class_names)

    @property
    def image_shape(self):
        """(H, W, C) with the channel axis, as generators and classifiers see images."""
        shape = self.x_train.shape[1:]
        return shape if len(shape) == 3 else shape + (1,)


def load_reference_data(dataset, path=None):
    """Loads the real images of `dataset`.

    Args:
        dataset: "mnist", "cifar10", or the path of an .npz file with the keys
            x_train, y_train, x_test, y_test (uint8 images, integer labels).
        path: for "mnist" or "cifar10", an .npz file to read instead of the
            download (such as a class's shared copy).

    Example:

    ```python
    real = load_reference_data("mnist", path="mnist_subset.npz")
    print(real.x_train.shape, real.class_names)
    ```
    """
    # kerasgan.data needs only NumPy for these loaders, so this import is light.
    from kerasgan.data import keras_datasets

    dataset = str(dataset)
    if dataset == "mnist":
        arrays, origin = keras_datasets.load_mnist_with_origin(path)
        class_names = keras_datasets.MNIST_CLASS_NAMES
    elif dataset == "cifar10":
        arrays, origin = keras_datasets.load_cifar10_with_origin(path)
        class_names = keras_datasets.CIFAR10_CLASS_NAMES
    elif dataset.endswith(".npz"):
        if path is not None:
            raise ValueError(
                f"Pass the .npz file either as the dataset or as path=, not both ({dataset}, "
                f"{path})."
            )
        arrays = keras_datasets.load_keras_npz(dataset, name=Path(dataset).stem)
        origin = f"from {dataset}"
        num_classes = int(max(arrays[0][1].max(), arrays[1][1].max())) + 1
        class_names = tuple(str(label) for label in range(num_classes))
        dataset = Path(dataset).stem
    else:
        raise ValueError(
            f"Unknown dataset {dataset!r}: use 'mnist', 'cifar10', or the path of an .npz file "
            "with x_train, y_train, x_test and y_test."
        )
    (x_train, y_train), (x_test, y_test) = arrays
    return ReferenceData(
        name=dataset,
        x_train=x_train,
        y_train=np.asarray(y_train).reshape(-1).astype(np.int64),
        x_test=x_test,
        y_test=np.asarray(y_test).reshape(-1).astype(np.int64),
        class_names=tuple(class_names),
        origin=origin,
    )
