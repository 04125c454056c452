"""What each panel of a playground frame shows, as numbers (drawing is `render.py`'s job).

The panels are GAN Lab's (Kahng et al. 2018, https://arxiv.org/abs/1809.01587):

- real points with the contours of their density;
- the generator's points (fakes);
- the discriminator's opinion everywhere: its logit on a grid of points, as a heatmap;
- the generator's manifold: a grid of noise pushed through the generator, which shows
  how the generator folds and stretches its input space onto the plane;
- an arrow on each fake point: minus the gradient of the generator's loss with respect
  to that point, the direction in which the generator's update moves it;
- the two losses, and the KL and JS divergences between the real and the fake
  densities on the grid, over the steps; the number of modes covered.

Example:

```python
frame = compute_frame(game)          # game: a Playground
frame.heatmap.shape                  # (grid size, grid size) logits
```
"""

import dataclasses

import numpy as np
import tensorflow as tf

from kerasgan import losses

# Grid cells per side for the heatmap and the densities.
GRID_SIZE = 64


@dataclasses.dataclass
class Grid:
    """A square grid of points over the plane.

    Attributes:
        low, high: (2,) corners of the square.
        size: points per side.
    """

    low: np.ndarray
    high: np.ndarray
    size: int = GRID_SIZE

    @classmethod
    def around(cls, target, size=GRID_SIZE):
        low, high = target.bounds()
        return cls(np.asarray(low, np.float32), np.asarray(high, np.float32), size)

    @property
    def xs(self):
        return np.linspace(self.low[0], self.high[0], self.size, dtype=np.float32)

    @property
    def ys(self):
        return np.linspace(self.low[1], self.high[1], self.size, dtype=np.float32)

    @property
    def cell(self):
        return float(self.xs[1] - self.xs[0])

    def points(self):
        """(size * size, 2) points, row by row: y varies along rows, x along columns."""
        x, y = np.meshgrid(self.xs, self.ys)
        return np.stack([x.ravel(), y.ravel()], axis=1)


# ------------------------------------------------------------- densities


def density_on_grid(points, grid, bandwidth=None):
    """A Gaussian kernel density estimate of `points` on `grid`, normalised to sum to 1.

    The bandwidth defaults to 1.5 grid cells: smooth enough that a few thousand
    points give a steady estimate, narrow enough to keep modes apart.
    Returns a (size, size) array of probabilities, one per grid cell.
    """
    bandwidth = bandwidth or 1.5 * grid.cell
    points = np.asarray(points, dtype=np.float64)
    # The 2D Gaussian kernel is a product of two 1D kernels: a (size x N) @ (N x size) product.
    weights_x = np.exp(-0.5 * ((grid.xs[:, None] - points[None, :, 0]) / bandwidth) ** 2)
    weights_y = np.exp(-0.5 * ((grid.ys[:, None] - points[None, :, 1]) / bandwidth) ** 2)
    density = weights_y @ weights_x.T  # [y, x]
    total = density.sum()
    if not np.isfinite(total) or total <= 0:
        # Every point fell far outside the grid: spread the mass evenly (maximal divergence).
        return np.full((grid.size, grid.size), 1.0 / grid.size**2)
    return density / total


def divergences(real, fake, floor=1e-10):
    """(KL(real || fake), JS(real, fake)) in nats between two densities on the same grid.

    KL is infinite where the fakes leave a real region empty; the floor keeps it
    finite (and large). JS is bounded by ln 2 = 0.693, reached when the two do
    not overlap at all.
    """
    real = np.asarray(real, dtype=np.float64).ravel()
    fake = np.asarray(fake, dtype=np.float64).ravel()
    real, fake = real / real.sum(), fake / fake.sum()

    def kl(p, q):
        mask = p > 0
        return float(np.sum(p[mask] * (np.log(p[mask]) - np.log(np.maximum(q[mask], floor)))))

    middle = 0.5 * (real + fake)
    return kl(real, fake), 0.5 * kl(real, middle) + 0.5 * kl(fake, middle)


def mode_coverage(points, target, radius_in_std=3.0, minimum_share=0.02):
    """How many of the target's modes the points cover, and how many points are good.

    A point is good when it lies within `radius_in_std` standard deviations of a
    mode's centre (the measure of Metz et al. 2016, "Unrolled GANs"). A mode is
    covered when at least `minimum_share` of all points are good points of that mode.

    Returns {"modes_covered": int or None, "modes": int or None, "good_share": float or None};
    None for targets without modes.
    """
    if target.centres is None:
        return {"modes_covered": None, "modes": None, "good_share": None}
    points = np.asarray(points, dtype=np.float64)
    distances = np.linalg.norm(points[:, None, :] - target.centres[None, :, :], axis=-1)
    nearest = np.argmin(distances, axis=1)
    good = distances[np.arange(len(points)), nearest] <= radius_in_std * target.mode_std
    counts = np.bincount(nearest[good], minlength=len(target.centres))
    return {
        "modes_covered": int(np.sum(counts >= minimum_share * len(points))),
        "modes": len(target.centres),
        "good_share": float(np.mean(good)),
    }


# ------------------------------------------------------------- the networks' panels


def discriminator_heatmap(discriminator, grid):
    """The discriminator's logit at every grid point, shaped (size, size), [y, x]."""
    logits = discriminator(grid.points(), training=False)
    return np.asarray(logits, dtype=np.float32).reshape(grid.size, grid.size)


def noise_grid(noise_dim, noise, size=21):
    """A grid of noise: (size, 1) for 1D noise, (size * size, 2) for 2D, covering its likely values.

    Uniform noise fills [-1, 1]; Gaussian noise is shown over [-2, 2], where 95% of it falls.
    """
    extent = 1.0 if noise == "uniform" else 2.0
    values = np.linspace(-extent, extent, size, dtype=np.float32)
    if noise_dim == 1:
        return values[:, None]
    a, b = np.meshgrid(values, values)
    return np.stack([a.ravel(), b.ravel()], axis=1)


def generator_manifold(generator, noise_dim, noise, size=21):
    """The grid of noise pushed through the generator: (size, 2) for 1D noise, (size, size, 2) for 2D."""
    points = np.asarray(generator(noise_grid(noise_dim, noise, size), training=False))
    return points.reshape((size, 2) if noise_dim == 1 else (size, size, 2)).astype(np.float32)


def generator_loss_gradients(discriminator, loss, fake_points):
    """d(generator loss) / d(fake point) for each fake point: (N, 2).

    `loss` is a name in `kerasgan.losses.LOSS_NAMES` or a function of the fakes' logits.

    The generator's loss is a mean over the batch, so each point's gradient carries
    a factor 1/N; the arrows drawn are minus these gradients, rescaled.
    """
    fake_points = tf.convert_to_tensor(np.asarray(fake_points, dtype=np.float32))
    with tf.GradientTape() as tape:
        tape.watch(fake_points)
        logits = discriminator(fake_points, training=False)
        value = loss(logits) if callable(loss) else losses.generator_loss(loss, logits)
    return np.asarray(tape.gradient(value, fake_points), dtype=np.float32)


# ------------------------------------------------------------- one frame


@dataclasses.dataclass
class Frame:
    """Everything one picture of the game shows.

    Attributes:
        step: full training steps so far.
        target_name: the target's name, for the title.
        loss_name: the GAN loss, for the title.
        grid: the `Grid` of the heatmap and densities.
        real_points, fake_points: (N, 2) arrays.
        real_density: (size, size) probabilities, for the contours.
        heatmap: (size, size) discriminator logits.
        manifold: the generator's manifold (see `generator_manifold`).
        gradients: (N, 2) gradients of the generator's loss at each fake point.
        history: the per-step losses so far (list of dicts).
        measurements: KL, JS and modes so far (list of dicts).
        picture: the frame drawn as an RGB array, once `render.picture_of` has drawn it.
    """

    step: int
    target_name: str
    loss_name: str
    grid: Grid
    real_points: np.ndarray
    fake_points: np.ndarray
    real_density: np.ndarray
    heatmap: np.ndarray
    manifold: np.ndarray
    gradients: np.ndarray
    history: list
    measurements: list
    picture: np.ndarray = None


def compute_frame(game):
    """A `Frame` of a `Playground` as it is now."""
    gan = game.gan
    fakes = game.fake_points()
    return Frame(
        step=game.steps,
        target_name=game.target.name,
        loss_name=game.loss_label,
        grid=game.grid,
        real_points=game.real_points,
        fake_points=fakes,
        real_density=game.real_density,
        heatmap=discriminator_heatmap(gan.discriminator, game.grid),
        manifold=generator_manifold(gan.generator, game.settings.noise_dim, game.settings.noise),
        gradients=generator_loss_gradients(gan.discriminator, gan.generator_loss_value, fakes),
        history=list(game.history),
        measurements=list(game.measurements),
    )


__all__ = [
    "Grid",
    "Frame",
    "density_on_grid",
    "divergences",
    "mode_coverage",
    "discriminator_heatmap",
    "noise_grid",
    "generator_manifold",
    "generator_loss_gradients",
    "compute_frame",
]
