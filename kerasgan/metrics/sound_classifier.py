"""A classifier of labelled sound clips (the spoken digits), trained once and cached, and its scores.

The WaveGAN paper scores its SC09 digits with a classifier of the ten words: its
"inception score" and the share of sounds it recognises. kerasgan does the same,
offline, the way `classifier.py` does for images: a small CNN on log-mel spectrograms
(40 bands, windows of 32 ms), trained on the real training clips at the rate and length
the generator makes, tested on the held-out clips, and cached:

    ~/.cache/kerasgan/classifiers/spoken_digits-8000hz-4096-<data hash>-r<recipe hash>.keras

It is also trained on junk sounds (silence, noise, hums, clicks) with equal odds for
every word, so that it keeps its confidence for things that sound like the words: an
untrained generator's buzz is not "recognised".

Scores of generated sounds (`sound_scores`):

- recognised share and the kinds drawn (`kerasgan.metrics.recognition`);
- the classifier score ("inception score", `classifier_score.py`);
- the Frechet distance between the classifier's features of the real test clips and of
  the generated sounds (`frechet.py`).

Example:

```python
classifier = sound_classifier("../shared/data/spoken_digits.npz", sample_rate=8000, audio_length=4096)
print(classifier.test_accuracy)
print(sound_scores(classifier, generator(z)))
```
"""

import json
import sys
import time
from pathlib import Path

import numpy as np

from kerasgan import files
from kerasgan.metrics.classifier import FEATURES_LAYER, cache_folder, cache_stem, data_fingerprint

RECIPE = {
    "mel_bands": 40,
    "window_seconds": 0.032,
    "filters": (16, 32),
    "epochs": 15,
    "batch_size": 64,
    "learning_rate": 2e-3,
    "junk_share": 0.15,
    "max_shift_seconds": 0.05,
}
LOG_FLOOR = 1e-6  # the log-mel of silence: log(1e-6), not -infinity


def log_mel(sounds, sample_rate, recipe=RECIPE):
    """Log-mel spectrograms (N, frames, bands, 1) float32 of sounds (N, samples[, 1]) in [-1, 1].

    The window is the recipe's 32 ms rounded to a power of two (512 samples at 16 kHz,
    256 at 8 kHz), hopping by half a window: the same time-frequency picture at any rate.
    """
    import tensorflow as tf

    sounds = np.asarray(sounds, dtype=np.float32)
    if sounds.ndim == 3:
        sounds = sounds[..., 0]
    window = 2 ** int(round(np.log2(recipe["window_seconds"] * sample_rate)))
    spectra = []
    mel_matrix = tf.signal.linear_to_mel_weight_matrix(
        recipe["mel_bands"], window // 2 + 1, sample_rate, 60.0, sample_rate / 2.0
    )
    for start in range(0, len(sounds), 500):  # in parts: 2,000 long STFTs at once is a lot of memory
        stft = tf.signal.stft(sounds[start : start + 500], window, window // 2, pad_end=True)
        mel = tf.tensordot(tf.abs(stft), mel_matrix, 1)
        spectra.append(np.log(np.maximum(mel.numpy(), LOG_FLOOR)))
    return np.concatenate(spectra)[..., np.newaxis].astype(np.float32)


def build_sound_classifier(input_shape, num_classes, filters=(16, 32)):
    """A small CNN on log-mel spectrograms: conv + pool per entry of `filters`, then dense layers."""
    import keras

    spectra = keras.Input(shape=input_shape, name="log_mel")
    # Batch norm first: log-mel values sit around -10, far from where ReLU networks start well.
    hidden = keras.layers.BatchNormalization()(spectra)
    for count in filters:
        hidden = keras.layers.Conv2D(count, 3, padding="same", activation="relu")(hidden)
        hidden = keras.layers.MaxPooling2D()(hidden)
    hidden = keras.layers.Dropout(0.3)(keras.layers.Flatten()(hidden))
    features = keras.layers.Dense(128, activation="relu", name=FEATURES_LAYER)(hidden)
    hidden = keras.layers.Dropout(0.3)(features)
    probabilities = keras.layers.Dense(num_classes, activation="softmax", name="probabilities")(hidden)
    return keras.Model(spectra, probabilities, name="sound_classifier")


def junk_sounds(count, length, sample_rate, random):
    """Sounds that are no word: silence, noise, a steady hum, clicks, at random levels."""
    times = np.arange(length) / sample_rate
    kinds = random.integers(0, 4, size=count)
    levels = 10 ** random.uniform(-3, 0, size=(count, 1))
    noise = random.uniform(-1, 1, (count, length))
    hums = np.sin(2 * np.pi * random.uniform(50, sample_rate / 4, (count, 1)) * times)
    clicks = (random.random((count, length)) < 0.002) * random.uniform(-1, 1, (count, length))
    choices = [np.zeros((count, length)), noise, hums, clicks]
    sounds = np.select([kinds[:, None] == kind for kind in range(4)], choices)
    return (sounds * levels).astype(np.float32)


def shifted(sounds, sample_rate, random, recipe=RECIPE):
    """Each sound moved later or earlier by up to 50 ms and scaled in level: the word, not its place."""
    limit = int(recipe["max_shift_seconds"] * sample_rate)
    moved = np.zeros_like(sounds)
    for index, shift in enumerate(random.integers(-limit, limit + 1, size=len(sounds))):
        if shift >= 0:
            moved[index, shift:] = sounds[index, : sounds.shape[1] - shift]
        else:
            moved[index, :shift] = sounds[index, -shift:]
    return moved * random.uniform(0.3, 1.0, (len(sounds), 1)).astype(np.float32)


class SoundClassifier:
    """A trained classifier of sound clips at one rate and length; get one with `sound_classifier`.

    Args:
        model: the Keras classifier of log-mel spectrograms.
        dataset: the dataset's name; fingerprint: hash of its training clips.
        sample_rate, audio_length: the clips it takes.
        test_accuracy: accuracy on the held-out clips.
        class_names: one name per class.
    """

    def __init__(self, model, dataset, fingerprint, sample_rate, audio_length, test_accuracy,
                 class_names):
        import keras

        self.model = model
        self.dataset = dataset
        self.fingerprint = fingerprint
        self.sample_rate = int(sample_rate)
        self.audio_length = int(audio_length)
        self.test_accuracy = float(test_accuracy)
        self.class_names = tuple(class_names)
        self._both_outputs = keras.Model(
            model.inputs, [model.get_layer(FEATURES_LAYER).output, model.outputs[0]]
        )

    @property
    def name(self):
        return f"{self.dataset}-{self.sample_rate}hz-classifier-{self.fingerprint[:8]}"

    def predict(self, sounds):
        """Class probabilities (N, classes) and features (N, 128) of sounds (N, samples[, 1])."""
        sounds = np.asarray(sounds, dtype=np.float32)
        if sounds.ndim == 3:
            sounds = sounds[..., 0]
        if sounds.ndim != 2 or sounds.shape[1] != self.audio_length or len(sounds) == 0:
            raise ValueError(
                f"The {self.name} classifier takes sounds of {self.audio_length} samples at "
                f"{self.sample_rate} Hz; got an array shaped {sounds.shape}."
            )
        features, probabilities = self._both_outputs.predict(
            log_mel(sounds, self.sample_rate), batch_size=500, verbose=0
        )
        return np.asarray(probabilities, np.float64), np.asarray(features, np.float64)

    def probabilities(self, sounds):
        return self.predict(sounds)[0]

    def features(self, sounds):
        return self.predict(sounds)[1]


def train_sound_classifier(x_train, y_train, x_test, y_test, num_classes, sample_rate, seed=0):
    """Trains the classifier on clips (N, samples) in [-1, 1]; returns (model, test accuracy)."""
    import keras

    keras.utils.set_random_seed(seed)
    random = np.random.default_rng(seed)
    test_spectra = log_mel(x_test, sample_rate)
    model = build_sound_classifier(test_spectra.shape[1:], num_classes, RECIPE["filters"])
    steps = RECIPE["epochs"] * int(np.ceil(len(x_train) * (1 + RECIPE["junk_share"]) / RECIPE["batch_size"]))
    model.compile(
        optimizer=keras.optimizers.Adam(keras.optimizers.schedules.CosineDecay(RECIPE["learning_rate"], steps)),
        loss="categorical_crossentropy",
        metrics=["categorical_accuracy"],
    )
    one_hot = np.eye(num_classes, dtype=np.float32)
    junk_count = int(round(RECIPE["junk_share"] * len(x_train)))
    junk_targets = np.full((junk_count, num_classes), 1.0 / num_classes, np.float32)
    for epoch in range(RECIPE["epochs"]):
        # Fresh shifts and fresh junk every epoch.
        sounds = np.concatenate([
            shifted(x_train, sample_rate, random),
            junk_sounds(junk_count, x_train.shape[1], sample_rate, random),
        ])  # fmt: skip
        targets = np.concatenate([one_hot[y_train], junk_targets])
        order = random.permutation(len(sounds))
        model.fit(log_mel(sounds[order], sample_rate), targets[order], batch_size=RECIPE["batch_size"],
                  epochs=epoch + 1, initial_epoch=epoch, shuffle=False, verbose=0)
    _, accuracy = model.evaluate(test_spectra, one_hot[y_test], batch_size=500, verbose=0)
    return model, float(accuracy)


def sound_classifier(path, sample_rate, audio_length, retrain=False, verbose=True):
    """The classifier of the labelled clips in `path` (an .npz like spoken_digits.npz), cached.

    Args:
        path: an .npz with x_train, y_train, x_test, y_test and optionally words, sample_rate.
        sample_rate, audio_length: the clips the classifier takes (a generator's).
        retrain: train again even when a cached classifier exists.
        verbose: say on stderr when it trains and how well it did.
    """
    import keras

    from kerasgan.data.audio_clips import load_clips

    x_train, y_train, names, _ = load_clips(path, "train", audio_length, sample_rate)
    x_test, y_test, _, _ = load_clips(path, "test", audio_length, sample_rate)
    if y_train is None or y_test is None:
        raise ValueError(f"{path} has no labels (y_train and y_test): a classifier needs them.")
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    names = names or [str(label) for label in range(num_classes)]
    dataset = Path(path).stem
    fingerprint = data_fingerprint(x_train, y_train)
    stem = cache_stem(f"{dataset}-{sample_rate}hz-{audio_length}", fingerprint, RECIPE)
    model_path, description_path = cache_folder() / f"{stem}.keras", cache_folder() / f"{stem}.json"
    if not retrain and model_path.is_file() and description_path.is_file():
        try:
            description = json.loads(description_path.read_text(encoding="utf-8"))
            model = keras.models.load_model(model_path, compile=False)
            return SoundClassifier(model, dataset, fingerprint, sample_rate, audio_length,
                                   description["test_accuracy"], names)
        except Exception as error:  # a damaged cache entry is trained again
            print(f"kerasgan: the cached classifier {model_path} is damaged ({type(error).__name__}); "
                  "training it again.", file=sys.stderr)
    if verbose:
        print(f"kerasgan: training the {dataset} sound classifier at {sample_rate} Hz on "
              f"{len(x_train):,} clips (once; cached in {cache_folder()})...", file=sys.stderr)
    start = time.perf_counter()
    model, accuracy = train_sound_classifier(x_train, y_train, x_test, y_test, num_classes, sample_rate)
    if verbose:
        print(f"kerasgan: {dataset} sound classifier: {accuracy:.1%} accuracy on {len(x_test):,} "
              f"test clips, trained in {time.perf_counter() - start:.0f} s.", file=sys.stderr)
    with files.atomic_path(model_path) as temporary:
        model.save(temporary)
    files.write_json(description_path, {"test_accuracy": accuracy, "class_names": list(names)})
    return SoundClassifier(model, dataset, fingerprint, sample_rate, audio_length, accuracy, names)


def classifier_and_test_clips(path, sample_rate, audio_length):
    """(the classifier of `path`'s clips, its held-out clips): what scoring a generator needs."""
    from kerasgan.data.audio_clips import load_clips

    classifier = sound_classifier(path, sample_rate, audio_length)
    return classifier, load_clips(path, "test", audio_length, sample_rate)[0]


def sound_scores(classifier, sounds, real_sounds=None, threshold=0.9):
    """The classifier's scores of generated sounds, as a dict for stats.jsonl and reports.

    Args:
        classifier: a `SoundClassifier`.
        sounds: generated sounds (N, samples[, 1]); 500 or more for a steady Frechet distance.
        real_sounds: real held-out clips for the Frechet distance (None: not computed).
        threshold: the top probability above which a sound counts as recognised.

    Returns:
        recognised_share, classes_recognised, class_counts, classifier_score (the paper's
        "inception score"), and frechet_distance when `real_sounds` are given.
    """
    from kerasgan.metrics.classifier_score import classifier_score
    from kerasgan.metrics.frechet import frechet_distance
    from kerasgan.metrics.recognition import class_recognition_from_probabilities

    probabilities, features = classifier.predict(sounds)
    recognition = class_recognition_from_probabilities(probabilities, threshold=threshold)
    scores = {
        "recognised_share": recognition["recognised_share"],
        "classes_recognised": recognition["classes_recognised"],
        "class_counts": recognition["class_counts"],
        "classifier_score": classifier_score(probabilities, num_splits=min(10, len(probabilities)))[0],
    }
    if real_sounds is not None:
        scores["frechet_distance"] = frechet_distance(classifier.features(real_sounds), features)
    return scores
