"""Input modes: how a pix2pix input is made from a picture (a video frame, a photo).

Memo Akten's "Learning to See" trains pix2pix on pairs (something made from a frame,
the frame): the model learns to turn edges, a grey shadow or a few big pixels back into
the world it was trained on, and a webcam then feeds it anything at all. The input
modes here are the "something made from a frame":

| mode        | the input                                                   | channels |
|-------------|-------------------------------------------------------------|----------|
| "edges"     | Canny edges of the grey picture: white lines on black       | 1        |
| "grayscale" | the grey picture (the model learns to colour it)            | 1        |
| "downscale" | grey, shrunk by `downscale_factor` (area), blown up bicubic | 1        |
| "posterize" | every colour channel rounded to `posterize_levels` values   | 3        |
| "inpaint"   | the picture with rectangular holes of `hole_fill` grey, and | 4        |
|             | the hole mask (255 in the holes, 0 elsewhere) as channel 4  |          |

Two of them are classic image restoration tasks. "downscale" is **super-resolution**
(with colourisation: the small picture is grey): the model draws the detail and the
colour that a picture `downscale_factor` times smaller lost. "inpaint" is **inpainting**:
`holes` rectangles per picture, each side a random fraction of the picture's side
between the two numbers of `hole_size` (0.25-0.5: a quarter to a half), are painted
over, and the model fills them from what is around (Pathak et al. 2016, "Context
Encoders", https://arxiv.org/abs/1604.07379; pix2pix's loss is theirs, L1 plus a GAN
term). The mask channel says where the holes are, so a pixel of the same grey as the fill
is not mistaken for one.

The holes are random: each training pair gets new ones (its seed comes from the
`tf.data` pipeline, as the jitter's does), the held-out pairs always the same ones. Called
without a seed, `apply` draws the holes of seed 0, so `kerasgan live` paints the same
holes into every frame (holes that moved every frame would flicker) and the model fills
them as the scene moves. A program feeding an exported inpainting generator can make its
own input: the picture with any holes set to `hole_fill`, and the mask as a 4th channel.

Training (`kerasgan/data/paired.py`, inside a `tf.data` pipeline) and live use
(`kerasgan/snapshots/live.py`, on camera frames) call the very same `InputMode.apply`, written with
NumPy and OpenCV. Two implementations (one in TensorFlow for training, one in OpenCV for
the webcam) would drift apart, and a model fed slightly different inputs live than in
training looks worse for no visible reason.

No TensorFlow here: this module is light enough for any tool to import.

Example:

```python
mode = InputMode("edges")
edges = mode.apply(frame)  # uint8 (H, W, 1), 255 on edges
holes = InputMode("inpaint", hole_size=(0.25, 0.5)).apply(frame, seed=7)  # uint8 (H, W, 4)
```
"""

from dataclasses import asdict, dataclass

import numpy as np

INPUT_MODES = ("edges", "grayscale", "downscale", "posterize", "inpaint")


@dataclass(frozen=True)
class InputMode:
    """One way of making a pix2pix input from an RGB picture, with its settings.

    Args:
        name: "edges", "grayscale", "downscale", "posterize" or "inpaint" (see the
            module's table).
        downscale_factor: for "downscale": how many times smaller the picture is made
            before it is blown up again (8: a 256-pixel frame becomes 32 x 32 pixels).
        edge_thresholds: for "edges": Canny's low and high thresholds on 0-255 gradients.
            Lower values find more, fainter edges.
        posterize_levels: for "posterize": values kept per colour channel (2 to 64).
        hole_size: for "inpaint": (smallest, largest) side of a hole as a fraction of the
            picture's side, each above 0 and at most 1; a hole's width and height are
            drawn independently from that range. `parse_hole_size` reads "0.25-0.5".
        holes: for "inpaint": rectangles cut out of each picture (they may overlap).
        hole_fill: for "inpaint": the grey (0-255) the holes are painted with.

    Example:

    ```python
    mode = InputMode("downscale", downscale_factor=4)
    small = mode.apply(frame)  # uint8 (H, W, 1)
    saved = mode.to_config()   # a dict that JSON and Keras configs can hold
    assert InputMode.from_config(saved) == mode
    ```
    """

    name: str
    downscale_factor: int = 8
    edge_thresholds: tuple = (100, 200)
    posterize_levels: int = 4
    hole_size: tuple = (0.25, 0.5)
    holes: int = 1
    hole_fill: int = 128

    def __post_init__(self):
        if self.name not in INPUT_MODES:
            raise ValueError(
                f"Unknown input mode {self.name!r}: choose one of {', '.join(INPUT_MODES)}."
            )
        if int(self.downscale_factor) < 2:
            raise ValueError(
                f"downscale_factor must be 2 or more (8 is a good start); got "
                f"{self.downscale_factor}."
            )
        low, high = (int(value) for value in self.edge_thresholds)
        if not 0 <= low <= high:
            raise ValueError(
                f"edge_thresholds must be two numbers, low <= high (e.g. 100, 200); got "
                f"{tuple(self.edge_thresholds)}."
            )
        if not 2 <= int(self.posterize_levels) <= 64:
            raise ValueError(f"posterize_levels must be from 2 to 64; got {self.posterize_levels}.")
        if int(self.holes) < 1:
            raise ValueError(
                f"holes must be 1 or more (holes cut out of each picture); got {self.holes}."
            )
        if not 0 <= int(self.hole_fill) <= 255:
            raise ValueError(
                f"hole_fill must be a grey from 0 to 255 (128 is mid-grey); got {self.hole_fill}."
            )
        # Frozen dataclass: normalise the types once (a JSON config gives lists and floats).
        object.__setattr__(self, "downscale_factor", int(self.downscale_factor))
        object.__setattr__(self, "edge_thresholds", (low, high))
        object.__setattr__(self, "posterize_levels", int(self.posterize_levels))
        object.__setattr__(self, "hole_size", parse_hole_size(self.hole_size))
        object.__setattr__(self, "holes", int(self.holes))
        object.__setattr__(self, "hole_fill", int(self.hole_fill))

    @property
    def channels(self):
        """Channels of the input this mode makes: 3 for "posterize", 4 for "inpaint", else 1."""
        return {"posterize": 3, "inpaint": 4}.get(self.name, 1)

    def apply(self, image, seed=None):
        """Makes the input from one picture.

        Args:
            image: uint8 RGB array (height, width, 3).
            seed: for "inpaint": where the holes go (an int or a sequence of ints, such as
                the two of a `tf.data` pair seed); None is seed 0. Other modes ignore it.

        Returns:
            uint8 array (height, width, `channels`), the same size as `image`.
        """
        import cv2

        image = np.asarray(image)
        if image.dtype != np.uint8 or image.ndim != 3 or image.shape[-1] != 3:
            raise ValueError(
                f"An input mode needs a uint8 RGB picture (height, width, 3); got "
                f"{image.dtype} {image.shape}."
            )
        image = np.ascontiguousarray(image)
        if self.name == "posterize":
            return posterize(image, self.posterize_levels)
        if self.name == "inpaint":
            mask = hole_mask(image.shape[:2], self.hole_size, self.holes, seed)
            return cut_holes(image, mask, self.hole_fill)
        gray = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
        if self.name == "grayscale":
            made = gray
        elif self.name == "edges":
            # A light blur first: Canny would otherwise trace JPEG noise and grain as edges.
            blurred = cv2.GaussianBlur(gray, (3, 3), 0)
            made = cv2.Canny(blurred, *self.edge_thresholds)
        else:
            made = downscale(gray, self.downscale_factor)
        return made[..., np.newaxis]

    def to_config(self):
        """A plain dict (JSON-able) from which `from_config` makes the same mode."""
        config = asdict(self)
        config["edge_thresholds"] = list(self.edge_thresholds)
        config["hole_size"] = list(self.hole_size)
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def describe(self):
        """A short phrase for logs: "edges (Canny 100/200)"."""
        if self.name == "edges":
            return f"edges (Canny {self.edge_thresholds[0]}/{self.edge_thresholds[1]})"
        if self.name == "downscale":
            return f"downscale (grey, {self.downscale_factor}x smaller)"
        if self.name == "posterize":
            return f"posterize ({self.posterize_levels} levels per channel)"
        if self.name == "inpaint":
            noun = "hole" if self.holes == 1 else "holes"
            size = format_hole_size(self.hole_size)
            return f"inpaint ({self.holes} {noun} of {size} of the side)"
        return "grayscale"


def downscale(image, factor):
    """Shrinks `image` by `factor` with area averaging, then blows it up again, bicubic.

    Area averaging makes each small pixel the mean of the pixels it covers (a clean
    mosaic, no aliasing); the bicubic way back gives soft blobs rather than hard squares,
    so the model sees "where the light is", not a grid.
    """
    import cv2

    height, width = image.shape[:2]
    small_size = (max(1, round(width / factor)), max(1, round(height / factor)))
    small = cv2.resize(image, small_size, interpolation=cv2.INTER_AREA)
    return cv2.resize(small, (width, height), interpolation=cv2.INTER_CUBIC)


def posterize(image, levels):
    """Rounds every channel down to one of `levels` evenly spaced values from 0 to 255."""
    steps = (image.astype(np.uint16) * levels) // 256  # 0 .. levels - 1
    return (steps * 255 // (levels - 1)).astype(np.uint8)


def parse_hole_size(value):
    """(smallest, largest) hole side as fractions of the picture's side, from "0.25-0.5".

    Accepts a string "MIN-MAX" or "SIZE" (every hole that size), a number, or a pair of
    numbers; raises a ValueError naming the value when it is not 0 < MIN <= MAX <= 1.
    """
    try:
        if isinstance(value, str):
            parts = [float(part) for part in value.strip().split("-")]
        elif isinstance(value, (int, float)) and not isinstance(value, bool):
            parts = [float(value)]
        else:
            parts = [float(part) for part in value]
    except (TypeError, ValueError):
        parts = []
    if len(parts) == 1:
        parts = parts * 2
    if len(parts) != 2 or not 0 < parts[0] <= parts[1] <= 1:
        raise ValueError(
            f"hole_size must be a fraction of the picture's side, or two joined by a dash, "
            f"from above 0 to 1 with the smaller first; got {value!r}: pass e.g. --hole-size "
            "0.25-0.5 (holes a quarter to a half of the side)."
        )
    return (parts[0], parts[1])


def format_hole_size(hole_size):
    """(0.25, 0.5) -> "0.25-0.5", the way `--hole-size` is written."""
    smallest, largest = parse_hole_size(hole_size)
    return f"{smallest:g}" if smallest == largest else f"{smallest:g}-{largest:g}"


def hole_mask(shape, hole_size, holes=1, seed=None):
    """A boolean (height, width) mask, True inside `holes` random rectangles.

    Each rectangle's width and height are drawn independently and uniformly from
    `hole_size` (fractions of the width and of the height, rounded to whole pixels, at
    least 1), its corner uniformly among the places where it fits inside the picture.
    The same seed gives the same mask.
    """
    height, width = shape
    smallest, largest = parse_hole_size(hole_size)
    # np.uint64 keeps the negative int64 numbers of a tf.data seed valid for SeedSequence.
    entropy = 0 if seed is None else np.asarray(seed).astype(np.uint64).ravel().tolist()
    generator = np.random.default_rng(entropy)
    mask = np.zeros((height, width), dtype=bool)
    for _ in range(int(holes)):
        hole_height = _hole_side(generator, height, smallest, largest)
        hole_width = _hole_side(generator, width, smallest, largest)
        top = generator.integers(0, height - hole_height + 1)
        left = generator.integers(0, width - hole_width + 1)
        mask[top : top + hole_height, left : left + hole_width] = True
    return mask


def _hole_side(generator, side, smallest, largest):
    low = max(1, int(np.ceil(smallest * side - 1e-9)))
    high = max(low, int(np.floor(largest * side + 1e-9)))
    return int(generator.integers(low, high + 1))


def cut_holes(image, mask, fill=128):
    """The inpainting input: `image` with `fill` where `mask` is True, the mask (0/255) as channel 4."""
    holed = np.where(mask[..., np.newaxis], np.uint8(fill), image)
    return np.concatenate([holed, (mask * 255).astype(np.uint8)[..., np.newaxis]], axis=-1)


def input_mode(
    name, downscale_factor=8, edge_thresholds=(100, 200), posterize_levels=4,
    hole_size=(0.25, 0.5), holes=1,
):  # fmt: skip
    """An `InputMode`, or None for "paired" (the data already holds the inputs)."""
    if name in (None, "paired"):
        return None
    if name not in INPUT_MODES:
        raise ValueError(
            f"Unknown input mode {name!r}: choose paired (the data holds the inputs) or one of "
            f"{', '.join(INPUT_MODES)}."
        )
    return InputMode(
        name, downscale_factor, tuple(edge_thresholds), posterize_levels, hole_size, holes
    )


__all__ = [
    "INPUT_MODES",
    "InputMode",
    "cut_holes",
    "downscale",
    "format_hole_size",
    "hole_mask",
    "input_mode",
    "parse_hole_size",
    "posterize",
]
