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

Training (`kerasgan/data/paired.py`, inside a `tf.data` pipeline) and live use
(`kerasgan/live.py`, on camera frames) call the very same `InputMode.apply`, written with
NumPy and OpenCV. Two implementations (one in TensorFlow for training, one in OpenCV for
the webcam) would drift apart, and a model fed slightly different inputs live than in
training looks worse for no visible reason.

No TensorFlow here: this module is light enough for any tool to import.

Example:

```python
mode = InputMode("edges")
edges = mode.apply(frame)  # uint8 (H, W, 1), 255 on edges
```
"""

from dataclasses import asdict, dataclass

import numpy as np

INPUT_MODES = ("edges", "grayscale", "downscale", "posterize")


@dataclass(frozen=True)
class InputMode:
    """One way of making a pix2pix input from an RGB picture, with its settings.

    Args:
        name: "edges", "grayscale", "downscale" or "posterize" (see the module's table).
        downscale_factor: for "downscale": how many times smaller the picture is made
            before it is blown up again (8: a 256-pixel frame becomes 32 x 32 pixels).
        edge_thresholds: for "edges": Canny's low and high thresholds on 0-255 gradients.
            Lower values find more, fainter edges.
        posterize_levels: for "posterize": values kept per colour channel (2 to 64).

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
        # Frozen dataclass: normalise the types once (a JSON config gives lists and floats).
        object.__setattr__(self, "downscale_factor", int(self.downscale_factor))
        object.__setattr__(self, "edge_thresholds", (low, high))
        object.__setattr__(self, "posterize_levels", int(self.posterize_levels))

    @property
    def channels(self):
        """Channels of the input this mode makes: 3 for "posterize", 1 otherwise."""
        return 3 if self.name == "posterize" else 1

    def apply(self, image):
        """Makes the input from one picture.

        Args:
            image: uint8 RGB array (height, width, 3).

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


def input_mode(name, downscale_factor=8, edge_thresholds=(100, 200), posterize_levels=4):
    """An `InputMode`, or None for "paired" (the data already holds the inputs)."""
    if name in (None, "paired"):
        return None
    if name not in INPUT_MODES:
        raise ValueError(
            f"Unknown input mode {name!r}: choose paired (the data holds the inputs) or one of "
            f"{', '.join(INPUT_MODES)}."
        )
    return InputMode(name, downscale_factor, tuple(edge_thresholds), posterize_levels)


__all__ = ["INPUT_MODES", "InputMode", "downscale", "posterize", "input_mode"]
