"""Sounds as arrays: `.wav` files, resampling, a fixed length, and peak normalisation.

Generators of sound output float samples in [-1, 1] (tanh), one row per sound; people
listen to 16-bit PCM `.wav` files. Every `.wav` kerasgan writes is made here, written
atomically. `.wav` files are read and written with Python's own `wave` module (16-bit
PCM is what every player and browser plays), resampling is SciPy's polyphase filter.
This module never loads TensorFlow.
"""

import io
import math
import wave
from fractions import Fraction
from pathlib import Path

import numpy as np

from kerasgan import files


def to_int16(samples):
    """Float samples in [-1, 1] as int16 PCM, clipping what lies outside."""
    samples = np.asarray(samples, dtype=np.float32)
    return np.clip(np.rint(samples * 32767.0), -32768, 32767).astype(np.int16)


def to_float(samples):
    """Samples as float32 in [-1, 1]: integers are scaled by their type's range."""
    samples = np.asarray(samples)
    if np.issubdtype(samples.dtype, np.integer):
        return (samples.astype(np.float32) / float(-np.iinfo(samples.dtype).min)).astype(np.float32)
    return samples.astype(np.float32)


def wav_bytes(samples, sample_rate):
    """One mono sound (samples,) or (samples, 1) in [-1, 1] as the bytes of a 16-bit `.wav` file."""
    pcm = to_int16(np.reshape(samples, -1))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(1)
        writer.setsampwidth(2)
        writer.setframerate(int(sample_rate))
        writer.writeframes(pcm.tobytes())
    return buffer.getvalue()


def write_wav(path, samples, sample_rate):
    """Writes one mono sound as a 16-bit `.wav` file, atomically (temp file, then rename)."""
    files.write_bytes(Path(path), wav_bytes(samples, sample_rate))


def read_wav(path):
    """(float32 mono samples in [-1, 1], sample rate) of a PCM `.wav` file.

    Stereo is averaged to mono. Raises a ValueError with one sentence for a file that
    is not a PCM `.wav` (a float `.wav`, another format, a damaged file).
    """
    path = Path(path)
    try:
        with wave.open(str(path), "rb") as reader:
            channels, width = reader.getnchannels(), reader.getsampwidth()
            rate, frames = reader.getframerate(), reader.readframes(reader.getnframes())
    except (wave.Error, EOFError, OSError) as error:
        raise ValueError(
            f"{path} is not a PCM .wav file this reader can read ({error}): convert it with "
            "`kerasgan dataset audio` first."
        ) from None
    if width == 3:  # 24-bit: widen each sample to 32 bits
        raw = np.frombuffer(frames, np.uint8).reshape(-1, 3)
        padded = np.zeros((len(raw), 4), np.uint8)
        padded[:, 1:] = raw
        samples = padded.view("<i4").reshape(-1)
    else:
        kinds = {1: np.uint8, 2: "<i2", 4: "<i4"}
        samples = np.frombuffer(frames, kinds[width])
        if width == 1:  # 8-bit .wav is unsigned, centred on 128
            samples = (samples.astype(np.int16) - 128).astype(np.int8)
    samples = to_float(samples)
    if channels > 1:
        samples = samples[: len(samples) // channels * channels].reshape(-1, channels).mean(axis=1)
    return samples.astype(np.float32), rate


def resample(samples, from_rate, to_rate):
    """`samples` (along the last axis) from `from_rate` to `to_rate` samples per second.

    SciPy's polyphase resampler low-pass filters first, so high frequencies do not fold
    back (alias) into audible ones as they would by simply dropping samples.
    """
    if int(from_rate) == int(to_rate):
        return np.asarray(samples, dtype=np.float32)
    from scipy.signal import resample_poly

    ratio = Fraction(int(to_rate), int(from_rate))
    resampled = resample_poly(samples, ratio.numerator, ratio.denominator, axis=-1)
    return resampled.astype(np.float32)


def fit_length(samples, length):
    """The first `length` samples (along the last axis), padded with silence when shorter."""
    samples = np.asarray(samples, dtype=np.float32)
    if samples.shape[-1] >= length:
        return samples[..., :length]
    padding = [(0, 0)] * (samples.ndim - 1) + [(0, length - samples.shape[-1])]
    return np.pad(samples, padding)


def peak_normalise(samples, peak=0.99):
    """The sound scaled so its loudest sample is `peak` (a silent sound is returned as is)."""
    samples = np.asarray(samples, dtype=np.float32)
    loudest = float(np.max(np.abs(samples))) if samples.size else 0.0
    return samples if loudest == 0.0 else samples * (peak / loudest)


def decibels(samples):
    """The sound's root-mean-square level in dB relative to full scale (-inf for silence)."""
    rms = math.sqrt(float(np.mean(np.square(np.asarray(samples, np.float64))))) if np.size(samples) else 0.0
    return 20.0 * math.log10(rms) if rms > 0 else float("-inf")
