"""WaveGAN learns from the real spoken digits, as the digit classifier hears it.

What fits the suite's budget, and what it does not: the `small` config narrowed to d = 8
(4,096 samples at 8 kHz), the hinge loss with one discriminator step and Adam(1e-3, 0.5,
0.9), batches of 32, trained for 1,000 steps: about 80 CPU seconds here. That is far too
short to make the words: measured (CPU seconds of the training alone, on the shared 2-core
CPU), three of four seeds recognised 0 to 1% of 256 sounds as a word and one seed 21%, all
of them one and the same word (the untrained generator: 0%), so the share and the kinds
drawn cannot carry a bar at this budget. The bars are on what does move within it: how far
the classifier's features of the sounds are from the real clips' (Frechet distance) and
how word-like its answers are (classifier score, 1 for no word to 10). Each bar sits below
every measured run. bench/wavegan_learning.py prints the curve at longer budgets.

Measured, seed: Frechet distance untrained -> after 1,000 steps (ratio), classifier score
after, recognised share (CPU seconds of training):
    0: 507.7 -> 362.1 (0.71), 1.317, 0.000 (82 s)
    1: 520.0 -> 376.1 (0.72), 1.365, 0.008 (81 s)
    2: 515.3 -> 291.0 (0.56), 1.755, 0.000 (79 s)
    3: 527.7 -> 346.2 (0.66), 1.405, 0.207 (81 s, every recognised sound the same word)
The whole test: 85 s user + 8 s system CPU (`time`, with the classifier already cached).
"""

import keras
import numpy as np

from kerasgan.data.audio_clips import audio_training_data
from kerasgan.metrics.sound_classifier import classifier_and_test_clips, sound_scores
from kerasgan.models.wavegan import CONFIGS, WaveGAN

STEPS = 1000
SEED = 0


def test_a_short_run_moves_the_sounds_toward_the_spoken_digits(spoken_digits_npz):
    classifier, real = classifier_and_test_clips(spoken_digits_npz, 8000, 4096)
    data = audio_training_data(spoken_digits_npz, 4096, 8000, batch_size=32, seed=SEED)
    gan = WaveGAN(**{**CONFIGS["small"], "model_dim": 8}, loss="hinge", discriminator_steps=1, seed=SEED)
    gan.compile(
        d_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
        g_optimizer=keras.optimizers.Adam(1e-3, beta_1=0.5, beta_2=0.9),
    )
    latents = np.random.default_rng(SEED + 100).standard_normal((256, 100)).astype("float32")
    before = sound_scores(classifier, np.asarray(gan.generator(latents)), real)

    gan.fit(data.dataset.repeat(), steps_per_epoch=STEPS // 2, epochs=2, verbose=0)
    after = sound_scores(classifier, np.asarray(gan.generator(latents)), real)

    assert before["recognised_share"] <= 0.01 and before["frechet_distance"] > 450
    assert after["frechet_distance"] < 0.8 * before["frechet_distance"], (before, after)
    assert after["classifier_score"] > 1.2, (before, after)
