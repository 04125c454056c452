"""The spoken-digit classifier: trained once on the real clips, it hears the held-out words and
recognises no word in noise or in an untrained WaveGAN's buzz; its scores of each."""

import time

import numpy as np
import pytest

from kerasgan.data.audio_clips import load_clips
from kerasgan.metrics.sound_classifier import log_mel, sound_classifier, sound_scores
from kerasgan.models.wavegan import CONFIGS, wavegan_generator


@pytest.fixture(scope="module")
def classifier(spoken_digits_npz):
    return sound_classifier(spoken_digits_npz, sample_rate=8000, audio_length=4096)


def test_log_mel_has_40_bands_of_32_ms_windows():
    sounds = np.zeros((2, 4096), "float32")
    sounds[1] = np.sin(2 * np.pi * 1000 * np.arange(4096) / 8000)
    spectra = log_mel(sounds, 8000)
    assert spectra.shape == (2, 32, 40, 1)  # 256-sample windows hopping by 128: 4096 / 128 frames
    assert np.all(spectra[0] == pytest.approx(np.log(1e-6)))  # silence sits at the floor
    loudest_band = spectra[1, 10, :, 0].argmax()
    assert 15 <= loudest_band <= 30  # 1 kHz: in the upper middle of 60 Hz-4 kHz mel bands


def test_it_hears_the_held_out_words_and_no_word_in_noise(classifier, spoken_digits_npz):
    assert classifier.test_accuracy >= 0.9
    assert classifier.class_names[:3] == ("zero", "one", "two")
    real, _, _, _ = load_clips(spoken_digits_npz, "test", 4096, 8000)
    real_scores = sound_scores(classifier, real, real)
    assert real_scores["recognised_share"] >= 0.9 and real_scores["classes_recognised"] == 10
    assert real_scores["classifier_score"] > 7.0  # ten words, each heard clearly: near 10
    assert real_scores["frechet_distance"] == pytest.approx(0.0, abs=1e-3)

    generator = wavegan_generator(**CONFIGS["small"])
    latents = np.random.default_rng(0).standard_normal((200, 100)).astype("float32")
    untrained = sound_scores(classifier, np.asarray(generator(latents)), real)
    assert untrained["recognised_share"] <= 0.05
    assert untrained["classifier_score"] < 2.0
    assert untrained["frechet_distance"] > 50.0
    noise = np.random.default_rng(1).uniform(-0.3, 0.3, (200, 4096)).astype("float32")
    assert sound_scores(classifier, noise)["recognised_share"] <= 0.05


def test_it_is_cached_and_refuses_other_lengths(classifier, spoken_digits_npz):
    start = time.perf_counter()
    again = sound_classifier(spoken_digits_npz, sample_rate=8000, audio_length=4096)
    assert time.perf_counter() - start < 30  # read from the cache, not trained again
    assert again.name == classifier.name and again.test_accuracy == classifier.test_accuracy
    with pytest.raises(ValueError, match="takes sounds of 4096 samples at 8000 Hz"):
        classifier.probabilities(np.zeros((2, 16384), "float32"))
