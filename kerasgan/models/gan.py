"""The GAN training algorithm, shared by every kerasgan GAN (DCGAN, conditional GAN, pix2pix).

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
"""

import keras
import tensorflow as tf
from keras import ops

from kerasgan import augment as augmentation
from kerasgan import losses


def default_gan_optimizer():
    """Adam with the settings the DCGAN paper recommends (lr 2e-4, beta_1 0.5).

    Radford et al. 2015, https://arxiv.org/abs/1511.06434, section 4: the default
    beta_1 of 0.9 made training oscillate and unstable.
    """
    return keras.optimizers.Adam(learning_rate=2e-4, beta_1=0.5)


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
        augmentations = augmentation.parse_augmentations(augment)
        if ada and not augmentations:
            raise ValueError(
                "ada adapts the probability of augmentations, but none were chosen: pass "
                "augment='flip,translation,color,cutout' (or some of them)."
            )
        if augment_probability is None:
            augment_probability = 0.0 if ada else 1.0
        if not 0.0 <= float(augment_probability) <= 1.0:
            raise ValueError(f"augment_probability must be in [0, 1]; got {augment_probability}.")
        if int(ada_interval) < 1 or float(ada_kimg) <= 0:
            raise ValueError("ada_interval must be 1 or more and ada_kimg more than 0.")
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

        self.augmentations = augmentations
        self.initial_augment_probability = float(augment_probability)
        self.ada = bool(ada)
        self.ada_target = float(ada_target)
        self.ada_interval = int(ada_interval)
        self.ada_kimg = float(ada_kimg)
        if self.augmentations:
            # A model variable, not a Python float: the compiled step reads its current
            # value, ADA changes it there, and the checkpoint saves it with the weights.
            self.augment_probability = self._state_variable("augment_probability", augment_probability)
        if self.ada:
            # sum and count of E[sign(D(real))] since the last adjustment of p
            self.ada_real_sign_sum = self._state_variable("ada_real_sign_sum", 0.0)
            self.ada_real_sign_count = self._state_variable("ada_real_sign_count", 0.0)

        # The moving average of the generator: a copy whose weights trail the trained ones.
        self.ema_decay = float(ema_decay)
        self.ema_generator = None
        if self.ema_decay:
            self.ema_generator = keras.models.clone_model(generator)
            self.ema_generator.set_weights(generator.get_weights())
            self.ema_generator.trainable = False  # changed by averaging, never by an optimizer

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
        # "mean": under tf.distribute each replica proposes the same update, and the
        # variable takes their average.
        return self.add_weight(
            shape=(),
            initializer=keras.initializers.Constant(float(value)),
            trainable=False,
            aggregation="mean",
            name=name,
        )

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
        d_optimizer = d_optimizer or default_gan_optimizer()
        g_optimizer = g_optimizer or default_gan_optimizer()
        if d_optimizer is g_optimizer:
            raise ValueError(
                "The discriminator and the generator need two separate optimizers: each keeps "
                "its own moment estimates. Pass two optimizer objects."
            )
        if self.dtype_policy.name == "mixed_float16":
            # float16 gradients underflow to zero unless the loss is scaled up first.
            d_optimizer = _with_loss_scaling(d_optimizer)
            g_optimizer = _with_loss_scaling(g_optimizer)
        self.discriminator_optimizer = d_optimizer
        self.generator_optimizer = g_optimizer
        # The optimizers' slots are created now, so a checkpoint can be restored before fit.
        self.discriminator_optimizer.build(self.discriminator.trainable_variables)
        self.generator_optimizer.build(self.generator.trainable_variables)

    def get_compile_config(self):
        """The two optimizers and the loss, saved in a `.keras` file beside the weights.

        With `compile_from_config`, `keras.models.load_model` gives back a GAN that is
        compiled, with its optimizers' moments restored, ready to train on.
        (`compile`'s Keras arguments, such as `jit_compile`, are not kept.)
        """
        if not self.compiled:
            return None
        return {
            "d_optimizer": keras.optimizers.serialize(self.discriminator_optimizer),
            "g_optimizer": keras.optimizers.serialize(self.generator_optimizer),
            "loss": self.loss_name,
        }

    def compile_from_config(self, config):
        self.compile(
            d_optimizer=keras.optimizers.deserialize(config["d_optimizer"]),
            g_optimizer=keras.optimizers.deserialize(config["g_optimizer"]),
            loss=config["loss"],
        )

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
        if not self.augmentations:
            return real_images, fake_images, conditions  # decided in Python: no ops at all
        probability = self.augment_probability
        real_images = augmentation.augment_images(
            real_images, self.augmentations, probability, self.seed_generator
        )
        fake_images = augmentation.augment_images(
            fake_images, self.augmentations, probability, self.seed_generator
        )
        return real_images, fake_images, conditions

    def update_augmentation(self, real_logits):
        """Records p for the stats and, with ADA, moves p toward the target every few steps."""
        if not self.augmentations:
            return
        self.augment_probability_tracker.update_state(self.augment_probability)
        if not self.ada:
            return
        self.ada_real_sign_sum.assign_add(ops.mean(ops.sign(ops.cast(real_logits, "float32"))))
        self.ada_real_sign_count.assign_add(1.0)
        # Arithmetic instead of an `if`: the same graph runs at every step, and only every
        # `ada_interval`-th step changes p and starts a new sum.
        adjust_now = ops.cast(
            ops.equal(self.generator_optimizer.iterations % self.ada_interval, 0), "float32"
        )
        real_sign_rate = self.ada_real_sign_sum / ops.maximum(self.ada_real_sign_count, 1.0)
        global_batch = ops.cast(ops.shape(real_logits)[0], "float32") * float(
            tf.distribute.get_strategy().num_replicas_in_sync
        )
        step_size = global_batch * self.ada_interval / (self.ada_kimg * 1000.0)
        new_probability = augmentation.adjusted_probability(
            self.augment_probability, real_sign_rate, self.ada_target, step_size
        )
        self.augment_probability.assign(
            self.augment_probability + adjust_now * (new_probability - self.augment_probability)
        )
        self.ada_real_sign_sum.assign(self.ada_real_sign_sum * (1.0 - adjust_now))
        self.ada_real_sign_count.assign(self.ada_real_sign_count * (1.0 - adjust_now))

    # --------------------------------------------------------- moving average

    def update_generator_average(self):
        """Moves the averaged generator's weights a little toward the generator's.

        Each step's update pushes the generator's weights around the place the game is
        heading, with noise from the minibatch and from the discriminator's own moves.
        An exponential moving average of the weights cancels much of that back-and-forth,
        so its samples change smoothly between grids and are usually better (Yazici et
        al. 2019, https://arxiv.org/abs/1806.04498; StyleGAN's G_ema).
        """
        if self.ema_generator is None:
            return
        step = ops.cast(self.generator_optimizer.iterations, "float32")
        # Warm-up, as tf.train.ExponentialMovingAverage's num_updates: at first the average
        # would be mostly the random starting weights, so it follows quickly, then slows down.
        decay = ops.minimum(self.ema_decay, (1.0 + step) / (10.0 + step))
        for average, current in zip(self.ema_generator.weights, self.generator.weights):
            if current.trainable:
                current = ops.cast(current, average.dtype)
                average.assign(current + ops.cast(decay, average.dtype) * (average - current))
            else:
                # Batch-norm statistics are averages already: copied (as StyleGAN copies buffers).
                average.assign(current)

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
        """The step's logs: each tracker's value, a plain number for the progress bar.

        Across several machines (a multi-worker `tf.distribute` strategy) Keras averages
        them with `strategy.reduce("MEAN", value, axis=0)`, which needs an axis to average
        over (keras-team/keras#20585): there each becomes shape (1,), and the average is
        again a plain number.
        """
        logs = {metric.name: metric.result() for metric in self.metrics}
        if _under_multi_worker_strategy():
            logs = {name: ops.reshape(value, (1,)) for name, value in logs.items()}
        return logs

    def _scaled(self, optimizer, loss):
        """The loss as its gradients should see it.

        Under `tf.distribute`, each replica's gradients are summed: dividing by the
        number of replicas turns the sum of per-replica means into the global mean.
        Under mixed precision the optimizer scales the loss up so float16 gradients do
        not underflow, and scales the gradients back down in `apply`.
        """
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        return optimizer.scale_loss(loss / replicas)

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
            "augment": list(self.augmentations),
            "augment_probability": self.initial_augment_probability,
            "ada": self.ada,
            "ada_target": self.ada_target,
            "ada_interval": self.ada_interval,
            "ada_kimg": self.ada_kimg,
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


def _with_loss_scaling(optimizer):
    if isinstance(optimizer, keras.optimizers.LossScaleOptimizer):
        return optimizer
    return keras.optimizers.LossScaleOptimizer(optimizer)


def _under_multi_worker_strategy():
    """Whether this step runs under a multi-worker strategy: Keras's own test for averaging
    the step's logs with `strategy.reduce(..., axis=0)`."""
    if not tf.distribute.has_strategy():
        return False
    strategy = tf.distribute.get_strategy()
    return isinstance(strategy, tf.distribute.MultiWorkerMirroredStrategy) and bool(
        strategy.extended._in_multi_worker_mode()
    )
