"""Showing sounds: a picture of each (waveform above, spectrogram below) and a page to hear them.

A sound cannot be looked at as a sample grid can, but two pictures of it tell a lot:
the waveform shows when it is loud, the spectrogram which pitches sound when (time
left to right, low pitches at the bottom). Noise is an even grey spectrogram, a
spoken word a few bright bands (the formants), a drum hit a bright smear that fades.

The listening page is one self-contained HTML file: the picture and an audio player
per sound, the sounds embedded as base64 `.wav` data, so it opens offline, mailed or
moved, with nothing beside it. Only NumPy and OpenCV are used: no TensorFlow here.
"""

import base64
import html

import numpy as np

from kerasgan import audio, images

CELL_WIDTH = 256
WAVEFORM_HEIGHT = 48
SPECTROGRAM_HEIGHT = 80
FLOOR_DB = -80.0  # the spectrogram's black: 80 dB below a full-scale sine


def waveform_picture(samples, width=CELL_WIDTH, height=WAVEFORM_HEIGHT):
    """uint8 (height, width, 3): per column, a line from the lowest to the highest sample there."""
    samples = np.clip(np.reshape(samples, -1).astype(np.float32), -1.0, 1.0)
    columns = np.array_split(samples, width)
    low = np.array([column.min() if column.size else 0.0 for column in columns])
    high = np.array([column.max() if column.size else 0.0 for column in columns])
    # Row 0 is the top (+1), row height - 1 the bottom (-1).
    to_row = lambda value: np.rint((1.0 - value) / 2.0 * (height - 1)).astype(int)
    rows = np.arange(height)[:, None]
    drawn = (rows >= to_row(high)[None, :]) & (rows <= to_row(low)[None, :])
    picture = np.full((height, width, 3), 24, np.uint8)
    picture[height // 2] = 70  # the zero line
    picture[drawn] = (120, 220, 255)
    return picture


def spectrogram(samples, window=256, hop=None):
    """Magnitudes in dB (frequency bins, frames) of a Hann-windowed short-time Fourier transform."""
    samples = np.reshape(samples, -1).astype(np.float32)
    hop = hop or max(1, len(samples) // 256)
    if len(samples) < window:
        samples = np.pad(samples, (0, window - len(samples)))
    starts = np.arange(0, len(samples) - window + 1, hop)
    frames = samples[starts[:, None] + np.arange(window)[None, :]] * np.hanning(window)
    # Scaled so a full-scale sine reads 0 dB whatever the window.
    magnitudes = np.abs(np.fft.rfft(frames, axis=1)).T / (np.hanning(window).sum() / 2.0)
    return 20.0 * np.log10(np.maximum(magnitudes, 1e-10))


def spectrogram_picture(samples, width=CELL_WIDTH, height=SPECTROGRAM_HEIGHT):
    """uint8 (height, width, 3): the spectrogram in the magma colours, low pitches at the bottom."""
    import cv2

    decibels = spectrogram(samples)
    levels = np.clip((decibels - FLOOR_DB) / -FLOOR_DB, 0.0, 1.0)
    gray = np.rint(levels[::-1] * 255).astype(np.uint8)  # flipped: high frequencies on top
    gray = cv2.resize(gray, (width, height), interpolation=cv2.INTER_AREA)
    return cv2.cvtColor(cv2.applyColorMap(gray, cv2.COLORMAP_MAGMA), cv2.COLOR_BGR2RGB)


def sound_picture(samples):
    """uint8 picture of one sound: its waveform above its spectrogram."""
    return np.concatenate([waveform_picture(samples), spectrogram_picture(samples)], axis=0)


def sounds_grid(sounds, columns=4):
    """uint8 picture of a batch of sounds (N, samples[, 1]), one waveform + spectrogram each."""
    sounds = np.asarray(sounds, dtype=np.float32)
    return images.make_grid(np.stack([sound_picture(sound) for sound in sounds]), columns=columns)


def image_data_url(picture):
    """A PNG picture as a `data:` URL, to embed in a page."""
    return "data:image/png;base64," + base64.b64encode(images.encode_image(picture)).decode("ascii")


def wav_data_url(samples, sample_rate):
    """A sound as a `data:` URL of a 16-bit `.wav`, to embed in a page."""
    return "data:audio/wav;base64," + base64.b64encode(audio.wav_bytes(samples, sample_rate)).decode("ascii")


def listening_page(title, sounds, sample_rate, labels=None, note=""):
    """A self-contained HTML page: per sound its picture, a label and a player.

    Args:
        title: the page's heading.
        sounds: (N, samples[, 1]) floats in [-1, 1].
        sample_rate: samples per second.
        labels: a caption per sound (default: "sound 1", "sound 2", ...).
        note: a line of text under the heading.
    """
    sounds = np.asarray(sounds, dtype=np.float32)
    labels = labels or [f"sound {index + 1}" for index in range(len(sounds))]
    cells = []
    for sound, label in zip(sounds, labels):
        cells.append(
            '<figure><img alt="waveform and spectrogram" src="{}"><figcaption>{}</figcaption>'
            '<audio controls preload="none" src="{}"></audio></figure>'.format(
                image_data_url(sound_picture(sound)), html.escape(str(label)),
                wav_data_url(sound, sample_rate),
            )
        )
    return (
        "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>{title}</title><style>"
        "body{{font-family:sans-serif;background:#111;color:#ddd;margin:1.5em}}"
        "main{{display:flex;flex-wrap:wrap;gap:12px}}figure{{margin:0;width:256px}}"
        "figcaption{{font-size:13px;margin:4px 0}}audio{{width:256px}}"
        "</style></head><body><h1>{title}</h1><p>{note}</p><main>\n{cells}\n</main></body></html>\n"
    ).format(title=html.escape(title), note=html.escape(note), cells="\n".join(cells))
