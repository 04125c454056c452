"""Turning model outputs into pictures: uint8 conversion, grids, PNG, GIF and video files.

Generators output float images in [-1, 1] (tanh); people look at uint8 PNGs.
Every picture kerasgan writes (sample grids, class grids, contact sheets,
BigGAN walks, grading reports) is made here, written atomically.
Only NumPy, OpenCV and Pillow are used, so this module never loads TensorFlow.
"""

import io
import math
from pathlib import Path

import numpy as np

from kerasgan import files

JPEG_QUALITY = 95  # high enough that JPEG artifacts do not become something a GAN learns


def to_uint8(images, value_range=(-1.0, 1.0)):
    """Maps float images in `value_range` to uint8 [0, 255], clipping outliers.

    uint8 input is returned unchanged. A single-channel last axis is kept.
    """
    images = np.asarray(images)
    if images.dtype == np.uint8:
        return images
    low, high = value_range
    scaled = (images.astype(np.float32) - low) / (high - low)
    return np.clip(np.rint(scaled * 255.0), 0, 255).astype(np.uint8)


def make_grid(images, columns=None, padding=2, background=0, row_labels=None, label_width=None):
    """Tiles a batch of images (N, H, W[, C]) into one image; returns uint8 (H', W', C).

    Args:
        images: uint8 or float in [-1, 1]; grayscale (N, H, W) or (N, H, W, 1), or RGB.
        columns: images per row; default: a near-square grid.
        padding: pixels between images.
        background: padding grey level, 0-255.
        row_labels: optional text per row, drawn in a margin on the left
            (class names in a conditional GAN's class grid).
        label_width: margin width in pixels for the labels; chosen from the text if None.
    """
    images = to_uint8(images)
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4 or images.shape[0] == 0:
        raise ValueError(
            f"make_grid needs a non-empty batch of images shaped (N, H, W, C); got {images.shape}."
        )
    if images.shape[-1] == 1:
        images = np.repeat(images, 3, axis=-1)
    count, height, width, channels = images.shape
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    grid = np.full(
        (rows * (height + padding) + padding, columns * (width + padding) + padding, channels),
        background,
        dtype=np.uint8,
    )
    for index, image in enumerate(images):
        row, column = divmod(index, columns)
        top = padding + row * (height + padding)
        left = padding + column * (width + padding)
        grid[top : top + height, left : left + width] = image
    if row_labels is not None:
        grid = _add_row_labels(grid, row_labels, height, padding, label_width)
    return grid


def _add_row_labels(grid, labels, cell_height, padding, label_width):
    import cv2

    scale = max(0.3, min(1.0, cell_height / 48))
    thickness = 1
    if label_width is None:
        widths = [cv2.getTextSize(str(t), cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)[0][0] for t in labels]
        label_width = max(widths, default=0) + 8
    margin = np.full((grid.shape[0], label_width, 3), 255, dtype=np.uint8)
    for row, text in enumerate(labels):
        center = padding + row * (cell_height + padding) + cell_height // 2
        (_, text_height), _ = cv2.getTextSize(str(text), cv2.FONT_HERSHEY_SIMPLEX, scale, thickness)
        cv2.putText(
            margin, str(text), (4, center + text_height // 2),
            cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0), thickness, cv2.LINE_AA,
        )
    return np.concatenate([margin, grid], axis=1)


def encode_image(image, suffix=".png", bgr=False):
    """Encodes an RGB (or, with bgr=True, BGR) or grayscale uint8 image to PNG/JPEG bytes."""
    import cv2

    image = to_uint8(image)
    if image.ndim == 3 and image.shape[-1] == 3 and not bgr:
        image = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)  # OpenCV writes BGR
    elif image.ndim == 3 and image.shape[-1] == 1:
        image = image[..., 0]
    is_jpeg = suffix.lower() in (".jpg", ".jpeg")
    params = [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY] if is_jpeg else []
    ok, encoded = cv2.imencode(suffix, np.ascontiguousarray(image), params)
    if not ok:
        raise ValueError(f"OpenCV could not encode an image of shape {image.shape} as {suffix}.")
    return encoded.tobytes()


def save_image(path, image):
    """Writes one RGB/grayscale image (uint8 or float in [-1, 1]) to PNG or JPEG, atomically."""
    path = Path(path)
    files.write_bytes(path, encode_image(image, path.suffix or ".png"))
    return path


def save_grid(path, images, **grid_options):
    """`make_grid` then `save_image`: the one call behind every sample grid."""
    return save_image(path, make_grid(images, **grid_options))


def save_gif(path, frames, fps=12, loop=True):
    """Writes frames (N, H, W[, C]) as an animated GIF, atomically."""
    from PIL import Image

    frames = to_uint8(frames)
    if frames.ndim == 4 and frames.shape[-1] == 1:
        frames = frames[..., 0]
    pictures = [Image.fromarray(frame) for frame in frames]
    buffer = io.BytesIO()
    pictures[0].save(
        buffer,
        format="GIF",
        save_all=True,
        append_images=pictures[1:],
        duration=max(1, round(1000 / fps)),
        loop=0 if loop else 1,
    )
    files.write_bytes(path, buffer.getvalue())
    return Path(path)


def save_video(path, frames, fps=24):
    """Writes RGB frames to .mp4 (mp4v) or .avi (MJPG), atomically.

    The OpenCV wheel cannot encode H.264, so .mp4 files use the MPEG-4 Part 2
    codec, which every common player opens.
    """
    import cv2

    path = Path(path)
    frames = to_uint8(frames)
    codec = {".mp4": "mp4v", ".avi": "MJPG"}.get(path.suffix.lower())
    if codec is None:
        raise ValueError(f"Cannot write video {path}: use a .mp4 or .avi file name.")
    height, width = frames.shape[1:3]
    with files.atomic_path(path) as temporary:
        writer = cv2.VideoWriter(temporary, cv2.VideoWriter_fourcc(*codec), fps, (width, height))
        if not writer.isOpened():
            raise OSError(f"OpenCV could not open a video writer for {path}.")
        try:
            for frame in frames:
                if frame.ndim == 2 or frame.shape[-1] == 1:
                    frame = np.repeat(frame.reshape(height, width, 1), 3, axis=-1)
                writer.write(np.ascontiguousarray(frame[..., ::-1]))
        finally:
            writer.release()
    return path


def save_animation(path, frames, fps=12):
    """Writes a GIF or a video, chosen by the file name's extension."""
    suffix = Path(path).suffix.lower()
    if suffix == ".gif":
        return save_gif(path, frames, fps=fps)
    if suffix in (".mp4", ".avi"):
        return save_video(path, frames, fps=fps)
    raise ValueError(f"Cannot write animation {path}: use a .gif, .mp4 or .avi file name.")


def show(*paths):
    """Shows pictures (PNG, JPEG, GIF) and plays sounds (.wav) in a notebook (Colab, Jupyter);
    elsewhere prints their paths."""
    try:
        get_ipython  # noqa: B018  (defined only in IPython)
    except NameError:
        for path in paths:
            print("see", path)
        return
    from IPython.display import Audio, Image, display

    for path in paths:
        print(path)
        display(Audio(filename=str(path)) if str(path).endswith(".wav") else Image(filename=str(path)))
