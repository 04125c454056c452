"""pix2pix live: a webcam (or a video file) through a generator, frame by frame.

Memo Akten's "Learning to See" points a camera at cables, cloth and keys on a table, and
a pix2pix model trained on waves, fire or flowers sees the sea in them. `run_live` is
that loop:

1. read a frame (OpenCV: a camera by its number, or a video file);
2. prepare it exactly as the training frames were: the center square, shrunk to the
   model's size, then the input mode the generator was trained with (edges, grayscale,
   ...), which the generator's .keras file records (`InputModeTag`);
3. run the generator;
4. smooth over time: an exponential moving average of the outputs, so the picture
   breathes instead of flickering (pix2pix has no memory; nearby frames can give
   rather different outputs);
5. show and/or write frame | input | output side by side, and measure frames per second.

The loop does not depend on the command line (`kerasgan live`), so a notebook or a test
can call it on a video file.

Example:

```python
from kerasgan.snapshots.live import load_translator, run_live

generator, input_mode = load_translator("results/00002-pix2pix-bikes/generator-000040.keras")
result = run_live(generator, "clip.mp4", input_mode, output="live.mp4", smooth=0.6)
print(result.frames_read, result.frames_per_second)
```
"""

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kerasgan import files
from kerasgan.data.frame_geometry import crop_square, resize_area
from kerasgan.data.video import open_video
from kerasgan.errors import KerasganError

WINDOW_TITLE = "kerasgan live (q to quit)"
CAMERA_FPS = 30.0  # what a written camera video is played back at when the camera won't say


def load_translator(path):
    """Loads a pix2pix or CycleGAN generator snapshot; returns (generator, InputMode or None).

    Raises a ValueError in one sentence for a file whose family does not run live (a
    DCGAN snapshot, say).
    """
    from kerasgan import snapshots

    generator, family = snapshots.load(
        path, hint="a generator-*.keras file from a pix2pix (or cyclegan) run"
    )
    return family.live_translator(generator, path)


def prepare_frame(frame, image_size, input_mode):
    """A camera frame -> (the square the model sees, its input), both uint8.

    Args:
        frame: RGB uint8 (height, width, 3).
        image_size: the generator's size.
        input_mode: the `InputMode` of training, or None to feed the square itself.

    Returns:
        (square (image_size, image_size, 3), input (image_size, image_size, channels)).
    """
    square = resize_area(crop_square(frame, "center"), image_size)
    made = input_mode.apply(square) if input_mode is not None else square
    return square, made


class TemporalSmoother:
    """An exponential moving average of a stream of frames.

    `smooth` is the weight of the past: 0 shows every output as it is; 0.6 keeps 60% of
    the previous picture and adds 40% of the new one, so a one-frame glitch fades over a
    few frames. Higher is calmer but lags behind movement.
    """

    def __init__(self, smooth=0.5):
        if not 0.0 <= float(smooth) < 1.0:
            raise ValueError(f"smooth must be from 0 (off) up to, not including, 1; got {smooth}.")
        self.smooth = float(smooth)
        self.average = None

    def __call__(self, frame):
        frame = np.asarray(frame, dtype="float32")
        if self.average is None or self.smooth == 0.0:
            self.average = frame
        else:
            self.average = self.smooth * self.average + (1.0 - self.smooth) * frame
        return self.average


def side_by_side(pictures, panel_size):
    """Puts uint8 pictures (grey or RGB) next to each other, each resized to a square panel."""
    import cv2

    panels = []
    for picture in pictures:
        picture = picture[..., :3] if picture.ndim == 3 else picture  # inpaint: not the mask
        if picture.ndim == 2 or picture.shape[-1] == 1:
            picture = np.repeat(picture.reshape(*picture.shape[:2], 1), 3, axis=-1)
        shrinking = picture.shape[0] > panel_size
        panels.append(
            cv2.resize(
                picture, (panel_size, panel_size),
                interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR,
            )
        )  # fmt: skip
    return np.concatenate(panels, axis=1)


@dataclass
class LiveResult:
    """What a live run did.

    Attributes:
        frames_read: frames read from the source.
        frames_written: frames written to the output video (0 without one).
        seconds: time spent in the loop.
        frames_per_second: frames processed per second, from the second frame on (the
            first one includes TensorFlow's one-time tracing of the generator).
        output: the video written, or None.
    """

    frames_read: int
    frames_written: int
    seconds: float
    frames_per_second: float
    output: Path = None


def parse_source(source):
    """ "0" (or 0) -> camera 0; anything else -> a video file path."""
    text = str(source).strip()
    return int(text) if text.isdigit() else Path(text).expanduser()


def open_source(source):
    """Opens a camera or a video file; returns (cv2.VideoCapture, frames per second, name)."""
    import cv2

    source = parse_source(source)
    if isinstance(source, int):
        # OpenCV logs its own warnings for a missing camera; our sentence below says it all.
        log_level = cv2.utils.logging.getLogLevel()
        cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)
        try:
            capture = cv2.VideoCapture(source)
            opened = capture.isOpened() and capture.read()[0]
        finally:
            cv2.utils.logging.setLogLevel(log_level)
        if not opened:
            capture.release()
            raise KerasganError(
                f"Could not open camera {source}: no webcam is connected at that number, or "
                "another program is using it (on Colab or a server there is none: pass a "
                "video file instead, --source clip.mp4)."
            )
        fps = capture.get(cv2.CAP_PROP_FPS)
        return capture, (fps if 1.0 <= fps <= 240.0 else CAMERA_FPS), f"camera {source}"
    capture, properties = open_video(source)  # clear sentences for missing or broken files
    return capture, properties.fps, str(source)


def run_live(
    generator,
    source,
    input_mode=None,
    output=None,
    display=False,
    smooth=0.5,
    panel_size=None,
    max_frames=None,
    on_frame=None,
):
    """Runs a pix2pix generator on every frame of a camera or a video file.

    Args:
        generator: the image-to-image generator (`load_translator` gives it and its mode).
        source: a camera number (0, "0") or a video file.
        input_mode: the `InputMode` that makes the generator's input from a frame, or None
            to feed it the frame's square itself (a model trained on paired photos).
        output: a .mp4 or .avi file for the side-by-side video, or None. Written
            atomically: after an interruption (Ctrl-C) it holds every frame processed.
        display: show the frames in a window (needs a screen and the full OpenCV).
        smooth: the temporal smoothing of the outputs, 0 (off) to below 1 (see
            `TemporalSmoother`).
        panel_size: side of each of the three panels in pixels; default the generator's
            size, but at least 256.
        max_frames: stop after this many frames (a camera otherwise runs until "q").
        on_frame: optional callback(frames_read, frames_per_second) after every frame.

    Returns:
        A `LiveResult`.
    """
    import cv2
    import tensorflow as tf

    if output is None and not display:
        raise ValueError(
            "Nothing to show: add --display for a window, or --output out.mp4 to write a video."
        )
    if output is not None and Path(output).suffix.lower() not in (".mp4", ".avi"):
        raise ValueError(f"Cannot write video {output}: use a .mp4 or .avi file name.")
    image_size = int(generator.inputs[0].shape[1])
    expected_channels = int(generator.inputs[0].shape[-1])
    made_channels = input_mode.channels if input_mode is not None else 3
    if made_channels != expected_channels:
        raise ValueError(
            f"The generator takes {expected_channels}-channel inputs, but "
            f"{'the input mode ' + input_mode.name if input_mode else 'a camera frame'} makes "
            f"{made_channels}-channel ones: pass the --input-mode it was trained with."
        )
    smoother = TemporalSmoother(smooth)
    panel_size = int(panel_size or max(image_size, 256))
    if display:
        _open_window()

    # One traced function for every frame: calling the Keras model eagerly costs more
    # than the convolutions themselves at this size.
    translate = tf.function(lambda batch: generator(batch, training=False))

    capture, source_fps, _ = open_source(source)
    frames_read = frames_written = 0
    started = first_done = time.perf_counter()
    try:
        with _VideoOutput(output, source_fps, (3 * panel_size, panel_size)) as video:
            while max_frames is None or frames_read < max_frames:
                ok, frame = capture.read()
                if not ok:
                    break  # the end of the file, or the camera was unplugged
                frames_read += 1
                frame = cv2.cvtColor(frame, cv2.COLOR_BGR2RGB)
                square, made = prepare_frame(frame, image_size, input_mode)
                batch = made[np.newaxis].astype("float32") / 127.5 - 1.0
                generated = translate(tf.constant(batch))[0].numpy()
                smoothed = smoother(generated)
                shown = np.clip(np.rint((smoothed + 1.0) * 127.5), 0, 255).astype(np.uint8)
                picture = side_by_side([square, made, shown], panel_size)
                if frames_read == 1:
                    first_done = time.perf_counter()
                fps = _frames_per_second(frames_read, first_done)
                if video.writer is not None:
                    video.write(picture)
                    frames_written += 1
                if display and not _show(picture, fps):
                    break
                if on_frame is not None:
                    on_frame(frames_read, fps)
    except KeyboardInterrupt:
        pass  # Ctrl-C ends a camera session; what was written so far is kept
    finally:
        capture.release()
        if display:
            cv2.destroyAllWindows()
    return LiveResult(
        frames_read=frames_read,
        frames_written=frames_written,
        seconds=round(time.perf_counter() - started, 3),
        frames_per_second=round(_frames_per_second(frames_read, first_done), 2),
        output=Path(output) if output is not None and frames_written else None,
    )


def _frames_per_second(frames_read, first_done):
    elapsed = time.perf_counter() - first_done
    return (frames_read - 1) / elapsed if frames_read > 1 and elapsed > 0 else 0.0


def _open_window():
    import cv2

    try:
        cv2.namedWindow(WINDOW_TITLE, cv2.WINDOW_AUTOSIZE)
    except cv2.error:
        raise KerasganError(
            "--display needs a screen, and this OpenCV (opencv-python-headless) cannot open "
            "windows: write the video with --output live.mp4 instead."
        ) from None


def _show(picture, fps):
    """Shows one picture with the frame rate on it; False once the user pressed q or Esc."""
    import cv2

    shown = np.ascontiguousarray(picture[..., ::-1])  # OpenCV windows show BGR
    cv2.putText(
        shown, f"{fps:.1f} fps", (8, 24), cv2.FONT_HERSHEY_SIMPLEX, 0.7, (255, 255, 255), 2,
        cv2.LINE_AA,
    )  # fmt: skip
    cv2.imshow(WINDOW_TITLE, shown)
    return cv2.waitKey(1) & 0xFF not in (ord("q"), 27)


class _VideoOutput:
    """A video file written frame by frame (a long session does not fit in memory), atomically.

    `kerasgan.images.save_video` writes a list of frames it holds; here frames arrive one
    at a time. The codecs are the same: mp4v for .mp4, MJPG for .avi (the OpenCV wheel
    cannot encode H.264).
    """

    def __init__(self, path, fps, size):
        self.path, self.fps, self.size = path, fps, size
        self.writer = None
        self._atomic = None

    def __enter__(self):
        if self.path is None:
            return self
        import cv2

        self._atomic = files.atomic_path(self.path)
        temporary = self._atomic.__enter__()
        codec = "MJPG" if Path(self.path).suffix.lower() == ".avi" else "mp4v"
        fourcc = cv2.VideoWriter_fourcc(*codec)
        self.writer = cv2.VideoWriter(temporary, fourcc, self.fps, self.size)
        if not self.writer.isOpened():
            self._atomic.__exit__(None, None, None)
            raise OSError(f"OpenCV could not open a video writer for {self.path}.")
        return self

    def write(self, picture):
        self.writer.write(np.ascontiguousarray(picture[..., ::-1]))

    def __exit__(self, *exception):
        if self.writer is None:
            return False
        self.writer.release()
        # Keep what was written even when the loop stopped with an error or Ctrl-C.
        self._atomic.__exit__(None, None, None)
        return False


__all__ = [
    "LiveResult",
    "TemporalSmoother",
    "load_translator",
    "open_source",
    "parse_source",
    "prepare_frame",
    "run_live",
    "side_by_side",
]
