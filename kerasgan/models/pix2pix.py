"""pix2pix: image-to-image translation with a conditional GAN (Isola et al. 2017).

Paper: https://arxiv.org/abs/1611.07004

pix2pix learns to turn one kind of picture into another (edges into photos, maps into
aerial views, a grey webcam frame into the world of a video) from pairs of examples.
Two networks, both conditioned on the input picture:

- the **generator** is a U-Net: an encoder halves the picture down to 1 x 1, a decoder
  doubles it back, and skip connections hand every encoder level's features straight to
  the decoder level of the same size, so fine detail does not have to squeeze through
  the bottleneck (section 3.2.1 of the paper);
- the **discriminator** is a PatchGAN: it looks at the input and an output (or the
  target) together and says, for every 70 x 70 patch, whether the pair looks real. It
  judges texture and sharpness; the L1 loss takes care of the overall layout (3.2.2).

The generator's loss is the GAN loss plus `l1_weight` (100 in the paper) times the mean
absolute difference to the target. The training step reuses the shared GAN algorithm's
pieces (`kerasgan/models/gan.py`): `Pix2Pix` only says how a batch feeds the two networks
and adds the L1 term.

There is no latent vector z: the paper found the generator learns to ignore one, and its
dropout is the only noise. A saved generator is a plain Keras model from images to
images; its first layer, `InputModeTag`, records how its inputs were made (edges,
grayscale, ...), so `kerasgan live` needs nothing but the .keras file.
"""

import math

import keras
import tensorflow as tf
from keras import ops

from kerasgan import augment, losses
from kerasgan.models.gan import GAN
from kerasgan.models.layers import InputModeTag, generator_input_mode  # noqa: F401  (public here too)

SUPPORTED_SIZES = (64, 128, 256, 512)
MAX_FILTERS = 512


def check_image_size(image_size):
    """Returns `image_size` as an int if the U-Net supports it, else raises a ValueError."""
    if int(image_size) not in SUPPORTED_SIZES:
        raise ValueError(
            f"pix2pix supports square images of 64, 128, 256 or 512 pixels; got {image_size}. "
            "Choose --image-size 64, 128, 256 or 512."
        )
    return int(image_size)


def _filters(base_filters, level):
    return min(MAX_FILTERS, base_filters * 2**level)


def _batch_norm():
    # Momentum 0.9 (PyTorch's default, which the authors' code uses) rather than Keras's 0.99:
    # the running statistics that inference uses then catch up within tens of steps, not
    # hundreds, and a short run's outputs look at test time as they did in training.
    return keras.layers.BatchNormalization(momentum=0.9)


def _initializer():
    # The paper (and DCGAN before it) starts every weight from N(0, 0.02).
    return keras.initializers.RandomNormal(mean=0.0, stddev=0.02)


def unet_generator(
    image_size=256,
    input_channels=3,
    output_channels=3,
    base_filters=64,
    dropout=0.5,
    input_mode=None,
    name="generator",
):
    """The pix2pix U-Net generator: an encoder down to 1 x 1, a decoder back, skip connections.

    For 256 pixels this is the paper's network: encoder C64-C128-C256-C512-C512-C512-C512-C512,
    decoder CD512-CD512-CD512-C512-C256-C128-C64 (D: dropout), each decoder block joined
    to the encoder block of the same size. Other sizes have one level per halving.

    Args:
        image_size: 64, 128, 256 or 512.
        input_channels: channels of the input images (1 for edges or grayscale).
        output_channels: channels of the output images.
        base_filters: filters of the first encoder block; each next level has twice as
            many, up to 512.
        dropout: dropout rate in the three innermost decoder blocks (0.5 in the paper); it
            is the generator's only source of noise.
        input_mode: optional `InputMode.to_config()` dict to record in the saved model
            (see `InputModeTag`).
        name: the model's name.

    Returns:
        A functional `keras.Model` from (size, size, input_channels) images in [-1, 1] to
        (size, size, output_channels) images in [-1, 1] (tanh).

    Example:

    ```python
    generator = unet_generator(64, input_channels=1, output_channels=3)
    photos = generator(keras.random.uniform((2, 64, 64, 1), -1, 1))  # (2, 64, 64, 3)
    ```
    """
    size = check_image_size(image_size)
    levels = int(math.log2(size))  # halvings from `size` down to 1 x 1

    inputs = keras.Input(shape=(size, size, input_channels), name="input_image")
    x = inputs
    if input_mode is not None:
        x = InputModeTag(input_mode, name="input_mode", dtype="float32")(x)

    # Encoder: 4x4 convolutions with stride 2, each halving the size.
    skips = []
    for level in range(levels):
        innermost = level == levels - 1
        # No batch norm on the first block (as in DCGAN) nor on the 1 x 1 bottleneck, where
        # a batch of one image would normalise every value to zero (the authors' own code
        # leaves it out there too).
        batch_norm = 0 < level and not innermost
        x = keras.layers.Conv2D(
            _filters(base_filters, level), 4, strides=2, padding="same",
            use_bias=not batch_norm, kernel_initializer=_initializer(),
        )(x)  # fmt: skip
        if batch_norm:
            x = _batch_norm()(x)
        x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
        skips.append(x)

    # Decoder: transposed convolutions doubling the size, each followed by the skip
    # connection from the encoder block of the same size.
    for level, skip in zip(reversed(range(levels - 1)), reversed(skips[:-1])):
        x = keras.layers.Conv2DTranspose(
            _filters(base_filters, level), 4, strides=2, padding="same", use_bias=False,
            kernel_initializer=_initializer(),
        )(x)  # fmt: skip
        x = _batch_norm()(x)
        if dropout and level >= levels - 4:  # the three innermost decoder blocks
            x = keras.layers.Dropout(dropout)(x)
        x = keras.layers.ReLU()(x)
        x = keras.layers.Concatenate()([x, skip])

    x = keras.layers.Conv2DTranspose(
        output_channels, 4, strides=2, padding="same", kernel_initializer=_initializer()
    )(x)
    # float32 output even under mixed precision: images and the L1 loss stay exact.
    outputs = keras.layers.Activation("tanh", dtype="float32", name="output_image")(x)
    return keras.Model(inputs, outputs, name=name)


def patchgan_discriminator(
    image_size=256,
    input_channels=3,
    target_channels=3,
    base_filters=64,
    spectral_norm=False,
    normalization="batch",
    name="discriminator",
):
    """The 70 x 70 PatchGAN: one real/fake logit per overlapping patch of an (input, image) pair.

    C64-C128-C256 with stride 2, C512 with stride 1, then a 1-channel convolution: each
    output logit sees a 70 x 70 patch of the pair (for 256 pixels, a 30 x 30 grid of them).
    Judging patches instead of whole pictures needs fewer weights, works on any size, and
    asks for sharp texture everywhere.

    Args:
        image_size: side of the square images (64, 128, 256 or 512; CycleGAN: 28 or more).
        input_channels: channels of the generator's input picture; 0 for an unconditional
            PatchGAN that judges the image alone (CycleGAN's, taking one image).
        target_channels: channels of the target (and generated) picture.
        base_filters: filters of the first block; each next block has twice as many.
        spectral_norm: wrap every convolution in `keras.layers.SpectralNormalization`.
        normalization: "batch" (pix2pix) or "instance" (CycleGAN: each image on its own).
        name: the model's name.

    Returns:
        A functional `keras.Model` taking `[input, target]` (or the image alone when
        `input_channels` is 0) and returning raw logits of
        shape (patches, patches, 1) (no sigmoid: the losses take logits).

    Example:

    ```python
    discriminator = patchgan_discriminator(256)
    logits = discriminator([edges_batch, photos_batch])  # (batch, 30, 30, 1)
    ```
    """
    size = check_image_size(image_size) if input_channels else int(image_size)

    def normalize():
        if normalization == "instance":
            return keras.layers.GroupNormalization(groups=-1, epsilon=1e-5)
        return _batch_norm()

    def convolution(filters, strides, padding="same", **options):
        layer = keras.layers.Conv2D(
            filters, 4, strides=strides, padding=padding, kernel_initializer=_initializer(),
            **options,
        )  # fmt: skip
        return keras.layers.SpectralNormalization(layer) if spectral_norm else layer

    target_image = keras.Input(shape=(size, size, target_channels), name="target_image")
    inputs, x = target_image, target_image
    if input_channels:
        input_image = keras.Input(shape=(size, size, input_channels), name="input_image")
        # The discriminator sees the input too: it judges whether the output fits *this* input.
        inputs = [input_image, target_image]
        x = keras.layers.Concatenate()(inputs)
    for level in range(3):
        x = convolution(_filters(base_filters, level), strides=2, use_bias=level == 0)(x)
        if level > 0:
            x = normalize()(x)
        x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.ZeroPadding2D()(x)
    x = convolution(_filters(base_filters, 3), strides=1, padding="valid", use_bias=False)(x)
    x = normalize()(x)
    x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
    x = keras.layers.ZeroPadding2D()(x)
    logits = convolution(1, strides=1, padding="valid", dtype="float32", name="patch_logits")(x)
    return keras.Model(inputs, logits, name=name)


@keras.saving.register_keras_serializable(package="kerasgan")
class Pix2Pix(GAN):
    """pix2pix: a U-Net generator and a PatchGAN discriminator, both shown the input picture.

    Trains on batches of `(inputs, targets)`. Generator loss = GAN loss + `l1_weight` * L1.

    Args:
        image_size: 64, 128, 256 or 512.
        input_channels: channels of the inputs (1 for edges, grayscale, downscale; 4 for
            inpaint: the holed picture and its hole mask).
        output_channels: channels of the targets and outputs.
        l1_weight: weight of the L1 distance to the target (100 in the paper). With 0 the
            outputs are sharp but need not match the input; without the GAN loss (a very
            large weight) they are right on average but blurry.
        generator_filters, discriminator_filters: `base_filters` of the two builders.
        dropout: the generator's dropout rate.
        spectral_norm: spectral normalization in the discriminator.
        input_mode: an `InputMode.to_config()` dict recorded in the generator, or None
            when the data holds the inputs.
        generator, discriminator: ready-made networks to use instead of the builders'.
        **gan_options: loss ("bce" as in the paper, "hinge", "lsgan", "wgan-gp"),
            label_smoothing, instance_noise, instance_noise_steps, gradient_penalty_weight,
            augment, augment_probability, ada, ema_decay, seed (see `GAN`). With augment,
            an input and the images paired with it get the same flip, shift and cutout.

    Example:

    ```python
    data = kerasgan.data.paired.load_paired_data("datasets/bikes", 64, input_mode="edges")
    model = Pix2Pix(image_size=64, input_channels=1, input_mode=data.input_mode.to_config())
    model.compile()  # Adam(2e-4, beta_1=0.5) for both networks, as in the paper
    model.fit(data.dataset, epochs=20)
    model.generator.save("edges2bikes.keras")
    ```
    """

    def __init__(
        self,
        image_size=256,
        input_channels=3,
        output_channels=3,
        l1_weight=100.0,
        generator_filters=64,
        discriminator_filters=64,
        dropout=0.5,
        spectral_norm=False,
        input_mode=None,
        generator=None,
        discriminator=None,
        **gan_options,
    ):
        image_size = check_image_size(image_size)
        if float(l1_weight) < 0:
            raise ValueError(f"l1_weight must be 0 or more (100 in the paper); got {l1_weight}.")
        if int(gan_options.get("discriminator_steps", 1)) != 1:
            raise ValueError(
                "pix2pix updates its discriminator once per generator update, as in the paper: "
                "leave discriminator_steps at 1."
            )
        if generator is None:
            generator = unet_generator(
                image_size, input_channels, output_channels, generator_filters, dropout,
                input_mode,
            )  # fmt: skip
        if discriminator is None:
            discriminator = patchgan_discriminator(
                image_size, input_channels, output_channels, discriminator_filters, spectral_norm
            )
        super().__init__(generator, discriminator, **gan_options)
        self.latent_dim = None  # the GAN base class reads one from the generator; pix2pix has none
        self.image_size = image_size
        self.input_channels = int(input_channels)
        self.output_channels = int(output_channels)
        self.l1_weight = float(l1_weight)
        self.generator_filters = generator_filters
        self.discriminator_filters = discriminator_filters
        self.dropout = dropout
        self.spectral_norm = spectral_norm
        self.input_mode = dict(input_mode) if input_mode else None

        # d_loss and g_loss (the total) come from GAN; the two parts of g_loss are ours.
        self.gan_loss_tracker = keras.metrics.Mean(name="g_gan_loss")
        self.l1_loss_tracker = keras.metrics.Mean(name="g_l1_loss")

    @property
    def metrics(self):
        trackers = [
            self.discriminator_loss_tracker,
            self.generator_loss_tracker,
            self.gan_loss_tracker,
            self.l1_loss_tracker,
            self.real_sign_tracker,
        ]
        return trackers + self.optional_trackers()

    # ------------------------------------------- how a batch feeds the networks

    def unpack_batch(self, data):
        """(inputs, targets) -> (targets as the "real images", inputs as their condition)."""
        inputs, targets = data
        return targets, inputs

    def generate(self, latents, conditions, training=False):
        """The generator translates the input pictures; there are no latent vectors."""
        return self.generator(conditions, training=training)

    def discriminate(self, images, conditions, training=False):
        """Patch logits for (input, image) pairs."""
        return self.discriminator([conditions, images], training=training)

    def augment_for_discriminator(self, targets, outputs, inputs):
        """Augments (input, target) and (input, output) pairs: one geometric transform per pair.

        Flips, shifts and cutouts must move the input with its image, or the pairs stop
        lining up and the discriminator learns nothing about translation. Each index of
        the batch gets one transform for its input, its target and its output, so both
        pairs keep sharing their input. Colour changes go to the targets and outputs
        only (independently), never to the inputs: an input is often an edge map, a
        grey or a posterized picture whose values mean something, and the generator sees
        it unchanged. Real and fake images still get the same distribution of colour
        changes, which is what keeps the augmentation from leaking into the outputs.
        """
        if not self.augmentations:
            return targets, outputs, inputs
        probability, seed = self.augment_probability, self.seed_generator
        if "color" in self.augmentations:
            targets = augment.random_color(targets, probability, seed)
            outputs = augment.random_color(outputs, probability, seed)
        inputs, targets, outputs = augment.augment_geometry_together(
            [inputs, targets, outputs], self.augmentations, probability, seed
        )
        return targets, outputs, inputs

    # ------------------------------------------------------------- the algorithm

    def train_step(self, data):
        targets, inputs = self.unpack_batch(data)

        with tf.GradientTape() as generator_tape, tf.GradientTape() as discriminator_tape:
            # 1. Translate the inputs: the step's one generator pass.
            outputs = self.generate(None, inputs, training=True)

            # 2. The discriminator judges (input, target) pairs as real and (input, output)
            #    pairs as fake, patch by patch (GAN.discriminator_loss adds any instance
            #    noise or gradient penalty the options ask for).
            d_loss, real_logits, fake_logits, penalty = self.discriminator_loss(
                targets, outputs, inputs
            )

            # 3. The generator's loss: fool the discriminator, and stay close to the target.
            gan_loss = losses.generator_loss(self.loss_name, fake_logits)
            l1_loss = ops.mean(ops.abs(ops.cast(targets, "float32") - ops.cast(outputs, "float32")))
            g_loss = gan_loss + self.l1_weight * l1_loss

            scaled_d_loss = self._scaled(self.discriminator_optimizer, d_loss)
            scaled_g_loss = self._scaled(self.generator_optimizer, g_loss)

        # 4. Update the discriminator (its own weights only). The paper halves its loss to
        #    slow it down; with Adam, which divides out the scale of the gradients, that
        #    changes nothing, so we leave it as it is.
        self._update(
            self.discriminator_optimizer, discriminator_tape, scaled_d_loss, self.discriminator
        )
        # 5. Update the generator: GAN-loss gradients flow back through the discriminator,
        #    L1 gradients straight from the targets; only the generator's weights change.
        #    Then the moving average follows it, and ADA adjusts p (when those are on).
        self._update(self.generator_optimizer, generator_tape, scaled_g_loss, self.generator)
        self.update_generator_average()
        self.update_augmentation(real_logits)

        # 6. Track the losses for the progress bar and the run's stats.
        self.discriminator_loss_tracker.update_state(d_loss)
        self.generator_loss_tracker.update_state(g_loss)
        self.gan_loss_tracker.update_state(gan_loss)
        self.l1_loss_tracker.update_state(l1_loss)
        self.real_sign_tracker.update_state(ops.mean(ops.sign(ops.cast(real_logits, "float32"))))
        if self.loss_name == "wgan-gp":
            self.gradient_penalty_tracker.update_state(penalty)
        return self.step_logs()

    # ------------------------------------------------------------------ saving

    def get_config(self):
        config = super().get_config()
        config.update(
            image_size=self.image_size,
            input_channels=self.input_channels,
            output_channels=self.output_channels,
            l1_weight=self.l1_weight,
            generator_filters=self.generator_filters,
            discriminator_filters=self.discriminator_filters,
            dropout=self.dropout,
            spectral_norm=self.spectral_norm,
            input_mode=self.input_mode,
        )
        return config
