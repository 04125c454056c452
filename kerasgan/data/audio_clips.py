"""Sound clips for WaveGAN: an `.npz` of clips or a folder of `.wav` files, as batches in [-1, 1].

Two kinds of source hold clips:

- an `.npz` with `x_train` (and `x_test`) of shape (clips, samples), int16 or float, and
  optionally `sample_rate`, `y_train`/`y_test` and `words` (class names), as
  `../shared/data/spoken_digits.npz` does;
- a folder of `.wav` files, as `kerasgan dataset audio` writes (read from its `train/`
  or `test/` subfolder when there is one, so the held-out clips stay held out).

Every clip becomes mono float32 at the model's sample rate, resampled when its own
differs, and cut or padded to the model's length (clips start where their sound does,
so the first samples are kept). A batch is shaped (batch, samples, 1), the way the
model's 1-D convolutions take it.
"""

from pathlib import Path

import numpy as np

from kerasgan import audio

AUDIO_SUFFIXES = {".wav", ".mp3", ".ogg", ".flac", ".m4a", ".aac", ".opus"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".bmp", ".webp"}


def load_clips(source, split="train", audio_length=16384, sample_rate=16000):
    """(clips (N, audio_length) float32, labels or None, class names or None, description).

    Args:
        source: an `.npz` file or a folder of `.wav` files (see the module docstring).
        split: "train" or "test".
        audio_length: samples per clip the model takes.
        sample_rate: samples per second the model takes.
    """
    path = Path(source).expanduser()
    if not path.exists():
        raise FileNotFoundError(
            f"There is no dataset at {source}: pass an .npz of clips (x_train, ...) or a folder "
            "of .wav files, such as one `kerasgan dataset audio` wrote."
        )
    if path.is_dir():
        clips, rate, what = _folder_clips(path, split)
        labels = class_names = None
    elif path.suffix == ".npz":
        clips, rate, labels, class_names, what = _npz_clips(path, split, sample_rate)
    else:
        raise ValueError(
            f"{source} is neither an .npz of clips nor a folder of .wav files: build a dataset "
            "with `kerasgan dataset audio SOURCE --out datasets/NAME` and pass that folder."
        )
    clips = audio.fit_length(audio.resample(clips, rate, sample_rate), audio_length)
    seconds = audio_length / sample_rate
    description = (
        f"{path.name}: {len(clips):,} {split} clips{what}, at {sample_rate:,} Hz, "
        f"{audio_length:,} samples ({seconds:.2f} s) each"
    )
    return clips.astype(np.float32), labels, class_names, description


def _npz_clips(path, split, default_rate):
    with np.load(path, allow_pickle=False) as arrays:
        key = f"x_{split}"
        if key not in arrays:
            raise ValueError(
                f"{path} has no {key} array (it has {', '.join(arrays.files)}): an .npz of clips "
                "needs x_train (and x_test), one clip of samples per row."
            )
        clips = arrays[key]
        if clips.ndim == 3 and clips.shape[-1] == 1:
            clips = clips[..., 0]
        if clips.ndim != 2 or len(clips) == 0 or clips.shape[1] < 2:
            raise ValueError(
                f"{path}'s {key} has shape {clips.shape}, not (clips, samples): is it an image "
                "dataset? WaveGAN trains on sounds, one clip per row."
            )
        rate = int(arrays["sample_rate"]) if "sample_rate" in arrays else int(default_rate)
        labels = arrays[f"y_{split}"].astype(np.int32) if f"y_{split}" in arrays else None
        names = [str(word) for word in arrays["words"]] if "words" in arrays else None
    return audio.to_float(clips), rate, labels, names, f" (recorded at {rate:,} Hz)"


def _folder_clips(path, split):
    folder = path / split if (path / split).is_dir() else path
    if folder == path and split == "test":
        raise ValueError(f"{path} has no test/ folder of held-out clips.")
    files = sorted(file for file in folder.rglob("*") if file.suffix.lower() == ".wav")
    if not files:
        everything = [file for file in folder.rglob("*") if file.is_file()]
        pictures = sum(file.suffix.lower() in IMAGE_SUFFIXES for file in everything)
        other_audio = sum(file.suffix.lower() in AUDIO_SUFFIXES for file in everything)
        if pictures:
            found = f"it holds {pictures} images: is it an image dataset?"
        elif other_audio:
            found = f"it holds {other_audio} other sound files, which need converting first."
        else:
            found = "it is empty." if not everything else f"it holds {len(everything)} other files."
        raise ValueError(
            f"{folder} holds no .wav clips ({found}) Build a dataset of clips with "
            f"`kerasgan dataset audio SOURCE --out datasets/NAME` and pass that folder."
        )
    sounds, rate = read_wav_files(files)
    longest = max(len(sound) for sound in sounds)
    clips = np.stack([audio.fit_length(sound, longest) for sound in sounds])
    return clips, rate, f" from {len(files):,} .wav files"


def read_wav_files(paths):
    """(sounds, rate): the `.wav` files' samples, each brought to the first file's rate."""
    sounds, rates = zip(*(audio.read_wav(path) for path in paths))
    return [audio.resample(sound, own, rates[0]) for sound, own in zip(sounds, rates)], rates[0]


def audio_training_data(source, audio_length, sample_rate, batch_size=64, seed=0):
    """The training clips of `source` as a `TrainingData` of (batch, audio_length, 1) batches."""
    import tensorflow as tf

    from kerasgan.data.pipeline import check_batch_options
    from kerasgan.data.sources import TrainingData

    clips, _, class_names, description = load_clips(source, "train", audio_length, sample_rate)
    check_batch_options(len(clips), batch_size, True, what="clips")
    clip_tensor = tf.constant(clips[..., np.newaxis])
    # As for images: shuffle indices, batch them, then gather a whole batch at once.
    dataset = tf.data.Dataset.range(len(clips))
    dataset = dataset.shuffle(len(clips), seed=seed, reshuffle_each_iteration=True)
    dataset = dataset.batch(batch_size, drop_remainder=True)
    dataset = dataset.map(lambda indices: tf.gather(clip_tensor, indices))
    return TrainingData(
        dataset=dataset.prefetch(tf.data.AUTOTUNE),
        num_examples=len(clips),
        image_shape=(audio_length, 1),
        class_names=class_names,
        description=description,
        batch_size=batch_size,
    )
