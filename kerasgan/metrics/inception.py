"""InceptionV3 features and ImageNet class probabilities: the extractor behind published FID and IS.

The published numbers use InceptionV3 trained on ImageNet: FID on its 2,048
pool features, the Inception Score on its 1,000 class probabilities. Keras
ships the architecture in `keras.applications` and downloads the weights
(92 MB) on first use into ~/.keras/models. Without a network that download
fails, and this module says so in one sentence instead of a traceback; the
domain classifier (`kerasgan.metrics.classifier`) then does the job offline.

Images are resized to 299 x 299 with bilinear interpolation and grayscale is
repeated to RGB, as the reference implementations do. Numbers computed here
are close to, but not bit-identical with, the original TensorFlow 1 FID code,
which used a slightly different graph; compare them with each other.

Example:

```python
extractor = InceptionExtractor()          # downloads the weights once
features = extractor.features(images)    # (N, 2048)
```
"""

from pathlib import Path

import numpy as np

from kerasgan.errors import KerasganError
from kerasgan.metrics.arrays import as_float_images

INPUT_SIZE = 299
# The file keras.applications.InceptionV3(weights="imagenet") downloads, with its MD5.
WEIGHTS_FILE = "inception_v3_weights_tf_dim_ordering_tf_kernels.h5"
WEIGHTS_URL = (
    "https://storage.googleapis.com/tensorflow/keras-applications/inception_v3/" + WEIGHTS_FILE
)
WEIGHTS_MD5 = "9a0d58056eeedaa3f26cb7ebd46da564"


def imagenet_weights_path():
    """The ImageNet weights file, downloaded once into ~/.keras/models like Keras does.

    Fetched before the network is built, so an offline machine hears "no" in
    a fraction of a second instead of after building 24 million parameters.

    Raises:
        KerasganError: when the file is not cached and cannot be downloaded.
    """
    import keras

    try:
        return keras.utils.get_file(
            WEIGHTS_FILE, WEIGHTS_URL, cache_subdir="models", file_hash=WEIGHTS_MD5
        )
    except Exception as error:  # Keras raises a bare Exception for a failed download.
        raise KerasganError(
            "InceptionV3's ImageNet weights could not be downloaded (is there an internet "
            "connection?): use the domain classifier instead (extractor='domain', or "
            f"--extractor domain), or copy {WEIGHTS_FILE} into ~/.keras/models/."
        ) from error


class InceptionExtractor:
    """InceptionV3 as a feature extractor and classifier.

    Args:
        weights: "imagenet" (downloaded once by Keras), the path of the weights
            file (`inception_v3_weights_tf_dim_ordering_tf_kernels.h5`), or None
            for random weights (only to test code paths: its numbers mean nothing).
        batch_size: images per forward pass.

    Raises:
        KerasganError: when the ImageNet weights cannot be had.
    """

    def __init__(self, weights="imagenet", batch_size=50):
        import keras

        self.weights = weights
        self.batch_size = batch_size
        if weights == "imagenet":
            weights_path = imagenet_weights_path()
        else:
            weights_path = weights
        try:
            network = keras.applications.InceptionV3(include_top=True, weights=weights_path)
        except (OSError, ValueError) as error:
            raise KerasganError(
                f"InceptionV3 weights could not be read from {weights_path} ({error}): pass the "
                f"path of {WEIGHTS_FILE}, the file with the classification top."
            ) from error
        # The 2,048 global-average-pooled activations feed the 1,000-way softmax.
        pool = network.get_layer("avg_pool").output
        self._model = keras.Model(network.inputs, [pool, network.outputs[0]])

    @property
    def name(self):
        if self.weights is None:
            return "inception_v3-random-weights"
        if self.weights == "imagenet":
            return "inception_v3-imagenet"
        return f"inception_v3-{Path(self.weights).stem}"

    @property
    def class_names(self):
        return ()

    def predict(self, images):
        """ImageNet probabilities (N, 1000) and pool features (N, 2048) of `images`."""
        import tensorflow as tf

        images = as_float_images(images)
        probabilities, features = [], []
        for start in range(0, len(images), self.batch_size):
            batch = images[start : start + self.batch_size]
            if batch.shape[-1] == 1:
                batch = np.repeat(batch, 3, axis=-1)
            # InceptionV3 expects [-1, 1], which is already our convention.
            batch = tf.image.resize(batch, (INPUT_SIZE, INPUT_SIZE), method="bilinear")
            pool, softmax = self._model(batch, training=False)
            probabilities.append(np.asarray(softmax, np.float64))
            features.append(np.asarray(pool, np.float64))
        return np.concatenate(probabilities), np.concatenate(features)

    def probabilities(self, images):
        return self.predict(images)[0]

    def features(self, images):
        return self.predict(images)[1]

    def describe(self):
        return {"name": self.name, "weights": str(self.weights)}
