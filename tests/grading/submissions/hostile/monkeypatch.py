"""Hostile: monkeypatches NumPy and TensorFlow so that every comparison says "equal".

It only changes its own process: the grader compares in a process it never touches.
Its losses are wrong (always 0), and its own patched numpy would call them right.
"""

import numpy
import tensorflow as tf

numpy.allclose = lambda *args, **kwargs: True
numpy.isclose = lambda *args, **kwargs: True
numpy.array_equal = lambda *args, **kwargs: True
numpy.testing.assert_allclose = lambda *args, **kwargs: None
tf.debugging.assert_near = lambda *args, **kwargs: None
tf.reduce_mean = lambda *args, **kwargs: tf.constant(0.0)


def discriminator_loss(real_logits, fake_logits):
    return tf.reduce_mean(real_logits)


def generator_loss(fake_logits):
    return tf.reduce_mean(fake_logits)
