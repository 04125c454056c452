"""The 2D distributions the playground's generator learns to imitate.

A `Target` is a cloud of real points plus, where the distribution has them, the
centres of its modes (the ring and the grid are mixtures of Gaussians). Mode
centres let the playground count how many modes the generator covers, the
number that drops when a GAN collapses.

| name   | what it is                                                          | modes |
|--------|---------------------------------------------------------------------|-------|
| ring   | 8 Gaussians on a circle of radius 2 (Metz et al. 2016, Unrolled GANs) | 8     |
| grid   | 25 Gaussians on a 5 x 5 grid, spacing 1                             | 25    |
| line   | points spread along a line segment, with a little noise             | -     |
| moons  | two interleaved half circles                                        | -     |
| spiral | a two-turn spiral                                                   | -     |

Any `(N, 2)` array of finite numbers is a target too (`target_from_points`).

Example:

```python
target = get_target("ring", seed=0)
real = target.sample(512, np.random.default_rng(1))   # (512, 2)
```
"""

import dataclasses

import numpy as np

TARGET_NAMES = ("ring", "grid", "line", "moons", "spiral")

# How many real points a named target keeps: enough for smooth density contours.
DEFAULT_POINTS = 4096


@dataclasses.dataclass
class Target:
    """A distribution of 2D points.

    Attributes:
        name: "ring", "grid", ..., or "points" for an array given by the user.
        points: float32 array (N, 2), the real samples.
        centres: (modes, 2) array of mode centres, or None where the distribution has no modes.
        mode_std: the standard deviation of each mode (0 when there are no modes).
    """

    name: str
    points: np.ndarray
    centres: np.ndarray = None
    mode_std: float = 0.0

    def sample(self, count, random):
        """`count` real points drawn (with replacement) from the target's points."""
        return self.points[random.integers(0, len(self.points), count)]

    def bounds(self, margin=0.25):
        """(low, high): a square around the points, with `margin` of its width added on each side."""
        low, high = self.points.min(axis=0), self.points.max(axis=0)
        centre = (low + high) / 2.0
        half_width = float(np.max(high - low)) / 2.0 * (1.0 + margin) + 1e-3
        return centre - half_width, centre + half_width


def mixture_of_gaussians(centres, std, count, random):
    """`count` points, an equal share around each centre, with Gaussian spread `std`."""
    centres = np.asarray(centres, dtype=np.float64)
    which = np.arange(count) % len(centres)
    return centres[which] + std * random.standard_normal((count, 2))


def ring_centres(modes=8, radius=2.0):
    angles = 2.0 * np.pi * np.arange(modes) / modes
    return radius * np.stack([np.cos(angles), np.sin(angles)], axis=1)


def grid_centres(size=5, spacing=1.0):
    offsets = (np.arange(size) - (size - 1) / 2.0) * spacing
    return np.array([(x, y) for y in offsets for x in offsets])


def ring(count=DEFAULT_POINTS, std=0.05, seed=0):
    """8 Gaussians on a circle of radius 2, each with standard deviation `std`."""
    centres = ring_centres()
    points = mixture_of_gaussians(centres, std, count, np.random.default_rng(seed))
    return Target("ring", points.astype(np.float32), centres, std)


def grid(count=DEFAULT_POINTS, std=0.05, seed=0):
    """25 Gaussians on a 5 x 5 grid with spacing 1 (from -2 to 2)."""
    centres = grid_centres()
    points = mixture_of_gaussians(centres, std, count, np.random.default_rng(seed))
    return Target("grid", points.astype(np.float32), centres, std)


def line(count=DEFAULT_POINTS, seed=0):
    """Points spread evenly along the diagonal segment from (-2, -1) to (2, 1)."""
    random = np.random.default_rng(seed)
    position = random.uniform(-1.0, 1.0, (count, 1))
    points = position * np.array([2.0, 1.0]) + 0.03 * random.standard_normal((count, 2))
    return Target("line", points.astype(np.float32))


def moons(count=DEFAULT_POINTS, seed=0):
    """Two interleaved half circles (as scikit-learn's make_moons), centred on the origin."""
    random = np.random.default_rng(seed)
    angle = random.uniform(0.0, np.pi, count)
    upper = np.arange(count) % 2 == 0
    x = np.where(upper, np.cos(angle), 1.0 - np.cos(angle))
    y = np.where(upper, np.sin(angle), 0.5 - np.sin(angle))
    points = 1.5 * (np.stack([x - 0.5, y - 0.25], axis=1)) + 0.05 * random.standard_normal(
        (count, 2)
    )
    return Target("moons", points.astype(np.float32))


def spiral(count=DEFAULT_POINTS, seed=0):
    """A spiral of two turns from the centre out to radius 2."""
    random = np.random.default_rng(seed)
    position = np.sqrt(random.uniform(0.0, 1.0, count))  # even density along the curve
    angle = 4.0 * np.pi * position
    radius = 2.0 * position
    points = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    points += 0.04 * random.standard_normal((count, 2))
    return Target("spiral", points.astype(np.float32))


TARGETS = {"ring": ring, "grid": grid, "line": line, "moons": moons, "spiral": spiral}


def target_from_points(points, name="points"):
    """Your own target: any array of finite numbers shaped (N, 2), N >= 2."""
    array = np.asarray(points)
    if array.ndim != 2 or array.shape[1] != 2 or array.shape[0] < 2:
        raise ValueError(
            f"A playground target must be an array of 2D points shaped (N, 2) with N >= 2; "
            f"got an array shaped {array.shape}."
        )
    if not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"A playground target must hold numbers; got dtype {array.dtype}.")
    array = array.astype(np.float32)
    if not np.all(np.isfinite(array)):
        bad = int(np.sum(~np.all(np.isfinite(array), axis=1)))
        raise ValueError(
            f"The target's points must be finite numbers; got {bad} point(s) with NaN or "
            "infinity: remove them first."
        )
    return Target(name, array)


def get_target(target, seed=0):
    """A `Target` from a name in TARGET_NAMES, a `Target`, or an (N, 2) array."""
    if isinstance(target, Target):
        return target
    if isinstance(target, str):
        if target not in TARGETS:
            raise ValueError(
                f"Unknown playground target {target!r}: choose one of {', '.join(TARGET_NAMES)}, "
                "or pass an (N, 2) array of points."
            )
        return TARGETS[target](seed=seed)
    return target_from_points(target)


__all__ = [
    "TARGET_NAMES",
    "Target",
    "get_target",
    "target_from_points",
    "ring",
    "grid",
    "line",
    "moons",
    "spiral",
]
