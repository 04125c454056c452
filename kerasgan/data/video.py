"""Reading frames from a video file: its header, which frames to keep, one pass through it.

A GAN dataset made from a video needs a few hundred frames out of tens of
thousands. The obvious way to get them, seeking to each wanted frame with
`capture.set(cv2.CAP_PROP_POS_FRAMES, index)`, is slow on H.264 (what YouTube
serves): a seek jumps back to the previous keyframe and decodes every frame
from there, so each kept frame costs a whole group of pictures. Reading every
frame with `read()` is slow in another way: it converts every decoded frame to
a BGR array, even the ones we throw away.

OpenCV splits `read()` into two halves, and we use them separately:
`grab()` decodes the next frame and keeps it inside the decoder (cheap, it
must happen anyway), `retrieve()` converts the grabbed frame into an array
(only for the frames we keep). One pass through the file, no seeks.

Frames come out as RGB uint8 arrays, the order every other kerasgan image uses.
What is done to a frame once read (letterbox bars, square crops, resizing) is in
`kerasgan.data.frame_geometry`.

Example:

```python
from kerasgan.data import frame_geometry, video

for frame in video.sample_frames("clip.mp4", every_seconds=0.5, start=30, end=120):
    square = frame_geometry.crop_square(frame.image)
    small = frame_geometry.resize_area(square, 256)
```
"""

import contextlib
import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kerasgan.errors import KerasganError

# What `kerasgan dataset video` accepts in a folder of videos.
VIDEO_EXTENSIONS = (
    ".mp4", ".m4v", ".mov", ".mkv", ".webm", ".avi", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp",
    ".ts", ".ogv",
)  # fmt: skip

# A header may round the frame count; a file that ends more than this fraction early is cut off.
TRUNCATION_TOLERANCE = 0.02


class BrokenVideoError(KerasganError):
    """A file that is not a video OpenCV can decode, or a video that stops before its end."""


def _cv2():
    """Imports OpenCV, silencing FFmpeg's own console messages first.

    FFmpeg prints lines such as "moov atom not found" straight to the terminal.
    We report every problem in a sentence of our own, so its messages are noise.
    Set OPENCV_FFMPEG_LOGLEVEL yourself (e.g. 32) to see them while debugging.
    """
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    import cv2

    return cv2


@contextlib.contextmanager
def opencv_on_one_thread():
    """Inside this block OpenCV's image functions (resize, color, ...) use no thread pool.

    The video decoder has threads of its own (FFmpeg's, which this setting leaves
    alone), and on a small machine they keep nearly every core busy. OpenCV would
    split each resize of a kept frame over its own thread pool, whose threads wait
    for work by spinning: CPU time taken from the decoder, for no gain on images
    this small. Measured over 30 builds each (best run), the builder's CPU time beyond
    decoding and retrieving the kept frames fell from 42 to 35 ms on bigbuckbunny.mp4
    (14 frames of 720p kept) and from 41 to 30 ms on bikes.mp4 (25 kept).
    The setting is global to the process, so the previous one is put back after.
    """
    cv2 = _cv2()
    previous = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        yield
    finally:
        cv2.setNumThreads(previous)


@dataclass(frozen=True)
class VideoProperties:
    """What a video's header says about it.

    Args:
        path: the file.
        fps: frames per second.
        frame_count: number of frames (0 when the container does not say).
        width, height: frame size in pixels.
    """

    path: str
    fps: float
    frame_count: int
    width: int
    height: int

    @property
    def duration(self):
        """Length in seconds (None when the frame count is unknown)."""
        return self.frame_count / self.fps if self.frame_count > 0 else None


@dataclass(frozen=True)
class VideoFrame:
    """One frame taken from a video.

    Args:
        index: the frame's position in the file, counting from 0.
        time: its timestamp in seconds (index / fps).
        image: RGB uint8 array (height, width, 3); BGR when read with `frames(rgb=False)`.
    """

    index: int
    time: float
    image: np.ndarray


def format_time(seconds):
    """1.5 -> "0:01.5", 75 -> "1:15", 3725 -> "1:02:05": how people write video times."""
    if seconds is None:
        return "?"
    whole = int(seconds)
    tenths = int(round((seconds - whole) * 10))
    if tenths == 10:
        whole, tenths = whole + 1, 0
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    text = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
    return text + (f".{tenths}" if tenths else "")


def open_video(path, name=None):
    """Opens a video for reading; returns (cv2.VideoCapture, VideoProperties).

    Args:
        path: a video file.
        name: how to call the video in error messages (a URL, say); default: the path.

    Raises:
        FileNotFoundError: no such file.
        BrokenVideoError: the file is not a video OpenCV can decode, or it was cut off.
    """
    cv2 = _cv2()
    path = Path(path)
    name = name or str(path)
    if not path.is_file():
        raise FileNotFoundError(f"No such video file: {path}.")
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS) if capture.isOpened() else 0.0
    if not capture.isOpened() or not fps or not math.isfinite(fps) or fps <= 0:
        capture.release()
        problem = describe_unreadable_file(path)
        if problem.startswith("truncated"):
            raise BrokenVideoError(
                f"{name} is an incomplete video file ({problem[len('truncated: '):]}): "
                "it was cut off, probably by an interrupted download or copy; get it again."
            )
        raise BrokenVideoError(f"{name} is not a video file that OpenCV can read ({problem}).")
    properties = VideoProperties(
        path=str(path),
        fps=float(fps),
        frame_count=max(0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT))),
        width=int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)),
        height=int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)),
    )
    return capture, properties


def probe_video(path, name=None):
    """Reads a video's header (fps, frame count, size) without decoding frames."""
    capture, properties = open_video(path, name)
    capture.release()
    return properties


def describe_unreadable_file(path):
    """Says why a file OpenCV cannot open is not a video: truncated, a web page, text, ...

    Only the container structure is checked (a few reads near the start), so this
    is cheap even for a large file. Returns a short phrase; "truncated: ..." when
    the file is a video container that ends too early.
    """
    path = Path(path)
    size = path.stat().st_size
    if size == 0:
        return "the file is empty"
    with open(path, "rb") as handle:
        head = handle.read(64)
    if head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"):
        return _describe_mp4(path, size)
    if head[:4] == b"RIFF" and head[8:12] == b"AVI ":
        declared = int.from_bytes(head[4:8], "little") + 8
        if declared > size:
            return f"truncated: the AVI header announces {declared:,} bytes, the file has {size:,}"
        return "an AVI file whose video stream OpenCV cannot decode"
    if head[:4] == b"\x1a\x45\xdf\xa3":
        return "a Matroska/WebM file whose video stream OpenCV cannot decode, or a cut-off one"
    text = head.lstrip().lower()
    if text.startswith((b"<!doctype html", b"<html")):
        return "it is a web page, not a video: the link may point to a page rather than a file"
    if all(32 <= byte < 127 or byte in (9, 10, 13) for byte in head):
        preview = head[:24].decode("ascii").strip().replace("\n", " ")
        return f"it is a text file that starts with {preview!r}"
    return "its format is not one OpenCV's FFmpeg knows"


def _describe_mp4(path, size):
    """Walks the top-level boxes of an MP4/MOV file: a box running past the end means truncation."""
    seen = []
    with open(path, "rb") as handle:
        offset = 0
        while offset < size:
            handle.seek(offset)
            header = handle.read(16)
            if len(header) < 8:
                return f"truncated: the file ends inside a box header at byte {offset:,}"
            box_size = int.from_bytes(header[:4], "big")
            box_type = header[4:8].decode("latin-1")
            if box_size == 1 and len(header) == 16:
                box_size = int.from_bytes(header[8:16], "big")  # a 64-bit size follows
            elif box_size == 0:
                box_size = size - offset  # the box runs to the end of the file
            if box_size < 8:
                return "an MP4 file with a damaged box structure"
            if offset + box_size > size:
                return (
                    f"truncated: its '{box_type}' box needs {offset + box_size:,} bytes, "
                    f"the file has {size:,}"
                )
            seen.append(box_type)
            offset += box_size
    if "moov" not in seen:
        return "truncated: the index ('moov' box) that MP4 files keep at the end is missing"
    return "an MP4 file whose video stream OpenCV cannot decode"


def frames_to_keep(
    properties,
    every_seconds=None,
    every_frames=None,
    num_frames=None,
    start=0.0,
    end=None,
    name=None,
):
    """Decides which frame indices to keep; returns (first, stop, keep) with keep(index) -> bool.

    Exactly one of the three rates may be given (every_seconds=0.5 when none is):

    Args:
        properties: the video's VideoProperties.
        every_seconds: keep one frame per this many seconds of video.
        every_frames: keep every Nth frame (every_frames=10 keeps frames 0, 10, 20, ...).
        num_frames: keep this many frames, evenly spaced over [start, end).
        start, end: the section to read, in seconds (end=None: to the end of the video).
        name: how to call the video in error messages.
    """
    name = name or properties.path
    rates = [value for value in (every_seconds, every_frames, num_frames) if value is not None]
    if len(rates) > 1:
        raise ValueError("Give only one of every_seconds, every_frames and num_frames.")
    if not rates:
        every_seconds = 0.5
    fps = properties.fps
    duration = properties.duration
    start = float(start or 0.0)
    if start < 0 or (end is not None and end <= start):
        raise ValueError(
            f"The section {format_time(start)}-{format_time(end)} of {name} is empty: "
            "the end must come after the start."
        )
    if duration is not None and start >= duration:
        raise ValueError(
            f"The section starts at {format_time(start)}, past the end of {name} "
            f"({format_time(duration)} long): choose a start before {format_time(duration)}."
        )
    first = int(round(start * fps))
    stop = properties.frame_count if properties.frame_count > 0 else math.inf
    if end is not None:
        stop = min(stop, int(math.ceil(end * fps - 1e-6)))

    if num_frames is not None:
        if num_frames < 1:
            raise ValueError(f"num_frames must be at least 1; got {num_frames}.")
        if stop == math.inf:
            raise ValueError(
                "This video does not say how many frames it has, so frames cannot be spread "
                "evenly over it: use a rate (every_seconds or every_frames) instead."
            )
        wanted = set(np.linspace(first, stop - 1, num_frames).round().astype(int).tolist())
        return first, stop, wanted.__contains__

    if every_frames is not None:
        if every_frames < 1 or int(every_frames) != every_frames:
            raise ValueError(f"every_frames must be a whole number >= 1; got {every_frames}.")
        step = int(every_frames)
        return first, stop, lambda index: (index - first) % step == 0

    if every_seconds <= 0:
        raise ValueError(f"every_seconds must be positive; got {every_seconds}.")
    # Keep the first frame at or after each multiple of the interval (measured from the
    # start), so the rate does not drift when the interval is not a whole number of frames.
    state = {"next": start}

    def keep_by_time(index):
        time = index / fps
        if time + 0.5 / fps < state["next"]:
            return False
        while state["next"] <= time + 0.5 / fps:
            state["next"] += every_seconds
        return True

    return first, stop, keep_by_time


class VideoReader:
    """An open video file: its header (`properties`) and one pass over its frames.

    Args:
        path: the video file.
        name: how to call the video in error messages (a URL, say); default: the path.

    Example:

    ```python
    with VideoReader("clip.mp4") as reader:
        print(reader.properties.duration)
        for frame in reader.frames(every_seconds=0.5):
            print(frame.index, frame.time, frame.image.shape)
    ```
    """

    def __init__(self, path, name=None):
        self.name = name or str(path)
        self.capture, self.properties = open_video(path, name)

    def frames(
        self,
        every_seconds=None,
        every_frames=None,
        num_frames=None,
        start=0.0,
        end=None,
        on_frame=None,
        rgb=True,
    ):
        """Yields the kept frames as VideoFrame(index, time, RGB image), in order; call it once.

        One pass through the file: `grab()` for every frame, `retrieve()` only for kept
        ones, and a single seek to `start` (a seek costs one group of pictures, once).

        Args:
            every_seconds, every_frames, num_frames, start, end: which frames; see
                `frames_to_keep`.
            on_frame: optional callback(index, stop) every 32 decoded frames, for a
                progress line.
            rgb: False yields OpenCV's BGR order, skipping a full-size color conversion
                for callers that shrink the frame first and convert the small copy.

        Raises:
            BrokenVideoError: the video ends well before its header says it does (truncated).
        """
        cv2 = _cv2()
        capture, properties, name = self.capture, self.properties, self.name
        first, stop, keep = frames_to_keep(
            properties, every_seconds, every_frames, num_frames, start, end, name
        )
        index = _seek(capture, first, cv2)
        while index < stop:
            if not capture.grab():
                break
            if index >= first and keep(index):
                ok, image = capture.retrieve()
                if ok and image is not None:
                    if rgb:
                        image = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
                    yield VideoFrame(index=index, time=index / properties.fps, image=image)
            index += 1
            if on_frame is not None and index % 32 == 0:
                on_frame(index, stop)  # not every frame: a small video decodes at 1,000 fps
        expected = min(stop, properties.frame_count) if properties.frame_count else 0
        missing = expected - index
        if expected and missing > max(2, TRUNCATION_TOLERANCE * properties.frame_count):
            raise BrokenVideoError(
                f"{name} stops after {format_time(index / properties.fps)} although its header "
                f"says {format_time(properties.duration)}: the file is cut off (an interrupted "
                "download or copy?); get it again."
            )

    def close(self):
        self.capture.release()

    def __enter__(self):
        return self

    def __exit__(self, *exception):
        self.close()


def sample_frames(
    path,
    every_seconds=None,
    every_frames=None,
    num_frames=None,
    start=0.0,
    end=None,
    name=None,
    on_frame=None,
):
    """Opens a video and yields its kept frames: `VideoReader(path, name).frames(...)`."""
    with VideoReader(path, name) as reader:
        yield from reader.frames(every_seconds, every_frames, num_frames, start, end, on_frame)


def _seek(capture, first, cv2):
    """Moves to frame `first` once; returns the index of the next frame `grab()` will decode.

    If the container cannot seek exactly, we rewind and grab forward instead:
    slower, but the frame indices (and so the timestamps) stay right.
    """
    if first <= 0:
        return 0
    capture.set(cv2.CAP_PROP_POS_FRAMES, first)
    if int(round(capture.get(cv2.CAP_PROP_POS_FRAMES))) == first:
        return first
    capture.set(cv2.CAP_PROP_POS_FRAMES, 0)
    return 0


def video_files_in(folder):
    """The video files directly inside `folder`, sorted by name (hidden files skipped)."""
    folder = Path(folder)
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and not path.name.startswith(".")
        and path.suffix.lower() in VIDEO_EXTENSIONS
    )
