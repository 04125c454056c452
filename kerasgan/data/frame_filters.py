"""Quality filters for video frames: exposure, blur, near-duplicates and scene cuts.

A video is full of frames a GAN should not learn from: fades to black, white
title cards, motion blur, and long shots where nothing moves (a hundred copies
of one picture teach the discriminator to expect that picture). Each filter
below measures one thing on a small grayscale copy of the frame, compares it
with a threshold, and either keeps the frame or names the reason it was dropped.

All measurements are taken on the square crop scaled to 256x256 (ANALYSIS_SIZE),
so the thresholds mean the same thing whatever the video's resolution or the
dataset's `--size`.

| filter      | measure                                   | dropped when              |
| ----------- | ----------------------------------------- | ------------------------- |
| dark        | mean gray level, 0-255                    | mean < dark_threshold     |
| bright      | mean gray level                           | mean > bright_threshold   |
| flat        | standard deviation of the gray levels     | std < flat_threshold      |
| blurry      | variance of the Laplacian                 | < blur_threshold          |
| duplicate   | perceptual hash distance to kept frames   | <= duplicate_distance     |
| same-scene  | color histogram change since last frame   | no cut since a kept frame |

Example:

```python
filters = FrameFilter(FilterSettings(blur_threshold=20))
decision = filters.check(rgb_image)
if decision.keep:
    ...
else:
    print(decision.reason, decision.value)
```
"""

from dataclasses import asdict, dataclass, field

import numpy as np

from kerasgan.data.frame_geometry import halve_while_larger

ANALYSIS_SIZE = 256

# Drop reasons, in the order the filters run. The manifest counts drops under these names.
DROP_REASONS = ("dark", "bright", "flat", "blurry", "same-scene", "duplicate")


def _cv2():
    import cv2

    return cv2


@dataclass
class FilterSettings:
    """Which filters run and their thresholds: the one table of defaults.

    Args:
        drop_dark: drop frames whose mean gray level is below `dark_threshold` (fades, night).
        dark_threshold: 0-255.
        drop_bright: drop frames whose mean gray level is above `bright_threshold` (flashes,
            white title cards).
        bright_threshold: 0-255.
        drop_flat: drop frames whose gray levels vary less than `flat_threshold` (solid colors,
            fades).
        flat_threshold: standard deviation, 0-255.
        drop_blurry: drop frames whose variance of the Laplacian is below `blur_threshold`.
            Sharp video frames score 50 to 1,000; out of focus or motion-blurred ones below 10.
        blur_threshold: variance of the Laplacian of the 256x256 grayscale frame.
        drop_duplicates: drop frames whose perceptual hash is within `duplicate_distance`
            bits of a frame already kept (a still shot sampled many times).
        duplicate_distance: Hamming distance, 0-64 bits; 0 drops exact copies only.
        one_per_scene: keep only the first good frame after each scene cut.
        scene_threshold: the color histogram change (Bhattacharyya distance, 0-1) between
            two sampled frames above which we call it a cut.
        remove_letterbox: find black bars around the picture and crop them away
            before the square crop.

    Example:

    ```python
    settings = FilterSettings(drop_duplicates=False, one_per_scene=True)
    ```
    """

    drop_dark: bool = True
    dark_threshold: float = 25.0
    drop_bright: bool = True
    bright_threshold: float = 230.0
    drop_flat: bool = True
    flat_threshold: float = 10.0
    drop_blurry: bool = True
    blur_threshold: float = 10.0
    drop_duplicates: bool = True
    duplicate_distance: int = 6
    one_per_scene: bool = False
    scene_threshold: float = 0.4
    remove_letterbox: bool = True

    def to_dict(self):
        return asdict(self)


@dataclass
class FrameMeasures:
    """What the filters measured on one frame (kept in the manifest for kept frames)."""

    brightness: float
    contrast: float
    sharpness: float
    hash: int
    histogram: np.ndarray = field(repr=False)  # None when the scene filter is off


@dataclass
class Decision:
    """A filter's verdict: keep, or the reason (one of DROP_REASONS) and the measured value."""

    keep: bool
    measures: FrameMeasures
    reason: str = None
    value: float = None
    duplicate_of: int = None  # for duplicates: the position of the kept frame it repeats


def analysis_image(image):
    """The 256x256 version of an RGB frame that every measurement below uses.

    Measurements need the same scale for every frame: halve with 2x2 averages
    while the frame is twice too big, then one bilinear step of less than 2x
    (the same filtering as the dataset's images, so a 256-pixel image is its own
    analysis image). A frame that is not square is squeezed to a square.
    """
    cv2 = _cv2()
    image = halve_while_larger(image, ANALYSIS_SIZE, ANALYSIS_SIZE)
    if image.shape[:2] == (ANALYSIS_SIZE, ANALYSIS_SIZE):
        return image
    return cv2.resize(image, (ANALYSIS_SIZE, ANALYSIS_SIZE), interpolation=cv2.INTER_LINEAR)


def brightness_and_contrast(gray):
    """Mean and standard deviation of the gray levels (0-255)."""
    mean, std = _cv2().meanStdDev(gray)
    return float(mean[0, 0]), float(std[0, 0])


def sharpness(gray):
    """Variance of the Laplacian: how much edge energy a frame has (Pech-Pacheco et al., 2000).

    The Laplacian responds to sharp edges; a blurred frame has soft edges, so the
    response is weak everywhere and its variance is small.
    """
    cv2 = _cv2()
    laplacian = cv2.Laplacian(gray, cv2.CV_32F)
    _, std = cv2.meanStdDev(laplacian)
    return float(std[0, 0]) ** 2


def perceptual_hash(gray):
    """A 64-bit pHash: the signs of the lowest 8x8 DCT frequencies of a 32x32 thumbnail.

    Low frequencies describe the layout of light and dark, which survives
    re-encoding, small motions and noise. Two frames of a still shot differ in a
    few bits; frames of different shots in about half of them (~32).
    """
    cv2 = _cv2()
    thumbnail = cv2.resize(gray, (32, 32), interpolation=cv2.INTER_AREA).astype(np.float32)
    low = cv2.dct(thumbnail)[:8, :8].flatten()
    # [0] is the mean brightness: leave it out. The other 63 have a middle value, the
    # 32nd smallest (np.partition finds it; np.median would cost five times more).
    bits = low > np.partition(low[1:], 31)[31]
    return int.from_bytes(np.packbits(bits).tobytes(), "big")


def hamming_distances(value, hashes):
    """Number of differing bits between one 64-bit hash and an array of them."""
    if len(hashes) == 0:
        return np.zeros(0, dtype=np.int64)
    differences = np.bitwise_xor(np.asarray(hashes, dtype=np.uint64), np.uint64(value))
    return np.bitwise_count(differences).astype(np.int64)


def color_histogram(image, bgr=False):
    """A normalized hue-saturation histogram (16x8 bins): the colors of a shot, not its layout."""
    cv2 = _cv2()
    hsv = cv2.cvtColor(image, cv2.COLOR_BGR2HSV if bgr else cv2.COLOR_RGB2HSV)
    histogram = cv2.calcHist([hsv], [0, 1], None, [16, 8], [0, 180, 0, 256])
    return cv2.normalize(histogram, histogram, 1.0, 0.0, cv2.NORM_L1)


def scene_change(histogram_a, histogram_b):
    """Bhattacharyya distance between two color histograms: 0 same colors, 1 nothing shared.

    Within a shot, consecutive samples score about 0.05-0.3; a cut to another shot
    usually scores above 0.4.
    """
    cv2 = _cv2()
    return float(cv2.compareHist(histogram_a, histogram_b, cv2.HISTCMP_BHATTACHARYYA))


def measure(image, histogram=True, bgr=False):
    """All the measurements the filters need, from one RGB frame (any size).

    Args:
        image: RGB uint8 frame. A 256x256 one (ANALYSIS_SIZE) is measured as it is.
        histogram: also take the color histogram (only the scene filter needs it).
        bgr: the frame is in OpenCV's BGR order.
    """
    cv2 = _cv2()
    small = analysis_image(image)
    gray = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY if bgr else cv2.COLOR_RGB2GRAY)
    brightness, contrast = brightness_and_contrast(gray)
    return FrameMeasures(
        brightness=brightness,
        contrast=contrast,
        sharpness=sharpness(gray),
        hash=perceptual_hash(gray),
        histogram=color_histogram(small, bgr) if histogram else None,
    )


class FrameFilter:
    """Runs the filters over a stream of frames, remembering what it kept.

    The duplicate filter compares each frame with every frame kept so far (from all
    videos of a dataset), and the scene filter compares it with the previous frame
    of the same video: call `new_video()` between videos.

    Args:
        settings: a FilterSettings (defaults if None).
        kept_hashes: hashes of frames already in the dataset (when resuming).

    Example:

    ```python
    filters = FrameFilter(FilterSettings(one_per_scene=True))
    for frame in frames:
        decision = filters.check(frame)
        print("kept" if decision.keep else f"dropped: {decision.reason}")
    ```
    """

    def __init__(self, settings=None, kept_hashes=()):
        self.settings = settings or FilterSettings()
        self.kept_hashes = [int(value) for value in kept_hashes]
        self._hash_array = np.array(self.kept_hashes, dtype=np.uint64)
        self.new_video()

    def new_video(self):
        """Starts a new video: the next frame opens a new scene."""
        self._previous_histogram = None
        self._scene_has_kept_frame = False

    def check(self, image, bgr=False):
        """Measures one RGB (or, with bgr=True, BGR) frame and decides; returns a Decision.

        A kept frame is remembered for the duplicate filter.
        """
        measures = measure(image, histogram=self.settings.one_per_scene, bgr=bgr)
        decision = self.decide(measures)
        if decision.keep:
            self.remember(measures.hash)
            self._scene_has_kept_frame = True
        return decision

    def decide(self, measures):
        """The verdict for a measured frame (updates the scene tracker, not the kept set)."""
        settings = self.settings
        # Scene cuts are tracked over every sampled frame, kept or not.
        if self._previous_histogram is not None and measures.histogram is not None:
            change = scene_change(self._previous_histogram, measures.histogram)
            if change > settings.scene_threshold:
                self._scene_has_kept_frame = False
        self._previous_histogram = measures.histogram

        def drop(reason, value, **extra):
            return Decision(keep=False, measures=measures, reason=reason, value=value, **extra)

        if settings.drop_dark and measures.brightness < settings.dark_threshold:
            return drop("dark", measures.brightness)
        if settings.drop_bright and measures.brightness > settings.bright_threshold:
            return drop("bright", measures.brightness)
        if settings.drop_flat and measures.contrast < settings.flat_threshold:
            return drop("flat", measures.contrast)
        if settings.drop_blurry and measures.sharpness < settings.blur_threshold:
            return drop("blurry", measures.sharpness)
        if settings.one_per_scene and self._scene_has_kept_frame:
            return drop("same-scene", None)
        if settings.drop_duplicates and self.kept_hashes:
            distances = hamming_distances(measures.hash, self._hash_array)
            nearest = int(np.argmin(distances))
            if distances[nearest] <= settings.duplicate_distance:
                return drop("duplicate", int(distances[nearest]), duplicate_of=nearest)
        return Decision(keep=True, measures=measures)

    def forget_since(self, count):
        """Forgets the frames kept after the first `count` (those of a video that failed)."""
        del self.kept_hashes[count:]
        self._hash_array = self._hash_array[:count]

    def remember(self, hash_value):
        """Adds a kept frame's hash to the set the duplicate filter compares against."""
        self.kept_hashes.append(int(hash_value))
        self._hash_array = np.append(self._hash_array, np.uint64(hash_value))
