"""Two unrelated folders of images for CycleGAN: tf.data batches of (images A, images B).

CycleGAN learns from two domains (summer and winter frames, photos and paintings) with no
pairs between them. Each domain is a folder of images, or a dataset written by
`kerasgan dataset video` (its `train/` subfolder trains, its `test/` subfolder gives the
fixed held-out images of the sample grids). The two pipelines are independent:

    list files -> decode (in parallel) -> square uint8 images -> cache -> shuffle -> repeat
    -> random crop and flip (a fresh seed per image, per domain) -> batch -> scale to [-1, 1]

and are zipped into one element `(a_batch, b_batch)` per step. The crop and the flip are
those of pix2pix (`random_jitter`: enlarge by 286/256, cut a random square, mirror half the
time) but drawn separately for each domain: A and B are not pairs, so nothing ties them.
One pass ("epoch") is as many steps as the larger domain fills; the smaller one repeats.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kerasgan.data.image_folder import decode_image_file, scan_image_folder
from kerasgan.data.paired import random_jitter, split_folders
from kerasgan.data.pipeline import check_batch_options, scale_batch
from kerasgan.data.sources import TrainingData

# PIL image modes with one channel: grey, black and white, 16-bit and float scans.
GREY_MODES = ("1", "L", "LA", "I", "I;16", "F", "P;L")


@dataclass
class Domain:
    """The image files of one domain, found by `find_domain`.

    Attributes:
        name: "A" or "B".
        train: training image paths, sorted.
        test: held-out image paths, or None when the folder has no test/ (or val/) subfolder.
        train_folder: where the training images are.
        channels: 1 when every image is grey, else 3.
    """

    name: str
    train: list
    test: list
    train_folder: Path
    channels: int


@dataclass
class UnpairedData(TrainingData):
    """Unpaired training data, ready for `CycleGAN.fit`.

    Attributes (besides those of `TrainingData`):
        dataset: one pass of `(images_a, images_b)` batches, float32 in [-1, 1].
        image_shape: (size, size, channels), the same for both domains.
        domain_a, domain_b: the `Domain`s behind it.
    """

    domain_a: Domain = None
    domain_b: Domain = None

    def held_out(self, count):
        """(images A, images B): `count` fixed images of each domain, float32 in [-1, 1].

        From the test folders when there are some, else from the training images; evenly
        spaced through them (a video's frames are in time order, so the first few alike).
        """
        return tuple(
            _load_images(domain.test or domain.train, count, self.image_shape)
            for domain in (self.domain_a, self.domain_b)
        )


def load_unpaired_data(folder_a, folder_b, image_size=256, batch_size=1, seed=0, jitter=True):
    """Loads the two domains of a CycleGAN run as one pass of `(images_a, images_b)` batches.

    Args:
        folder_a, folder_b: folders of images, or datasets from `kerasgan dataset video`.
        image_size: side of the square images.
        batch_size: images of each domain per step (1 in the paper).
        seed: seed of the shuffles, crops and flips.
        jitter: random crop and flip, independently per domain.

    Returns:
        An `UnpairedData`.

    Example:

    ```python
    data = load_unpaired_data("datasets/summer", "datasets/winter", image_size=128)
    summer, winter = next(iter(data.dataset))  # (1, 128, 128, 3) each
    ```
    """
    domain_a, domain_b = find_domain("A", folder_a), find_domain("B", folder_b)
    if domain_a.channels != domain_b.channels:
        raise ValueError(
            f"The images of domain A ({folder_a}) have {_channels_in_words(domain_a.channels)} "
            f"but those of domain B ({folder_b}) have {_channels_in_words(domain_b.channels)}: "
            "each CycleGAN generator also sees images of its own output domain (the identity "
            "term), so convert one folder to the other's colours."
        )
    for domain in (domain_a, domain_b):
        where = f"images of domain {domain.name} in {domain.train_folder}"
        check_batch_options(len(domain.train), batch_size, True, what=where)
    import tensorflow as tf

    steps = max(len(domain_a.train), len(domain_b.train)) // batch_size
    streams = [
        domain_stream(domain, image_size, batch_size, steps, seed + offset, jitter)
        for offset, domain in enumerate((domain_a, domain_b))
    ]
    dataset = tf.data.Dataset.zip(tuple(streams)).take(steps).prefetch(tf.data.AUTOTUNE)
    return UnpairedData(
        dataset=dataset,
        num_examples=steps * batch_size,
        image_shape=(image_size, image_size, domain_a.channels),
        class_names=None,
        description=_describe(domain_a, domain_b),
        batch_size=batch_size,
        domain_a=domain_a,
        domain_b=domain_b,
    )


def find_domain(name, folder):
    """The `Domain` in `folder`: its train/ and test/ subfolders if it has them, else all of it."""
    train_folder, test_folder = split_folders(folder)
    train = scan_image_folder(train_folder).files
    test = None
    if test_folder is not None:
        try:
            test = scan_image_folder(test_folder, verbose=False).files
        except ValueError:  # an empty test folder: the grids show training images
            test = None
    return Domain(name, train, test, train_folder, image_channels(train + (test or [])))


def image_channels(paths):
    """1 when every image is grey (read from the file headers only), else 3."""
    from PIL import Image  # a dependency of matplotlib

    for path in paths:
        try:
            with Image.open(path) as image:
                if image.mode not in GREY_MODES:
                    return 3
        except OSError:
            continue  # unreadable: the pipeline drops it with a warning
    return 1


def domain_stream(domain, image_size, batch_size, steps, seed, jitter=True):
    """One epoch of one domain: `steps` batches, shuffled anew on every pass over the folder.

    The stream ends after exactly the passes it needs. An endless stream cut short by
    `take` would let tf.data's read-ahead start further shuffles in the background, and
    how many it started before the epoch ended would depend on the machine's load: the
    next epoch's order, and with it exact resume, would too.
    """
    import math

    import tensorflow as tf

    channels = domain.channels
    images = tf.data.Dataset.from_tensor_slices(domain.train).map(
        lambda path: decode_image_file(path, image_size, channels, "center"),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    images = images.ignore_errors(log_warning=True).cache()
    needed = steps * batch_size
    passes = math.ceil(needed / len(domain.train))
    images = images.shuffle(len(domain.train), seed=seed, reshuffle_each_iteration=True)
    images = images.repeat(passes).take(needed)
    if jitter:
        # One stateless seed per image, drawn from a seeded stream: a Python random number
        # here would be drawn once, when TensorFlow traces the function.
        seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
        images = tf.data.Dataset.zip((images, seeds)).map(
            lambda image, image_seed: random_jitter([image], image_seed, image_size)[0],
            num_parallel_calls=tf.data.AUTOTUNE,
        )
    return images.batch(batch_size, drop_remainder=True).map(scale_batch)


def _load_images(paths, count, image_shape):
    import tensorflow as tf

    if count < len(paths):
        chosen = np.linspace(0, len(paths) - 1, count).round().astype(int)
        paths = [paths[index] for index in chosen]
    size, channels = image_shape[0], image_shape[-1]
    decoded = [decode_image_file(tf.constant(path), size, channels, "center") for path in paths]
    return scale_batch(tf.stack(decoded)).numpy()


def _channels_in_words(channels):
    return "1 channel (grey)" if channels == 1 else "3 channels (colour)"


def _describe(domain_a, domain_b):
    parts = []
    for domain in (domain_a, domain_b):
        held_out = f", {len(domain.test):,} held out" if domain.test else ""
        found = f"{len(domain.train):,} images from {domain.train_folder}"
        parts.append(f"{domain.name}: {found}{held_out}")
    return "Unpaired domains " + "; ".join(parts)


__all__ = ["Domain", "UnpairedData", "find_domain", "image_channels", "load_unpaired_data"]
