"""The GAN losses against values computed by hand with plain math."""

import math

import numpy as np
import pytest

from kerasgan import losses


def softplus(x):
    return math.log1p(math.exp(x))


def sigmoid(x):
    return 1 / (1 + math.exp(-x))


REAL = [0.0, 2.0]
FAKE = [0.0, -1.0]


def as_float(tensor):
    return float(np.asarray(tensor))


def test_bce_discriminator_loss_is_cross_entropy_of_real_one_and_fake_zero():
    expected_real = np.mean([-math.log(sigmoid(x)) for x in REAL])
    expected_fake = np.mean([-math.log(1 - sigmoid(x)) for x in FAKE])
    value = as_float(losses.bce_discriminator_loss(np.array(REAL), np.array(FAKE)))
    assert value == pytest.approx(expected_real + expected_fake, rel=1e-6)
    # 0.693147 + 0.126928 halves, 0.693147 + 0.313262 halves: written out once, by hand.
    assert value == pytest.approx((0.693147 + 0.126928) / 2 + (0.693147 + 0.313262) / 2, abs=1e-5)


def test_one_sided_label_smoothing_targets_point_nine_on_real_images_only():
    smoothed = np.mean(
        [-(0.9 * math.log(sigmoid(x)) + 0.1 * math.log(1 - sigmoid(x))) for x in REAL]
    ) + np.mean([-math.log(1 - sigmoid(x)) for x in FAKE])
    value = as_float(losses.bce_discriminator_loss(np.array(REAL), np.array(FAKE), real_label=0.9))
    assert value == pytest.approx(smoothed, rel=1e-6)


def test_bce_generator_loss_is_non_saturating():
    expected = np.mean([-math.log(sigmoid(x)) for x in FAKE])
    assert as_float(losses.bce_generator_loss(np.array(FAKE))) == pytest.approx(expected, rel=1e-6)
    # Non-saturating: when D rejects the fakes confidently the loss (and its gradient) stays large.
    assert as_float(losses.bce_generator_loss(np.array([-10.0]))) == pytest.approx(
        softplus(10.0), rel=1e-6
    )


def test_hinge_losses():
    real, fake = np.array([0.5, 2.0]), np.array([-2.0, 0.5])
    # relu(1 - 0.5) = 0.5, relu(1 - 2) = 0 -> 0.25; relu(1 - 2) = 0, relu(1 + 0.5) = 1.5 -> 0.75
    assert as_float(losses.hinge_discriminator_loss(real, fake)) == pytest.approx(1.0)
    assert as_float(losses.hinge_generator_loss(fake)) == pytest.approx(0.75)


def test_least_squares_losses():
    real, fake = np.array([0.5, 1.0]), np.array([0.5, 0.0])
    # 0.5 * mean(0.25, 0) + 0.5 * mean(0.25, 0) = 0.125
    assert as_float(losses.lsgan_discriminator_loss(real, fake)) == pytest.approx(0.125)
    # 0.5 * mean((0.5 - 1)^2, (0 - 1)^2) = 0.3125
    assert as_float(losses.lsgan_generator_loss(fake)) == pytest.approx(0.3125)


def test_wasserstein_losses():
    real, fake = np.array([3.0, 1.0]), np.array([-1.0, 0.0])
    assert as_float(losses.wasserstein_discriminator_loss(real, fake)) == pytest.approx(-2.5)
    assert as_float(losses.wasserstein_generator_loss(fake)) == pytest.approx(0.5)


def test_gradient_penalty_of_a_linear_critic_is_the_norm_of_its_weights():
    import tensorflow as tf

    weights = tf.constant(2.0, shape=(1, 2, 2, 1))  # ||w|| = sqrt(4 * 4) = 4

    def critic(images):
        return tf.reduce_sum(images * weights, axis=[1, 2, 3])

    real = tf.zeros((3, 2, 2, 1))
    fake = tf.ones((3, 2, 2, 1))
    alpha = tf.fill((3, 1, 1, 1), 0.3)
    assert as_float(losses.gradient_penalty(critic, real, fake, alpha)) == pytest.approx(9.0)


def test_gradient_penalty_is_taken_between_real_and_fake_images():
    import tensorflow as tf

    def critic(images):  # gradient 2x: depends on where x_hat lies
        return tf.reduce_sum(tf.square(images), axis=[1, 2, 3])

    real = tf.zeros((1, 2, 2, 1))
    fake = tf.ones((1, 2, 2, 1))
    # x_hat = 0.5 everywhere -> gradient 1 in 4 pixels -> norm 2 -> (2 - 1)^2 = 1
    halfway = losses.gradient_penalty(critic, real, fake, tf.fill((1, 1, 1, 1), 0.5))
    assert as_float(halfway) == pytest.approx(1.0, rel=1e-5)
    # x_hat = real -> gradient 0 -> (0 - 1)^2 = 1; x_hat = 0.25 -> norm 1 -> 0
    quarter = losses.gradient_penalty(critic, real, fake, tf.fill((1, 1, 1, 1), 0.25))
    assert as_float(quarter) == pytest.approx(0.0, abs=1e-5)


def test_dispatch_by_name_and_unknown_names():
    real, fake = np.array(REAL), np.array(FAKE)
    for name in losses.LOSS_NAMES:
        assert np.isfinite(as_float(losses.discriminator_loss(name, real, fake)))
        assert np.isfinite(as_float(losses.generator_loss(name, fake)))
    assert as_float(losses.discriminator_loss("hinge", real, fake)) == pytest.approx(
        as_float(losses.hinge_discriminator_loss(real, fake))
    )
    with pytest.raises(ValueError, match="Unknown GAN loss 'bse'.*bce, hinge, lsgan, wgan-gp"):
        losses.generator_loss("bse", fake)
