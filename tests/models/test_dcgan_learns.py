"""The DCGAN really learns: trained briefly on real MNIST digits, it draws digits that a
classifier trained on real digits recognises with confidence, and all ten of them.

The thresholds come from real runs of exactly this configuration on the shared
3,678-digit subset (see the note on each constant). The untrained generator is measured
the same way, so the test shows training made the difference.
"""

import keras
import numpy as np

from kerasgan.data import array_dataset, load_mnist
from kerasgan.metrics.classifier import domain_classifier
from kerasgan.metrics.recognition import class_recognition_score
from kerasgan.models.dcgan import DCGAN

TRAINING_STEPS = 1500  # batches of 64: ~96,000 images, a few CPU minutes
SAMPLES = 1000
# Measured on this configuration (resize upsampling, label smoothing 0.1, 32 filters):
# untrained 0%; recognised with probability > 0.9: 33% at 1,250 steps, 32% at 1,500,
# 42% at 2,000, with every digit present (fewest: 7-16 per digit). "Most" (> 50%) needs
# more steps than a test can afford; the bars sit below the measured figures.
MIN_RECOGNISED_SHARE = 0.2
MIN_SAMPLES_PER_DIGIT = 3  # of the confidently recognised ones, for each of the ten digits


def recognition(gan, classifier, latents):
    return class_recognition_score(classifier, gan.generator.predict(latents, verbose=0))


def test_dcgan_learns_recognisable_digits_of_every_kind(mnist_npz):
    classifier = domain_classifier("mnist", path=mnist_npz)
    assert classifier.test_accuracy > 0.95  # the judge itself must be trustworthy

    (x_train, _), _ = load_mnist(path=mnist_npz)
    keras.utils.set_random_seed(0)
    gan = DCGAN(latent_dim=64, generator_filters=32, discriminator_filters=32,
                upsampling="resize", label_smoothing=0.1, seed=0)
    gan.compile()
    latents = np.random.default_rng(1).standard_normal((SAMPLES, 64)).astype("float32")
    before = recognition(gan, classifier, latents)

    dataset = array_dataset(x_train, batch_size=64, seed=0).repeat()
    gan.fit(dataset, steps_per_epoch=TRAINING_STEPS, epochs=1, verbose=0)
    after = recognition(gan, classifier, latents)

    print(f"recognised before {before['recognised_share']:.3f}, after {after['recognised_share']:.3f}")
    print(f"recognised per digit after training: {after['class_counts']}")
    assert before["recognised_share"] < 0.1
    assert after["recognised_share"] >= MIN_RECOGNISED_SHARE
    assert min(after["class_counts"]) >= MIN_SAMPLES_PER_DIGIT, after["class_counts"]
