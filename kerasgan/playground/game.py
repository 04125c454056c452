"""The two-player game on 2D points, trained by the same `GAN` as the image models.

The generator is a tiny dense network from noise (1 or 2 numbers) to a point
(x, y); the discriminator a tiny dense network from a point to one logit. Both
go into `PlaygroundGAN`, which is kerasgan's `GAN` (the very `train_step` that
trains DCGANs on MNIST) with one addition: its noise may be uniform as well as
Gaussian. So what a student sees here, mode collapse included, is what the
image models do, only small enough to draw.

`Playground` wraps the game for a notebook cell: step the discriminator, the
generator or both, look at the numbers, draw a frame.

Example:

```python
game = Playground(target="ring", loss="hinge", learning_rate=1e-3, seed=0)
game.step(500)              # 500 steps of GAN.train_step
game.step_discriminator()   # one discriminator update alone
print(game.measure())       # modes covered, share of good samples, KL and JS
```
"""

import dataclasses

import keras
import numpy as np
import tensorflow as tf

from kerasgan import losses
from kerasgan.models.gan import GAN
from kerasgan.playground import panels
from kerasgan.playground.targets import get_target

NOISE_KINDS = ("normal", "uniform")
OPTIMIZERS = ("adam", "sgd", "rmsprop")


def make_generator(noise_dim=2, layers=3, width=64, name="generator"):
    """Noise `(noise_dim,)` -> a point `(2,)`: `layers` Dense(width, ReLU), then Dense(2)."""
    noise = keras.Input((noise_dim,), name="noise")
    hidden = noise
    for index in range(layers):
        hidden = keras.layers.Dense(width, activation="relu", name=f"dense_{index}")(hidden)
    # No tanh: the targets are not confined to [-1, 1].
    point = keras.layers.Dense(2, name="point")(hidden)
    return keras.Model(noise, point, name=name)


def make_discriminator(layers=3, width=64, name="discriminator"):
    """A point `(2,)` -> one logit: `layers` Dense(width, LeakyReLU 0.2), then Dense(1)."""
    point = keras.Input((2,), name="point")
    hidden = point
    for index in range(layers):
        hidden = keras.layers.Dense(width, name=f"dense_{index}")(hidden)
        hidden = keras.layers.LeakyReLU(0.2)(hidden)
    logit = keras.layers.Dense(1, name="logit")(hidden)
    return keras.Model(point, logit, name=name)


@keras.saving.register_keras_serializable(package="kerasgan")
class PlaygroundGAN(GAN):
    """kerasgan's `GAN` on 2D points, with Gaussian or uniform noise.

    Only the noise is new: `train_step`, the losses, discriminator steps per
    generator step and the gradient penalty are `GAN`'s.

    Args:
        generator: noise -> (2,) points.
        discriminator: (2,) points -> one logit.
        noise: "normal" (standard Gaussian) or "uniform" (in [-1, 1]).
        loss_functions: your own losses instead of `loss`, a pair of functions
            `(discriminator_loss(real_logits, fake_logits), generator_loss(fake_logits))`.
            Functions are not saved by `get_config`: a saved game reloads with `loss`.
        **kwargs: every argument of `GAN` (loss, discriminator_steps, seed, ...).

    Example:

    ```python
    gan = PlaygroundGAN(make_generator(2), make_discriminator(), noise="uniform", loss="lsgan")
    gan.compile()
    gan.fit(real_points, batch_size=256, epochs=10)
    ```
    """

    def __init__(self, generator, discriminator, noise="normal", loss_functions=None, **kwargs):
        if noise not in NOISE_KINDS:
            raise ValueError(f"Unknown noise {noise!r}: choose one of {', '.join(NOISE_KINDS)}.")
        if loss_functions is not None and not (
            len(loss_functions) == 2 and all(callable(function) for function in loss_functions)
        ):
            raise ValueError(
                "loss_functions must be a pair (discriminator_loss, generator_loss) of functions "
                f"of logits; got {loss_functions!r}."
            )
        super().__init__(generator, discriminator, **kwargs)
        self.noise = noise
        self.loss_functions = loss_functions

    def discriminator_loss_value(self, real_logits, fake_logits, real_label=1.0):
        if self.loss_functions is None:
            return super().discriminator_loss_value(real_logits, fake_logits, real_label)
        return self.loss_functions[0](real_logits, fake_logits)

    def generator_loss_value(self, fake_logits):
        if self.loss_functions is None:
            return super().generator_loss_value(fake_logits)
        return self.loss_functions[1](fake_logits)

    def sample_latents(self, batch_size):
        shape = (batch_size, self.latent_dim)
        if self.noise == "uniform":
            return keras.random.uniform(shape, -1.0, 1.0, seed=self.seed_generator)
        return keras.random.normal(shape, seed=self.seed_generator)

    def get_config(self):
        return {**super().get_config(), "noise": self.noise}


def make_optimizer(name, learning_rate):
    """A fresh optimizer: "adam" (beta_1 0.5, as for DCGANs), "sgd" or "rmsprop"."""
    if name == "adam":
        return keras.optimizers.Adam(learning_rate, beta_1=0.5)
    if name == "sgd":
        return keras.optimizers.SGD(learning_rate)
    if name == "rmsprop":
        return keras.optimizers.RMSprop(learning_rate)
    raise ValueError(f"Unknown optimizer {name!r}: choose one of {', '.join(OPTIMIZERS)}.")


@dataclasses.dataclass
class PlaygroundSettings:
    """Every choice of a playground game, with its default; checked by `validate()`.

    Attributes:
        target: "ring", "grid", "line", "moons", "spiral" or an (N, 2) array.
        loss: one of `kerasgan.losses.LOSS_NAMES`, or your own pair of functions
            `(discriminator_loss(real_logits, fake_logits), generator_loss(fake_logits))`.
        noise: "normal" or "uniform".
        noise_dim: 1 or 2 numbers of noise per point.
        layers: hidden layers of each network.
        width: units per hidden layer.
        discriminator_steps: discriminator updates per generator update.
        optimizer: "adam", "sgd" or "rmsprop" (one of each per network).
        learning_rate: of both optimizers.
        batch_size: real and fake points per step.
        seed: the one seed of the game (networks, noise, batches).
    """

    target: object = "ring"
    loss: str = "hinge"
    noise: str = "normal"
    noise_dim: int = 2
    layers: int = 3
    width: int = 64
    discriminator_steps: int = 1
    optimizer: str = "adam"
    learning_rate: float = 1e-3
    batch_size: int = 256
    seed: int = 0

    def validate(self):
        if not isinstance(self.loss, (tuple, list)):
            losses.check_loss_name(self.loss)
        if self.noise not in NOISE_KINDS:
            raise ValueError(f"Unknown noise {self.noise!r}: choose one of {', '.join(NOISE_KINDS)}.")
        if self.noise_dim not in (1, 2):
            raise ValueError(f"noise_dim must be 1 or 2 (a line or a plane of noise); got {self.noise_dim}.")
        for name in ("layers", "width", "discriminator_steps", "batch_size"):
            if int(getattr(self, name)) < 1:
                raise ValueError(f"{name} must be 1 or more; got {getattr(self, name)}.")
        if self.optimizer not in OPTIMIZERS:
            raise ValueError(
                f"Unknown optimizer {self.optimizer!r}: choose one of {', '.join(OPTIMIZERS)}."
            )
        if not (np.isfinite(self.learning_rate) and self.learning_rate > 0):
            raise ValueError(f"learning_rate must be a positive number; got {self.learning_rate}.")
        return self


class Playground:
    """A GAN on 2D points that a notebook can step and draw.

    Args:
        target: a target name, a `Target` or an (N, 2) array (see `targets.py`).
        **options: the other fields of `PlaygroundSettings` (loss, noise, noise_dim, layers,
            width, discriminator_steps, optimizer, learning_rate, batch_size, seed).

    Attributes:
        gan: the `PlaygroundGAN`; `gan.generator` and `gan.discriminator` are plain Keras models.
        target: the `Target`.
        steps: full training steps so far (discriminator-only and generator-only steps count apart).
        history: one dict per full step: step, d_loss, g_loss.
        measurements: one dict per `measure()` call: step, kl, js, modes_covered, good_share.

    Example:

    ```python
    game = Playground("ring", loss="bce", learning_rate=1e-2)   # a collapse setting
    game.step(300)
    game.show()                                                   # in a notebook
    ```
    """

    def __init__(self, target="ring", **options):
        self.settings = PlaygroundSettings(target=target, **options).validate()
        settings = self.settings
        self.target = get_target(target, seed=settings.seed)
        keras.utils.set_random_seed(settings.seed)
        generator = make_generator(settings.noise_dim, settings.layers, settings.width)
        discriminator = make_discriminator(settings.layers, settings.width)
        own_losses = isinstance(settings.loss, (tuple, list))
        self.gan = PlaygroundGAN(
            generator,
            discriminator,
            noise=settings.noise,
            # Your own losses replace the named one; "bce" only names the game in its config.
            loss="bce" if own_losses else settings.loss,
            loss_functions=tuple(settings.loss) if own_losses else None,
            discriminator_steps=settings.discriminator_steps,
            seed=settings.seed,
        )
        self.gan.compile(
            d_optimizer=make_optimizer(settings.optimizer, settings.learning_rate),
            g_optimizer=make_optimizer(settings.optimizer, settings.learning_rate),
        )
        self.random = np.random.default_rng(settings.seed)
        # Fixed draws, so every frame shows the same real points, noise and grid.
        self.real_points = self.target.sample(1024, np.random.default_rng(settings.seed + 1))
        self.fixed_noise = self._noise(512, np.random.default_rng(settings.seed + 2))
        self.evaluation_noise = self._noise(4096, np.random.default_rng(settings.seed + 3))
        self.grid = panels.Grid.around(self.target)
        self.real_density = panels.density_on_grid(self.target.points, self.grid)
        self.steps = 0
        self.history = []
        self.measurements = []
        self._train_step = tf.function(self.gan.train_step)
        self._discriminator_step = tf.function(self._discriminator_update)
        self._generator_step = tf.function(self._generator_update)

    # ------------------------------------------------------------- stepping

    def _noise(self, count, random):
        shape = (count, self.settings.noise_dim)
        if self.settings.noise == "uniform":
            return random.uniform(-1.0, 1.0, shape).astype(np.float32)
        return random.standard_normal(shape).astype(np.float32)

    def _real_batch(self):
        return tf.constant(self.target.sample(self.settings.batch_size, self.random))

    def step(self, count=1):
        """`count` steps of `GAN.train_step` (discriminator_steps D updates, then one G update each).

        Returns the last step's losses, {"d_loss": ..., "g_loss": ...}.
        """
        if int(count) < 1:
            raise ValueError(f"The number of steps must be 1 or more; got {count}.")
        for _ in range(int(count)):
            # The trackers average over calls; reset them to read this step's losses alone.
            for metric in self.gan.metrics:
                metric.reset_state()
            logs = self._train_step(self._real_batch())
            self.steps += 1
            self.history.append(
                {
                    "step": self.steps,
                    "d_loss": float(logs["d_loss"]),
                    "g_loss": float(logs["g_loss"]),
                }
            )
        return dict(self.history[-1])

    def _discriminator_update(self, real_points):
        gan = self.gan
        fakes = gan.generate(gan.sample_latents(tf.shape(real_points)[0]), None, True)
        with tf.GradientTape() as tape:
            loss, _, _, _ = gan.discriminator_loss(real_points, fakes, None)
        gan._update(gan.discriminator_optimizer, tape, loss, gan.discriminator)
        return loss

    def _generator_update(self, batch_size):
        gan = self.gan
        with tf.GradientTape() as tape:
            fakes = gan.generate(gan.sample_latents(batch_size), None, True)
            loss = gan.generator_loss_value(gan.discriminate(fakes, None, True))
        gan._update(gan.generator_optimizer, tape, loss, gan.generator)
        return loss

    def step_discriminator(self):
        """One update of the discriminator alone (the D half of `GAN.train_step`); returns its loss."""
        return float(self._discriminator_step(self._real_batch()))

    def step_generator(self):
        """One update of the generator alone (the G half of `GAN.train_step`); returns its loss."""
        return float(self._generator_step(tf.constant(self.settings.batch_size)))

    # ------------------------------------------------------------- looking

    def fake_points(self, noise=None):
        """The generator's points for `noise` (default: the fixed noise every frame shows)."""
        noise = self.fixed_noise if noise is None else noise
        return np.asarray(self.gan.generator(noise, training=False), dtype=np.float32)

    def measure(self):
        """Modes covered, share of good samples, KL and JS now; appended to `measurements`."""
        fakes = self.fake_points(self.evaluation_noise)
        fake_density = panels.density_on_grid(fakes, self.grid)
        kl, js = panels.divergences(self.real_density, fake_density)
        coverage = panels.mode_coverage(fakes, self.target)
        measurement = {"step": self.steps, "kl": kl, "js": js, **coverage}
        self.measurements.append(measurement)
        return measurement

    @property
    def loss_label(self):
        """The loss's name, or "your own" for your own functions."""
        return "your own" if self.gan.loss_functions is not None else self.gan.loss_name

    def frame(self):
        """Everything one picture shows, computed now (see `panels.Frame`)."""
        return panels.compute_frame(self)

    def render(self, **options):
        """The current frame as an RGB array (see `render.render_frame`)."""
        from kerasgan.playground.render import render_frame

        return render_frame(self.frame(), **options)

    def show(self):
        """Draws the current frame in a notebook (IPython.display), or returns it as an array."""
        image = self.render()
        try:
            from IPython.display import Image, display
        except ImportError:
            return image
        from kerasgan.images import encode_image

        display(Image(data=encode_image(image, ".png")))
        return None

    def play(self, steps, frame_every=10, measure_every=None):
        """Trains `steps` steps and returns the frames drawn every `frame_every` steps (and at 0).

        Divergences and modes are measured at every frame (or every `measure_every` steps).
        """
        if int(steps) < 1:
            raise ValueError(f"The number of steps must be 1 or more; got {steps}.")
        if int(frame_every) < 1:
            raise ValueError(f"frame_every must be 1 or more; got {frame_every}.")
        measure_every = int(measure_every or frame_every)
        self.measure()
        frames = [self.frame()]
        for done in range(1, int(steps) + 1):
            self.step()
            if done % measure_every == 0:
                self.measure()
            if done % frame_every == 0 or done == steps:
                if not self.measurements or self.measurements[-1]["step"] != self.steps:
                    self.measure()
                frames.append(self.frame())
        return frames


__all__ = [
    "NOISE_KINDS",
    "OPTIMIZERS",
    "make_generator",
    "make_discriminator",
    "make_optimizer",
    "PlaygroundGAN",
    "PlaygroundSettings",
    "Playground",
]
