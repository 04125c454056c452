"""CycleGAN: translation between two sets of images that come without pairs (Zhu et al. 2017).

Paper: https://arxiv.org/abs/1703.10593 (the authors' code: junyanz/pytorch-CycleGAN-and-pix2pix)

pix2pix learns from pairs; a summer video and a winter video, or photos and paintings,
have none. CycleGAN trains two generators and two discriminators at once:

- `generator_a2b` (G) turns domain A into domain B, `generator_b2a` (F) turns B into A;
- `discriminator_b` tells real B images from G's, `discriminator_a` real A from F's;
- the **cycle-consistency** term asks F(G(a)) = a and G(F(b)) = b (L1, weight 10):
  without it G could draw any B image at all, with it G must keep what F needs to go
  back, which is the content (the digit, the layout of the street);
- the **identity** term asks G(b) = b and F(a) = a (L1, half the cycle weight): a
  generator shown an image of its own output domain should leave it alone, which keeps
  colours from drifting (section 5.2 of the paper).

The generators are ResNets (Johnson et al. 2016): two stride-2 convolutions down, 6 or 9
residual blocks at a quarter of the size, two transposed convolutions up, with reflection
padding and instance normalization. The discriminators are pix2pix's 70 x 70 PatchGAN
judging one image, with instance normalization. The loss is least squares (LSGAN), as in
the paper; the discriminators learn from a pool of 50 earlier fakes each
(`kerasgan/models/image_pool.py`), and the learning rates fall linearly to zero over the
second half of training (`LinearDecay`).

A saved generator is a plain Keras model from images to images, like pix2pix's, so
`kerasgan live` and `kerasgan export` take it as it is.
"""

import keras
import tensorflow as tf
from keras import ops

from kerasgan import losses
from kerasgan.models.cyclegan_networks import check_image_size, resnet_generator
from kerasgan.models import distributed_step
from kerasgan.models.image_pool import FakeImagePool
from kerasgan.models.optimizer_pair import (
    compile_arguments,
    compile_config,
    default_gan_optimizer,
    set_optimizers,
)
from kerasgan.models.pix2pix import patchgan_discriminator
from kerasgan.models.schedules import LinearDecay

NETWORKS = ("generator_a2b", "generator_b2a", "discriminator_a", "discriminator_b")
LearningRateSchedule = keras.optimizers.schedules.LearningRateSchedule


@keras.saving.register_keras_serializable(package="kerasgan")
class CycleGAN(keras.Model):
    """Two generators (A -> B, B -> A) and two PatchGAN discriminators, trained without pairs.

    Trains on batches of `(images_a, images_b)`: two unrelated batches, one per domain.
    Generator loss = GAN loss of both + `cycle_weight` * cycle L1 + `identity_weight` *
    identity L1; each discriminator's loss compares its real images with fakes from its pool.

    Args:
        image_size: side of the square images, a multiple of 4 (256 in the paper).
        channels: channels of the images of both domains (1 or 3).
        generator_filters: `base_filters` of the ResNet generators (64).
        residual_blocks: residual blocks of each generator (9 for 256 pixels, 6 for 128).
        discriminator_filters: `base_filters` of the PatchGANs (64).
        cycle_weight: weight of the cycle-consistency L1 terms (10 in the paper).
        identity_weight: weight of the identity L1 terms; default half of `cycle_weight`
            (the paper's 0.5 x lambda); 0 turns them off.
        pool_size: earlier fakes each discriminator may be shown (50); 0: only new ones.
        loss: "lsgan" (the paper's), "bce", "hinge" or "wgan-gp" (kerasgan/losses.py).
        label_smoothing: one-sided label smoothing for "bce" and "lsgan".
        gradient_penalty_weight: weight of the gradient penalty with "wgan-gp".
        total_steps: the training steps of the whole run; `compile` then makes both
            learning rates a `LinearDecay` to 0 at that step. None: constant rates.
        decay_start: the step where the decay starts (default: half of `total_steps`).
        seed: seed of the pools' random choices.
        generator_a2b, generator_b2a, discriminator_a, discriminator_b: ready-made
            networks to use instead of the builders'.

    Example:

    ```python
    data = kerasgan.data.unpaired.load_unpaired_data("datasets/summer", "datasets/winter", 128)
    model = CycleGAN(image_size=128, residual_blocks=6, total_steps=20_000)
    model.compile()  # Adam(2e-4, beta_1=0.5) for the generators and the discriminators
    model.fit(data.dataset.repeat(), steps_per_epoch=1000, epochs=20)
    model.generator_a2b.save("summer2winter.keras")
    ```
    """

    def __init__(
        self,
        image_size=256,
        channels=3,
        generator_filters=64,
        residual_blocks=9,
        discriminator_filters=64,
        cycle_weight=10.0,
        identity_weight=None,
        pool_size=50,
        loss="lsgan",
        label_smoothing=0.0,
        gradient_penalty_weight=10.0,
        total_steps=None,
        decay_start=None,
        seed=None,
        generator_a2b=None,
        generator_b2a=None,
        discriminator_a=None,
        discriminator_b=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.image_size = check_image_size(image_size)
        self.channels = int(channels)
        if self.channels not in (1, 3):
            raise ValueError(f"channels must be 1 (grey) or 3 (RGB); got {channels}.")
        self.cycle_weight = float(cycle_weight)
        self.identity_weight = (
            0.5 * self.cycle_weight if identity_weight is None else float(identity_weight)
        )
        if self.cycle_weight < 0 or self.identity_weight < 0:
            raise ValueError(
                f"cycle_weight and identity_weight must be 0 or more (10 and 5 in the paper); "
                f"got {cycle_weight} and {identity_weight}."
            )
        self.loss_name = losses.check_loss_name(loss)
        if label_smoothing and not losses.supports_label_smoothing(loss):
            raise ValueError(
                f"label_smoothing applies to bce and lsgan only, not {loss!r}: set it to 0."
            )
        self.label_smoothing = float(label_smoothing)
        self.gradient_penalty_weight = float(gradient_penalty_weight)
        self.total_steps = None if total_steps is None else int(total_steps)
        self.decay_start = None if decay_start is None else int(decay_start)
        self.generator_filters = int(generator_filters)
        self.residual_blocks = int(residual_blocks)
        self.discriminator_filters = int(discriminator_filters)
        self.pool_size = int(pool_size)
        self.seed = seed

        def generator(name):
            return resnet_generator(
                self.image_size, self.channels, self.generator_filters, self.residual_blocks, name
            )

        def discriminator(name):
            return patchgan_discriminator(
                self.image_size, 0, self.channels, self.discriminator_filters,
                normalization="instance", name=name,
            )  # fmt: skip

        self.generator_a2b = generator_a2b or generator("generator_a2b")
        self.generator_b2a = generator_b2a or generator("generator_b2a")
        self.discriminator_a = discriminator_a or discriminator("discriminator_a")
        self.discriminator_b = discriminator_b or discriminator("discriminator_b")
        image_shape = (self.image_size, self.image_size, self.channels)
        # Two seeds from one: the pools make different choices.
        pool_seeds = (None, None) if seed is None else (int(seed), int(seed) + 1)
        self.pool_a = FakeImagePool(image_shape, self.pool_size, pool_seeds[0], name="pool_a")
        self.pool_b = FakeImagePool(image_shape, self.pool_size, pool_seeds[1], name="pool_b")
        self.seed_generator = keras.random.SeedGenerator(seed)  # the gradient penalty's weights
        self.ema_generator = None  # no moving average (fine-tuning and grids look for one)

        self.discriminator_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.generator_loss_tracker = keras.metrics.Mean(name="g_loss")
        self.gan_loss_tracker = keras.metrics.Mean(name="g_gan_loss")
        self.cycle_loss_tracker = keras.metrics.Mean(name="cycle_loss")
        self.identity_loss_tracker = keras.metrics.Mean(name="identity_loss")
        self.real_sign_tracker = keras.metrics.Mean(name="d_real_sign")
        self.discriminator_optimizer = None
        self.generator_optimizer = None
        self.built = True

    # The run folder, fine-tuning and `kerasgan live` speak of "the" generator and
    # discriminator: here those of the A -> B direction.
    @property
    def generator(self):
        return self.generator_a2b

    @property
    def discriminator(self):
        return self.discriminator_b

    @property
    def generators(self):
        return [self.generator_a2b, self.generator_b2a]

    @property
    def discriminators(self):
        return [self.discriminator_a, self.discriminator_b]

    # ------------------------------------------------------------------ setup

    def compile(self, d_optimizer=None, g_optimizer=None, loss=None, **kwargs):
        """Chooses the optimizers: one for both discriminators, one for both generators.

        Args:
            d_optimizer, g_optimizer: default Adam(2e-4, beta_1=0.5) each, as in the paper.
                With `total_steps`, a constant learning rate becomes a `LinearDecay`.
            loss: overrides the loss given to the constructor.
            **kwargs: passed to `keras.Model.compile` (`jit_compile`, `run_eagerly`, ...).
        """
        super().compile(optimizer=None, **kwargs)
        if loss is not None:
            self.loss_name = losses.check_loss_name(loss)
        d_optimizer = d_optimizer or default_gan_optimizer()
        g_optimizer = g_optimizer or default_gan_optimizer()
        if d_optimizer is g_optimizer:
            raise ValueError("The discriminators and the generators need two separate optimizers.")
        for optimizer in (d_optimizer, g_optimizer):
            schedule = getattr(optimizer, "_learning_rate", None)
            if self.total_steps and not isinstance(schedule, LearningRateSchedule):
                optimizer.learning_rate = LinearDecay(
                    float(optimizer.learning_rate), self.total_steps, self.decay_start
                )
        set_optimizers(
            self,
            d_optimizer,
            g_optimizer,
            trainable_variables_of(self.discriminators),
            trainable_variables_of(self.generators),
        )

    def get_compile_config(self):
        """The two optimizers and the loss, saved in a `.keras` file beside the weights."""
        return compile_config(self, loss=self.loss_name)

    def compile_from_config(self, config):
        self.compile(**compile_arguments(config))

    @property
    def metrics(self):
        return [
            self.discriminator_loss_tracker,
            self.generator_loss_tracker,
            self.gan_loss_tracker,
            self.cycle_loss_tracker,
            self.identity_loss_tracker,
            self.real_sign_tracker,
        ]

    def call(self, images_a, training=False):
        """`cyclegan(images_a)` translates A into B, like `cyclegan.generator_a2b(images_a)`."""
        return self.generator_a2b(images_a, training=training)

    # ------------------------------------------------------------- the algorithm

    def fooling_loss(self, discriminator, fake_images):
        """A generator's GAN loss: how far `discriminator` is from calling its fakes real."""
        return losses.generator_loss(self.loss_name, discriminator(fake_images, training=True))

    def discriminator_loss(self, discriminator, real_images, fake_images):
        """One discriminator's loss on real images and pooled fakes: (loss, real logits)."""
        real_logits = discriminator(real_images, training=True)
        fake_logits = discriminator(fake_images, training=True)
        loss = losses.discriminator_loss(
            self.loss_name, real_logits, fake_logits, 1.0 - self.label_smoothing
        )
        if self.loss_name == "wgan-gp":
            weights = keras.random.uniform(
                (ops.shape(real_images)[0], 1, 1, 1), seed=self.seed_generator
            )
            critic = lambda images: discriminator(images, training=True)  # noqa: E731
            penalty = losses.gradient_penalty(critic, real_images, fake_images, weights)
            loss = loss + self.gradient_penalty_weight * penalty
        return loss, real_logits

    def train_step(self, data):
        real_a, real_b = data

        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            # 1. Translate each domain into the other, and back again.
            fake_b = self.generator_a2b(real_a, training=True)
            fake_a = self.generator_b2a(real_b, training=True)
            cycled_a = self.generator_b2a(fake_b, training=True)
            cycled_b = self.generator_a2b(fake_a, training=True)

            # 2. The generators' GAN loss: each tries to make its discriminator say "real".
            gan_loss = self.fooling_loss(self.discriminator_b, fake_b)
            gan_loss += self.fooling_loss(self.discriminator_a, fake_a)

            # 3. Cycle consistency: back where it started, A -> B -> A and B -> A -> B.
            cycle_loss = l1_distance(cycled_a, real_a) + l1_distance(cycled_b, real_b)

            # 4. Identity: an image already in a generator's output domain should pass
            #    unchanged (skipped when its weight is 0: two fewer generator passes).
            identity_loss = ops.zeros(())
            if self.identity_weight:
                identity_loss = l1_distance(self.generator_a2b(real_b, training=True), real_b)
                identity_loss += l1_distance(self.generator_b2a(real_a, training=True), real_a)
            g_loss = (
                gan_loss + self.cycle_weight * cycle_loss + self.identity_weight * identity_loss
            )

            # 5. The discriminators: real images against fakes from their pools, where,
            #    once full, half of the fakes are earlier ones (no gradient to the generators).
            d_loss_a, real_logits_a = self.discriminator_loss(
                self.discriminator_a, real_a, self.pool_a(fake_a)
            )
            d_loss_b, real_logits_b = self.discriminator_loss(
                self.discriminator_b, real_b, self.pool_b(fake_b)
            )
            d_loss = d_loss_a + d_loss_b

            # Over the replicas, and scaled for float16 (kerasgan/models/distributed_step.py).
            scaled_g_loss = distributed_step.scaled_loss(self.generator_optimizer, g_loss)
            scaled_d_loss = distributed_step.scaled_loss(self.discriminator_optimizer, d_loss)

        # 6. Update both discriminators, then both generators, each with its own optimizer:
        #    the generators' gradients flow through the discriminators, whose weights stay.
        self._update(
            self.discriminator_optimizer, discriminator_tape, scaled_d_loss, self.discriminators
        )
        self._update(self.generator_optimizer, generator_tape, scaled_g_loss, self.generators)

        # 7. Track the losses for the progress bar and the run's stats.
        self.discriminator_loss_tracker.update_state(d_loss)
        self.generator_loss_tracker.update_state(g_loss)
        self.gan_loss_tracker.update_state(gan_loss)
        self.cycle_loss_tracker.update_state(cycle_loss)
        self.identity_loss_tracker.update_state(identity_loss)
        # E[sign(D(real))] of both discriminators (the same number of patches each).
        real_logits = (real_logits_a, real_logits_b)
        signs = [ops.mean(ops.sign(ops.cast(logits, "float32"))) for logits in real_logits]
        self.real_sign_tracker.update_state(0.5 * (signs[0] + signs[1]))
        return distributed_step.step_logs(self.metrics)

    def _update(self, optimizer, tape, loss, networks):
        variables = trainable_variables_of(networks)
        optimizer.apply(tape.gradient(loss, variables), variables)

    # ------------------------------------------------------------------ saving

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.saving.serialize_keras_object(self.dtype_policy),
            "image_size": self.image_size,
            "channels": self.channels,
            "generator_filters": self.generator_filters,
            "residual_blocks": self.residual_blocks,
            "discriminator_filters": self.discriminator_filters,
            "cycle_weight": self.cycle_weight,
            "identity_weight": self.identity_weight,
            "pool_size": self.pool_size,
            "loss": self.loss_name,
            "label_smoothing": self.label_smoothing,
            "gradient_penalty_weight": self.gradient_penalty_weight,
            "total_steps": self.total_steps,
            "decay_start": self.decay_start,
            "seed": self.seed,
            **{name: keras.saving.serialize_keras_object(getattr(self, name)) for name in NETWORKS},
        }

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in (*NETWORKS, "dtype"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        return cls(**config)


def trainable_variables_of(networks):
    """The trainable variables of several networks, in order (one optimizer trains them all)."""
    return [variable for network in networks for variable in network.trainable_variables]


def l1_distance(images, targets):
    """Mean absolute difference, in float32 (the cycle and identity terms)."""
    return ops.mean(ops.abs(ops.cast(images, "float32") - ops.cast(targets, "float32")))


__all__ = ["CycleGAN", "LinearDecay", "check_image_size", "resnet_generator"]
