"""Datasets for GANs: MNIST and CIFAR-10 arrays, image folders, and tf.data pipelines.

The usual entry point is `load_training_data`, which turns "mnist", "cifar10", an .npz
file or a folder of images into one epoch of float batches in [-1, 1]:

```python
from kerasgan.data import load_training_data

data = load_training_data("mnist", image_size=32)
print(data.description)  # "MNIST: 60,000 training images from keras.datasets"
```

Importing this package is cheap: the modules below import only the standard library and
NumPy at the top, and TensorFlow inside the functions that build a pipeline, so tools that
only read or write image files (such as the video dataset builder) never pay for it.

The names are imported eagerly, not on first use, for a reason: `image_folder` is both a
module and a function here, and importing the module lazily would leave
`kerasgan.data.image_folder` pointing at the module instead of the function.
"""

from kerasgan.data.image_folder import (
    ImageFolderScan,
    image_dataset,
    image_folder,
    scan_image_folder,
)
from kerasgan.data.keras_datasets import (
    CIFAR10_CLASS_NAMES,
    MNIST_CLASS_NAMES,
    load_cifar10,
    load_mnist,
)
from kerasgan.data.pipeline import array_dataset
from kerasgan.data.sources import TrainingData, load_test_images, load_training_data
from kerasgan.data.frame_filters import FilterSettings
from kerasgan.data.video_dataset import VideoDataset, build_video_dataset
from kerasgan.data.video_dataset_settings import VideoDatasetSettings

__all__ = [
    "CIFAR10_CLASS_NAMES",
    "FilterSettings",
    "ImageFolderScan",
    "MNIST_CLASS_NAMES",
    "TrainingData",
    "VideoDataset",
    "VideoDatasetSettings",
    "build_video_dataset",
    "array_dataset",
    "image_dataset",
    "image_folder",
    "load_cifar10",
    "load_mnist",
    "load_test_images",
    "load_training_data",
    "scan_image_folder",
]
