"""The DCGAN really learns: trained briefly on real MNIST digits, it draws digits that a
classifier trained on real digits recognises with confidence, of (nearly) every kind.

It trains what `kerasgan train dcgan --dataset mnist` trains: the options are the MNIST
defaults (kerasgan/training/recipes/dcgan.py) and the model is built the way `train()`
builds it (bfloat16 where the CPU computes it), so the test also checks those defaults.

The thresholds come from real runs of exactly this test on the shared 3,678-digit subset
(see the note on each constant). The untrained generator is measured the same way, so the
test shows training made the difference.

CPU training is not bit-for-bit the same from one machine to the next (another CPU sums
in another order), so the test keeps the best of two snapshots, as a student picks the
best grid of a run folder, and the bars sit below every measured figure.
"""

import keras
import numpy as np

from kerasgan.metrics.classifier import domain_classifier
from kerasgan.training.recipes import recipe_for
from kerasgan.training.trainer import _build_model, _load_data, resolve_options

# Batches of 32 (the MNIST default), measured after 1,250 and 1,500 steps (48,000 images,
# half the quick start's 100 kimg).
CHECKPOINT_STEPS = (1250, 250)
SAMPLES = 1000
# "Confidently recognised": the classifier's top probability is above 0.8. Real test
# digits pass it 93% of the time (88% above 0.9).
CONFIDENCE = 0.8
# Measured with the MNIST defaults (learning rate 8e-4, beta_1 0.3, the generator's moving
# average with decay 0.99, batches of 32, no dropout in the discriminator, transposed
# upsampling, 32 filters, bfloat16 on a CPU with AVX512_BF16), on the averaged generator,
# share above 0.8 at 1,000 / 1,250 / 1,500 / 2,000 steps (above 0.9 in brackets): untrained
# 0%; seed 0 54.4% / 61.5% / 62.5% / 65.6% (40.6% / 46.7% / 50.8% / 52.7%); seed 1 60.0% /
# 62.2% / 63.9% / 66.7% (46.1% / 49.5% / 52.0% / 53.4%); this test as written 62.1% / 62.0%.
# 1,500 steps took 80 CPU seconds.
# The former defaults (batches of 64 with dropout 0.3 in the discriminator) reached 52.8% to
# 61.3% at the same steps, in 1.6x the CPU time (the whole test then took 158 CPU seconds),
# under a bar of 50%; the bar is now 55%. A CPU without bfloat16 trains in float32, which
# drew as well at equal steps in the recipe's measurements.
MIN_RECOGNISED_SHARE = 0.55
# Mode collapse check on the classifier's top class for every sample: a digit counts as
# drawn when at least 2% of the samples look most like it. Every measured snapshot drew
# all ten (3.0% or more each); the test asks for nine.
MIN_SHARE_PER_DIGIT = 0.02
MIN_DIGITS_DRAWN = 9


def measure(generator, classifier, latents):
    images = np.asarray(generator.predict(latents, batch_size=250, verbose=0), dtype="float32")
    probabilities = classifier.probabilities(images)
    share = float(np.mean(probabilities.max(axis=1) > CONFIDENCE))
    digit_shares = np.bincount(probabilities.argmax(axis=1), minlength=10) / len(probabilities)
    return share, int(np.count_nonzero(digit_shares >= MIN_SHARE_PER_DIGIT)), digit_shares


def test_dcgan_learns_recognisable_digits_of_every_kind(mnist_npz):
    classifier = domain_classifier("mnist", path=mnist_npz)
    assert classifier.test_accuracy > 0.95  # the judge itself must be trustworthy

    # What `kerasgan train dcgan --dataset mnist` trains, on the shared subset of its digits.
    recipe = recipe_for("dcgan")
    options = resolve_options("dcgan", "mnist")
    keras.utils.set_random_seed(options.seed)
    data = _load_data(recipe, mnist_npz, options)
    gan, _ = _build_model(recipe, options, data, strategy=None, verbose=0)
    latents = np.random.default_rng(1).standard_normal((SAMPLES, options.latent_dim))
    latents = latents.astype("float32")
    before, _, _ = measure(gan.generator_for_sampling, classifier, latents)
    print(f"recognised before training {before:.3f}")
    assert before < 0.05

    dataset = data.dataset.repeat()
    snapshots = []
    for steps in CHECKPOINT_STEPS:
        gan.fit(dataset, steps_per_epoch=steps, epochs=1, verbose=0)
        share, drawn, digit_shares = measure(gan.generator_for_sampling, classifier, latents)
        step = int(gan.generator_optimizer.iterations.numpy())
        print(f"step {step}: recognised {share:.3f}, digits drawn {drawn}, "
              f"top-class shares {np.round(digit_shares, 3).tolist()}")
        snapshots.append((share, drawn))

    best_share, drawn_at_best = max(snapshots)
    assert best_share >= MIN_RECOGNISED_SHARE
    assert drawn_at_best >= MIN_DIGITS_DRAWN
