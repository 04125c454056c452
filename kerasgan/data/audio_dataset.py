"""`kerasgan dataset audio`: a dataset of sound clips from recordings, videos and links.

Each source (a URL that yt-dlp downloads, a sound or video file, or a folder of them) is
decoded with PyAV, mono, at the dataset's rate, then cut into clips of 16,384 samples:

- `--slice onsets` (drums, one-shots): each clip starts where a sound starts, found as a
  sudden rise of the short-time level (see `find_onsets`);
- `--slice fixed` (textures, speech): back-to-back clips.

Silent clips are dropped (and counted), the others peak-normalised. The split is by
time within each source: the clips that start in its last `--test-share` go to test/,
those that would overlap that part are dropped, so no sound is in both.

Why PyAV: its wheels carry FFmpeg's own decoders, so one well-kept library reads WAV,
MP3, OGG, FLAC, AAC and the sound of any video file, on any platform, with no `ffmpeg`
program to install (`soundfile` reads only the audio formats of libsndfile, not videos).

The folder gets `train/` and `test/` `.wav` clips, `manifest.json` (sources, settings,
every clip's source and time, what was dropped and why), `clips.png` (waveform and
spectrogram of the first clips) and `index.html` (a page to hear them). It is built in
a temporary folder beside it and renamed at the end: a failure leaves nothing half-written.
"""

import dataclasses
import shutil
import tempfile
from pathlib import Path

import numpy as np

from kerasgan import audio, files
from kerasgan.data.audio_clips import AUDIO_SUFFIXES
from kerasgan.data.download import is_url

VIDEO_SUFFIXES = {".mp4", ".mkv", ".webm", ".mov", ".avi", ".m4v"}
HOP_SECONDS = 0.002  # the level is measured every 2 ms: onsets land within a few ms
WINDOW_SECONDS = 0.004


@dataclasses.dataclass
class AudioDatasetSettings:
    """How `kerasgan dataset audio` cuts its clips (the command line's flags)."""

    rate: int = 16000
    clip_length: int = 16384
    slice: str = "onsets"
    silence_db: float = -50.0  # clips quieter than this (RMS, dB below full scale) are dropped
    onset_rise_db: float = 15.0  # how sudden a rise counts as a new sound
    min_gap: float = 0.1  # seconds between two onsets, at least
    test_share: float = 0.1

    def check(self):
        if self.slice not in ("onsets", "fixed"):
            raise ValueError(f"--slice must be onsets or fixed; got {self.slice!r}.")
        if self.rate < 1000 or self.clip_length < 1024:
            raise ValueError(
                f"--rate must be 1000 or more and --clip-length 1024 or more; got {self.rate} and "
                f"{self.clip_length}."
            )
        if not 0.0 <= self.test_share < 1.0:
            raise ValueError(f"--test-share must be from 0 to below 1; got {self.test_share}.")


def decode(path, rate):
    """Mono float32 samples of the first sound track of an audio or video file, at `rate`.

    Raises a ValueError with one sentence when the file cannot be read or has no sound.
    """
    import av

    try:
        with av.open(str(path)) as container:
            if not container.streams.audio:
                raise ValueError(f"{path} has no sound track.")
            resampler = av.AudioResampler(format="flt", layout="mono", rate=int(rate))
            parts = []
            for frame in container.decode(audio=0):
                for converted in resampler.resample(frame):
                    parts.append(converted.to_ndarray().reshape(-1))
            for converted in resampler.resample(None):  # what the resampler still holds
                parts.append(converted.to_ndarray().reshape(-1))
    except av.error.FFmpegError as error:
        raise ValueError(f"{path} could not be decoded as sound ({error.strerror or error}).") from None
    if not parts:
        raise ValueError(f"{path} has a sound track with no samples.")
    return np.concatenate(parts).astype(np.float32)


def level_db(samples, rate):
    """(times in seconds, short-time RMS level in dB) measured every 2 ms over 4 ms windows."""
    hop = max(1, int(HOP_SECONDS * rate))
    window = max(hop, int(WINDOW_SECONDS * rate))
    squares = np.concatenate([[0.0], np.cumsum(np.square(samples.astype(np.float64)))])
    starts = np.arange(0, max(1, len(samples) - window + 1), hop)
    energy = (squares[np.minimum(starts + window, len(samples))] - squares[starts]) / window
    return starts / rate, 10.0 * np.log10(np.maximum(energy, 1e-12))


def find_onsets(samples, rate, rise_db=15.0, floor_db=-50.0, min_gap=0.1):
    """Times (seconds) where a sound starts: the level jumps `rise_db` above the 20 ms before it.

    A frame is an onset when its level is above `floor_db` and at least `rise_db` above
    the average level (in dB) of the 20 ms before it, the file's start counting as silence,
    and no onset came in the last `min_gap` seconds.
    The time is then moved to the first sample near that frame louder than a tenth of the
    peak there, so a hit is placed to the sample, not to the 2 ms frame.
    """
    times, levels = level_db(samples, rate)
    lookback = max(1, int(0.02 / HOP_SECONDS))
    # The file starts in silence: a sound at its first sample is an onset too.
    levels_before = np.concatenate([np.full(lookback, -120.0), levels])
    onsets = []
    for index in range(len(levels)):
        before = np.mean(levels_before[index : index + lookback])
        if levels[index] < floor_db or levels[index] - before < rise_db:
            continue
        if onsets and times[index] - onsets[-1] < min_gap:
            continue
        window = int(WINDOW_SECONDS * rate)
        start = max(0, int(times[index] * rate) - window)
        nearby = np.abs(samples[start : start + 3 * window])
        first_loud = int(np.argmax(nearby > 0.1 * nearby.max())) if nearby.size else 0
        onsets.append((start + first_loud) / rate)
    return onsets


def clip_starts(samples, rate, settings):
    """Where clips start, in samples: at the onsets, or back to back."""
    if settings.slice == "fixed":
        return list(range(0, max(1, len(samples) - settings.clip_length // 2), settings.clip_length))
    onsets = find_onsets(samples, rate, settings.onset_rise_db, settings.silence_db, settings.min_gap)
    return [int(round(onset * rate)) for onset in onsets]


def source_files(source):
    """The files a local source names: itself, or the sound and video files in a folder."""
    path = Path(source).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"{source} does not exist: pass a sound or video file, a folder or a URL.")
    if path.is_file():
        return [path]
    found = sorted(p for p in path.rglob("*") if p.suffix.lower() in AUDIO_SUFFIXES | VIDEO_SUFFIXES)
    if not found:
        raise ValueError(f"{source} holds no sound or video files ({', '.join(sorted(AUDIO_SUFFIXES))}, ...).")
    return found


def build_audio_dataset(sources, out, settings=None, progress=True):
    """Builds the dataset folder `out`; returns (manifest, failures).

    `failures` lists (source, sentence) for each source that could not be read; the
    others are still used. Raises a ValueError when no source gave a single clip.
    """
    settings = settings or AudioDatasetSettings()
    settings.check()
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise FileExistsError(f"{out} already exists and is not empty: choose another --out or delete it.")
    out.parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(prefix=f".{out.name}-building-", dir=out.parent))
    try:
        manifest, failures = _build(sources, building, settings, progress)
        # mkdtemp made it private (0700); the finished dataset gets the usual permissions.
        building.chmod(0o777 & ~files._umask())
        if out.exists():
            out.rmdir()
        building.rename(out)
    finally:
        if building.exists():
            shutil.rmtree(building, ignore_errors=True)
    return manifest, failures


def _build(sources, folder, settings, progress):
    failures, records, dropped = [], [], {"silent": 0, "overlaps the test part": 0}
    clips = {"train": [], "test": []}
    for source in sources:
        try:
            for path, title in _readable_files(source, folder):
                samples = decode(path, settings.rate)
                _cut(samples, title, settings, clips, records, dropped)
                if progress:
                    print(f"kerasgan: {title}: {len(samples) / settings.rate:.1f} s read", flush=True)
        except (ValueError, OSError) as error:
            failures.append((str(source), str(error)))
        except Exception as error:  # a download's KerasganError, or anything else: one sentence
            failures.append((str(source), str(error).splitlines()[0] if str(error) else type(error).__name__))
    if not clips["train"] and not clips["test"]:
        reasons = "; ".join(sentence for _, sentence in failures) or "every clip was silent"
        raise ValueError(f"No clips were made ({reasons}).")
    for split, split_clips in clips.items():
        (folder / split).mkdir()
        for index, clip in enumerate(split_clips):
            audio.write_wav(folder / split / f"{index + 1:05d}.wav", clip, settings.rate)
    shown = (clips["train"] + clips["test"])[:64]
    from kerasgan import images, sound_views

    images.save_image(folder / "clips.png", sound_views.sounds_grid(np.stack(shown[:32])))
    files.write_text(folder / "index.html", sound_views.listening_page(
        folder.name.split("-building-")[0].lstrip("."), np.stack(shown), settings.rate,
        labels=[f"{r['source']} at {r['start']:.2f} s" for r in _in_split_order(records)[: len(shown)]],
    ))  # fmt: skip
    manifest = {
        "sources": [str(source) for source in sources],
        "failed": [{"source": source, "reason": reason} for source, reason in failures],
        "settings": dataclasses.asdict(settings),
        "counts": {"train": len(clips["train"]), "test": len(clips["test"]), "dropped": dropped},
        "clips": records,
    }
    files.write_json(folder / "manifest.json", manifest)
    return manifest, failures


def _in_split_order(records):
    return [r for r in records if r["split"] == "train"] + [r for r in records if r["split"] == "test"]


def _readable_files(source, folder):
    """(path, title) for each file of a source; a URL is downloaded first (audio only)."""
    if is_url(source):
        from kerasgan.data.download import download_video

        downloads = folder.parent / ".downloads"
        video = download_video(source, downloads, options={"format": "bestaudio/best"}, progress=False)
        return [(Path(video.path), video.title or source)]
    return [(path, path.name) for path in source_files(source)]


def _cut(samples, title, settings, clips, records, dropped):
    """Cuts one source into clips, split by time: the last `test_share` of it is test."""
    rate, length = settings.rate, settings.clip_length
    test_from = int(len(samples) * (1.0 - settings.test_share))
    if not settings.test_share or len(samples) - test_from < length:
        # Too short to hold a whole test clip at its end (a one-shot sound file): all train.
        test_from = len(samples) + 1
    for start in clip_starts(samples, rate, settings):
        clip = audio.fit_length(samples[start : start + length], length)
        if audio.decibels(clip) < settings.silence_db:
            dropped["silent"] += 1
            continue
        split = "test" if start >= test_from else "train"
        if split == "train" and start + length > test_from <= len(samples):
            dropped["overlaps the test part"] += 1
            continue
        clips[split].append(audio.peak_normalise(clip))
        records.append({"source": title, "start": round(start / rate, 4), "split": split,
                        "file": f"{split}/{len(clips[split]):05d}.wav"})
