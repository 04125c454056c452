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

Two families of augmentations, named in `augment="..."` (and `--augment`):

DiffAugment's four, each applied to each image with probability `p`:

- "flip": a horizontal mirror (of half the chosen images, as ADA does);
- "translation": a shift by up to 1/8 of the image, the uncovered border mid grey;
- "color": brightness, saturation and contrast changes;
- "cutout": a mid-grey square of half the image's side, somewhere on it.

ADA's own pipeline (Karras et al. 2020, appendix B), as named presets: "blit" (x-flip,
90-degree rotations, integer translation), "geom" (isotropic scaling, rotation,
anisotropic scaling, fractional translation), "bg" (both) and "bgc" (both, then
brightness, contrast, luma flip, hue rotation and saturation). Every one of its twelve
transforms is applied to each image with probability `p`, so at p = 0 the images come
out unchanged. All the geometry of one image becomes one 3x3 matrix, applied once; all
its colour changes one 4x4 matrix. The transforms are ADA's on purpose: each can be
undone in distribution (a rotation by a uniformly random angle, a flip half the time, a
scale from a distribution symmetric in log scale), so as long as p stays below 1 the
discriminator still sees the true images as the most common case and the generator has
no reason to draw rotated, flipped or recoloured images ("non-leaking" augmentations).

Adaptive augmentation (ADA, Karras et al. 2020, https://arxiv.org/abs/2006.06676)
chooses `p` while training: `r_t = E[sign(D(real))]` is near 1 when the
discriminator is sure of every training image, its sign of overfitting. Every few
steps `p` moves up a fixed amount when `r_t` is above a target (0.6) and down when
it is below. `adjusted_probability` is that rule; `GAN.update_augmentation` runs it.

All random numbers come from `keras.random` with the model's `SeedGenerator`, so
inside the compiled `train_step` every step and every image gets new ones (a
Python `random` call would be frozen into the graph at trace time).
"""

import math

import keras
import numpy as np
import tensorflow as tf
from keras import ops

AUGMENTATIONS = ("flip", "translation", "color", "cutout")  # DiffAugment's, in the order applied
TRANSLATION_FRACTION = 1 / 8  # DiffAugment's largest shift, as a fraction of the image size
CUTOUT_FRACTION = 1 / 2  # DiffAugment's cutout square, as a fraction of the image size
# p stays below 1: when every image is augmented every time, the generator can learn to
# draw the augmented images themselves (the augmentations "leak" into the samples).
MAX_PROBABILITY = 0.99

# ADA's transforms in the order its pipeline applies them, in the paper's three groups.
BLIT_TRANSFORMS = ("xflip", "rotate90", "xint")  # moves whole pixels: exact, no resampling
GEOMETRIC_TRANSFORMS = ("scale", "rotate", "aniso", "xfrac")  # resampled between pixels
COLOR_TRANSFORMS = ("brightness", "contrast", "lumaflip", "hue", "saturation")
# ADA's named pipelines (its `--augpipe`): b(lit), g(eometric), c(olor).
ADA_PIPELINES = {
    "blit": BLIT_TRANSFORMS,
    "geom": GEOMETRIC_TRANSFORMS,
    "bg": BLIT_TRANSFORMS + GEOMETRIC_TRANSFORMS,
    "bgc": BLIT_TRANSFORMS + GEOMETRIC_TRANSFORMS + COLOR_TRANSFORMS,
}
NAMES = AUGMENTATIONS + tuple(ADA_PIPELINES)  # every name `augment=` accepts

# ADA's strengths, the paper's defaults for every dataset (appendix B; every probability
# multiplier is 1, so each transform's chance is p itself). Scales are drawn as
# 2 ** normal(0, std): as likely to halve as to double.
INTEGER_TRANSLATION_MAX = 0.125  # largest shift, a fraction of the image size, whole pixels
SCALE_STD = 0.2  # log2 of the isotropic scale
ROTATION_MAX = 1.0  # largest angle in half turns: 1 is any angle, uniformly
ANISO_STD = 0.2  # log2 of the anisotropic scale
FRACTIONAL_TRANSLATION_STD = 0.125  # a fraction of the image size
BRIGHTNESS_STD = 0.2  # added to every channel (images in [-1, 1])
CONTRAST_STD = 0.5  # log2 of the contrast factor
HUE_MAX = 1.0  # largest hue rotation in half turns: 1 is any angle
SATURATION_STD = 1.0  # log2 of the saturation factor


def parse_augmentations(augmentations):
    """The augmentation names as a tuple in NAMES order, from "flip,color", "bgc" or a list.

    None or "" gives (): no augmentation.
    """
    if augmentations is None:
        return ()
    if isinstance(augmentations, str):
        augmentations = augmentations.split(",")
    names = [str(name).strip().lower() for name in augmentations]
    names = [name for name in names if name]
    unknown = [name for name in names if name not in NAMES]
    if unknown:
        raise ValueError(
            f"Unknown augmentation(s) {', '.join(unknown)}: choose from {','.join(AUGMENTATIONS)} "
            f"(DiffAugment's, any of them) or {', '.join(ADA_PIPELINES)} (ADA's pipelines)."
        )
    return tuple(name for name in NAMES if name in names)


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


# ------------------------------------------------------------------ DiffAugment's augmentations


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


# ------------------------------------------------------------------ ADA's pipeline
#
# Where an output pixel comes from is a 3x3 matrix per image: it maps the output pixel's
# coordinates (x right, y down, measured from the image centre, in pixels) to the point
# of the input image it shows. A transform of the image is the inverse map, so each new
# transform multiplies the matrix on the right by its inverse: the first transform
# drawn is applied first. Colours are a 4x4 matrix per image acting on (r, g, b, 1),
# multiplied on the left: the first colour change drawn is applied first.


def _draw_uniform(batch_size, seed, low=0.0, high=1.0):
    return keras.random.uniform((batch_size,), low, high, seed=seed)


def _draw_normal(batch_size, seed, stddev):
    return keras.random.normal((batch_size,), stddev=stddev, seed=seed)


def _chosen_images(batch_size, probability, seed):
    """(batch,) booleans: True for the images a transform applies to, each with `probability`."""
    return _draw_uniform(batch_size, seed) < probability


def _affine_matrices(a, b, c, d, e, f):
    """(batch, 3, 3) matrices [[a, b, c], [d, e, f], [0, 0, 1]] from (batch,) entries."""
    zeros, ones = ops.zeros_like(a), ops.ones_like(a)
    rows = [[a, b, c], [d, e, f], [zeros, zeros, ones]]
    return ops.stack([ops.stack(row, axis=-1) for row in rows], axis=1)


def _scaling(scale_x, scale_y):
    zeros = ops.zeros_like(scale_x)
    return _affine_matrices(scale_x, zeros, zeros, zeros, scale_y, zeros)


def _translation(shift_x, shift_y):
    zeros, ones = ops.zeros_like(shift_x), ops.ones_like(shift_x)
    return _affine_matrices(ones, zeros, shift_x, zeros, ones, shift_y)


def _rotation(cosine, sine):
    zeros = ops.zeros_like(cosine)
    return _affine_matrices(cosine, -sine, zeros, sine, cosine, zeros)


def geometric_matrices(batch_size, height, width, transforms, probability, seed):
    """Draws ADA's blit and geometric transforms: one 3x3 sampling matrix per image.

    Args:
        batch_size: number of images.
        height, width: the image size in pixels.
        transforms: names from BLIT_TRANSFORMS and GEOMETRIC_TRANSFORMS; others are ignored.
        probability: p, each transform's chance per image (a float or a scalar tensor).
        seed: a `keras.random.SeedGenerator`.

    Returns:
        (matrices, moved, resampled): the (batch, 3, 3) float32 matrices from output
        pixel coordinates to input coordinates; (batch,) booleans, True where an image
        was moved at all, and True where it needs resampling between pixels (a scale,
        rotation or fractional shift was drawn; a blit alone moves whole pixels).
    """
    probability = ops.cast(probability, "float32")
    ones = ops.ones((batch_size,), "float32")
    matrices = _scaling(ones, ones)
    moved = ops.zeros((batch_size,), "bool")
    resampled = ops.zeros((batch_size,), "bool")

    if "xflip" in transforms:
        # Chosen images are mirrored half the time: flipping every one would change nothing.
        flip = ops.floor(_draw_uniform(batch_size, seed) * 2)
        flip = ops.where(_chosen_images(batch_size, probability, seed), flip, 0.0)
        matrices = ops.matmul(matrices, _scaling(1 - 2 * flip, ones))
        moved = ops.logical_or(moved, flip > 0)
    if "rotate90" in transforms:
        quarter_turns = ops.floor(_draw_uniform(batch_size, seed) * 4)
        quarter_turns = ops.where(_chosen_images(batch_size, probability, seed), quarter_turns, 0.0)
        quarter_turns = ops.cast(quarter_turns, "int32")
        # Cosine and sine of 0, 90, 180, 270 degrees looked up, not computed: exactly 0 and 1.
        cosine = ops.take(ops.convert_to_tensor([1.0, 0.0, -1.0, 0.0]), quarter_turns)
        sine = ops.take(ops.convert_to_tensor([0.0, 1.0, 0.0, -1.0]), quarter_turns)
        matrices = ops.matmul(matrices, _rotation(cosine, sine))
        moved = ops.logical_or(moved, quarter_turns > 0)
    if "xint" in transforms:
        chosen = _chosen_images(batch_size, probability, seed)
        shift_x = _draw_uniform(batch_size, seed, -1.0, 1.0) * INTEGER_TRANSLATION_MAX
        shift_y = _draw_uniform(batch_size, seed, -1.0, 1.0) * INTEGER_TRANSLATION_MAX
        shift_x = ops.where(chosen, ops.round(shift_x * width), 0.0)
        shift_y = ops.where(chosen, ops.round(shift_y * height), 0.0)
        matrices = ops.matmul(matrices, _translation(-shift_x, -shift_y))
        moved = ops.logical_or(moved, ops.logical_or(shift_x != 0, shift_y != 0))

    def rotation_by_random_angle(chance):
        # Angles uniform in (-180, 180] degrees: a rotation is as likely as its inverse.
        chosen = _chosen_images(batch_size, chance, seed)
        angle = _draw_uniform(batch_size, seed, -math.pi, math.pi) * ROTATION_MAX
        angle = ops.where(chosen, angle, 0.0)
        return _rotation(ops.cos(angle), ops.sin(angle)), chosen

    if "scale" in transforms:
        chosen = _chosen_images(batch_size, probability, seed)
        scale = ops.where(chosen, 2.0 ** _draw_normal(batch_size, seed, SCALE_STD), 1.0)
        matrices = ops.matmul(matrices, _scaling(1 / scale, 1 / scale))
        resampled = ops.logical_or(resampled, chosen)
    if "rotate" in transforms:
        # ADA rotates twice, before and after the anisotropic scaling (so that its axes
        # point anywhere), each with the chance that makes "rotated at all" p.
        rotation_chance = 1 - ops.sqrt(ops.clip(1 - probability, 0.0, 1.0))
        rotation, chosen = rotation_by_random_angle(rotation_chance)
        matrices = ops.matmul(matrices, rotation)
        resampled = ops.logical_or(resampled, chosen)
    if "aniso" in transforms:
        chosen = _chosen_images(batch_size, probability, seed)
        stretch = ops.where(chosen, 2.0 ** _draw_normal(batch_size, seed, ANISO_STD), 1.0)
        matrices = ops.matmul(matrices, _scaling(1 / stretch, stretch))
        resampled = ops.logical_or(resampled, chosen)
    if "rotate" in transforms:
        rotation, chosen = rotation_by_random_angle(rotation_chance)
        matrices = ops.matmul(matrices, rotation)
        resampled = ops.logical_or(resampled, chosen)
    if "xfrac" in transforms:
        chosen = _chosen_images(batch_size, probability, seed)
        shift_x = ops.where(chosen, _draw_normal(batch_size, seed, FRACTIONAL_TRANSLATION_STD), 0.0)
        shift_y = ops.where(chosen, _draw_normal(batch_size, seed, FRACTIONAL_TRANSLATION_STD), 0.0)
        matrices = ops.matmul(matrices, _translation(-shift_x * width, -shift_y * height))
        resampled = ops.logical_or(resampled, chosen)
    return matrices, ops.logical_or(moved, resampled), resampled


def _reflect(coordinates, size):
    """Folds pixel coordinates into [0, size - 1] as a mirror would ("reflect" padding).

    The image is mirrored about its first and last pixel centres, again and again, so
    any coordinate, however far outside, shows some pixel of the image.
    """
    period = 2 * max(size - 1, 1)
    coordinates = coordinates % period
    return ops.where(coordinates > size - 1, period - coordinates, coordinates)


def _sampling_points(matrices, rows, columns, height, width):
    """Input coordinates (batch, rows, columns) x and y for output pixels at the given positions.

    `rows` and `columns` are output pixel indices (may be fractional or outside the
    image); the returned coordinates are input pixel indices, reflected into the image.
    """
    centre_y, centre_x = (height - 1) / 2, (width - 1) / 2
    y, x = np.meshgrid(np.asarray(rows) - centre_y, np.asarray(columns) - centre_x, indexing="ij")
    points = np.stack([x.ravel(), y.ravel(), np.ones(x.size)]).astype("float32")  # (3, points)
    sources = ops.einsum("bij,jn->bin", matrices[:, :2, :], points)  # (batch, 2, points)
    source_x = _reflect(sources[:, 0] + centre_x, width)
    source_y = _reflect(sources[:, 1] + centre_y, height)
    shape = (-1, len(rows), len(columns))
    return ops.reshape(source_x, shape), ops.reshape(source_y, shape)


def _gather_pixels(images, y, x):
    """images[b, y[b, i, j], x[b, i, j]] for integer coordinates y, x (batch, rows, columns)."""
    width = int(images.shape[2])
    flat = ops.reshape(images, (ops.shape(images)[0], -1, int(images.shape[3])))
    indices = ops.reshape(y * width + x, (ops.shape(images)[0], -1))
    pixels = tf.gather(flat, indices, axis=1, batch_dims=1)
    return ops.reshape(pixels, (ops.shape(images)[0], ops.shape(y)[1], ops.shape(y)[2], -1))


def blit_images(images, matrices):
    """Moves whole pixels: each output pixel copies the input pixel its matrix points at.

    Exact for ADA's blit transforms (flips, quarter turns, whole-pixel shifts), whose
    matrices map pixel centres onto pixel centres; beyond the border the image is
    mirrored. Differentiable with respect to the images (a gather).
    """
    height, width = int(images.shape[1]), int(images.shape[2])
    x, y = _sampling_points(matrices, list(range(height)), list(range(width)), height, width)
    x = ops.cast(ops.round(x), "int32")
    y = ops.cast(ops.round(y), "int32")
    return _gather_pixels(images, y, x)


FILTER_TAPS = 12


def _low_pass_filter():
    """12 taps of a Kaiser-windowed sinc: a low-pass at an image's Nyquist frequency, on a 2x grid.

    ADA resamples on a grid twice as fine as the image, with a low-pass filter on the
    way up and on the way down, so that shrinking and rotating do not alias fine detail
    into false patterns the discriminator could learn to look for. ADA uses the
    12-tap symlet-6 wavelet filter, which is not symmetric: its centre of mass is 0.4
    taps off the middle, a sub-pixel shift that does not cancel once an image is
    rotated. This filter has the same length and is symmetric (it shifts nothing); it
    passes 99.8% at half the Nyquist frequency, 50% at it and 14% at 1.25 times it.
    The taps sum to 1 (and each of its two phases to 1/2), so flat colours stay flat.
    """
    offsets = (np.arange(FILTER_TAPS) - (FILTER_TAPS - 1) / 2) / 2  # in input pixels
    taps = np.sinc(offsets) * np.kaiser(FILTER_TAPS, 4.0)
    return (taps / taps.sum()).astype("float32")


LOW_PASS_FILTER = _low_pass_filter()


def _filter_along(images, axis, gain=1.0, stride=1):
    """Convolves each channel with LOW_PASS_FILTER along axis 1 (rows) or 2 (columns), "valid".

    A plain convolution whose kernel is the filter times the identity over channels: each
    channel filtered on its own. (A depthwise convolution would do the same with fewer
    multiplications, but it is slower on CPUs and some devices refuse a stride along one
    axis only.)
    """
    channels = int(images.shape[3])
    shape = (FILTER_TAPS, 1) if axis == 1 else (1, FILTER_TAPS)
    kernel = np.einsum("k,ij->kij", LOW_PASS_FILTER * gain, np.eye(channels, dtype="float32"))
    strides = [1, stride, 1, 1] if axis == 1 else [1, 1, stride, 1]
    return tf.nn.conv2d(images, kernel.reshape(shape + (channels, channels)), strides, "VALID")


def _upsample_along(images, axis):
    """Twice as many rows (axis 1) or columns (axis 2): zeros between pixels, then the low-pass.

    A transposed convolution with stride 2, written out. The "valid" convolution drops
    the filter's reach, FILTER_TAPS // 4 input pixels, at each end: pixel 2i of the
    result lies a quarter pixel before input pixel i + 3, pixel 2i + 1 a quarter after it.
    """
    zeros = ops.zeros_like(images)
    interleaved = ops.stack([images, zeros], axis=axis + 1)  # each pixel, then a zero
    shape = list(ops.shape(images))
    shape[axis] = 2 * int(images.shape[axis])
    # The zeros halve the filter's output: a gain of 2 keeps the brightness.
    return _filter_along(ops.reshape(interleaved, shape), axis, gain=2.0)


def _bilinear(images, y, x):
    """Bilinear interpolation of images at fractional pixel coordinates (batch, rows, columns)."""
    height, width = int(images.shape[1]), int(images.shape[2])
    y0 = ops.clip(ops.floor(y), 0, height - 2)
    x0 = ops.clip(ops.floor(x), 0, width - 2)
    weight_y = (y - y0)[..., None]
    weight_x = (x - x0)[..., None]
    y0, x0 = ops.cast(y0, "int32"), ops.cast(x0, "int32")
    top = (1 - weight_x) * _gather_pixels(images, y0, x0) + weight_x * _gather_pixels(
        images, y0, x0 + 1
    )
    bottom = (1 - weight_x) * _gather_pixels(images, y0 + 1, x0) + weight_x * _gather_pixels(
        images, y0 + 1, x0 + 1
    )
    return (1 - weight_y) * top + weight_y * bottom


def resample_images(images, matrices):
    """Applies any affine sampling matrices, as ADA does: 2x upsample, bilinear, 2x downsample.

    1. The image, mirrored at its borders by the filter's reach, is upsampled 2x with
       the low-pass filter: a finer grid, on which bilinear interpolation blurs little.
    2. Each point of a 2x grid over the output (and the filter's reach around it) is
       looked up there, bilinearly; points outside the image see its mirror image.
    3. The low-pass filter then removes what the 2x grid holds above the output's
       Nyquist frequency, and every second row and column are kept.
    Made of padding, convolutions and gathers: differentiable with respect to the images.
    """
    height, width = int(images.shape[1]), int(images.shape[2])
    reach = FILTER_TAPS // 4  # input pixels the upsampling filter reaches on each side
    padded = tf.pad(images, [[0, 0], [reach, reach], [reach, reach], [0, 0]], mode="REFLECT")
    upsampled = _upsample_along(_upsample_along(padded, axis=2)[:, :, : 2 * width], axis=1)
    upsampled = upsampled[:, : 2 * height]  # fine pixel k lies at input pixel k / 2 - 1/4

    # The fine output grid, FILTER_TAPS / 2 - 1 fine pixels beyond the image on each side,
    # in output pixel coordinates; then the input point each shows, on the fine grid.
    margin = FILTER_TAPS // 2 - 1
    rows = [k / 2 - 0.25 for k in range(-margin, 2 * height + margin)]
    columns = [k / 2 - 0.25 for k in range(-margin, 2 * width + margin)]
    x, y = _sampling_points(matrices, rows, columns, height, width)
    fine = _bilinear(upsampled, 2 * y + 0.5, 2 * x + 0.5)

    # Low-pass again, then every second fine pixel: back to the output's own grid.
    return _filter_along(_filter_along(fine, axis=2, stride=2), axis=1, stride=2)


# Matrices on (r, g, b, 1). The luma axis is the grey direction (1, 1, 1), as a unit vector.
_LUMA_AXIS = np.array([1, 1, 1, 0]) / np.sqrt(3)
_GREY_PART = np.outer(_LUMA_AXIS, _LUMA_AXIS).astype("float32")  # a colour's projection on grey
_RGB = np.diag([1, 1, 1, 0]).astype("float32")
_CHROMA_PART = _RGB - _GREY_PART  # what is left: the colour's offset from its grey
_ADD_TO_RGB = np.array([[0, 0, 0, 1]] * 3 + [[0, 0, 0, 0]], "float32")  # r, g, b += the 1
# The cross product with the luma axis as a matrix: the turn of colours about the grey axis.
_LUMA_CROSS = np.array([[0, -1, 1, 0], [1, 0, -1, 0], [-1, 1, 0, 0], [0, 0, 0, 0]], "float32")
_LUMA_CROSS /= np.sqrt(3).astype("float32")


def color_matrices(batch_size, channels, transforms, probability, seed):
    """Draws ADA's colour transforms: one 4x4 matrix per image, acting on (r, g, b, 1).

    Args:
        batch_size: number of images.
        channels: 1 (grey) or 3 (RGB); grey images skip hue and saturation, which do
            nothing to grey.
        transforms: names from COLOR_TRANSFORMS; others are ignored.
        probability, seed: as for `geometric_matrices`.

    Returns:
        (matrices, changed): (batch, 4, 4) float32 matrices and (batch,) booleans, True
        where a colour transform was drawn.
    """
    probability = ops.cast(probability, "float32")
    identity = ops.eye(4)
    matrices = ops.broadcast_to(identity, (batch_size, 4, 4))
    changed = ops.zeros((batch_size,), "bool")
    def per_image(values):
        return ops.reshape(values, (-1, 1, 1))

    def draw(neutral, values):
        chosen = _chosen_images(batch_size, probability, seed)
        return per_image(ops.where(chosen, values, neutral)), chosen

    if "brightness" in transforms:
        # Adds the same amount to every channel.
        offset, chosen = draw(0.0, _draw_normal(batch_size, seed, BRIGHTNESS_STD))
        matrices = ops.matmul(identity + offset * _ADD_TO_RGB, matrices)
        changed = ops.logical_or(changed, chosen)
    if "contrast" in transforms:
        # Scales every channel about 0, the middle grey of images in [-1, 1].
        factor, chosen = draw(1.0, 2.0 ** _draw_normal(batch_size, seed, CONTRAST_STD))
        matrices = ops.matmul(identity + (factor - 1) * _RGB, matrices)
        changed = ops.logical_or(changed, chosen)
    if "lumaflip" in transforms:
        # Mirrors each colour through the plane of greys: luma inverted, hue kept.
        # Chosen images are flipped half the time, as for xflip.
        flip = ops.floor(_draw_uniform(batch_size, seed) * 2)
        flip, chosen = draw(0.0, flip)
        matrices = ops.matmul(identity - 2 * flip * _GREY_PART, matrices)
        changed = ops.logical_or(changed, ops.reshape(flip, (-1,)) > 0)
    if "hue" in transforms and channels > 1:
        # Rotates each colour about the grey axis (Rodrigues' formula).
        angle, chosen = draw(0.0, _draw_uniform(batch_size, seed, -math.pi, math.pi) * HUE_MAX)
        cross, cross_squared = _LUMA_CROSS, _LUMA_CROSS @ _LUMA_CROSS
        rotation = identity + ops.sin(angle) * cross + (1 - ops.cos(angle)) * cross_squared
        matrices = ops.matmul(rotation, matrices)
        changed = ops.logical_or(changed, chosen)
    if "saturation" in transforms and channels > 1:
        # Scales each colour's distance from its grey.
        factor, chosen = draw(1.0, 2.0 ** _draw_normal(batch_size, seed, SATURATION_STD))
        matrices = ops.matmul(identity + (factor - 1) * _CHROMA_PART, matrices)
        changed = ops.logical_or(changed, chosen)
    return matrices, changed


def apply_color_matrices(images, matrices):
    """Multiplies each pixel's (r, g, b, 1) by its image's 4x4 matrix; grey images as (g, g, g, 1).

    A grey image comes back grey: the mean of the three output channels.
    """
    channels = int(images.shape[3])
    if channels == 3:
        colors = ops.einsum("bhwj,bij->bhwi", images, matrices[:, :3, :3])
        return colors + matrices[:, None, None, :3, 3]
    if channels == 1:
        gain = ops.mean(ops.sum(matrices[:, :3, :3], axis=2), axis=1)
        offset = ops.mean(matrices[:, :3, 3], axis=1)
        return images * gain[:, None, None, None] + offset[:, None, None, None]
    raise ValueError(
        f"ADA's colour transforms need grey (1 channel) or RGB (3 channel) images; got {channels} "
        "channels: choose the 'bg' augmentations instead of 'bgc'."
    )


def _keep_unchanged(changed, augmented, images):
    """augmented where `changed` (batch,) is True, the very same images elsewhere."""
    return ops.where(ops.reshape(changed, (-1, 1, 1, 1)), augmented, images)


def ada_transforms(augmentations):
    """The ADA transforms that the pipelines named in `augmentations` ask for, in ADA's order."""
    wanted = {name for pipeline in augmentations for name in ADA_PIPELINES.get(pipeline, ())}
    return tuple(name for name in ADA_PIPELINES["bgc"] if name in wanted)


def ada_geometry(images, transforms, probability, seed):
    """ADA's blit and geometric transforms of a batch: each image moved by its own matrix.

    Images that drew no transform come back exactly as they were; those that drew only
    blits are moved pixel by pixel (exact); the others are resampled through the
    low-pass filter. The resampling is skipped altogether when no image needs it (p = 0).
    """
    if not any(name in transforms for name in BLIT_TRANSFORMS + GEOMETRIC_TRANSFORMS):
        return images
    batch_size, height, width = ops.shape(images)[0], int(images.shape[1]), int(images.shape[2])
    matrices, moved, resampled = geometric_matrices(
        batch_size, height, width, transforms, probability, seed
    )
    augmented = blit_images(images, matrices)
    if any(name in transforms for name in GEOMETRIC_TRANSFORMS):
        augmented = tf.cond(
            ops.any(resampled),
            lambda: _keep_unchanged(resampled, resample_images(images, matrices), augmented),
            lambda: augmented,
        )
    return _keep_unchanged(moved, augmented, images)


def ada_color(images, transforms, probability, seed):
    """ADA's colour transforms of a batch: each image's colours through its own 4x4 matrix."""
    if not any(name in transforms for name in COLOR_TRANSFORMS):
        return images
    batch_size, channels = ops.shape(images)[0], int(images.shape[3])
    matrices, changed = color_matrices(batch_size, channels, transforms, probability, seed)
    return _keep_unchanged(changed, apply_color_matrices(images, matrices), images)


def ada_augment(images, transforms, probability, seed):
    """ADA's pipeline (Karras et al. 2020, https://arxiv.org/abs/2006.06676, appendix B).

    Geometry first, then colour, each transform applied to each image with probability
    p, its strength drawn afresh for every image. Unlike DiffAugment's colours, nothing
    is clipped: clipping would lose what the discriminator needs to undo the change.

    Args:
        images: (batch, height, width, channels) float images in [-1, 1].
        transforms: names from BLIT_TRANSFORMS, GEOMETRIC_TRANSFORMS, COLOR_TRANSFORMS
            (see `ada_transforms` for the named pipelines).
        probability: p, a float or a scalar variable.
        seed: a `keras.random.SeedGenerator`.

    Returns:
        The augmented images, same shape and dtype.

    Example:

    ```python
    seed = keras.random.SeedGenerator(0)
    augmented = ada_augment(images, ada_transforms(["bgc"]), 0.3, seed)
    ```
    """
    dtype = images.dtype
    images = ops.cast(images, "float32")  # matrices and filters in float32, even in mixed precision
    images = ada_geometry(images, transforms, probability, seed)
    images = ada_color(images, transforms, probability, seed)
    return ops.cast(images, dtype)


# ------------------------------------------------------------------ applying the choice


def augment_images(images, augmentations, probability, seed):
    """Applies the named augmentations to a batch of images in [-1, 1].

    ADA's pipeline first (geometry, then colour), then DiffAugment's colour, then
    DiffAugment's flips, shifts and cutouts.

    Args:
        images: (batch, height, width, channels) float images in [-1, 1].
        augmentations: names from NAMES (see `parse_augmentations`).
        probability: p, a float or a scalar variable: each augmentation's chance per image.
        seed: a `keras.random.SeedGenerator` (fresh numbers at every call) or an int.

    Returns:
        The augmented images, same shape and dtype; DiffAugment's alone keep them in
        [-1, 1], ADA's colours may take them a little outside.

    Example:

    ```python
    seed = keras.random.SeedGenerator(0)
    augmented = augment_images(images, ("translation", "cutout"), 1.0, seed)
    augmented = augment_images(images, ("bgc",), 0.2, seed)  # ADA's pipeline, as ADA adapts p
    ```
    """
    transforms = ada_transforms(augmentations)
    if transforms:
        images = ada_augment(images, transforms, probability, seed)
    if "color" in augmentations:
        images = random_color(images, probability, seed)
    return _diffaugment_geometry(images, augmentations, probability, seed)


def _diffaugment_geometry(images, augmentations, probability, seed):
    for name in AUGMENTATIONS:
        if name in augmentations and name in GEOMETRIC_AUGMENTATIONS:
            images = GEOMETRIC_AUGMENTATIONS[name](images, probability, seed)
    return images


def augment_colors(images, augmentations, probability, seed):
    """Only the colour changes of the named augmentations: DiffAugment's "color", ADA's "bgc".

    For models that move several batches together with `augment_geometry_together`
    and change the colours of some of them only.
    """
    transforms = ada_transforms(augmentations)
    if any(name in transforms for name in COLOR_TRANSFORMS):
        dtype = images.dtype
        colored = ada_color(ops.cast(images, "float32"), transforms, probability, seed)
        images = ops.cast(colored, dtype)
    if "color" in augmentations:
        images = random_color(images, probability, seed)
    return images


def augment_geometry_together(batches, augmentations, probability, seed):
    """The same geometric changes for every batch in `batches`, image by image.

    pix2pix needs this: an input picture and the image paired with it must move
    together, or the discriminator would judge pairs that no longer line up. ADA's
    blit and geometric transforms come first, then DiffAugment's flips, shifts and
    cutouts.

    Args:
        batches: a list of (batch, height, width, channels_i) tensors of the same batch
            size and image size; channel counts may differ.
        augmentations, probability, seed: as for `augment_images` (colours are ignored:
            see `augment_colors`).

    Returns:
        The list of transformed batches, in the same order.
    """
    channels = [int(batch.shape[-1]) for batch in batches]
    dtype = batches[0].dtype
    stacked = ops.concatenate([ops.cast(batch, dtype) for batch in batches], axis=-1)
    transforms = ada_transforms(augmentations)
    if any(name in transforms for name in BLIT_TRANSFORMS + GEOMETRIC_TRANSFORMS):
        moved = ada_geometry(ops.cast(stacked, "float32"), transforms, probability, seed)
        stacked = ops.cast(moved, dtype)
    stacked = _diffaugment_geometry(stacked, augmentations, probability, seed)
    pieces, start = [], 0
    for count, batch in zip(channels, batches):
        pieces.append(ops.cast(stacked[..., start : start + count], batch.dtype))
        start += count
    return pieces
