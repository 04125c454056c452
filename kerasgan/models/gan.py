"""The GAN training algorithm of the DCGAN, the conditional GAN, pix2pix and the playground.

`GAN` is a `keras.Model` whose `train_step` is the adversarial game written out
as numbered steps. A subclass only says how to build its two networks and how
a batch feeds them (`unpack_batch`, `generate`, `discriminate`): the DCGAN
feeds images alone, the conditional GAN images and labels, pix2pix input
pictures and their targets (with its own `train_step`, which adds the L1 term). Because it is a
normal Keras model, `fit()`, callbacks, progress bars, `tf.distribute`
strategies and mixed precision all work as they do for a classifier.

One step trains both networks from a single generator forward pass: the fakes
that teach the discriminator also teach the generator, as in the TensorFlow
DCGAN tutorial ("simultaneous" updates). Many GAN scripts run the generator a
second time for its own update; that doubles the generator's cost for no
better samples.

StyleGAN2 (`stylegan2.py`) and CycleGAN (`cyclegan.py`) train by algorithms of their own,
so they are not `GAN`s: they use the same shared pieces as `GAN` does, as they need them
(augmentation and ADA, the generator average, the optimizer pair, loss scaling and the
step's logs: see `kerasgan/models/__init__.py`).
"""

import keras
import tensorflow as tf
from keras import ops

from kerasgan import losses
from kerasgan.models import distributed_step, generator_average
from kerasgan.models.adaptive_augmentation import AdaptiveAugmentation
from kerasgan.models.optimizer_pair import (
    compile_arguments,
    compile_config,
    default_gan_optimizer,
    set_optimizers,
)


@keras.saving.register_keras_serializable(package="kerasgan")
class GAN(keras.Model):
    """A generator and a discriminator trained against each other.

    Args:
        generator: a `keras.Model` from latent vectors `(latent_dim,)` to images in [-1, 1].
        discriminator: a `keras.Model` from images to one logit per image (no sigmoid).
        loss: "bce" (non-saturating, the default), "hinge", "lsgan" or "wgan-gp".
        label_smoothing: one-sided label smoothing for "bce" and "lsgan": real images get the
            target `1 - label_smoothing` (0.1 is a common choice). Fakes keep 0.
        instance_noise: standard deviation of Gaussian noise added to every image the
            discriminator sees (real and fake), decreasing linearly to zero over
            `instance_noise_steps` generator steps. It blurs the two distributions
            together early on, so the discriminator cannot win outright.
        instance_noise_steps: generator steps until the instance noise reaches zero.
        discriminator_steps: discriminator updates per generator update (5 is usual for WGAN-GP).
        gradient_penalty_weight: weight of the gradient penalty when `loss="wgan-gp"`.
        augment: differentiable augmentations of every image the discriminator sees, real
            and fake, in both steps: a list or a comma-separated string of "flip",
            "translation", "color", "cutout" (see `kerasgan/augment.py`). Default: none.
        augment_probability: each augmentation's chance per image, p. Default 1 (always,
            as DiffAugment does), or 0 with `ada`, where it is only the starting value.
        ada: adapt p while training (ADA): up when the discriminator is too sure of the
            real images, down when it is not.
        ada_target: the value of E[sign(D(real))] that ADA aims for (0.6 in the paper).
        ada_interval: steps between two adjustments of p.
        ada_kimg: thousands of images over which p could go from 0 to 1 (the speed of ADA).
        ema_decay: keep an exponential moving average of the generator's weights with this
            decay (0.999 is usual) in `ema_generator`, used for sample grids and
            snapshots. 0 (the default) keeps none.
        seed: seed for the model's random numbers (latent vectors, noise), or None.

    Example:

    ```python
    gan = GAN(generator, discriminator, loss="hinge")
    gan.compile()  # Adam(2e-4, beta_1=0.5) for both networks
    gan.fit(dataset_of_images, epochs=5)
    ```
    """

    def __init__(
        self,
        generator,
        discriminator,
        loss="bce",
        label_smoothing=0.0,
        instance_noise=0.0,
        instance_noise_steps=10_000,
        discriminator_steps=1,
        gradient_penalty_weight=10.0,
        augment=(),
        augment_probability=None,
        ada=False,
        ada_target=0.6,
        ada_interval=4,
        ada_kimg=100,
        ema_decay=0.0,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        losses.check_loss_name(loss)
        if not 0.0 <= label_smoothing < 1.0:
            raise ValueError(f"label_smoothing must be in [0, 1); got {label_smoothing}.")
        if label_smoothing and not losses.supports_label_smoothing(loss):
            raise ValueError(
                f"label_smoothing applies to the 'bce' and 'lsgan' losses only, not {loss!r}: "
                "set it to 0."
            )
        if instance_noise < 0 or instance_noise_steps < 1:
            raise ValueError("instance_noise must be >= 0 and instance_noise_steps >= 1.")
        if int(discriminator_steps) < 1:
            raise ValueError(f"discriminator_steps must be 1 or more; got {discriminator_steps}.")
        if not 0.0 <= float(ema_decay) < 1.0:
            raise ValueError(f"ema_decay must be in [0, 1) (0.999 is usual, 0 for none); got {ema_decay}.")
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(generator.inputs[0].shape[-1])
        # Keras models already use `self.loss` for compile(loss=...); ours is the GAN loss name.
        self.loss_name = loss
        self.label_smoothing = float(label_smoothing)
        self.instance_noise = float(instance_noise)
        self.instance_noise_steps = int(instance_noise_steps)
        self.discriminator_steps = int(discriminator_steps)
        self.gradient_penalty_weight = float(gradient_penalty_weight)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

        # Augmentation and ADA, one shared piece (kerasgan/models/adaptive_augmentation.py);
        # its p is a model variable: the compiled step reads its current value, ADA
        # changes it there, and the checkpoint saves it with the weights.
        self.augmentation = AdaptiveAugmentation(
            augment, augment_probability, ada, ada_target, ada_interval, ada_kimg,
            add_variable=self._state_variable,
        )  # fmt: skip
        self.augmentations = self.augmentation.augmentations
        self.initial_augment_probability = self.augmentation.initial_probability
        self.ada = self.augmentation.ada
        self.ada_target = self.augmentation.ada_target
        self.ada_interval = self.augmentation.ada_interval
        self.ada_kimg = self.augmentation.ada_kimg
        if self.augmentations:
            self.augment_probability = self.augmentation.probability

        # The moving average of the generator (kerasgan/models/generator_average.py).
        self.ema_decay = float(ema_decay)
        self.ema_generator = None
        if self.ema_decay:
            self.ema_generator = generator_average.average_copy(generator)

        self.discriminator_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.generator_loss_tracker = keras.metrics.Mean(name="g_loss")
        # ADA's overfitting heuristic r_t = E[sign(D(real))] (Karras et al. 2020):
        # near +1 the discriminator is sure of every training image, a sign it memorises them.
        self.real_sign_tracker = keras.metrics.Mean(name="d_real_sign")
        self.gradient_penalty_tracker = keras.metrics.Mean(name="gradient_penalty")
        self.augment_probability_tracker = keras.metrics.Mean(name="augment_p")
        self.discriminator_optimizer = None
        self.generator_optimizer = None
        # Both networks arrive built, so the GAN is too (needed to save and load it).
        self.built = True

    def _state_variable(self, name, value):
        return distributed_step.state_variable(self, name, value)

    # ------------------------------------------------------------------ setup

    def compile(self, d_optimizer=None, g_optimizer=None, loss=None, **kwargs):
        """Chooses the two optimizers (and optionally the loss).

        Args:
            d_optimizer: the discriminator's optimizer; default Adam(2e-4, beta_1=0.5).
            g_optimizer: the generator's optimizer; default Adam(2e-4, beta_1=0.5).
            loss: overrides the loss given to the constructor.
            **kwargs: passed to `keras.Model.compile` (`steps_per_execution`, `jit_compile`,
                `run_eagerly`).
        """
        # Our optimizers are our own attributes; Keras's single `optimizer` stays unused.
        super().compile(optimizer=None, **kwargs)
        if loss is not None:
            losses.check_loss_name(loss)
            if self.label_smoothing and not losses.supports_label_smoothing(loss):
                raise ValueError(f"label_smoothing does not apply to the {loss!r} loss: set it to 0.")
            self.loss_name = loss
        set_optimizers(
            self,
            d_optimizer or default_gan_optimizer(),
            g_optimizer or default_gan_optimizer(),
            self.discriminator.trainable_variables,
            self.generator.trainable_variables,
        )

    def get_compile_config(self):
        """The two optimizers and the loss, saved in a `.keras` file beside the weights.

        With `compile_from_config`, `keras.models.load_model` gives back a GAN that is
        compiled, with its optimizers' moments restored, ready to train on.
        (`compile`'s Keras arguments, such as `jit_compile`, are not kept.)
        """
        return compile_config(self, loss=self.loss_name)

    def compile_from_config(self, config):
        self.compile(**compile_arguments(config))

    @property
    def metrics(self):
        # Listing the trackers lets Keras reset them at each epoch and show them in progress bars.
        trackers = [
            self.discriminator_loss_tracker,
            self.generator_loss_tracker,
            self.real_sign_tracker,
        ]
        return trackers + self.optional_trackers()

    def optional_trackers(self):
        """Trackers of the options in use: the gradient penalty, the augmentation probability."""
        trackers = []
        if self.loss_name == "wgan-gp":
            trackers.append(self.gradient_penalty_tracker)
        if self.augmentations:
            trackers.append(self.augment_probability_tracker)
        return trackers

    # ------------------------------------------- how a batch feeds the networks
    # Subclasses with labels (the conditional GAN) override these three methods.

    def unpack_batch(self, data):
        """Splits a dataset element into (real images, conditions); unconditional: no conditions."""
        if isinstance(data, (tuple, list)):
            data = data[0]  # a labelled dataset works too; the labels are not used
        return data, None

    def generate(self, latents, conditions, training=False):
        """Generator forward pass."""
        return self.generator(latents, training=training)

    def discriminate(self, images, conditions, training=False):
        """Discriminator forward pass: one logit per image."""
        return self.discriminator(images, training=training)

    def call(self, inputs, training=False):
        """`gan(z)` returns generated images, like `gan.generator(z)`."""
        return self.generator(inputs, training=training)

    @property
    def generator_for_sampling(self):
        """The generator that sample grids and snapshots use: the moving average if kept."""
        return self.ema_generator if self.ema_generator is not None else self.generator

    # ----------------------------------------------------------- random numbers

    def sample_latents(self, batch_size):
        """Standard normal latent vectors, drawn from the model's own seed generator."""
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def instance_noise_stddev(self):
        """Current instance noise level: `instance_noise`, falling linearly to 0."""
        progress = ops.cast(self.generator_optimizer.iterations, "float32") / float(
            self.instance_noise_steps
        )
        return self.instance_noise * ops.maximum(0.0, 1.0 - progress)

    def add_instance_noise(self, images):
        if self.instance_noise == 0.0:
            return images  # decided in Python: no noise ops in the graph at all
        noise = keras.random.normal(ops.shape(images), seed=self.seed_generator)
        return images + ops.cast(self.instance_noise_stddev() * noise, images.dtype)

    # ------------------------------------------------------------- augmentation

    def augment_for_discriminator(self, real_images, fake_images, conditions):
        """Differentiable augmentation of what the discriminator sees (see kerasgan/augment.py).

        Real and fake images get independent random transforms, drawn afresh at every
        step. Returns (real images, fake images, conditions); labels are left as they are.
        """
        real_images = self.augmentation.augment(real_images, self.seed_generator)
        fake_images = self.augmentation.augment(fake_images, self.seed_generator)
        return real_images, fake_images, conditions

    def update_augmentation(self, real_logits):
        """Records p for the stats and, with ADA, moves p toward the target every few steps."""
        self.augmentation.update(
            real_logits, self.generator_optimizer.iterations, self.augment_probability_tracker
        )

    # --------------------------------------------------------- moving average

    def update_generator_average(self):
        """Moves the averaged generator's weights a little toward the generator's, by
        `ema_decay` after a warm-up (see kerasgan/models/generator_average.py)."""
        if self.ema_generator is None:
            return
        decay = generator_average.warm_up_decay(self.ema_decay, self.generator_optimizer.iterations)
        generator_average.move_average(self.ema_generator, self.generator, decay)

    # ------------------------------------------------------------- the algorithm

    def discriminator_loss_value(self, real_logits, fake_logits, real_label=1.0):
        """The loss `loss_name` of the discriminator, from its logits (a subclass may change it)."""
        return losses.discriminator_loss(self.loss_name, real_logits, fake_logits, real_label)

    def generator_loss_value(self, fake_logits):
        """The loss `loss_name` of the generator, from the fakes' logits (a subclass may change it)."""
        return losses.generator_loss(self.loss_name, fake_logits)

    def discriminator_loss(self, real_images, fake_images, conditions):
        """How wrong the discriminator is about one batch of real and one of fake images.

        Both batches are augmented first when `augment` asks for it, so the generator's
        loss, computed from the same fake logits, sees its fakes augmented too.

        Returns (loss, real_logits, fake_logits, gradient_penalty); the penalty is 0 unless
        the loss is "wgan-gp", and is already included in `loss`.
        """
        real_images, fake_images, conditions = self.augment_for_discriminator(
            real_images, fake_images, conditions
        )
        real_logits = self.discriminate(self.add_instance_noise(real_images), conditions, True)
        fake_logits = self.discriminate(self.add_instance_noise(fake_images), conditions, True)
        real_label = 1.0 - self.label_smoothing
        loss = self.discriminator_loss_value(real_logits, fake_logits, real_label)
        penalty = ops.zeros(())
        if self.loss_name == "wgan-gp":
            batch_size = ops.shape(real_images)[0]
            # Uniform in [0, 1]: points on the segments between real and fake images.
            # One weight per example, broadcast over its other axes (images or 2D points).
            weight_shape = (batch_size,) + (1,) * (len(real_images.shape) - 1)
            weights = keras.random.uniform(weight_shape, seed=self.seed_generator)
            penalty = losses.gradient_penalty(
                lambda images: self.discriminate(images, conditions, True),
                real_images,
                ops.stop_gradient(fake_images),
                weights,
            )
            loss = loss + self.gradient_penalty_weight * penalty
        return loss, real_logits, fake_logits, penalty

    def train_step(self, data):
        real_images, conditions = self.unpack_batch(data)
        batch_size = ops.shape(real_images)[0]

        # 1. Extra discriminator updates, when asked for (WGAN-GP trains its critic 5 times
        #    per generator update). Their fakes need no generator gradients.
        for _ in range(self.discriminator_steps - 1):
            fake_images = self.generate(self.sample_latents(batch_size), conditions, True)
            with tf.GradientTape() as discriminator_tape:
                d_loss, _, _, _ = self.discriminator_loss(real_images, fake_images, conditions)
                scaled_d_loss = self._scaled(self.discriminator_optimizer, d_loss)
            self._update(self.discriminator_optimizer, discriminator_tape, scaled_d_loss,
                         self.discriminator)

        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            # 2. Sample latent vectors and generate a batch of fakes: the step's one generator pass.
            latents = self.sample_latents(batch_size)
            fake_images = self.generate(latents, conditions, training=True)

            # 3. The discriminator judges real and fake images; its loss says how often it is wrong.
            d_loss, real_logits, fake_logits, penalty = self.discriminator_loss(
                real_images, fake_images, conditions
            )

            # 4. The generator's loss: how well its fakes fooled that same discriminator.
            g_loss = self.generator_loss_value(fake_logits)

            scaled_d_loss = self._scaled(self.discriminator_optimizer, d_loss)
            scaled_g_loss = self._scaled(self.generator_optimizer, g_loss)

        # 5. Update the discriminator: its gradients reach only its own weights.
        self._update(self.discriminator_optimizer, discriminator_tape, scaled_d_loss,
                     self.discriminator)
        # 6. Update the generator: gradients flow back through the discriminator into the
        #    generator, and only the generator's weights change.
        self._update(self.generator_optimizer, generator_tape, scaled_g_loss, self.generator)

        # 7. Bookkeeping after the updates: the moving average of the generator follows
        #    it, and ADA adjusts the augmentation probability (when those are on).
        self.update_generator_average()
        self.update_augmentation(real_logits)

        # 8. Track the losses for the progress bar and the run's stats.
        self.discriminator_loss_tracker.update_state(d_loss)
        self.generator_loss_tracker.update_state(g_loss)
        self.real_sign_tracker.update_state(ops.mean(ops.sign(ops.cast(real_logits, "float32"))))
        if self.loss_name == "wgan-gp":
            self.gradient_penalty_tracker.update_state(penalty)
        return self.step_logs()

    def step_logs(self):
        """The step's logs (see kerasgan/models/distributed_step.py)."""
        return distributed_step.step_logs(self.metrics)

    def _scaled(self, optimizer, loss):
        """The loss as its gradients should see it (see kerasgan/models/distributed_step.py)."""
        return distributed_step.scaled_loss(optimizer, loss)

    @staticmethod
    def _update(optimizer, tape, loss, network):
        variables = network.trainable_variables
        gradients = tape.gradient(loss, variables)
        optimizer.apply(gradients, variables)

    # ------------------------------------------------------------------ saving

    def get_config(self):
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.saving.serialize_keras_object(self.dtype_policy),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            "loss": self.loss_name,
            "label_smoothing": self.label_smoothing,
            "instance_noise": self.instance_noise,
            "instance_noise_steps": self.instance_noise_steps,
            "discriminator_steps": self.discriminator_steps,
            "gradient_penalty_weight": self.gradient_penalty_weight,
            **self.augmentation.get_config(),
            "ema_decay": self.ema_decay,
            "seed": self.seed,
        }
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = keras.saving.deserialize_keras_object(config["dtype"])
        return cls(**config)
