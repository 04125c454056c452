"""StyleGAN2-ADA: StyleGAN2's networks trained with lazy regularization, style mixing and ADA.

Papers: Karras et al. 2020, "Analyzing and Improving the Image Quality of StyleGAN",
https://arxiv.org/abs/1912.04958; Karras et al. 2020, "Training Generative Adversarial
Networks with Limited Data" (StyleGAN2-ADA), https://arxiv.org/abs/2006.06676.

The networks are in `stylegan2_networks.py` (and their layers in `stylegan2_layers.py`).
This module is the training algorithm, `StyleGAN2.train_step`, as StyleGAN2-ADA runs it:

1. a generator step with the non-saturating logistic loss, its fakes drawn with style
   mixing (two ws per image, switched at a random layer, 90% of the time);
2. every 4th generator step, path length regularization: a fixed-size step in w should
   change the image by a fixed amount, whatever w (a smoother, easier to invert generator);
3. a discriminator step with the logistic loss on new fakes and on real images;
4. every 16th discriminator step, the R1 penalty: the squared gradient norm of D on real
   images, which keeps D from growing steep around the data (Mescheder et al. 2018);
5. the generator average (EMA) with a half-life counted in thousands of images (kimg),
   and ADA's adjustment of the augmentation probability.

Regularizing only every N steps ("lazy regularization", section 3.1 of the StyleGAN2
paper) costs little and works as well, when the penalty is multiplied by N.
StyleGAN2 is its own `keras.Model`, not a `GAN`: it has its own loss, optimizers and
average, and takes from the shared pieces what it uses: augmentation and ADA
(`adaptive_augmentation.py`), the generator average's copy (`generator_average.py`), the
optimizer pair (`optimizer_pair.py`), loss scaling and the step's logs (`distributed_step.py`),
and the lazy regularizers' intervals (`lazy_regularization.py`).
"""

import keras
import numpy as np
import tensorflow as tf
from keras import ops

from kerasgan.models import distributed_step, generator_average
from kerasgan.models.adaptive_augmentation import AdaptiveAugmentation
from kerasgan.models.lazy_regularization import gradients_or_zeros, is_due, lazy_adam
from kerasgan.models.optimizer_pair import compile_arguments, compile_config, set_optimizers
from kerasgan.models.stylegan2_networks import (
    check_resolution,
    stylegan2_discriminator,
    stylegan2_generator,
)


def stylegan2_optimizer(learning_rate=0.0025, regularization_interval=16):
    """Adam(beta_1=0, beta_2=0.99, epsilon=1e-8), adjusted for lazy regularization
    every `regularization_interval` steps (see `lazy_regularization.lazy_adam`)."""
    return lazy_adam(learning_rate, regularization_interval)


def _label_mapping_depth(discriminator, default):
    """The dense layers of a given conditional discriminator's label mapping, else `default`."""
    if discriminator is not None:
        for layer in discriminator.layers:
            if layer.name == "label_mapping":
                return len(layer.dense_layers)
    return default


@keras.saving.register_keras_serializable(package="kerasgan")
class StyleGAN2(keras.Model):
    """StyleGAN2 with the StyleGAN2-ADA training algorithm.

    Args:
        image_size: 32, 64, ..., 1024 (square).
        image_channels: 1 or 3.
        latent_dim, w_dim, mapping_layers: z length, w length, dense layers of the mapping.
        num_classes: 0 (unconditional) or the number of classes; the dataset then yields
            (images, labels). class_names: their names, kept in the generator.
        channel_base, channel_max: feature maps per resolution, min(channel_base / res, channel_max).
        num_fp16_res: under a mixed precision policy, the top resolutions in float16.
        mbstd_group_size: the discriminator's minibatch standard deviation group.
        discriminator_architecture: "resnet" (the paper's) or "orig".
        discriminator_mapping_layers: dense layers of the discriminator's label mapping
            (conditional only); None: `mapping_layers`, or what a given discriminator has.
            NVIDIA's networks keep their own (its `cifar` G maps with 2, its D with 8).
        r1_gamma: weight of the R1 penalty, gamma / 2 * E||grad D(real)||^2 (0: none).
        r1_interval: discriminator steps between two R1 penalties (16).
        style_mixing_probability: chance that a batch is drawn with two ws (0.9).
        path_length_weight: weight of the path length penalty (2; 0 for none).
        path_length_interval: generator steps between two path length penalties (4).
        path_length_decay: decay of the running mean path length (0.01).
        path_length_batch_shrink: the penalty's batch is the batch divided by this (2).
        ema_kimg: half-life of the generator average in thousands of images (10).
        ema_rampup: during the first images the half-life is at most `ema_rampup` times
            the images seen (0.05 in SG2-ADA's `auto`), or None.
        generator, discriminator: ready-made networks instead of the builders'.
        augment, augment_probability, ada, ada_target, ada_interval, ada_kimg: augmentation
            of what the discriminator sees, and ADA (see `AdaptiveAugmentation`).
        seed: seed for the model's random numbers (latent vectors, noise, mixing), or None.

    Example:

    ```python
    gan = StyleGAN2(image_size=32, image_channels=1, latent_dim=128, w_dim=128,
                    mapping_layers=2, channel_base=2048, channel_max=128, augment="flip")
    gan.compile()  # Adam(0.0025, beta_1=0, beta_2=0.99), adjusted for lazy regularization
    gan.fit(dataset_of_images, epochs=1)
    images = gan.ema_generator(keras.random.normal((16, 128)))
    ```
    """

    def __init__(
        self,
        image_size=32,
        image_channels=3,
        latent_dim=512,
        w_dim=512,
        mapping_layers=8,
        num_classes=0,
        class_names=None,
        channel_base=16384,
        channel_max=512,
        num_fp16_res=0,
        mbstd_group_size=4,
        discriminator_architecture="resnet",
        discriminator_mapping_layers=None,
        r1_gamma=10.0,
        r1_interval=16,
        style_mixing_probability=0.9,
        path_length_weight=2.0,
        path_length_interval=4,
        path_length_decay=0.01,
        path_length_batch_shrink=2,
        ema_kimg=10.0,
        ema_rampup=None,
        generator=None,
        discriminator=None,
        augment=(),
        augment_probability=None,
        ada=False,
        ada_target=0.6,
        ada_interval=4,
        ada_kimg=100,
        seed=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        image_size = check_resolution(image_size)
        if r1_gamma < 0 or path_length_weight < 0:
            raise ValueError("r1_gamma and path_length_weight must be 0 or more.")
        if int(r1_interval) < 1 or int(path_length_interval) < 1:
            raise ValueError("r1_interval and path_length_interval must be 1 or more.")
        if not 0.0 <= style_mixing_probability <= 1.0:
            raise ValueError(
                f"style_mixing_probability must be in [0, 1]; got {style_mixing_probability}."
            )
        if ema_kimg < 0 or (ema_rampup is not None and ema_rampup <= 0):
            raise ValueError("ema_kimg must be 0 or more and ema_rampup more than 0 (or None).")
        if generator is None:
            generator = stylegan2_generator(
                image_size, image_channels, latent_dim, w_dim, mapping_layers, num_classes,
                class_names, channel_base, channel_max, num_fp16_res,
                seed=seed,
            )
        if discriminator_mapping_layers is None:
            # Older snapshots and checkpoints recorded none: their D mapped with G's depth.
            discriminator_mapping_layers = _label_mapping_depth(discriminator, mapping_layers)
        if discriminator is None:
            discriminator = stylegan2_discriminator(
                image_size, image_channels, num_classes, channel_base, channel_max,
                mbstd_group_size, discriminator_architecture, discriminator_mapping_layers,
                num_fp16_res,
            )
        self.generator = generator
        self.discriminator = discriminator
        self.latent_dim = int(generator.inputs[0].shape[-1])
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)
        # Augmentation and ADA: the shared piece (kerasgan/models/adaptive_augmentation.py).
        self.augmentation = AdaptiveAugmentation(
            augment, augment_probability, ada, ada_target, ada_interval, ada_kimg,
            add_variable=self._state_variable,
        )  # fmt: skip
        self.augmentations = self.augmentation.augmentations
        if self.augmentations:
            self.augment_probability = self.augmentation.probability

        self.discriminator_loss_tracker = keras.metrics.Mean(name="d_loss")
        self.generator_loss_tracker = keras.metrics.Mean(name="g_loss")
        # ADA's overfitting heuristic E[sign(D(real))] (see `GAN`).
        self.real_sign_tracker = keras.metrics.Mean(name="d_real_sign")
        # Never updated, but its variables sit here in checkpoints written when StyleGAN2
        # was a `GAN`: kept so those resume, their variables in the same order.
        self._unused_gradient_penalty_tracker = keras.metrics.Mean(name="gradient_penalty")
        self.augment_probability_tracker = keras.metrics.Mean(name="augment_p")
        self.discriminator_optimizer = None
        self.generator_optimizer = None
        self.built = True

        self.image_size = image_size
        self.image_channels = int(image_channels)
        self.w_dim = int(w_dim)
        self.mapping_layers = int(mapping_layers)
        self.num_classes = int(num_classes)
        self.class_names = None if class_names is None else [str(n) for n in class_names]
        self.channel_base = int(channel_base)
        self.channel_max = int(channel_max)
        self.num_fp16_res = int(num_fp16_res)
        self.mbstd_group_size = int(mbstd_group_size)
        self.discriminator_architecture = discriminator_architecture
        self.discriminator_mapping_layers = int(discriminator_mapping_layers)
        self.r1_gamma = float(r1_gamma)
        self.r1_interval = int(r1_interval)
        self.style_mixing_probability = float(style_mixing_probability)
        self.path_length_weight = float(path_length_weight)
        self.path_length_interval = int(path_length_interval)
        self.path_length_decay = float(path_length_decay)
        self.path_length_batch_shrink = int(path_length_batch_shrink)
        self.ema_kimg = float(ema_kimg)
        self.ema_rampup = None if ema_rampup is None else float(ema_rampup)

        self.mapping = generator.get_layer("mapping")
        self.synthesis = generator.get_layer("synthesis")
        self.num_ws = int(self.synthesis.num_ws)

        # StyleGAN2 always keeps the generator average (G_ema): the snapshots sample it.
        self.ema_generator = generator_average.average_copy(generator)

        # Running mean of the path lengths, and how many times each lazy regularizer ran.
        self.path_length_mean = self._state_variable("path_length_mean", 0.0)
        self.r1_runs = self._state_variable("r1_runs", 0.0)
        self.path_length_runs = self._state_variable("path_length_runs", 0.0)
        self.r1_tracker = keras.metrics.Mean(name="r1_penalty")
        self.path_length_tracker = keras.metrics.Mean(name="path_length_penalty")

    # ------------------------------------------------------------------ setup

    def compile(self, d_optimizer=None, g_optimizer=None, learning_rate=0.0025, **kwargs):
        """Chooses the optimizers: by default StyleGAN2's Adam (`stylegan2_optimizer`).

        Args:
            d_optimizer, g_optimizer: optimizers to use instead.
            learning_rate: the default optimizers' learning rate (0.0025; 0.002 at 1024 px).
            **kwargs: passed to `keras.Model.compile` (`jit_compile`, `run_eagerly`, ...).
        """
        kwargs.pop("loss", None)  # a .keras file saved when StyleGAN2 was a GAN names one
        super().compile(optimizer=None, **kwargs)
        d_optimizer = d_optimizer or stylegan2_optimizer(learning_rate, self.r1_interval)
        g_interval = self.path_length_interval if self.path_length_weight else 0
        g_optimizer = g_optimizer or stylegan2_optimizer(learning_rate, g_interval)
        set_optimizers(
            self,
            d_optimizer,
            g_optimizer,
            self.discriminator.trainable_variables,
            self.generator.trainable_variables,
        )

    def get_compile_config(self):
        """The two optimizers, saved in a `.keras` file beside the weights."""
        return compile_config(self)

    def compile_from_config(self, config):
        self.compile(**compile_arguments(config))

    def _state_variable(self, name, value):
        return distributed_step.state_variable(self, name, value)

    @property
    def metrics(self):
        # Listing the trackers lets Keras reset them at each epoch and show them in progress bars.
        trackers = [
            self.discriminator_loss_tracker,
            self.generator_loss_tracker,
            self.real_sign_tracker,
        ]
        if self.augmentations:
            trackers.append(self.augment_probability_tracker)
        return trackers + [self.r1_tracker, self.path_length_tracker]

    def call(self, inputs, training=False):
        """`gan(z)` returns generated images, like `gan.generator(z)`."""
        return self.generator(inputs, training=training)

    @property
    def generator_for_sampling(self):
        """The generator that sample grids and snapshots use: the average."""
        return self.ema_generator

    def sample_latents(self, batch_size):
        """Standard normal latent vectors, drawn from the model's own seed generator."""
        return keras.random.normal((batch_size, self.latent_dim), seed=self.seed_generator)

    def _scaled(self, optimizer, loss):
        """The loss as its gradients should see it (see kerasgan/models/distributed_step.py)."""
        return distributed_step.scaled_loss(optimizer, loss)

    # ------------------------------------------- how a batch feeds the networks

    def unpack_batch(self, data):
        """(real images, labels); no labels when unconditional (a labelled dataset works too)."""
        if not self.num_classes:
            return (data[0] if isinstance(data, (tuple, list)) else data), None
        images, labels = data
        return images, ops.cast(ops.reshape(labels, (-1,)), "int32")

    def discriminate(self, images, conditions, training=False):
        if self.num_classes:
            return self.discriminator([images, conditions], training=training)
        return self.discriminator(images, training=training)

    def generate(self, latents, conditions, training=False):
        if self.num_classes:
            return self.generator([latents, conditions], training=training)
        return self.generator(latents, training=training)

    def augment(self, images):
        """ADA's augmentation of an image batch the discriminator sees (none if not asked for)."""
        return self.augmentation.augment(images, self.seed_generator)

    def map_latents(self, latents, labels):
        """ws (batch, num_ws, w_dim) for training: z through the mapping network."""
        inputs = [latents, labels] if self.num_classes else latents
        return self.mapping(inputs, training=True)

    def draw_style_mixing(self, batch_size):
        """The random draws of style mixing: (other latents, the cutoff layer).

        With probability `style_mixing_probability` the cutoff is a layer in [1, num_ws),
        otherwise num_ws: no layer takes the other latents' ws.
        """
        other_latents = self.sample_latents(batch_size)
        cutoff = keras.random.randint((), 1, self.num_ws, seed=self.seed_generator)
        mix = keras.random.uniform((), seed=self.seed_generator) < self.style_mixing_probability
        return other_latents, ops.where(mix, cutoff, self.num_ws)

    def mix_styles(self, ws, labels, mixing=None):
        """Style mixing: with probability p, the ws from a random layer on come from another z.

        The synthesis network then cannot assume that neighbouring layers share a style,
        which keeps the styles of different layers (coarse shape, fine texture) separate.
        `mixing` is (other latents, cutoff) as `draw_style_mixing` returns; None draws them.
        """
        if mixing is None:
            if not self.style_mixing_probability:
                return ws
            mixing = self.draw_style_mixing(ops.shape(ws)[0])
        other_latents, cutoff = mixing
        other_ws = self.map_latents(other_latents, labels)
        take_other = ops.arange(self.num_ws)[None, :, None] >= cutoff
        return ops.where(take_other, other_ws, ws)

    def synthesize(self, ws, noise_mode=None):
        """Images from ws while training: fresh per-pixel noise (noise_mode None), or the
        synthesis network's noise mode ("const": its stored noise images, which lets a test
        feed the same noise as another implementation)."""
        if noise_mode is None:
            return self.synthesis(ws, training=True)
        return self.synthesis(ws, noise_mode=noise_mode)

    def fake_images(self, latents, labels, mixing=None, noise_mode=None):
        """(G(z) with style mixing, the ws of z before mixing), as the losses draw fakes."""
        ws = self.map_latents(latents, labels)
        return self.synthesize(self.mix_styles(ws, labels, mixing), noise_mode), ws

    # ------------------------------------------------------------------ the losses
    #
    # Each loss is one method that takes every random draw it uses (latents, style mixing,
    # the path length noise) or draws it; `train_step` calls them under its tapes.

    def generator_loss(self, fake_images, labels):
        """The non-saturating logistic loss E softplus(-D(augment(G(z))))."""
        fake_logits = self.discriminate(self.augment(fake_images), labels, training=True)
        return ops.mean(ops.softplus(-ops.cast(fake_logits, "float32")))

    def discriminator_loss(self, fake_images, real_images, labels):
        """(E softplus(D(fake)) + E softplus(-D(real)), the real images' logits), augmented."""
        fake_logits = self.discriminate(self.augment(fake_images), labels, training=True)
        real_logits = self.discriminate(self.augment(real_images), labels, training=True)
        loss = ops.mean(ops.softplus(ops.cast(fake_logits, "float32"))) + ops.mean(
            ops.softplus(-ops.cast(real_logits, "float32"))
        )
        return loss, real_logits

    def r1_penalty(self, real_images, labels):
        """E ||grad_x D(augment(x))||^2 over real images x (Mescheder et al. 2018), in float32."""
        real_images = ops.cast(real_images, "float32")
        with tf.GradientTape() as tape:
            tape.watch(real_images)
            real_logits = self.discriminate(self.augment(real_images), labels, training=True)
            total = ops.sum(ops.cast(real_logits, "float32"))
        gradients = tape.gradient(total, real_images)
        return ops.mean(ops.sum(ops.square(gradients), axis=(1, 2, 3)))

    def r1_loss(self, real_images, labels):
        """(gamma / 2 * R1 penalty * r1_interval, the penalty): lazy R1 as a step applies it."""
        penalty = self.r1_penalty(real_images, labels)
        return penalty * (self.r1_gamma / 2) * self.r1_interval, penalty

    def path_lengths(self, latents, labels, mixing=None, noise=None, noise_mode=None):
        """|J_w^T y| per image for random images y (Karras et al. 2020, section 3.2).

        y is Gaussian noise scaled by 1/sqrt(pixels), so the length does not grow with the
        image size; J_w^T y is the gradient of sum(images * y) with respect to the ws (after
        style mixing). `noise`: the unscaled Gaussian images (drawn when None).
        """
        with tf.GradientTape() as tape:
            ws = self.mix_styles(self.map_latents(latents, labels), labels, mixing)
            tape.watch(ws)
            images = ops.cast(self.synthesize(ws, noise_mode), "float32")
            if noise is None:
                noise = keras.random.normal(ops.shape(images), seed=self.seed_generator)
            pixels = float(self.image_size * self.image_size)
            total = ops.sum(images * ops.cast(noise, "float32") / np.sqrt(pixels))
        gradients = tape.gradient(total, ws)
        return ops.sqrt(ops.mean(ops.sum(ops.square(gradients), axis=2), axis=1))

    def path_length_loss(self, latents, labels, mixing=None, noise=None, noise_mode=None):
        """(loss, penalty, new running mean) of lazy path length regularization.

        penalty = E (|J_w^T y| - a)^2 with a the running mean moved toward this batch's
        mean length; loss = penalty * path_length_weight * path_length_interval. As in
        NVIDIA's code, the gradient also flows through a (through this batch's mean);
        `path_length_mean` is not assigned here (the step does it).
        """
        lengths = self.path_lengths(latents, labels, mixing, noise, noise_mode)
        mean = self.path_length_mean + self.path_length_decay * (
            ops.mean(lengths) - self.path_length_mean
        )
        penalty = ops.mean(ops.square(lengths - mean))
        loss = penalty * self.path_length_weight * self.path_length_interval
        return loss, penalty, mean

    # ------------------------------------------------------------- the algorithm

    def train_step(self, data):
        real_images, labels = self.unpack_batch(data)
        real_images = ops.cast(real_images, "float32")
        batch_size = ops.shape(real_images)[0]
        replicas = tf.distribute.get_strategy().num_replicas_in_sync
        global_batch = ops.cast(batch_size, "float32") * float(replicas)
        g_variables = self.generator.trainable_variables
        d_variables = self.discriminator.trainable_variables

        # 1. Generator step: fakes from new latents (with style mixing) through the augmentation
        #    into the discriminator; the non-saturating logistic loss softplus(-D(G(z))).
        latents = self.sample_latents(batch_size)
        with tf.GradientTape() as tape:
            fake_images, ws = self.fake_images(latents, labels)
            g_loss = self.generator_loss(fake_images, labels)
            scaled_loss = self._scaled(self.generator_optimizer, g_loss)
        g_gradients = tape.gradient(scaled_loss, g_variables)

        # 2. Lazy path length regularization, every `path_length_interval` generator steps, on
        #    a smaller batch: (|J_w^T y| - running mean)^2, times the weight and the interval.
        #    tf.cond runs the costly second-order gradients only on those steps.
        path_length_penalty = ops.zeros(())
        run_path_length = is_due(self.generator_optimizer.iterations, self.path_length_interval)
        if self.path_length_weight:
            shrunk = ops.maximum(batch_size // self.path_length_batch_shrink, 1)
            path_latents = self.sample_latents(shrunk)
            path_labels = labels[:shrunk] if self.num_classes else None

            def path_length_step():
                with tf.GradientTape() as tape:
                    loss, penalty, mean = self.path_length_loss(path_latents, path_labels)
                    scaled = self._scaled(self.generator_optimizer, loss)
                return gradients_or_zeros(tape, scaled, g_variables), penalty, mean

            def no_path_length_step():
                return [ops.zeros_like(v) for v in g_variables], ops.zeros(()), ops.convert_to_tensor(
                    self.path_length_mean
                )

            path_gradients, path_length_penalty, new_mean = tf.cond(
                run_path_length, path_length_step, no_path_length_step
            )
            g_gradients = [g + p for g, p in zip(g_gradients, path_gradients)]
            self.path_length_mean.assign(new_mean)
            self.path_length_runs.assign_add(ops.cast(run_path_length, "float32"))
        self.generator_optimizer.apply(g_gradients, g_variables)
        # The tracked average of w, for truncation, follows the ws of this step.
        self.mapping.update_w_avg(ws)

        # 3. Discriminator step: new fakes (no gradients into the generator) and real images,
        #    both augmented; the logistic loss softplus(D(fake)) + softplus(-D(real)).
        fake_images = ops.stop_gradient(self.fake_images(self.sample_latents(batch_size), labels)[0])
        with tf.GradientTape() as tape:
            d_loss, real_logits = self.discriminator_loss(fake_images, real_images, labels)
            scaled_loss = self._scaled(self.discriminator_optimizer, d_loss)
        d_gradients = tape.gradient(scaled_loss, d_variables)

        # 4. Lazy R1 regularization, every `r1_interval` discriminator steps:
        #    gamma / 2 * E||grad D(real)||^2, times the interval.
        r1_penalty = ops.zeros(())
        run_r1 = is_due(self.discriminator_optimizer.iterations, self.r1_interval)
        if self.r1_gamma:

            def r1_step():
                with tf.GradientTape() as tape:
                    loss, penalty = self.r1_loss(real_images, labels)
                    scaled = self._scaled(self.discriminator_optimizer, loss)
                return gradients_or_zeros(tape, scaled, d_variables), penalty

            def no_r1_step():
                return [ops.zeros_like(v) for v in d_variables], ops.zeros(())

            r1_gradients, r1_penalty = tf.cond(run_r1, r1_step, no_r1_step)
            d_gradients = [d + r for d, r in zip(d_gradients, r1_gradients)]
            self.r1_runs.assign_add(ops.cast(run_r1, "float32"))
        self.discriminator_optimizer.apply(d_gradients, d_variables)

        # 5. The generator average follows the generator, with a half-life of `ema_kimg`
        #    thousand images; ADA moves the augmentation probability toward its target.
        self.update_generator_average(global_batch)
        self.augmentation.update(
            real_logits, self.generator_optimizer.iterations, self.augment_probability_tracker
        )

        # 6. Track the losses and the penalties (each only on the steps it ran).
        self.discriminator_loss_tracker.update_state(d_loss)
        self.generator_loss_tracker.update_state(g_loss)
        self.real_sign_tracker.update_state(ops.mean(ops.sign(ops.cast(real_logits, "float32"))))
        if self.r1_gamma:
            self.r1_tracker.update_state(r1_penalty, sample_weight=ops.cast(run_r1, "float32"))
        if self.path_length_weight:
            self.path_length_tracker.update_state(
                path_length_penalty, sample_weight=ops.cast(run_path_length, "float32")
            )
        return distributed_step.step_logs(self.metrics)

    def update_generator_average(self, global_batch):
        """G_ema = G + beta * (G_ema - G), beta = 0.5 ** (batch / (ema_kimg * 1000)).

        StyleGAN2-ADA counts the half-life in images, so the average means the same thing
        at every batch size (`generator_average.half_life_decay`, with `ema_rampup`).
        Non-trainable weights (w_avg, the constant noise) are copied.
        """
        beta = generator_average.half_life_decay(
            self.ema_kimg, self.ema_rampup, self.generator_optimizer.iterations, global_batch
        )
        generator_average.move_average(self.ema_generator, self.generator, beta)

    # ------------------------------------------------------------------ saving

    def get_config(self):
        config = {
            "name": self.name,
            "trainable": self.trainable,
            "dtype": keras.saving.serialize_keras_object(self.dtype_policy),
            "generator": keras.saving.serialize_keras_object(self.generator),
            "discriminator": keras.saving.serialize_keras_object(self.discriminator),
            **self.augmentation.get_config(),
            "seed": self.seed,
        }
        config.update(
            image_size=self.image_size,
            image_channels=self.image_channels,
            latent_dim=self.latent_dim,
            w_dim=self.w_dim,
            mapping_layers=self.mapping_layers,
            num_classes=self.num_classes,
            class_names=self.class_names,
            channel_base=self.channel_base,
            channel_max=self.channel_max,
            num_fp16_res=self.num_fp16_res,
            mbstd_group_size=self.mbstd_group_size,
            discriminator_architecture=self.discriminator_architecture,
            discriminator_mapping_layers=self.discriminator_mapping_layers,
            r1_gamma=self.r1_gamma,
            r1_interval=self.r1_interval,
            style_mixing_probability=self.style_mixing_probability,
            path_length_weight=self.path_length_weight,
            path_length_interval=self.path_length_interval,
            path_length_decay=self.path_length_decay,
            path_length_batch_shrink=self.path_length_batch_shrink,
            ema_kimg=self.ema_kimg,
            ema_rampup=self.ema_rampup,
        )
        return config

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("generator", "discriminator", "dtype"):
            if isinstance(config.get(key), dict):
                config[key] = keras.saving.deserialize_keras_object(config[key])
        # Written when StyleGAN2 was a GAN, which recorded its one loss and no average.
        if config.pop("loss", "bce") != "bce" or config.pop("ema_decay", 0.0):
            raise ValueError("A StyleGAN2 trains with the 'bce' loss and its own average only.")
        return cls(**config)
