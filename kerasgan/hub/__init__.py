"""Pretrained generators from TF Hub: BigGAN sampled by ImageNet class name.

`kerasgan.hub.BigGAN` (`biggan.py`, the model) loads TensorFlow and tensorflow-hub on
first use; `tfhub.py` fetches and caches the modules; `kerasgan.hub.imagenet_classes`
(class names, ids and search) never loads TensorFlow.

Example:

```python
from kerasgan.hub import BigGAN, find_class

find_class("golden retriever")  # 207
images = BigGAN("biggan-deep-256").sample(["golden retriever", "hen"], num=8, seed=0)
```
"""

import importlib

# Public name -> the module that defines it, imported on first use (PEP 562).
_PUBLIC_NAMES = {
    "BigGAN": "kerasgan.hub.biggan",
    "PRESETS": "kerasgan.hub.tfhub",
    "truncated_noise": "kerasgan.hub.biggan",
    "find_class": "kerasgan.hub.imagenet_classes",
    "class_name": "kerasgan.hub.imagenet_classes",
    "search_classes": "kerasgan.hub.imagenet_classes",
}

__all__ = sorted(_PUBLIC_NAMES)


def __getattr__(name):
    if name in _PUBLIC_NAMES:
        return getattr(importlib.import_module(_PUBLIC_NAMES[name]), name)
    raise AttributeError(f"module 'kerasgan.hub' has no attribute {name!r}")


def __dir__():
    return __all__
