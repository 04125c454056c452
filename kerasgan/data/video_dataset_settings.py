"""What a video dataset contains: `VideoDatasetSettings`, the one table of its defaults.

`kerasgan dataset video` makes its flags and their defaults from this table, and
`build_video_dataset` takes it (or its fields as keywords). A dataset folder
remembers the settings that decide which frames exist and how they look
(`frame_settings`), so that a later run with other values does not mix images
that do not belong together; `settings_differences` says what changed.

Example:

```python
from kerasgan.data import VideoDatasetSettings

settings = VideoDatasetSettings(size=128, every_seconds=2.0).validate()
print(settings.frame_settings())  # what a folder built with these settings remembers
```
"""

from dataclasses import asdict, dataclass, field

from kerasgan.data import download
from kerasgan.data.frame_filters import FilterSettings
from kerasgan.data.frame_geometry import CROP_MODES
from kerasgan.data.video import format_time

IMAGE_FORMATS = ("jpg", "png")


@dataclass
class VideoDatasetSettings:
    """Everything that decides what a video dataset contains: the one table of defaults.

    Args:
        size: images are `size` x `size` pixels (with crop="none": the shorter side).
        every_seconds: keep one frame per this many seconds of video (the default, 0.5,
            applies when none of every_seconds, every_frames, num_frames is given).
        every_frames: keep every Nth frame instead.
        num_frames: keep this many frames per video, evenly spaced, instead.
        start, end: the section of each video to use, in seconds (None: from the start, to the end).
        max_images: stop once the dataset has this many images (videos in the order given).
        image_format: "jpg" (small, quality 95) or "png" (lossless, larger).
        crop: "center" square, "random" square (repeatable with `seed`), or "none" (keep the
            whole frame; the image loader crops later).
        test_fraction: about this fraction of each video's frames goes to test/.
        split_blocks: each video's kept frames are cut into this many contiguous blocks of time;
            whole blocks go to test/.
        seed: chooses the test blocks and the random crops.
        max_height: the largest video height to download (frames are shrunk to `size` anyway).
        filters: a FilterSettings: which frames to drop and the thresholds.

    Example:

    ```python
    settings = VideoDatasetSettings(
        size=128, num_frames=500, filters=FilterSettings(drop_blurry=False)
    )
    ```
    """

    size: int = 256
    every_seconds: float = None
    every_frames: int = None
    num_frames: int = None
    start: float = None
    end: float = None
    max_images: int = None
    image_format: str = "jpg"
    crop: str = "center"
    test_fraction: float = 0.1
    split_blocks: int = 10
    seed: int = 0
    max_height: int = download.DEFAULT_MAX_HEIGHT
    filters: FilterSettings = field(default_factory=FilterSettings)

    def validate(self):
        """Checks the values (one sentence per problem) and fills in the default rate."""
        rates = [self.every_seconds, self.every_frames, self.num_frames]
        if sum(value is not None for value in rates) > 1:
            raise ValueError("Choose one sampling rate: every_seconds, every_frames or num_frames.")
        if all(value is None for value in rates):
            self.every_seconds = 0.5
        if not isinstance(self.size, int) or self.size < 8:
            raise ValueError(f"size must be a whole number of pixels, 8 or more; got {self.size}.")
        if self.image_format not in IMAGE_FORMATS:
            raise ValueError(f"image_format must be 'jpg' or 'png'; got {self.image_format!r}.")
        if self.crop not in CROP_MODES:
            raise ValueError(
                f"crop must be one of {', '.join(CROP_MODES)}; got {self.crop!r}."
            )
        if not 0.0 <= self.test_fraction < 1.0:
            raise ValueError(f"test_fraction must be in [0, 1); got {self.test_fraction}.")
        if self.split_blocks < 1:
            raise ValueError(f"split_blocks must be at least 1; got {self.split_blocks}.")
        if self.max_images is not None and self.max_images < 1:
            raise ValueError(f"max_images must be at least 1; got {self.max_images}.")
        if self.start is not None and self.start < 0:
            raise ValueError(f"start must not be negative; got {self.start}.")
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValueError(
                f"The end ({format_time(self.end)}) must come after the start "
                f"({format_time(self.start)})."
            )
        return self

    def to_dict(self):
        return asdict(self)

    def frame_settings(self):
        """The settings that decide which frames exist and how they look.

        A dataset folder built with other values cannot be resumed: its images would
        not match. max_images, test_fraction and split_blocks can change freely.
        """
        values = self.to_dict()
        for free in ("max_images", "test_fraction", "split_blocks"):
            values.pop(free)
        return values


def settings_differences(previous, wanted):
    """What changed between two `frame_settings()` dicts, as "size 64 -> 128; seed 0 -> 1"."""
    changed = []
    for key in sorted(set(previous) | set(wanted)):
        if previous.get(key) != wanted.get(key):
            if isinstance(wanted.get(key), dict) and isinstance(previous.get(key), dict):
                changed.append(settings_differences(previous[key], wanted[key]))
            else:
                changed.append(f"{key} {previous.get(key)} -> {wanted.get(key)}")
    return "; ".join(changed)
