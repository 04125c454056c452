"""The panels are computed right: heatmap, arrows, manifold, densities, divergences, modes."""

import numpy as np
import pytest
import tensorflow as tf

from kerasgan import losses
from kerasgan.playground import Playground, get_target, target_from_points
from kerasgan.playground import panels


@pytest.fixture(scope="module")
def game():
    game = Playground("ring", loss="hinge", width=16, batch_size=64, seed=3)
    game.step(5)
    return game


def test_heatmap_is_the_discriminator_on_the_grid(game):
    frame = game.frame()
    grid = game.grid
    xs, ys = grid.xs, grid.ys
    # Four grid points, evaluated one by one with a direct call of the discriminator.
    for row, column in [(0, 0), (5, 40), (63, 2), (31, 31)]:
        point = np.array([[xs[column], ys[row]]], dtype=np.float32)
        direct = float(game.gan.discriminator(point, training=False)[0, 0])
        assert frame.heatmap[row, column] == pytest.approx(direct, rel=1e-5, abs=1e-6)
    whole = np.asarray(game.gan.discriminator(grid.points())).reshape(grid.size, grid.size)
    np.testing.assert_allclose(frame.heatmap, whole, rtol=1e-6, atol=1e-6)
    assert frame.heatmap.std() > 0  # a trained discriminator has an opinion


@pytest.mark.parametrize("loss_name", ["bce", "hinge", "lsgan", "wgan-gp"])
def test_arrows_are_the_gradient_of_the_generator_loss_at_each_fake(game, loss_name):
    fakes = game.fake_points()[:32]
    arrows = panels.generator_loss_gradients(game.gan.discriminator, loss_name, fakes)
    points = tf.Variable(fakes)
    with tf.GradientTape() as tape:
        loss = losses.generator_loss(loss_name, game.gan.discriminator(points))
    direct = tape.gradient(loss, points).numpy()
    np.testing.assert_allclose(arrows, direct, rtol=1e-5, atol=1e-9)
    assert np.abs(arrows).max() > 0
    # One point's gradient by finite differences of the mean loss, as a third opinion.
    step = 1e-2
    shifted = fakes.copy()
    shifted[0, 0] += step
    before = float(losses.generator_loss(loss_name, game.gan.discriminator(fakes)))
    after = float(losses.generator_loss(loss_name, game.gan.discriminator(shifted)))
    assert (after - before) / step == pytest.approx(arrows[0, 0], rel=0.2, abs=1e-4)


def test_frame_holds_the_manifold_of_the_noise_grid(game):
    frame = game.frame()
    assert frame.manifold.shape == (21, 21, 2)
    noise = panels.noise_grid(2, "normal")
    np.testing.assert_allclose(
        frame.manifold.reshape(-1, 2), np.asarray(game.gan.generator(noise)), rtol=1e-6, atol=1e-6
    )
    assert frame.fake_points.shape == (512, 2) and frame.gradients.shape == (512, 2)
    assert [row["step"] for row in frame.history] == [1, 2, 3, 4, 5]


def test_divergences_of_equal_and_disjoint_densities():
    ring = get_target("ring")
    grid = panels.Grid.around(ring)
    density = panels.density_on_grid(ring.points, grid)
    assert density.sum() == pytest.approx(1.0)
    kl, js = panels.divergences(density, density)
    assert kl == pytest.approx(0.0, abs=1e-6) and js == pytest.approx(0.0, abs=1e-6)
    left = panels.density_on_grid(ring.points[ring.points[:, 0] < -1.0], grid)
    right = panels.density_on_grid(ring.points[ring.points[:, 0] > 1.0], grid)
    kl, js = panels.divergences(left, right)
    assert js == pytest.approx(np.log(2.0), abs=1e-3)
    assert kl > 5.0


def test_mode_coverage_counts_modes_and_good_points():
    ring = get_target("ring")
    centres = ring.centres
    # 90 points at mode 0, 90 at mode 1, 20 far from every mode.
    points = np.concatenate([np.repeat(centres[:1], 90, 0), np.repeat(centres[1:2], 90, 0), np.zeros((20, 2))])
    coverage = panels.mode_coverage(points, ring)
    assert coverage == {"modes_covered": 2, "modes": 8, "good_share": pytest.approx(0.9)}
    # Just inside and just outside 3 standard deviations.
    inside = centres[:1] + [[2.9 * ring.mode_std, 0.0]]
    outside = centres[:1] + [[3.1 * ring.mode_std, 0.0]]
    assert panels.mode_coverage(inside, ring)["good_share"] == 1.0
    assert panels.mode_coverage(outside, ring)["good_share"] == 0.0
    assert panels.mode_coverage(ring.points, ring)["modes_covered"] == 8
    assert panels.mode_coverage(points, target_from_points(points))["modes"] is None
