"""Paired images for pix2pix: tf.data pipelines of (input, target) batches in [-1, 1].

pix2pix learns a mapping from one picture to another, so it trains on pairs. They come
in three shapes:

1. **Side by side** (the format of the pix2pix datasets: facades, maps, edges2shoes):
   each file holds A | B, two squares next to each other. `direction="AtoB"` makes the
   left half the input and the right half the target; "BtoA" swaps them.
2. **Two folders matched by file name**: `inputs/0001.png` pairs with `targets/0001.jpg`.
3. **A folder of targets only**, such as the frames of a video: the input is made from
   each target by an input mode (edges, grayscale, downscale, posterize, inpaint; see
   `kerasgan/data/input_modes.py`), the "Learning to See" setup, super-resolution
   (downscale) and inpainting.

A folder with `train/` and `test/` subfolders (what `kerasgan dataset video` writes,
next to manifest.json and contact_sheet.jpg) trains on `train/`; `test/` (or `val/`, as in
the pix2pix datasets) gives the fixed test pairs of the sample grids and the held-out
scores. A folder without them trains on all of its images.

The pipeline:

    list files -> decode (in parallel) -> square uint8 pairs -> cache -> shuffle
    -> jitter -> make the input (input modes) -> batch -> scale to [-1, 1] -> prefetch

**Jitter** is pix2pix's augmentation: enlarge (256 -> 286 pixels), cut a random square of
the original size, mirror left-right half of the time. Input and target must get the
*same* crop and flip, or the model learns to shift its output; `random_jitter` stacks them
into one tensor and crops that, so they cannot come apart. Its randomness comes from
stateless random ops fed with a fresh seed per image from `tf.data.Dataset.random`: a
Python `random.randint` inside the pipeline would run once, when TensorFlow traces the
function, and every step would get the same "random" crop.

With an input mode, the input is made *after* the jitter, from the jittered target: that
is also how `kerasgan live` makes it from a camera frame, at the model's own size. The
inpaint mode's holes take the pair's seed too, so each pair gets new holes every epoch and
the held-out pairs (same seeds, no jitter) always the same ones.
"""

import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kerasgan.data import input_modes
from kerasgan.data.image_folder import (
    IMAGE_EXTENSIONS,
    decode_image_file,
    resize_square,
    scan_image_folder,
)
from kerasgan.data.pipeline import check_batch_options, scale_batch
from kerasgan.data.sources import TrainingData

DIRECTIONS = ("AtoB", "BtoA")

# pix2pix enlarges 256-pixel images to 286 before its random 256-pixel crop.
JITTER_SCALE = 286 / 256

# Layouts of paired data (see the module docstring).
SIDE_BY_SIDE, TWO_FOLDERS, TARGETS_ONLY = "side by side", "two folders", "targets only"


@dataclass
class PairFiles:
    """Which files make the pairs of a dataset, found by `find_pairs`.

    Attributes:
        layout: SIDE_BY_SIDE, TWO_FOLDERS or TARGETS_ONLY.
        train: training items: file paths (side by side, targets only) or
            (input path, target path) tuples (two folders), sorted.
        test: the same for the held-out pairs, or None when there is no test folder.
        train_folder, test_folder: where they were found (test_folder may be None).
        direction: "AtoB" or "BtoA" (side by side only).
        input_mode: the `InputMode` that makes inputs (targets only), else None.
    """

    layout: str
    train: list
    test: list
    train_folder: Path
    test_folder: Path = None
    direction: str = "AtoB"
    input_mode: object = None

    @property
    def input_channels(self):
        return self.input_mode.channels if self.input_mode is not None else 3


@dataclass
class PairedData(TrainingData):
    """Paired training data, ready for `Pix2Pix.fit`, and what the model needs to know.

    Attributes (besides those of `TrainingData`):
        dataset: one epoch of `(inputs, targets)` batches, float32 in [-1, 1].
        image_shape: (size, size, 3), the shape of a target.
        input_channels: channels of an input (1 for edges, grayscale and downscale, 4 for
            inpaint: the holed picture and the hole mask).
        input_mode: the `InputMode` that makes the inputs, or None when the data holds them.
        pairs: the `PairFiles` behind the dataset.
    """

    input_channels: int = 3
    input_mode: object = None
    pairs: PairFiles = None

    def test_pairs(self, count=None):
        """The held-out pairs (inputs, targets) as float32 arrays in [-1, 1], without jitter.

        Args:
            count: how many, evenly spaced through the test set (a video's test frames
                are one block of time, so the first few would all look alike); None: all.
                Without a test folder they come from the training files.
        """
        items = self.pairs.test if self.pairs.test else self.pairs.train
        if count is not None and count < len(items):
            chosen = np.linspace(0, len(items) - 1, count).round().astype(int)
            items = [items[index] for index in chosen]
        dataset = pair_dataset(
            self.pairs, items, self.image_shape[0], batch_size=len(items), jitter=False,
            shuffle=False, drop_remainder=False, cache=False,
        )  # fmt: skip
        inputs, targets = next(iter(dataset))
        return inputs.numpy(), targets.numpy()


def load_paired_data(
    source,
    image_size=256,
    batch_size=4,
    input_mode="paired",
    direction="AtoB",
    target_folder=None,
    downscale_factor=8,
    hole_size=(0.25, 0.5),
    holes=1,
    jitter=True,
    shuffle=True,
    seed=0,
    cache=True,
):
    """Loads pix2pix training pairs from a folder as one epoch of `(inputs, targets)` batches.

    Args:
        source: a folder of side-by-side A|B images, of inputs (with `target_folder`), or of
            targets (with an input mode); its `train/` subfolder is used when there is one.
        image_size: side of the square images: 64, 128, 256 or 512 for `unet_generator`.
        batch_size: pairs per batch (the paper uses 1; see the pix2pix training defaults).
        input_mode: "paired" (the data holds the inputs), or "edges", "grayscale",
            "downscale" (super-resolution), "posterize", "inpaint" to make each input
            from its target.
        direction: "AtoB" or "BtoA", for side-by-side images.
        target_folder: a second folder of targets, matched to `source`'s inputs by name.
        downscale_factor: for the "downscale" input mode.
        hole_size, holes: for the "inpaint" input mode: (smallest, largest) side of a
            hole as a fraction of the picture's side (or "0.25-0.5"), holes per picture.
        jitter: enlarge, random crop and mirror every pair (pix2pix's augmentation).
        shuffle: a new order every epoch.
        seed: seed of the shuffle and of the jitter.
        cache: keep the decoded uint8 pairs in memory after the first epoch.

    Returns:
        A `PairedData`.

    Example:

    ```python
    data = load_paired_data("datasets/bikes", image_size=64, input_mode="edges")
    inputs, targets = next(iter(data.dataset))  # (1, 64, 64, 1) and (1, 64, 64, 3)
    test_inputs, test_targets = data.test_pairs(8)
    ```
    """
    mode = input_modes.input_mode(input_mode, downscale_factor, hole_size=hole_size, holes=holes)
    pairs = find_pairs(source, mode, direction, target_folder)
    check_batch_options(len(pairs.train), batch_size, True, what=f"pairs in {pairs.train_folder}")
    dataset = pair_dataset(
        pairs, pairs.train, image_size, batch_size, jitter=jitter, shuffle=shuffle, seed=seed,
        cache=cache,
    )  # fmt: skip
    return PairedData(
        dataset=dataset,
        num_examples=len(pairs.train),
        image_shape=(image_size, image_size, 3),
        class_names=None,
        description=_describe(source, pairs),
        batch_size=batch_size,
        input_channels=pairs.input_channels,
        input_mode=mode,
        pairs=pairs,
    )


# ------------------------------------------------------------------ finding the pairs


def find_pairs(source, input_mode=None, direction="AtoB", target_folder=None):
    """Finds the training and test pairs of a dataset folder; returns `PairFiles`.

    Args:
        source: the folder (see `load_paired_data`).
        input_mode: an `InputMode` (targets only) or None.
        direction: "AtoB" or "BtoA".
        target_folder: a second folder, for inputs and targets matched by file name.
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be AtoB or BtoA; got {direction!r}.")
    train_folder, test_folder = split_folders(source)
    if target_folder is not None:
        if input_mode is not None:
            raise ValueError(
                "A target folder pairs the inputs in --data with targets of the same name, and "
                "an input mode makes the inputs from targets: use one or the other."
            )
        target_train, target_test = split_folders(target_folder)
        train = match_by_name(train_folder, target_train)
        test = None
        if test_folder is not None and target_test is not None:
            test = match_by_name(test_folder, target_test)
        return PairFiles(TWO_FOLDERS, train, test, train_folder, test_folder)

    train = _image_files(train_folder)
    test = _image_files(test_folder, required=False) if test_folder is not None else None
    if input_mode is not None:
        return PairFiles(
            TARGETS_ONLY, train, test, train_folder, test_folder, input_mode=input_mode
        )
    _check_side_by_side(train[0])
    return PairFiles(SIDE_BY_SIDE, train, test, train_folder, test_folder, direction=direction)


def split_folders(folder):
    """(training folder, test folder or None): `train/` and `test/` (or `val/`) if present."""
    folder = Path(folder).expanduser()
    if not (folder / "train").is_dir():
        return folder, None
    for name in ("test", "val"):
        if (folder / name).is_dir():
            return folder / "train", folder / name
    return folder / "train", None


def _image_files(folder, required=True):
    """The images in `folder`; an empty test folder gives None rather than an error."""
    if not required and not any(
        path.suffix.lower() in IMAGE_EXTENSIONS for path in Path(folder).rglob("*")
    ):
        return None
    return scan_image_folder(folder).files


def match_by_name(input_folder, target_folder):
    """(input, target) path pairs whose names match without the extension, sorted by name.

    `inputs/0001.png` pairs with `targets/0001.jpg`, and `inputs/day2/0001.png` with
    `targets/day2/0001.png`. Files without a partner are left out, with one notice.
    """
    inputs = _by_name(input_folder)
    targets = _by_name(target_folder)
    names = sorted(set(inputs) & set(targets))
    if not names:
        example_input = next(iter(inputs.values()))
        raise ValueError(
            f"No image in {input_folder} has a partner of the same name in {target_folder} "
            f"(e.g. {Path(example_input).name} has none): name each input like its target, "
            "such as inputs/0001.png and targets/0001.jpg."
        )
    unmatched = len(inputs) + len(targets) - 2 * len(names)
    if unmatched:
        noun = "image has" if unmatched == 1 else "images have"
        print(
            f"kerasgan: {unmatched} {noun} no partner of the same name in {input_folder} and "
            f"{target_folder}, and will not be used.",
            file=sys.stderr,
        )
    return [(inputs[name], targets[name]) for name in names]


def _by_name(folder):
    root = Path(folder).expanduser()
    files = scan_image_folder(root).files
    return {str(Path(file).relative_to(root).with_suffix("")): file for file in files}


def _check_side_by_side(path):
    """Raises a ValueError when the first image is not two squares side by side."""
    from PIL import Image  # a dependency of matplotlib; reads the size from the header only

    with Image.open(path) as image:
        width, height = image.size
    if abs(width - 2 * height) > 0.02 * width:
        raise ValueError(
            f"{path} is {width}x{height} pixels, not two pictures side by side (width = 2 x "
            "height). For a folder of single pictures such as video frames, make the inputs "
            "with --input-mode edges, grayscale, downscale, posterize or inpaint; for inputs and "
            "targets in two folders, pass the targets with --target-data."
        )


def _describe(source, pairs):
    name = Path(source).expanduser().name
    where = f"{len(pairs.train):,} training pairs from {pairs.train_folder}"
    if pairs.layout == TARGETS_ONLY:
        how = f"inputs made by {pairs.input_mode.describe()}"
    elif pairs.layout == SIDE_BY_SIDE:
        how = f"side-by-side images, {pairs.direction}"
    else:
        how = "inputs and targets matched by file name"
    if pairs.test:
        held_out = f"{len(pairs.test):,} test pairs from {pairs.test_folder}"
    else:
        held_out = "no test folder: the sample grids show training pairs"
    return f"Folder {name}: {where} ({how}); {held_out}"


# ---------------------------------------------------------------------- the pipeline


def jitter_size(image_size):
    """The size pairs are enlarged to before the random crop: 286 for 256, 72 for 64."""
    return int(round(image_size * JITTER_SCALE))


def random_jitter(images, seed, image_size):
    """Enlarges, randomly crops and maybe mirrors images, all in exactly the same way.

    Args:
        images: list of uint8 tensors (H, W, C), same height and width (an input and its
            target; or a target alone, when the input is made from it afterwards).
        seed: int tensor of shape (2,), the seed of the stateless random ops. The same seed
            gives the same crop and flip; `pair_dataset` draws a new one for every image.
        image_size: side of the output squares.

    Returns:
        The list of jittered uint8 tensors (image_size, image_size, C), in the same order.
    """
    import tensorflow as tf

    channels = [int(image.shape[-1]) for image in images]
    # One stacked tensor, one crop, one flip: input and target cannot come apart.
    stacked = tf.concat([tf.cast(image, tf.float32) for image in images], axis=-1)
    enlarged = jitter_size(image_size)
    stacked = tf.image.resize(stacked, (enlarged, enlarged), method="bilinear")
    crop_seed, flip_seed = tf.unstack(tf.random.experimental.stateless_split(seed, num=2))
    stacked = tf.image.stateless_random_crop(
        stacked, (image_size, image_size, sum(channels)), seed=crop_seed
    )
    stacked = tf.image.stateless_random_flip_left_right(stacked, seed=flip_seed)
    stacked = tf.cast(tf.round(tf.clip_by_value(stacked, 0.0, 255.0)), tf.uint8)
    return tf.split(stacked, channels, axis=-1)


def make_input(target, input_mode, seed):
    """Makes the input of a uint8 target inside a tf.data pipeline, with `InputMode.apply`.

    `tf.numpy_function` runs the same NumPy/OpenCV code that `kerasgan live` runs on
    camera frames, so training and live inputs match exactly. `seed` (the pair's int64
    seed tensor) places the inpaint mode's holes; the other modes ignore it.
    """
    import tensorflow as tf

    made = tf.numpy_function(
        lambda image, image_seed: input_mode.apply(image, seed=image_seed),
        [target, seed], tf.uint8, stateful=False,
    )  # fmt: skip
    return tf.ensure_shape(made, (*target.shape[:2], input_mode.channels))


def pair_dataset(
    pairs,
    items,
    image_size,
    batch_size,
    jitter=True,
    shuffle=True,
    seed=0,
    drop_remainder=True,
    cache=True,
):
    """Builds the `tf.data` pipeline of `(inputs, targets)` batches for some of `pairs`' items.

    Args:
        pairs: the `PairFiles` (layout, direction, input mode).
        items: which of its items: `pairs.train`, `pairs.test` or a selection.
        image_size, batch_size, jitter, shuffle, seed, cache: see `load_paired_data`.
        drop_remainder: drop the last, smaller batch.
    """
    import tensorflow as tf

    if pairs.layout == TWO_FOLDERS:
        files = tf.data.Dataset.from_tensor_slices(tuple(list(column) for column in zip(*items)))
    else:
        files = tf.data.Dataset.from_tensor_slices(list(items))

    def decode(*paths):
        if pairs.layout == TWO_FOLDERS:
            return tuple(decode_image_file(path, image_size, 3, "center") for path in paths)
        if pairs.layout == SIDE_BY_SIDE:
            return decode_side_by_side(paths[0], image_size, pairs.direction)
        return decode_image_file(paths[0], image_size, 3, "center")

    dataset = files.map(decode, num_parallel_calls=tf.data.AUTOTUNE)
    # A broken file (a truncated download) is dropped with a warning, as in image_folder.
    dataset = dataset.ignore_errors(log_warning=True)
    if cache:
        dataset = dataset.cache()
    if shuffle:
        dataset = dataset.shuffle(len(items), seed=seed, reshuffle_each_iteration=True)

    # One stateless seed (two int64 numbers) per pair, new ones every epoch.
    seeds = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).batch(2)
    dataset = tf.data.Dataset.zip((dataset, seeds))

    def prepare(images, pair_seed):
        if pairs.input_mode is not None:
            target = images
            if jitter:
                (target,) = random_jitter([target], pair_seed, image_size)
            return make_input(target, pairs.input_mode, pair_seed), target
        input_image, target = images
        if jitter:
            input_image, target = random_jitter([input_image, target], pair_seed, image_size)
        return input_image, target

    dataset = dataset.map(prepare, num_parallel_calls=tf.data.AUTOTUNE)
    dataset = dataset.batch(batch_size, drop_remainder=drop_remainder)
    dataset = dataset.map(
        lambda inputs, targets: (scale_inputs(inputs), scale_batch(targets)),
        num_parallel_calls=tf.data.AUTOTUNE,
    )
    return dataset.prefetch(tf.data.AUTOTUNE)


def scale_inputs(inputs):
    """uint8 input batch -> float32 in [-1, 1], every channel kept.

    `scale_batch` takes a 4th channel for alpha and drops it; the inpaint mode's 4th
    channel is its hole mask, which the model needs.
    """
    if inputs.shape[-1] == 4:
        import tensorflow as tf

        return tf.cast(inputs, tf.float32) / 127.5 - 1.0
    return scale_batch(inputs)


def decode_side_by_side(file_path, image_size, direction="AtoB"):
    """Reads one A|B file -> (input, target) uint8 squares of `image_size`.

    `decode_image_file` crops or squashes a file to one square; a side-by-side file holds
    two, so it is decoded whole and cut down the middle, each half resized on its own.
    """
    import tensorflow as tf

    contents = tf.io.read_file(file_path)
    image = tf.io.decode_image(contents, channels=3, expand_animations=False, dtype=tf.uint8)
    half = tf.shape(image)[1] // 2
    halves = [
        resize_square(image[:, :half], image_size, 3),
        resize_square(image[:, half:], image_size, 3),
    ]
    return tuple(halves) if direction == "AtoB" else tuple(reversed(halves))


__all__ = [
    "DIRECTIONS",
    "PairFiles",
    "PairedData",
    "find_pairs",
    "jitter_size",
    "load_paired_data",
    "make_input",
    "match_by_name",
    "pair_dataset",
    "random_jitter",
    "split_folders",
]
