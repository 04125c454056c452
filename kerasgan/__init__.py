"""kerasgan: GANs for learning, teaching and making art, in Keras 3 on TensorFlow.

Importing `kerasgan` is instant: TensorFlow loads only when you first touch a
model, a dataset or a metric (`kerasgan.DCGAN`, `kerasgan.load_mnist`, ...).
That keeps `kerasgan --help` fast and lets the command line start quickly.

Example:

```python
import kerasgan

(x_train, y_train), _ = kerasgan.load_mnist()
run = kerasgan.train("dcgan", dataset="mnist", epochs=5)
```
"""

import importlib
import importlib.abc
import importlib.util
import sys

__version__ = "0.1.0"

# Public name -> the module that defines it. Loaded on first use (PEP 562).
_PUBLIC_NAMES = {
    # Models
    "GAN": "kerasgan.models.gan",
    "DCGAN": "kerasgan.models.dcgan",
    "dcgan_generator": "kerasgan.models.dcgan",
    "dcgan_discriminator": "kerasgan.models.dcgan",
    "ConditionalGAN": "kerasgan.models.conditional_gan",
    "Pix2Pix": "kerasgan.models.pix2pix",
    "unet_generator": "kerasgan.models.pix2pix",
    "patchgan_discriminator": "kerasgan.models.pix2pix",
    "CycleGAN": "kerasgan.models.cyclegan",
    "resnet_generator": "kerasgan.models.cyclegan",
    # StyleGAN2-ADA
    "StyleGAN2": "kerasgan.models.stylegan2",
    "stylegan2_generator": "kerasgan.models.stylegan2_networks",
    "stylegan2_discriminator": "kerasgan.models.stylegan2_networks",
    "sample_stylegan2": "kerasgan.models.stylegan2_networks",
    # Data
    "load_mnist": "kerasgan.data.keras_datasets",
    "load_cifar10": "kerasgan.data.keras_datasets",
    "array_dataset": "kerasgan.data.pipeline",
    "image_folder": "kerasgan.data.image_folder",
    "image_dataset": "kerasgan.data.image_folder",
    "load_training_data": "kerasgan.data.sources",
    "build_video_dataset": "kerasgan.data.video_dataset",
    "VideoDatasetSettings": "kerasgan.data.video_dataset",
    # Training
    "train": "kerasgan.training.trainer",
    "TrainingRun": "kerasgan.training.run_folder",
    "TrainingOptions": "kerasgan.training.options",
    "RECIPES": "kerasgan.training.recipes",
    # BigGAN
    "BigGAN": "kerasgan.hub.biggan",
}

__all__ = sorted(_PUBLIC_NAMES) + ["__version__"]


def __getattr__(name):
    if name in _PUBLIC_NAMES:
        module = importlib.import_module(_PUBLIC_NAMES[name])
        _register_snapshot_layers_if_keras_is_loaded()
        return getattr(module, name)
    # Submodules (kerasgan.losses, kerasgan.metrics, ...) import on first use too.
    try:
        return importlib.import_module(f"{__name__}.{name}")
    except ModuleNotFoundError as error:
        if error.name != f"{__name__}.{name}":
            raise
    raise AttributeError(f"module 'kerasgan' has no attribute {name!r}")


def __dir__():
    return __all__


# `import kerasgan` makes every layer of every family's snapshots loadable by plain
# `keras.models.load_model`, without importing TensorFlow itself: the layers are
# registered as soon as Keras is imported (now, if it already is). When a kerasgan module
# is what imports Keras, they are registered once it has loaded (kerasgan.DCGAN and the
# other public names), and kerasgan's own snapshot loaders register them in any case.
_registered = False


def _register_snapshot_layers():
    global _registered
    importlib.import_module("kerasgan.snapshots").register_layers()
    _registered = True


def _register_snapshot_layers_if_keras_is_loaded():
    if not _registered and "keras" in sys.modules and not _kerasgan_is_being_imported():
        _register_snapshot_layers()


def _kerasgan_is_being_imported():
    """Whether a kerasgan module is half imported (then it registers what it loads itself)."""
    return any(
        name.startswith("kerasgan.") and getattr(getattr(module, "__spec__", None), "_initializing", False)
        for name, module in list(sys.modules.items())
    )


class _RegisterWhenKerasLoads(importlib.abc.MetaPathFinder):
    """Registers kerasgan's layers right after the first `import keras` completes."""

    def find_spec(self, name, path=None, target=None):
        if name != "keras":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            load(module)
            if not _kerasgan_is_being_imported():
                _register_snapshot_layers()

        spec.loader.exec_module = exec_module
        return spec


if "keras" in sys.modules:
    _register_snapshot_layers_if_keras_is_loaded()
else:
    sys.meta_path.insert(0, _RegisterWhenKerasLoads())
