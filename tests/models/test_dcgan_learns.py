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

# Batches of 64 (the MNIST default), measured after 1,250 and 1,500 steps (96,000 images,
# about the quick start's 100 kimg).
CHECKPOINT_STEPS = (1250, 250)
SAMPLES = 1000
# "Confidently recognised": the classifier's top probability is above 0.8. Real test
# digits pass it 93% of the time (88% above 0.9).
CONFIDENCE = 0.8
# Measured with the MNIST defaults (learning rate 8e-4, beta_1 0.3, the generator's moving
# average with decay 0.99, transposed upsampling, 32 filters, bfloat16 on a CPU with
# AVX512_BF16), on the averaged generator, share above 0.8 at 1,250 / 1,500 steps (above
# 0.9 in brackets): untrained 0%; two runs of seed 0 52.8% / 61.3% (39.0% / 47.4%, the
# same figures in both); seed 1 59.0% / 60.8% (44.6% / 46.7%); seed 2 58.7% / 61.2%
# (45.4% / 48.9%); this test as written 53.7% / 58.9%. At 1,000 steps it was 45.3%, 48.5%
# and 57.2%: too few for the bar. The whole test took 158 CPU seconds, where the former
# settings (4e-4, beta_1 0.5, resize upsampling, label smoothing 0.1, float32; 56-60% at
# 2,000 steps) needed 2,000 steps, each costing more. A CPU without bfloat16 trains in
# float32, which drew as well at equal steps in the recipe's measurements.
MIN_RECOGNISED_SHARE = 0.5
# Mode collapse check on the classifier's top class for every sample: a digit counts as
# drawn when at least 2% of the samples look most like it. Every measured snapshot drew
# all ten (2.8% or more each); the test asks for nine.
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
