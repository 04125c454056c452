"""NumPy image arrays -> a tf.data pipeline of float batches in [-1, 1], ready for a GAN.

GAN generators end in `tanh`, so real images must live in [-1, 1] too. The pipeline keeps
the images as uint8 (4x smaller than float32) through shuffling and batching, then converts
a whole batch at once: one vectorised multiply per batch instead of one small op per image.

The same `scale_batch` step is used by `image_folder`, so arrays and folders of images
give exactly the same values: pixel 0 -> -1.0, pixel 255 -> 1.0.
"""

import numpy as np


def array_dataset(
    images,
    labels=None,
    batch_size=64,
    image_size=None,
    shuffle=True,
    seed=0,
    drop_remainder=True,
    channels=None,
):
    """Builds a batched `tf.data.Dataset` of float32 NHWC images in [-1, 1] from uint8 arrays.

    Args:
        images: uint8 array (N, H, W) for grayscale or (N, H, W, C); a channel axis is
            added to grayscale images.
        labels: optional integer labels (N,) or (N, 1), e.g. `y_train`; when given, the
            dataset yields `(images, labels)` with int32 labels of shape (batch,).
        batch_size: images per batch.
        image_size: optional side length to resize to (MNIST's 28 -> 32 or 64 for a DCGAN
            that halves the size four times); None keeps the native size.
        shuffle: shuffle the whole array, in a new order every epoch.
        seed: shuffle seed; the same seed gives the same sequence of epochs.
        drop_remainder: drop the last, smaller batch so every batch has `batch_size` images
            (a GAN's batch statistics and a fixed latent batch both prefer equal batches).
        channels: optional 1 or 3 to convert the images to grayscale or RGB.

    Returns:
        One epoch of batches; call `.repeat()` for more, or let `model.fit(epochs=...)` loop.

    Example:

    ```python
    (x_train, y_train), _ = kerasgan.load_mnist()
    dataset = array_dataset(x_train, y_train, batch_size=128, image_size=32)
    images, labels = next(iter(dataset))  # (128, 32, 32, 1) float32, (128,) int32
    ```
    """
    import tensorflow as tf

    images = np.asarray(images)
    if images.dtype != np.uint8:
        raise ValueError(
            f"array_dataset needs uint8 images with pixels 0-255, got {images.dtype}: convert "
            "them with kerasgan.images.to_uint8(images) first."
        )
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4 or images.shape[-1] not in (1, 3, 4) or len(images) == 0:
        raise ValueError(
            f"array_dataset needs images shaped (N, H, W) or (N, H, W, C), got {images.shape}."
        )
    check_batch_options(len(images), batch_size, drop_remainder, what="images in the array")
    check_image_size(image_size)
    check_channels(channels)
    count = len(images)

    # The arrays live in one tensor; the pipeline moves only indices and then gathers a
    # whole batch at a time, which is much faster than slicing the array image by image.
    image_tensor = tf.constant(images)
    if labels is not None:
        labels = np.asarray(labels).reshape(-1)
        if len(labels) != count:
            raise ValueError(
                f"Got {count} images but {len(labels)} labels: give one label per image."
            )
        label_tensor = tf.constant(labels.astype(np.int32))

    dataset = tf.data.Dataset.range(count)
    if shuffle:
        dataset = dataset.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)

    def gather_batch(indices):
        batch = scale_batch(tf.gather(image_tensor, indices), image_size, channels)
        if labels is None:
            return batch
        return batch, tf.gather(label_tensor, indices)

    dataset = dataset.map(gather_batch, num_parallel_calls=tf.data.AUTOTUNE)
    return dataset.prefetch(tf.data.AUTOTUNE)


def scale_batch(batch, image_size=None, channels=None):
    """uint8 batch (B, H, W, C) -> float32 in [-1, 1], optionally resized and recoloured.

    Args:
        batch: uint8 tensor of images.
        image_size: optional side length: area averaging when shrinking, bilinear
            interpolation when enlarging.
        channels: optional 1 or 3.
    """
    import tensorflow as tf

    batch = to_channels(batch, channels)
    batch = tf.cast(batch, tf.float32)
    if image_size is not None and tuple(batch.shape[1:3]) != (image_size, image_size):
        # Shrinking averages whole pixel areas (no aliasing); enlarging interpolates.
        shrinking = image_size < min(batch.shape[1], batch.shape[2])
        batch = tf.image.resize(
            batch, (image_size, image_size), "area" if shrinking else "bilinear"
        )
        # Keep the range exact even if interpolation lands a hair outside 0-255.
        batch = tf.clip_by_value(batch, 0.0, 255.0)
    # 0 -> -1.0 and 255 -> 1.0 exactly (255 / 127.5 is exact in float32).
    return batch / 127.5 - 1.0


def to_channels(images, channels):
    """Converts images (..., H, W, C) with C of 1, 3 or 4 to `channels` (1 or 3; None keeps).

    The channel count must be known when the graph is built, as it is for arrays.
    Alpha is dropped here; image files with alpha are composited when decoded.
    """
    import tensorflow as tf

    current = images.shape[-1]
    if current == 4:
        images = images[..., :3]
        current = 3
    if channels is None or channels == current:
        return images
    if channels == 3:
        return tf.repeat(images, 3, axis=-1)
    return tf.image.rgb_to_grayscale(images)


def check_batch_options(count, batch_size, drop_remainder, what="images"):
    """Raises a ValueError with one sentence when `batch_size` cannot give a single batch."""
    if not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}.")
    if drop_remainder and count < batch_size:
        raise ValueError(
            f"Only {count} {what} for batch_size={batch_size}, so drop_remainder=True would "
            "give no batch at all: use a smaller batch_size or add images."
        )


def check_image_size(image_size):
    """Raises a ValueError unless `image_size` is None or a positive integer."""
    if image_size is not None and (
        not isinstance(image_size, (int, np.integer))
        or isinstance(image_size, bool)
        or image_size < 1
    ):
        raise ValueError(
            "image_size must be a positive integer side length (e.g. 64) or None, "
            f"got {image_size!r}."
        )


def check_channels(channels):
    """Raises a ValueError unless `channels` is None, 1 (grayscale) or 3 (RGB)."""
    if channels not in (None, 1, 3):
        raise ValueError(f"channels must be 1 (grayscale) or 3 (RGB), got {channels!r}.")
