"""Health checks fire on inputs made to trigger them, and stay quiet on healthy ones."""

import math

import numpy as np
import pytest

from kerasgan.metrics.health import (
    check_class_coverage,
    check_discriminator_overfitting,
    check_losses,
    check_mode_collapse,
    collapse_advice,
    health_warnings,
    mean_pairwise_distance,
)


def test_an_overfitting_discriminator_is_reported():
    # D's logits on 100 training images: it calls 98 of them real.
    logits = np.concatenate([np.full(98, 4.0), np.full(2, -1.0)])
    check = check_discriminator_overfitting(logits)
    assert not check.healthy
    assert check.value == pytest.approx(0.98)
    assert "r_t = 0.96" in check.message
    assert "memorising the training set" in check.message


def test_a_balanced_discriminator_is_healthy():
    logits = np.concatenate([np.full(70, 0.5), np.full(30, -0.5)])
    check = check_discriminator_overfitting(logits)
    assert check.healthy
    assert check.value == pytest.approx(0.7)
    assert "no sign of overfitting" in check.message


def test_probabilities_and_held_out_images():
    # Sigmoid outputs: 0.8 > 0.5 is "real". Training images 80% real, held-out 30%: a gap.
    training = np.array([0.8] * 8 + [0.2] * 2)
    held_out = np.array([0.8] * 3 + [0.2] * 7)
    check = check_discriminator_overfitting(training, from_logits=False, held_out_outputs=held_out)
    assert not check.healthy
    assert "30% of held-out real images" in check.message
    close = np.array([0.8] * 7 + [0.2] * 3)
    assert check_discriminator_overfitting(training, False, held_out_outputs=close).healthy


def test_identical_samples_are_mode_collapse():
    random = np.random.default_rng(0)
    real = random.normal(size=(200, 16))
    collapsed = np.repeat(random.normal(size=(1, 16)), 200, axis=0)
    check = check_mode_collapse(collapsed, real)
    assert not check.healthy
    assert check.value == 0.0
    assert "mode collapse" in check.message


def test_samples_as_varied_as_real_data_are_healthy():
    random = np.random.default_rng(1)
    check = check_mode_collapse(random.normal(size=(300, 16)), random.normal(size=(300, 16)))
    assert check.healthy
    assert check.value == pytest.approx(1.0, abs=0.05)


def test_faint_but_varied_samples_are_not_mode_collapse():
    # An early generator draws faint blobs: weak features, all close together in absolute
    # terms, yet as different in shape as real images. Only their shapes are compared.
    random = np.random.default_rng(2)
    real = np.abs(random.normal(size=(300, 16)))  # features after a ReLU, like a classifier's
    faint = 0.01 * np.abs(random.normal(size=(300, 16)))
    check = check_mode_collapse(faint, real)
    assert check.healthy and check.value == pytest.approx(1.0, abs=0.1)
    # One shape repeated, faint or not, is still collapse.
    one_faint_shape = np.repeat(faint[:1], 300, axis=0) * random.uniform(0.5, 2, size=(300, 1))
    assert not check_mode_collapse(one_faint_shape, real).healthy


def test_mean_pairwise_distance_matches_scipy():
    from scipy.spatial.distance import pdist

    points = np.random.default_rng(2).normal(size=(50, 7))
    assert mean_pairwise_distance(points) == pytest.approx(pdist(points).mean(), rel=1e-6)


def test_missing_classes_are_reported():
    check = check_class_coverage([30, 0, 25, 40, 0, 20, 30, 30, 30, 30], class_names="0123456789")
    assert not check.healthy
    assert check.value == 8
    assert "never: 1, 4" in check.message
    assert check_class_coverage([30] * 10).healthy
    # Too few recognised samples to tell chance from collapse.
    assert check_class_coverage([3, 0, 2, 0, 0, 0, 0, 0, 0, 0]).healthy


def test_classes_drawn_far_less_than_their_share_are_collapse_with_one_line_of_advice():
    # 2s and 7s fill the samples; the other digits appear, but at 1% of them or less.
    counts = [2, 3, 200, 2, 1, 2, 3, 180, 2, 5]
    check = check_class_coverage(counts, class_names="0123456789")
    assert not check.healthy
    assert check.value == 2
    assert "Only 2 of 10 classes are drawn often among 400 recognised samples" in check.message
    assert "seldom: 0, 1, 3, 4, 5, 6, 8, 9" in check.message and "never" not in check.message
    advice = collapse_advice([check])
    assert "lower learning rate" in advice and "--ema-decay" in advice
    # A digit at a fifth of its fair share is drawn; every one above it: healthy, no advice.
    fair = check_class_coverage([40] * 9 + [8])
    assert fair.healthy and fair.value == 10 and collapse_advice([fair]) is None
    # The advice is one line, however many collapse checks fire; other checks give none.
    collapsed = check_mode_collapse(np.zeros((50, 4)), np.random.default_rng(3).normal(size=(50, 4)))
    assert collapse_advice([collapsed, check]) == advice
    assert collapse_advice([check_losses({"d_loss": [math.nan]})]) is None


def test_a_nan_loss_is_reported_with_its_step():
    rows = [
        {"step": 10, "d_loss": 0.7, "g_loss": 1.2},
        {"step": 20, "d_loss": 0.6, "g_loss": math.nan},
        {"step": 30, "d_loss": math.inf, "g_loss": math.nan},
    ]
    check = check_losses(rows)
    assert not check.healthy
    assert check.value == 3
    assert "'g_loss' became NaN at step 20" in check.message
    assert health_warnings([check]) == [check.message]


def test_loss_dicts_and_scalars():
    assert check_losses({"d_loss": [0.5, 0.4], "g_loss": 2.0}).healthy
    check = check_losses({"d_loss": [0.5, float("inf")]})
    assert not check.healthy
    assert "'d_loss' became infinite at value 1" in check.message
    assert "became NaN:" in check_losses({"g_loss": float("nan")}).message
