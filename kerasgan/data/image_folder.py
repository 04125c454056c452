"""A folder of images -> a tf.data pipeline of square float batches in [-1, 1].

Artists bring folders of anything: phone JPEGs, transparent PNGs, 16-bit scans, GIFs,
frames from a video. The pipeline turns all of them into the same thing a GAN trains on:

    list files -> decode (in parallel) -> square center crop -> area resize -> cache
    -> shuffle -> batch -> scale to [-1, 1] -> prefetch

Two choices make it fast enough to keep a GPU busy from a laptop-sized CPU:

- The small uint8 images are cached in memory after the first epoch, so decoding and
  resizing happen once; later epochs only shuffle and batch.
- Large JPEGs are decoded at 1/2, 1/4 or 1/8 scale when that is still bigger than the
  target size (libjpeg scales inside its inverse DCT, like Pillow's `Image.draft`), which
  skips most of the decoding work for a 64x64 model.

Everything that needs TensorFlow is imported inside the functions, so `scan_image_folder`
can be used (for instance by the video dataset builder) without loading TensorFlow.
"""

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from kerasgan.data.pipeline import (
    check_batch_options,
    check_channels,
    check_image_size,
    scale_batch,
)

# What TensorFlow's decoders read. GIFs give their first frame.
IMAGE_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp")

# Folders that are never data: macOS puts resource forks in __MACOSX when zipping.
IGNORED_FOLDER_NAMES = ("__MACOSX",)

CROP_MODES = ("center", "none")


@dataclass
class ImageFolderScan:
    """What `scan_image_folder` found: the image files and, with labels, their classes.

    Attributes:
        root: the folder that was scanned.
        files: image paths as strings, sorted.
        labels: one class index per file (into `class_names`), or None without labels.
        class_names: sorted subfolder names, or None without labels.
        skipped_count: files that were skipped because they are not images.
    """

    root: Path
    files: list = field(default_factory=list)
    labels: list = None
    class_names: list = None
    skipped_count: int = 0


def scan_image_folder(path, labels=False, class_names=None, verbose=True):
    """Lists the images in a folder, recursively; with `labels`, each subfolder is a class.

    Hidden files and folders (names starting with ".", such as `.downloads/`) are ignored.
    Other files without an image extension are skipped and counted, with one notice on
    stderr ("skipped 3 files that are not images"). Needs no TensorFlow.

    Args:
        path: the folder.
        labels: when True, every direct subfolder that holds images is a class, in sorted
            name order; images lying directly in `path` are then ignored.
        class_names: optional fixed list of classes (e.g. the training split's, so a test
            split maps the same names to the same indices); subfolders not in it are ignored.
        verbose: print the skipped-files notice.

    Returns:
        An `ImageFolderScan`.

    Example:

    ```python
    scan = scan_image_folder("datasets/flowers", labels=True)
    print(len(scan.files), scan.class_names)
    ```
    """
    root = Path(path).expanduser()
    if not root.exists():
        raise FileNotFoundError(
            f"No folder at {root} (working folder: {Path.cwd()}): check the path."
        )
    if not root.is_dir():
        raise ValueError(f"{root} is a file, not a folder: pass the folder that holds the images.")

    image_files, other_count = _list_files(root)
    if not image_files and not other_count:
        raise ValueError(f"The folder {root} is empty: put images (.jpg, .png, ...) in it.")
    if not image_files:
        raise ValueError(
            f"No images in {root}: its {other_count} files have none of the image extensions "
            f"{', '.join(IMAGE_EXTENSIONS)}."
        )
    if other_count and verbose:
        noun = "file that is not an image" if other_count == 1 else "files that are not images"
        print(f"kerasgan: skipped {other_count} {noun} in {root}.", file=sys.stderr)

    scan = ImageFolderScan(root=root, skipped_count=other_count)
    if not labels:
        scan.files = [str(file) for file in image_files]
        return scan

    # With labels, the first path component under root names the class.
    by_class = {}
    for file in image_files:
        parts = file.relative_to(root).parts
        if len(parts) > 1:
            by_class.setdefault(parts[0], []).append(file)
    if class_names is None:
        class_names = sorted(by_class)
    if not class_names or not any(name in by_class for name in class_names):
        raise ValueError(
            f"labels=True needs one subfolder of images per class in {root} (e.g. {root}/cats, "
            f"{root}/dogs), but no subfolder holds images."
        )
    scan.class_names = list(class_names)
    scan.labels = []
    for index, name in enumerate(scan.class_names):
        for file in by_class.get(name, []):
            scan.files.append(str(file))
            scan.labels.append(index)
    return scan


def _list_files(root):
    """Returns (sorted image paths, count of other visible files) under root."""
    image_files, other_count = [], 0
    for folder, subfolders, names in os.walk(root):
        # Pruning in place stops os.walk from descending into hidden folders.
        subfolders[:] = sorted(
            name
            for name in subfolders
            if not name.startswith(".") and name not in IGNORED_FOLDER_NAMES
        )
        for name in names:
            if name.startswith("."):
                continue
            if name.lower().endswith(IMAGE_EXTENSIONS):
                image_files.append(Path(folder) / name)
            else:
                other_count += 1
    return sorted(image_files), other_count


def image_folder(
    path,
    image_size,
    batch_size=64,
    channels=3,
    labels=False,
    shuffle=True,
    seed=0,
    crop="center",
    cache=True,
    drop_remainder=True,
    class_names=None,
):
    """Builds a batched `tf.data.Dataset` of float32 (B, S, S, C) images in [-1, 1] from a folder.

    Any size and mode works: grayscale, RGB, RGBA and gray+alpha (composited over white),
    palette, 16-bit PNG, JPEG, BMP, WebP and GIF (first frame). Files that fail to decode
    (a truncated download, an HTML page saved as .jpg) are dropped instead of stopping
    training, counted and named in one notice on stderr; `file_paths` lists only the
    files that decode.

    Args:
        path: folder of images, searched recursively (see `scan_image_folder`).
        image_size: side length S of the square output images, e.g. 64.
        batch_size: images per batch.
        channels: 3 for RGB, 1 for grayscale.
        labels: when True, each subfolder is a class and the dataset yields
            `(images, labels)` with int32 labels; the names are in `dataset.class_names`.
        shuffle: shuffle all images, in a new order every epoch.
        seed: shuffle seed; the same seed gives the same sequence of epochs.
        crop: "center" cuts the largest centered square before resizing (no distortion);
            "none" squashes the whole image to a square.
        cache: keep the decoded, resized uint8 images in memory after the first epoch
            (about S * S * C bytes each: 12 KB at 64x64 RGB).
        drop_remainder: drop the last, smaller batch so all batches have `batch_size` images.
        class_names: with labels, an optional fixed list of classes (see `scan_image_folder`).

    Returns:
        One epoch of batches, with `class_names` (list or None) and `file_paths` attributes,
        as `keras.utils.image_dataset_from_directory` has.

    Example:

    ```python
    dataset = image_folder("datasets/flowers", image_size=64, batch_size=32)
    for images in dataset.take(1):
        print(images.shape)  # (32, 64, 64, 3), values in [-1, 1]
    ```
    """
    import tensorflow as tf

    check_image_size(image_size)
    if image_size is None:
        raise ValueError("image_folder needs an image_size, e.g. image_size=64.")
    check_channels(channels)
    if channels is None:
        raise ValueError("channels must be 1 (grayscale) or 3 (RGB), got None.")
    if crop not in CROP_MODES:
        raise ValueError(f"crop must be one of {', '.join(CROP_MODES)}, got {crop!r}.")

    scan = scan_image_folder(path, labels=labels, class_names=class_names)
    _drop_unreadable_files(scan, image_size, channels, crop)
    check_batch_options(len(scan.files), batch_size, drop_remainder, what=f"images in {scan.root}")

    def decode(file_path, *label):
        image = decode_image_file(file_path, image_size, channels, crop)
        return (image, *label)

    if labels:
        dataset = tf.data.Dataset.from_tensor_slices(
            (scan.files, tf.constant(scan.labels, tf.int32))
        )
    else:
        dataset = tf.data.Dataset.from_tensor_slices(scan.files)
    count = len(scan.files)
    if shuffle and not cache:
        # Without a cache, shuffle the cheap file names rather than decoded images.
        dataset = dataset.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.map(decode, num_parallel_calls=tf.data.AUTOTUNE)
    # Every file decoded once already; this only guards against a file changed since.
    dataset = dataset.ignore_errors(log_warning=True)
    if cache:
        dataset = dataset.cache()
        if shuffle:
            # After the cache: a shuffle before it would freeze the first epoch's order.
            dataset = dataset.shuffle(count, seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)

    def scale(images, *label):
        images = scale_batch(images)
        return (images, *label) if label else images

    dataset = dataset.map(scale, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.prefetch(tf.data.AUTOTUNE)
    dataset.class_names = scan.class_names
    dataset.file_paths = scan.files
    return dataset


# How many unreadable files the notice names before it only counts the rest.
NAMED_BAD_FILES = 10


def _drop_unreadable_files(scan, image_size, channels, crop):
    """Decodes every file once, and removes those that fail from `scan`, naming them once.

    A truncated download or an HTML page saved as .jpg would otherwise be dropped
    silently inside the pipeline: training would announce "50 images" and read 40,
    and the names would show only in TensorFlow's log. Decoding up front costs one
    pass over the files, about what the first epoch costs before the cache fills.
    """
    import tensorflow as tf

    if not scan.files:
        return

    def try_decode(index, file_path):
        decoded = _decode_uncropped(file_path, image_size, channels)
        image = _crop_and_resize(decoded, image_size, channels, crop)
        # Returning a value computed from the pixels keeps the decode from being pruned.
        return index, tf.reduce_max(image), tf.reduce_min(tf.shape(decoded)[:2])

    indices = tf.data.Dataset.from_tensor_slices((tf.range(len(scan.files)), scan.files))
    readable = indices.map(try_decode, num_parallel_calls=tf.data.AUTOTUNE)
    readable = readable.ignore_errors(log_warning=False)
    sides = {int(index): int(side) for index, _, side in readable.as_numpy_iterator()}
    _note_tiny_images(scan, {scan.files[index]: side for index, side in sides.items()}, image_size)
    good = set(sides)
    if len(good) == len(scan.files):
        return
    bad = [scan.files[index] for index in range(len(scan.files)) if index not in good]
    if not good:
        raise ValueError(
            f"None of the {len(bad)} image files in {scan.root} could be read (e.g. {bad[0]}): "
            "they are damaged or are not images; check how they were downloaded."
        )
    names = ", ".join(str(Path(file).relative_to(scan.root)) for file in bad[:NAMED_BAD_FILES])
    more = f" and {len(bad) - NAMED_BAD_FILES} more" if len(bad) > NAMED_BAD_FILES else ""
    noun = "file" if len(bad) == 1 else "files"
    print(
        f"kerasgan: skipped {len(bad)} damaged or unreadable image {noun} in {scan.root} "
        f"({names}{more}); using the other {len(good):,}.",
        file=sys.stderr,
    )
    if scan.labels is not None:
        scan.labels = [label for index, label in enumerate(scan.labels) if index in good]
    scan.files = [file for index, file in enumerate(scan.files) if index in good]
    scan.skipped_count += len(bad)


def _note_tiny_images(scan, sides, image_size):
    """Names the images enlarged more than twice to `image_size` (a 1x1 icon becomes a blur)."""
    tiny = sorted(file for file, side in sides.items() if side * 2 < image_size)
    if not tiny:
        return
    names = ", ".join(
        f"{Path(file).relative_to(scan.root)} ({sides[file]} px)" for file in tiny[:NAMED_BAD_FILES]
    )
    more = f" and {len(tiny) - NAMED_BAD_FILES} more" if len(tiny) > NAMED_BAD_FILES else ""
    noun = "image is" if len(tiny) == 1 else "images are"
    print(
        f"kerasgan: {len(tiny)} {noun} less than half of {image_size} px on the short side and "
        f"will be enlarged to it, blurred ({names}{more}): remove {'it' if len(tiny) == 1 else 'them'} "
        "or pass a smaller --image-size.",
        file=sys.stderr,
    )


# The same pipeline under the name Keras users look for first.
image_dataset = image_folder


def decode_image_file(file_path, image_size, channels=3, crop="center"):
    """Reads one image file -> uint8 (image_size, image_size, channels), in a tf.data map.

    Args:
        file_path: string tensor.
        image_size: output side length.
        channels: 1 or 3.
        crop: "center" or "none" (see `image_folder`).
    """
    image = _decode_uncropped(file_path, image_size, channels)
    return _crop_and_resize(image, image_size, channels, crop)


def _decode_uncropped(file_path, image_size, channels):
    """The file's pixels as decoded (a large JPEG already reduced towards `image_size`)."""
    import tensorflow as tf

    contents = tf.io.read_file(file_path)
    return tf.cond(
        tf.io.is_jpeg(contents),
        lambda: _decode_jpeg_reduced(contents, image_size, channels),
        lambda: _decode_any_image(contents, channels, file_path),
    )


def _crop_and_resize(image, image_size, channels, crop):
    import tensorflow as tf

    if crop == "center":
        height, width = tf.shape(image)[0], tf.shape(image)[1]
        side = tf.minimum(height, width)
        top, left = (height - side) // 2, (width - side) // 2
        image = image[top : top + side, left : left + side]

    return resize_square(image, image_size, channels)


def resize_square(image, image_size, channels):
    """A square image tensor -> uint8 (image_size, image_size, channels), in a tf.data map."""
    import tensorflow as tf

    shrinking = tf.reduce_min(tf.shape(image)[:2]) >= image_size
    image = tf.cond(
        shrinking,
        # Area averaging is the right filter for shrinking: every source pixel counts.
        lambda: tf.image.resize(image, (image_size, image_size), method="area"),
        lambda: tf.image.resize(image, (image_size, image_size), method="bilinear"),
    )
    image = tf.cast(tf.round(tf.clip_by_value(image, 0.0, 255.0)), tf.uint8)
    return tf.ensure_shape(image, (image_size, image_size, channels))


def _decode_jpeg_reduced(contents, image_size, channels):
    """Decodes a JPEG at the smallest 1/1, 1/2, 1/4 or 1/8 scale still >= image_size.

    JPEGs have no alpha, and libjpeg converts between gray and color itself, so this
    path needs none of the channel handling of `_decode_any_image`.
    """
    import tensorflow as tf

    def decode(ratio):
        return lambda: tf.io.decode_jpeg(contents, channels=channels, ratio=ratio)

    shape = tf.image.extract_jpeg_shape(contents)
    short_side = tf.minimum(shape[0], shape[1])
    branches = [(short_side >= ratio * image_size, decode(ratio)) for ratio in (8, 4, 2)]
    return tf.case(branches, default=decode(1), exclusive=False)


def _decode_any_image(contents, channels, file_path):
    """Decodes PNG (8 or 16 bit, scaled to 8), BMP, GIF and WebP -> uint8 with `channels`.

    Gray, gray + alpha, RGB and RGBA all arrive here; alpha is composited over white.
    """
    import tensorflow as tf

    # A web page or a text saved under an image name is the most common bad file. The
    # decoder's own error does not say which file it was; this one does, in the warning
    # TensorFlow logs when the pipeline drops the file.
    head = tf.strings.substr(contents, 0, 12) + b"\0" * 12  # padded for tiny files
    known_format = tf.reduce_any(
        [
            tf.equal(tf.strings.substr(head, 0, 4), b"\x89PNG"),
            tf.equal(tf.strings.substr(head, 0, 4), b"GIF8"),
            tf.equal(tf.strings.substr(head, 0, 2), b"BM"),
            tf.equal(tf.strings.substr(head, 8, 4), b"WEBP"),
        ]
    )
    check = tf.debugging.Assert(known_format, ["Not a readable image, dropped:", file_path])
    with tf.control_dependencies([check]):
        contents = tf.identity(contents)

    image = tf.io.decode_image(contents, channels=0, expand_animations=False, dtype=tf.uint8)

    def composite_over_white():
        # Transparent pixels often hold arbitrary colors; what people see is the
        # image over a background, so blend it over white and drop the alpha.
        color = tf.cast(image[..., :-1], tf.float32)
        alpha = tf.cast(image[..., -1:], tf.float32) / 255.0
        blended = color * alpha + 255.0 * (1.0 - alpha)
        return tf.cast(tf.round(blended), tf.uint8)

    has_alpha = tf.equal(tf.shape(image)[-1] % 2, 0)  # 2 = gray + alpha, 4 = RGBA
    image = tf.cond(has_alpha, composite_over_white, lambda: image)
    is_gray = tf.equal(tf.shape(image)[-1], 1)
    if channels == 3:
        image = tf.cond(is_gray, lambda: tf.tile(image, [1, 1, 3]), lambda: image)
    else:
        image = tf.cond(is_gray, lambda: image, lambda: _rgb_to_gray(image))
    return tf.ensure_shape(image, (None, None, channels))


def _rgb_to_gray(image):
    import tensorflow as tf

    # The ITU-R 601 luma weights that tf.image.rgb_to_grayscale and Pillow use.
    weights = tf.constant([0.2989, 0.5870, 0.1140], tf.float32)
    gray = tf.reduce_sum(tf.cast(image, tf.float32) * weights, axis=-1, keepdims=True)
    return tf.cast(tf.round(tf.clip_by_value(gray, 0.0, 255.0)), tf.uint8)
