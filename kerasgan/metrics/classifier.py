"""A domain classifier for MNIST, CIFAR-10 or any labelled dataset, trained once and cached.

The published FID and Inception Score use InceptionV3 trained on ImageNet. Its
weights are a download, which a class's offline machines cannot make, and
ImageNet features say little about 28 x 28 digits anyway. So kerasgan also
measures with a small CNN trained on the real images of the dataset itself,
the way early GAN papers scored MNIST. It is trained the first time it is
needed (seconds for MNIST on a laptop CPU, well under a minute for CIFAR-10),
tested on the held-out split, and cached:

    ~/.cache/kerasgan/classifiers/mnist-<data hash>-r<recipe hash>.keras  (+ .json: its accuracy)

The fingerprint is a hash of the training images and labels, so a different
copy of the data (the full download, a class's subset, the offline fallback)
gets its own classifier. Set KERASGAN_CACHE to move the cache.

The classifier gives two things to the metrics:

- `probabilities(images)`: its softmax output, for the classifier score and for
  checking that a generator draws recognisable classes;
- `features(images)`: the 128 activations before the last layer, for
  Frechet distance, KID, precision and recall.

Numbers made with it are named after it ("mnist-classifier-3f2a9c01"); they
are comparable with each other, not with published FIDs.

Example:

```python
classifier = domain_classifier("mnist")
print(classifier.test_accuracy)
probabilities = classifier.probabilities(generated_images)
```
"""

import hashlib
import os
import sys
import time
from pathlib import Path

import numpy as np

from kerasgan import files
from kerasgan.metrics.arrays import as_float_images
from kerasgan.metrics.reference_data import load_reference_data

# Name of the layer whose activations are the classifier's features.
FEATURES_LAYER = "features"

# The recipe per kind of image, measured on a 2-core CPU: grayscale digits (MNIST, 3,678 or
# 5,000 training images) reach about 97.5-98% test accuracy; colour photos (CIFAR-10, 5,000
# images) reach about 52-56%, far from the state of the art but enough to tell a generator's
# attempts at the ten classes apart from noise. Small networks keep training to seconds.
GRAYSCALE_RECIPE = {
    "filters": (16, 32),
    "epochs": 15,
    "batch_size": 64,
    "learning_rate": 2e-3,
    "flip": False,
    "junk_share": 0.1,
}
COLOR_RECIPE = {
    "filters": (16, 32, 64),
    "epochs": 10,
    "batch_size": 64,
    "learning_rate": 2e-3,
    "flip": True,
    "junk_share": 0.1,
}

# Pixels an image is shifted by at most when augmenting, in each direction.
MAXIMUM_SHIFT = 3


def cache_folder():
    """Where trained classifiers are kept: $KERASGAN_CACHE/classifiers.

    KERASGAN_CACHE defaults to ~/.cache/kerasgan.
    """
    return Path(os.environ.get("KERASGAN_CACHE", "~/.cache/kerasgan")).expanduser() / "classifiers"


def recipe_for(image_shape):
    """The training recipe for images of this shape: grayscale or colour."""
    return GRAYSCALE_RECIPE if image_shape[-1] == 1 else COLOR_RECIPE


def cache_stem(dataset, fingerprint, recipe):
    """The cache file name without suffix, e.g. "mnist-71484e9357f0-r3c9a1f".

    The recipe's own hash is part of the name, so changing the architecture or
    the training in this file retrains instead of loading a stale classifier.
    """
    recipe_hash = hashlib.sha256(repr(sorted(recipe.items())).encode()).hexdigest()[:6]
    return f"{dataset}-{fingerprint}-r{recipe_hash}"


def data_fingerprint(images, labels):
    """A short hash of a training set: the same data gives the same classifier file."""
    digest = hashlib.sha256()
    for array in (np.ascontiguousarray(images), np.ascontiguousarray(labels, dtype=np.int64)):
        digest.update(f"{array.dtype}{array.shape}".encode())
        digest.update(array.tobytes())
    return digest.hexdigest()[:12]


def build_classifier(image_shape, num_classes, filters=(32, 64)):
    """A small CNN: [3x3 conv + ReLU + 2x2 max-pool] per entry of `filters`, then two dense layers.

    Args:
        image_shape: (H, W, C) of the images, in [-1, 1].
        num_classes: number of output classes.
        filters: the number of filters of each convolution block.

    Returns:
        A functional `keras.Model` from images to softmax probabilities, with a
        dense layer named "features" before the output.
    """
    import keras

    images = keras.Input(shape=image_shape, name="images")
    hidden = images
    for count in filters:
        hidden = keras.layers.Conv2D(count, 3, padding="same", activation="relu")(hidden)
        hidden = keras.layers.MaxPooling2D()(hidden)
    hidden = keras.layers.Flatten()(hidden)
    # Dropout keeps a network this size from memorising a few thousand images.
    hidden = keras.layers.Dropout(0.4)(hidden)
    features = keras.layers.Dense(128, activation="relu", name=FEATURES_LAYER)(hidden)
    hidden = keras.layers.Dropout(0.3)(features)
    probabilities = keras.layers.Dense(num_classes, activation="softmax", name="probabilities")(
        hidden
    )
    return keras.Model(images, probabilities, name="domain_classifier")


def augment(images, random, flip):
    """Random shifts (and mirror flips for photos) so the network learns shapes, not positions.

    Done in NumPy between epochs: cheap, and the saved classifier holds no
    augmentation layers. Shifted-in borders repeat the edge for photos and
    stay background (-1) for digits.
    """
    count, height, width = images.shape[:3]
    if flip:
        mirrored = random.random(count) < 0.5
        images = np.where(mirrored[:, None, None, None], images[:, :, ::-1], images)
    padding = ((0, 0), (MAXIMUM_SHIFT, MAXIMUM_SHIFT), (MAXIMUM_SHIFT, MAXIMUM_SHIFT), (0, 0))
    if flip:
        padded = np.pad(images, padding, mode="edge")
    else:
        padded = np.pad(images, padding, mode="constant", constant_values=-1.0)
    shifted = np.empty_like(images)
    offsets = random.integers(0, 2 * MAXIMUM_SHIFT + 1, size=(count, 2))
    for index, (top, left) in enumerate(offsets):
        shifted[index] = padded[index, top : top + height, left : left + width]
    return shifted


def junk_images(count, image_shape, random):
    """Images that show no class: blank, flat grey, noise, and noise blurred into blobs.

    A classifier trained only on real classes has no reason to be unsure of anything:
    it may call a blank picture a confident "1", and then an untrained or collapsed
    generator would score as "recognised". Trained to answer these with equal odds for
    every class, it keeps its confidence for things that look like the classes.
    """
    kinds = random.integers(0, 4, size=count)
    levels = random.uniform(-1.0, 1.0, size=(count, 1, 1, 1))
    noise = random.uniform(-1.0, 1.0, size=(count, *image_shape))
    # Blobs: noise averaged over 4 x 4 cells, then enlarged back to full size.
    height, width = image_shape[:2]
    cells = noise[:, : height // 4 * 4 : 4, : width // 4 * 4 : 4]
    blobs = np.repeat(np.repeat(cells, 4, axis=1), 4, axis=2)
    blobs = np.pad(
        blobs,
        ((0, 0), (0, height - blobs.shape[1]), (0, width - blobs.shape[2]), (0, 0)),
        mode="edge",
    )
    choices = [
        np.full((count, *image_shape), -1.0),  # blank
        np.broadcast_to(levels, (count, *image_shape)),  # one flat grey level
        noise,
        blobs,
    ]
    images = np.select([kinds[:, None, None, None] == kind for kind in range(4)], choices)
    return images.astype(np.float32)


def train_classifier(x_train, y_train, x_test, y_test, num_classes, seed=0, verbose=False):
    """Trains a domain classifier and measures it on the test split.

    Args:
        x_train, x_test: images, uint8 or float in [-1, 1], (N, H, W[, C]).
        y_train, y_test: integer labels (N,).
        num_classes: number of classes.
        seed: seed of the augmentation and of the shuffling.
        verbose: print Keras's progress bar.

    Returns:
        `(model, test_accuracy)`.
    """
    import keras

    x_train, x_test = as_float_images(x_train, "x_train"), as_float_images(x_test, "x_test")
    y_train = np.asarray(y_train, dtype=np.int64).reshape(-1)
    y_test = np.asarray(y_test, dtype=np.int64).reshape(-1)
    recipe = recipe_for(x_train.shape)
    model = build_classifier(x_train.shape[1:], num_classes, recipe["filters"])
    batch_size = recipe["batch_size"]
    total_steps = recipe["epochs"] * int(np.ceil(len(x_train) / batch_size))
    # A cosine decay ends training at a small learning rate: a few epochs, yet a settled model.
    learning_rate = keras.optimizers.schedules.CosineDecay(recipe["learning_rate"], total_steps)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="categorical_crossentropy",
        metrics=["categorical_accuracy"],
    )
    random = np.random.default_rng(seed)
    one_hot = np.eye(num_classes, dtype=np.float32)
    junk_count = int(round(recipe["junk_share"] * len(x_train)))
    # Junk images are answered with equal odds for every class (see `junk_images`).
    junk_targets = np.full((junk_count, num_classes), 1.0 / num_classes, np.float32)
    for epoch in range(recipe["epochs"]):
        # A fresh augmentation of the whole training set, and fresh junk, each epoch.
        augmented = augment(x_train, random, recipe["flip"])
        images = np.concatenate([augmented, junk_images(junk_count, x_train.shape[1:], random)])
        targets = np.concatenate([one_hot[y_train], junk_targets])
        order = random.permutation(len(images))
        model.fit(
            images[order],
            targets[order],
            batch_size=batch_size,
            epochs=epoch + 1,
            initial_epoch=epoch,
            shuffle=False,
            verbose=2 if verbose else 0,
        )
    _, test_accuracy = model.evaluate(x_test, one_hot[y_test], batch_size=500, verbose=0)
    return model, float(test_accuracy)


class DomainClassifier:
    """A trained domain classifier and what is known about it.

    Get one with `domain_classifier(...)`, which trains or loads from the cache.

    Args:
        model: the Keras classifier (images in [-1, 1] -> class probabilities).
        dataset: name of the dataset it was trained on.
        fingerprint: hash of its training data (see `data_fingerprint`).
        test_accuracy: accuracy on the dataset's test split.
        class_names: one name per class.
        num_train_images, num_test_images: sizes of the splits it saw.
        training_seconds: how long the training took.

    Example:

    ```python
    classifier = domain_classifier("mnist", path="mnist_subset.npz")
    probabilities, features = classifier.predict(images)
    ```
    """

    def __init__(
        self,
        model,
        dataset,
        fingerprint,
        test_accuracy,
        class_names,
        num_train_images=None,
        num_test_images=None,
        training_seconds=None,
    ):
        import keras

        self.model = model
        self.dataset = dataset
        self.fingerprint = fingerprint
        self.test_accuracy = test_accuracy
        self.class_names = tuple(class_names)
        self.num_train_images = num_train_images
        self.num_test_images = num_test_images
        self.training_seconds = training_seconds
        # One pass gives both outputs: the features layer and the probabilities.
        self._both_outputs = keras.Model(
            model.inputs, [model.get_layer(FEATURES_LAYER).output, model.outputs[0]]
        )

    @property
    def name(self):
        """The extractor's name that every score made with it carries."""
        return f"{self.dataset}-classifier-{self.fingerprint[:8]}"

    @property
    def num_classes(self):
        return len(self.class_names)

    @property
    def image_shape(self):
        return tuple(self.model.inputs[0].shape[1:])

    def predict(self, images, batch_size=500):
        """Class probabilities (N, num_classes) and features (N, 128) of `images`.

        Args:
            images: uint8, or float in [-1, 1]; (N, H, W) or (N, H, W, C) of the
                classifier's image shape.
        """
        images = as_float_images(images)
        if images.shape[1:] != self.image_shape:
            raise ValueError(
                f"The {self.dataset} classifier takes images shaped {self.image_shape}; got "
                f"{images.shape[1:]}: measure images of the dataset it was trained on."
            )
        if len(images) == 0:
            raise ValueError("No images to classify: pass at least one image.")
        features, probabilities = self._both_outputs.predict(
            images, batch_size=batch_size, verbose=0
        )
        return np.asarray(probabilities, np.float64), np.asarray(features, np.float64)

    def probabilities(self, images, batch_size=500):
        """Softmax class probabilities (N, num_classes)."""
        return self.predict(images, batch_size)[0]

    def features(self, images, batch_size=500):
        """Activations of the features layer (N, 128), for Frechet distance, KID and friends."""
        return self.predict(images, batch_size)[1]

    def describe(self):
        """A dict for reports and stats files."""
        return {
            "name": self.name,
            "dataset": self.dataset,
            "fingerprint": self.fingerprint,
            "test_accuracy": self.test_accuracy,
            "num_train_images": self.num_train_images,
            "num_test_images": self.num_test_images,
            "training_seconds": self.training_seconds,
            "class_names": list(self.class_names),
        }

    def __repr__(self):
        return (
            f"DomainClassifier({self.name!r}, test_accuracy={self.test_accuracy:.3f}, "
            f"classes={self.num_classes})"
        )


def _cached_classifier(model_path, description_path, reference, fingerprint):
    """The classifier kept in the cache; raises when either file cannot be read back whole."""
    import json

    import keras

    description = json.loads(description_path.read_text(encoding="utf-8"))
    model = keras.models.load_model(model_path, compile=False)
    expected_shape = (None, *reference.image_shape)
    if tuple(model.input_shape) != expected_shape or model.output_shape[-1] != reference.num_classes:
        raise ValueError(f"it maps {model.input_shape} to {model.output_shape}")
    return DomainClassifier(
        model,
        reference.name,
        fingerprint,
        float(description["test_accuracy"]),
        reference.class_names,
        description.get("num_train_images"),
        description.get("num_test_images"),
        description.get("training_seconds"),
    )


def domain_classifier(dataset="mnist", path=None, reference=None, retrain=False, verbose=True):
    """Returns the domain classifier for a dataset, training and caching it the first time.

    Args:
        dataset: "mnist", "cifar10", or the path of an .npz file with x_train,
            y_train, x_test and y_test (any labelled image dataset).
        path: for "mnist" or "cifar10", an .npz file to train on instead of the
            download (e.g. a class's shared copy).
        reference: a `ReferenceData` already loaded (then `dataset` and `path` are ignored).
        retrain: train again even when a cached classifier exists.
        verbose: say on stderr when training starts and how it went.

    Returns:
        A `DomainClassifier`.

    Example:

    ```python
    classifier = domain_classifier("mnist")
    print(classifier, classifier.name)
    ```
    """
    import keras

    if reference is None:
        reference = load_reference_data(dataset, path)
    fingerprint = data_fingerprint(reference.x_train, reference.y_train)
    stem = cache_stem(reference.name, fingerprint, recipe_for(reference.image_shape))
    model_path = cache_folder() / f"{stem}.keras"
    description_path = cache_folder() / f"{stem}.json"
    # The description is written last, so its presence means the model file is complete.
    if not retrain and model_path.is_file() and description_path.is_file():
        try:
            return _cached_classifier(model_path, description_path, reference, fingerprint)
        except Exception as error:  # a cut-short copy, a changed byte: a cache entry is rebuilt
            print(
                f"kerasgan: the cached classifier {model_path} is damaged "
                f"({type(error).__name__}); training it again.",
                file=sys.stderr,
            )

    if verbose:
        print(
            f"kerasgan: training the {reference.name} domain classifier on "
            f"{len(reference.x_train):,} images {reference.origin} (once; cached in "
            f"{cache_folder()})...",
            file=sys.stderr,
        )
    start = time.perf_counter()
    model, test_accuracy = train_classifier(
        reference.x_train,
        reference.y_train,
        reference.x_test,
        reference.y_test,
        reference.num_classes,
    )
    seconds = time.perf_counter() - start
    if verbose:
        print(
            f"kerasgan: {reference.name} classifier: {test_accuracy:.1%} accuracy on "
            f"{len(reference.x_test):,} test images, trained in {seconds:.0f} s.",
            file=sys.stderr,
        )
    classifier = DomainClassifier(
        model,
        reference.name,
        fingerprint,
        test_accuracy,
        reference.class_names,
        len(reference.x_train),
        len(reference.x_test),
        round(seconds, 1),
    )
    with files.atomic_path(model_path) as temporary:
        model.save(temporary)
    files.write_json(description_path, classifier.describe())
    return classifier
