"""Differentiable augmentation: a GAN that learns from a few hundred images.

With little data the discriminator soon memorises every training image: it
answers "real" for those exact pictures and "fake" for anything else, its
gradients stop teaching the generator, and samples get worse as training goes on.
Classic augmentation (flipping the training set) cannot fix this for a GAN: the
generator would learn to draw the augmented images. Differentiable augmentation
(DiffAugment, Zhao et al. 2020, https://arxiv.org/abs/2006.10738) augments every
image the discriminator sees, real and fake alike, in both the discriminator
step and the generator step. The discriminator never sees the same picture
twice, and since every transform here is made of differentiable operations the
generator's gradients flow back through it.

Four augmentations, each applied to each image with probability `p`:

- "flip": a horizontal mirror (of half the chosen images, as ADA does);
- "translation": a shift by up to 1/8 of the image, the uncovered border mid grey;
- "color": brightness, saturation and contrast changes;
- "cutout": a mid-grey square of half the image's side, somewhere on it.

Adaptive augmentation (ADA, Karras et al. 2020, https://arxiv.org/abs/2006.06676)
chooses `p` while training: `r_t = E[sign(D(real))]` is near 1 when the
discriminator is sure of every training image, its sign of overfitting. Every few
steps `p` moves up a fixed amount when `r_t` is above a target (0.6) and down when
it is below. `adjusted_probability` is that rule; `GAN.update_augmentation` runs it.

All random numbers come from `keras.random` with the model's `SeedGenerator`, so
inside the compiled `train_step` every step and every image gets new ones (a
Python `random` call would be frozen into the graph at trace time).
"""

import keras
import tensorflow as tf
from keras import ops

AUGMENTATIONS = ("flip", "translation", "color", "cutout")
TRANSLATION_FRACTION = 1 / 8  # DiffAugment's largest shift, as a fraction of the image size
CUTOUT_FRACTION = 1 / 2  # DiffAugment's cutout square, as a fraction of the image size
# p stays below 1: when every image is augmented every time, the generator can learn to
# draw the augmented images themselves (the augmentations "leak" into the samples).
MAX_PROBABILITY = 0.99


def parse_augmentations(augmentations):
    """The augmentation names as a tuple in AUGMENTATIONS order, from "flip,color" or a list.

    None or "" gives (): no augmentation.
    """
    if augmentations is None:
        return ()
    if isinstance(augmentations, str):
        augmentations = augmentations.split(",")
    names = [str(name).strip().lower() for name in augmentations]
    names = [name for name in names if name]
    unknown = [name for name in names if name not in AUGMENTATIONS]
    if unknown:
        raise ValueError(
            f"Unknown augmentation(s) {', '.join(unknown)}: choose from {','.join(AUGMENTATIONS)}."
        )
    return tuple(name for name in AUGMENTATIONS if name in names)


def adjusted_probability(probability, real_sign_rate, target, step_size):
    """ADA's rule: p one step up if the discriminator is too sure of the real images, else down.

    Args:
        probability: the current p.
        real_sign_rate: r_t = E[sign(D(real))] over the last few steps, in [-1, 1].
        target: the r_t to aim for (0.6 in the ADA paper).
        step_size: how much p moves per adjustment.

    Returns:
        The new p, clipped to [0, MAX_PROBABILITY].
    """
    change = ops.sign(real_sign_rate - target) * step_size
    return ops.clip(probability + change, 0.0, MAX_PROBABILITY)


# ------------------------------------------------------------------ the augmentations


def _chosen(batch_size, probability, seed):
    """(batch, 1, 1, 1): 1.0 for the images this augmentation is applied to, each with probability p."""
    draws = keras.random.uniform((batch_size, 1, 1, 1), seed=seed)
    return ops.cast(draws < ops.cast(probability, "float32"), "float32")


def random_flip(images, probability, seed):
    """Mirrors images left to right: each is chosen with probability p, then flipped half the time.

    Flipping every chosen image would be no augmentation at all at p = 1.
    """
    batch_size = ops.shape(images)[0]
    flip = _chosen(batch_size, probability, seed) * _chosen(batch_size, 0.5, seed)
    flip = ops.cast(flip, images.dtype)
    return flip * ops.flip(images, axis=2) + (1 - flip) * images


def random_translation(images, probability, seed, fraction=TRANSLATION_FRACTION):
    """Shifts each chosen image by up to `fraction` of its size; uncovered pixels are 0 (mid grey)."""
    batch_size = ops.shape(images)[0]
    height, width = int(images.shape[1]), int(images.shape[2])
    chosen = ops.cast(ops.reshape(_chosen(batch_size, probability, seed), (-1, 1)), "int32")
    max_dy, max_dx = int(height * fraction + 0.5), int(width * fraction + 0.5)
    dy = keras.random.randint((batch_size, 1), -max_dy, max_dy + 1, seed=seed) * chosen
    dx = keras.random.randint((batch_size, 1), -max_dx, max_dx + 1, seed=seed) * chosen
    # Output pixel (y, x) of an image shows its input pixel (y - dy, x - dx).
    rows = ops.arange(height, dtype="int32")[None, :] - dy  # (batch, height)
    columns = ops.arange(width, dtype="int32")[None, :] - dx  # (batch, width)
    shifted = tf.gather(images, ops.clip(rows, 0, height - 1), axis=1, batch_dims=1)
    shifted = tf.gather(shifted, ops.clip(columns, 0, width - 1), axis=2, batch_dims=1)
    rows_inside = ops.logical_and(rows >= 0, rows < height)
    columns_inside = ops.logical_and(columns >= 0, columns < width)
    inside = ops.logical_and(rows_inside[:, :, None, None], columns_inside[:, None, :, None])
    return shifted * ops.cast(inside, images.dtype)


def random_cutout(images, probability, seed, fraction=CUTOUT_FRACTION):
    """Paints a mid-grey square of `fraction` of the image's side on each chosen image.

    The square's centre is anywhere on the image, so it may hang over an edge.
    """
    batch_size = ops.shape(images)[0]
    height, width = int(images.shape[1]), int(images.shape[2])
    size_y, size_x = int(height * fraction + 0.5), int(width * fraction + 0.5)
    top = keras.random.randint((batch_size, 1), 0, height, seed=seed) - size_y // 2
    left = keras.random.randint((batch_size, 1), 0, width, seed=seed) - size_x // 2
    rows = ops.arange(height, dtype="int32")[None, :] - top  # position inside the square
    columns = ops.arange(width, dtype="int32")[None, :] - left
    rows_in_square = ops.logical_and(rows >= 0, rows < size_y)
    columns_in_square = ops.logical_and(columns >= 0, columns < size_x)
    square = ops.logical_and(rows_in_square[:, :, None, None], columns_in_square[:, None, :, None])
    erase = ops.cast(square, images.dtype) * ops.cast(
        _chosen(batch_size, probability, seed), images.dtype
    )
    return images * (1 - erase)


def random_color(images, probability, seed):
    """Brightness, saturation and contrast changes (DiffAugment's ranges), each with probability p.

    Images are in [-1, 1]: brightness adds up to +-0.5, saturation scales each pixel's
    distance from its grey by 0..2 (colour images only), contrast scales each image's
    distance from its mean by 0.5..1.5. The result is clipped back to [-1, 1], the range
    every real image lies in.
    """
    batch_size = ops.shape(images)[0]

    def random_amount(low, high):
        # low..high for chosen images, the neutral value (0 or 1, at the middle) for the others.
        draws = keras.random.uniform((batch_size, 1, 1, 1), low, high, seed=seed)
        neutral = (low + high) / 2
        chosen = _chosen(batch_size, probability, seed)
        return ops.cast(neutral + chosen * (draws - neutral), images.dtype)

    images = images + random_amount(-0.5, 0.5)
    if images.shape[-1] == 3:
        grey = ops.mean(images, axis=-1, keepdims=True)
        images = (images - grey) * random_amount(0.0, 2.0) + grey
    mean = ops.mean(images, axis=(1, 2, 3), keepdims=True)
    images = (images - mean) * random_amount(0.5, 1.5) + mean
    return ops.clip(images, -1.0, 1.0)


GEOMETRIC_AUGMENTATIONS = {
    "flip": random_flip,
    "translation": random_translation,
    "cutout": random_cutout,
}


def augment_images(images, augmentations, probability, seed):
    """Applies the named augmentations to a batch of images in [-1, 1]: colour, then geometry.

    Args:
        images: (batch, height, width, channels) float images in [-1, 1].
        augmentations: names from AUGMENTATIONS (see `parse_augmentations`).
        probability: p, a float or a scalar variable: each augmentation's chance per image.
        seed: a `keras.random.SeedGenerator` (fresh numbers at every call) or an int.

    Returns:
        The augmented images, same shape and dtype, still in [-1, 1].

    Example:

    ```python
    seed = keras.random.SeedGenerator(0)
    augmented = augment_images(images, ("translation", "cutout"), 1.0, seed)
    ```
    """
    if "color" in augmentations:
        images = random_color(images, probability, seed)
    return augment_geometry_together([images], augmentations, probability, seed)[0]


def augment_geometry_together(batches, augmentations, probability, seed):
    """The same flips, shifts and cutouts for every batch in `batches`, image by image.

    pix2pix needs this: an input picture and the image paired with it must move
    together, or the discriminator would judge pairs that no longer line up.

    Args:
        batches: a list of (batch, height, width, channels_i) tensors of the same batch
            size and image size; channel counts may differ.
        augmentations, probability, seed: as for `augment_images` ("color" is ignored).

    Returns:
        The list of transformed batches, in the same order.
    """
    channels = [int(batch.shape[-1]) for batch in batches]
    dtype = batches[0].dtype
    stacked = ops.concatenate([ops.cast(batch, dtype) for batch in batches], axis=-1)
    for name in AUGMENTATIONS:
        if name in augmentations and name in GEOMETRIC_AUGMENTATIONS:
            stacked = GEOMETRIC_AUGMENTATIONS[name](stacked, probability, seed)
    pieces, start = [], 0
    for count, batch in zip(channels, batches):
        pieces.append(ops.cast(stacked[..., start : start + count], batch.dtype))
        start += count
    return pieces
