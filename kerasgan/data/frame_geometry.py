"""The geometry of a video frame: letterbox bars, square crops and resizing that averages.

These functions take a frame (a NumPy array) and return another; they know nothing
of where the frame came from. The video dataset builder runs them on every kept
frame, `kerasgan live` on every webcam frame, and the frame filters shrink with
`halve_while_larger`. OpenCV does the pixel work; it is imported on first use.

Example:

```python
from kerasgan.data import frame_geometry

box = frame_geometry.find_letterbox(frame)  # frame: an RGB uint8 array
square = frame_geometry.crop_square(frame_geometry.crop_box(frame, box))
small = frame_geometry.resize_area(square, 256)
```
"""

import math
from dataclasses import dataclass

import numpy as np

# How `crop_square` makes a square: the middle one, one at a random place, or none at all.
CROP_MODES = ("center", "random", "none")


@dataclass(frozen=True)
class ContentBox:
    """The part of a frame inside its letterbox (top/bottom) or pillarbox (left/right) bars.

    The content is `image[top:bottom, left:right]`.
    """

    top: int
    bottom: int
    left: int
    right: int

    def has_bars(self, height, width):
        return (self.top, self.bottom, self.left, self.right) != (0, height, 0, width)

    def as_list(self):
        return [self.top, self.bottom, self.left, self.right]


def find_letterbox(
    image, dark_level=24, min_bar_fraction=0.02, symmetry_fraction=0.05, bgr=False
):
    """Finds black bars around the picture; returns the ContentBox inside them.

    A row (or column) belongs to a bar when it is dark and even: its mean and its
    brightest pixel are both low. Bars come in pairs of about equal size (a 2.39:1
    film in a 16:9 frame has the same bar above and below), so a dark strip on one
    side only, such as a night sky, is not taken for a bar.

    Args:
        image: RGB or grayscale uint8 frame.
        dark_level: a bar row's mean must stay below this (0-255); its maximum below twice this.
        min_bar_fraction: bars thinner than this fraction of the frame are ignored.
        symmetry_fraction: how much the two bars of a pair may differ, as a fraction of the frame.
        bgr: the image is in OpenCV's BGR order (as `frames(rgb=False)` gives it).
    """
    import cv2

    height, width = image.shape[:2]
    # Bars are found on a copy at most 180 pixels high: plenty for their edges, and the
    # bilinear shrink averages away some compression noise, which makes bars look uneven.
    # (This runs on every kept frame, so it must cost well under a millisecond.)
    factor = max(1, math.ceil(min(height, width) / 180))
    small = image
    if factor > 1:
        reduced = (width // factor, height // factor)
        small = cv2.resize(image, reduced, interpolation=cv2.INTER_LINEAR)
    to_gray = cv2.COLOR_BGR2GRAY if bgr else cv2.COLOR_RGB2GRAY
    gray = cv2.cvtColor(small, to_gray) if small.ndim == 3 else small
    # Mean and brightest pixel of every row and every column. (cv2.reduce averages fast;
    # NumPy finds maxima fast: OpenCV's row maximum is ten times slower here.)
    row_mean = cv2.reduce(gray, 1, cv2.REDUCE_AVG).ravel()
    col_mean = cv2.reduce(gray, 0, cv2.REDUCE_AVG).ravel()
    row_max, col_max = gray.max(axis=1), gray.max(axis=0)
    top, bottom = _bar_pair(row_mean, row_max, dark_level, min_bar_fraction, symmetry_fraction)
    left, right = _bar_pair(col_mean, col_max, dark_level, min_bar_fraction, symmetry_fraction)
    if top == 0 and bottom == 0 and left == 0 and right == 0:
        return ContentBox(0, height, 0, width)
    # Back to full resolution, trimming one more reduced pixel: the bar edge is a soft ramp.
    margin = 1 if factor > 1 else 0
    top = min(height, (top + margin) * factor) if top else 0
    bottom = min(height, (bottom + margin) * factor) if bottom else 0
    left = min(width, (left + margin) * factor) if left else 0
    right = min(width, (right + margin) * factor) if right else 0
    return ContentBox(top, height - bottom, left, width - right)


def _bar_pair(means, maxima, dark_level, min_bar_fraction, symmetry_fraction):
    """Sizes of the dark bars at both ends of a line of rows (or columns); (0, 0) if none.

    Args:
        means, maxima: each row's mean and brightest pixel, in order.
    """
    length = len(means)
    dark = (means < dark_level) & (maxima < 2 * dark_level)
    if dark.all():
        return 0, 0  # an all-dark frame has no picture to find; the dark filter deals with it
    first_bar = int(np.argmin(dark))  # rows before the first bright row
    last_bar = int(np.argmin(dark[::-1]))
    minimum = max(1, int(round(min_bar_fraction * length)))
    if first_bar < minimum or last_bar < minimum:
        return 0, 0
    if abs(first_bar - last_bar) > max(1, symmetry_fraction * length):
        return 0, 0
    return first_bar, last_bar


def crop_box(image, box):
    """The part of `image` inside a ContentBox (a view, no copy)."""
    return image[box.top : box.bottom, box.left : box.right]


def crop_square(image, mode="center", rng=None):
    """Cuts the largest square out of an image.

    Args:
        image: (height, width[, channels]) array.
        mode: "center" (the middle square), "random" (a square at a random place along
            the long side; pass `rng`, a numpy Generator, for repeatable crops) or
            "none" (the image unchanged).
    """
    if mode not in CROP_MODES:
        raise ValueError(f"Unknown crop mode {mode!r}: use one of {', '.join(CROP_MODES)}.")
    if mode == "none":
        return image
    height, width = image.shape[:2]
    side = min(height, width)
    if mode == "center":
        top, left = (height - side) // 2, (width - side) // 2
    else:
        rng = rng if rng is not None else np.random.default_rng()
        top = int(rng.integers(0, height - side + 1))
        left = int(rng.integers(0, width - side + 1))
    return image[top : top + side, left : left + side]


def halve_while_larger(image, width, height):
    """Halves an image with 2x2 averages while it is at least twice `width` x `height`.

    Averaging each 2x2 block is exact area filtering (every source pixel counts
    once), and OpenCV does it fast. What is left to do afterwards is less than 2x.
    """
    import cv2

    while image.shape[0] >= 2 * height and image.shape[1] >= 2 * width:
        half = (image.shape[1] // 2, image.shape[0] // 2)
        image = cv2.resize(image[: half[1] * 2, : half[0] * 2], half, interpolation=cv2.INTER_AREA)
    return image


def shorter_side_to(shape, size):
    """(width, height) of an image of `shape` scaled so its shorter side is `size` pixels."""
    height, width = shape[:2]
    scale = size / min(height, width)
    return max(1, int(round(width * scale))), max(1, int(round(height * scale)))


def resize_area(image, size):
    """Resizes so the shorter side is `size` pixels (a square becomes size x size).

    `size` may also be an exact (width, height).

    Shrinking must average, not skip: sampling every few pixels (plain bilinear
    at large factors) turns fine detail into jagged aliasing. We halve with 2x2
    averages while the image is at least twice the target (exact area filtering),
    then take the last step, less than 2x, bilinearly: at under 2x, bilinear's
    two-pixel footprint still touches every source pixel. Measured on a 720p
    frame shrunk to 256: 44.9 dB from an exact area average, against 44.4 dB for
    OpenCV's INTER_AREA in that last step, at a fifth of the cost (0.35 ms).
    Enlarging, where there is nothing to average, uses bicubic interpolation.
    """
    import cv2

    height, width = image.shape[:2]
    new_width, new_height = size if isinstance(size, tuple) else shorter_side_to(image.shape, size)
    if (new_width, new_height) == (width, height):
        return image
    if new_width > width or new_height > height:
        return cv2.resize(image, (new_width, new_height), interpolation=cv2.INTER_CUBIC)
    image = halve_while_larger(image, new_width, new_height)
    if image.shape[:2] == (new_height, new_width):
        return image
    return cv2.resize(image, (new_width, new_height), interpolation=cv2.INTER_LINEAR)
