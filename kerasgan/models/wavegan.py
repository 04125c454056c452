"""WaveGAN: a GAN that makes sounds, the DCGAN flattened to one dimension.

Paper: Donahue, McAuley and Puckette, "Adversarial Audio Synthesis", ICLR 2019,
https://arxiv.org/abs/1802.04208

A sound is a long row of numbers (16,384 samples: about one second at 16 kHz). The
DCGAN's 5x5 convolutions with stride 2 become 1-D convolutions of length 25 with stride
4, so five of them still grow 16 positions to 16,384 (16 x 4^5). Two changes in the
paper are specific to sound:

- **Phase shuffle** in the discriminator: a transposed convolution of stride 4 leaves a
  pattern that repeats every 4 samples (a tone at a quarter of the sample rate and its
  multiples), and a discriminator can win by listening for it alone. Shifting each
  layer's activations by a random -n..n samples (reflecting at the edges) takes that
  cue away.
- **WGAN-GP** with five discriminator updates per generator update, Adam(1e-4, 0.5, 0.9):
  the loss the paper trained with. The other kerasgan losses are one argument away.

`WaveGAN` puts the two networks into the shared `GAN` algorithm (`kerasgan/models/gan.py`),
whose `train_step` is written out step by step. Sounds are shaped (batch, samples, 1).
"""

import re

import keras
import tensorflow as tf
from keras import ops

from kerasgan.models.gan import GAN

KERNEL_SIZE = 25  # the paper's filter length
STRIDE = 4  # each layer grows (generator) or shrinks (discriminator) the length 4 times
LAYERS = 5  # 4^5 = 1024: the start length is the sound's length / 1024
OUTPUT_PREFIX = "samples_at_"  # the generator's last layer: samples_at_16000_hz

# Named configurations: the paper's, and a narrow one for quick runs and tests (8 kHz,
# about half a second, a quarter of the paper's filters).
CONFIGS = {
    "paper": {"audio_length": 16384, "sample_rate": 16000, "latent_dim": 100, "model_dim": 64},
    "small": {"audio_length": 4096, "sample_rate": 8000, "latent_dim": 100, "model_dim": 16},
}


def check_audio_length(audio_length):
    """Returns the start length (audio_length / 1024) of a length WaveGAN can make, or raises."""
    length = int(audio_length)
    shrink = STRIDE**LAYERS
    if length != audio_length or length < shrink or length % shrink:
        raise ValueError(
            f"WaveGAN makes sounds whose length is a multiple of {shrink} samples (its five "
            f"layers of stride {STRIDE}); got {audio_length}. Use 16384 (the paper's, about one "
            "second at 16 kHz) or 4096 (the small config)."
        )
    return length // shrink


def wavegan_generator(
    audio_length=16384,
    latent_dim=100,
    model_dim=64,
    sample_rate=16000,
    batch_norm=False,
    name="generator",
):
    """The WaveGAN generator: z, a dense layer, then five transposed 1-D convolutions.

    Args:
        audio_length: samples per sound, a multiple of 1024 (16,384 in the paper).
        latent_dim: length of z (100 in the paper).
        model_dim: the paper's d: the last layer before the output has d channels, and
            each layer towards the start twice as many (16d after the dense layer).
        sample_rate: samples per second of the sounds, recorded in the output layer.
        batch_norm: batch normalization after each layer (off in the paper).
        name: the model's name.

    Returns:
        A functional `keras.Model` from `(latent_dim,)` to `(audio_length, 1)` in [-1, 1].

    Example:

    ```python
    generator = wavegan_generator()
    sounds = generator(keras.random.normal((4, 100)))  # (4, 16384, 1)
    ```
    """
    start_length = check_audio_length(audio_length)
    latents = keras.Input(shape=(latent_dim,), name="z")
    # Project z to 16 positions (for 16,384 samples) of 16d channels.
    x = keras.layers.Dense(start_length * 16 * model_dim, use_bias=not batch_norm)(latents)
    x = keras.layers.Reshape((start_length, 16 * model_dim))(x)
    if batch_norm:
        x = keras.layers.BatchNormalization()(x)
    x = keras.layers.ReLU()(x)

    # Each layer makes the sound 4 times longer and halves the channels: 8d, 4d, 2d, d, then 1.
    for level in reversed(range(LAYERS)):
        last = level == 0
        filters = 1 if last else model_dim * 2 ** (level - 1)
        x = keras.layers.Conv1DTranspose(
            filters, KERNEL_SIZE, strides=STRIDE, padding="same", use_bias=last or not batch_norm
        )(x)
        if last:
            break
        if batch_norm:
            x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)
    # tanh in float32 (exact samples under mixed precision). The layer's name records the
    # sample rate: the same numbers played at 8 or 16 kHz are two different sounds, and a
    # name travels in a plain Keras layer, so a snapshot still loads without kerasgan.
    sounds = keras.layers.Activation("tanh", dtype="float32", name=output_layer_name(sample_rate))(x)
    return keras.Model(latents, sounds, name=name)


def output_layer_name(sample_rate):
    """The name of a sound generator's last layer, which records its sample rate."""
    return f"{OUTPUT_PREFIX}{int(sample_rate)}_hz"


def generator_sample_rate(generator):
    """The sample rate a WaveGAN generator draws at, or None for a generator of images."""
    for layer in reversed(generator.layers):
        match = re.fullmatch(OUTPUT_PREFIX + r"(\d+)_hz", layer.name)
        if match:
            return int(match.group(1))
    return None


@keras.saving.register_keras_serializable(package="kerasgan")
class PhaseShuffle(keras.layers.Layer):
    """Shifts each example's activations by a random whole number of samples in [-radius, radius].

    A positive shift moves the signal later: `output[t] = input[t - shift]`, and the
    samples that come in at an edge are the input mirrored there (reflection, the edge
    itself not repeated). Each example draws its own shift at every call, and only while
    training: the discriminator judges a sound whatever its exact phase.

    Args:
        radius: the largest shift, n in the paper (2).
        seed: seed of the layer's random shifts, or None.

    Example:

    ```python
    layer = PhaseShuffle(2)
    shifted = layer(activations, training=True)  # same shape, each example shifted
    ```
    """

    def __init__(self, radius=2, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.radius = int(radius)
        self.seed = seed
        self.seed_generator = keras.random.SeedGenerator(seed)

    def call(self, inputs, training=False):
        if not training or self.radius == 0:
            return inputs
        shifts = keras.random.randint(
            (ops.shape(inputs)[0],), -self.radius, self.radius + 1, seed=self.seed_generator
        )
        return self.shift(inputs, shifts)

    def shift(self, inputs, shifts):
        """`inputs` (batch, length, channels) with example i shifted by `shifts[i]` samples."""
        radius = self.radius
        length = ops.shape(inputs)[1]
        padded = ops.pad(inputs, [[0, 0], [radius, radius], [0, 0]], mode="reflect")
        # padded[p] is input[p - radius], so output[t] = input[t - s] is padded[t + radius - s].
        starts = radius - ops.cast(shifts, "int32")
        positions = starts[:, None] + ops.arange(length, dtype="int32")[None, :]
        return tf.gather(padded, positions, batch_dims=1)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "radius": self.radius, "seed": self.seed}


def wavegan_discriminator(
    audio_length=16384, model_dim=64, phase_shuffle=2, seed=None, name="discriminator"
):
    """The WaveGAN discriminator: five strided 1-D convolutions with phase shuffle between them.

    Args:
        audio_length: samples per sound, as for the generator.
        model_dim: the paper's d: d channels in the first layer, doubling up to 16d.
        phase_shuffle: the largest random shift n after each of the first four layers
            (2 in the paper; 0 turns phase shuffle off).
        seed: seed of the phase shuffle layers (each gets its own, derived from it).
        name: the model's name.

    Returns:
        A functional `keras.Model` from `(audio_length, 1)` to `(1,)` raw logits.
    """
    check_audio_length(audio_length)
    sounds = keras.Input(shape=(audio_length, 1), name="sounds")
    x = sounds
    for level in range(LAYERS):
        x = keras.layers.Conv1D(
            model_dim * 2**level, KERNEL_SIZE, strides=STRIDE, padding="same"
        )(x)
        x = keras.layers.LeakyReLU(negative_slope=0.2)(x)
        if level < LAYERS - 1 and phase_shuffle:
            layer_seed = None if seed is None else seed + level
            x = PhaseShuffle(phase_shuffle, seed=layer_seed)(x)
    x = keras.layers.Flatten()(x)
    logits = keras.layers.Dense(1, dtype="float32", name="logits")(x)
    return keras.Model(sounds, logits, name=name)


def wavegan_optimizer():
    """Adam(1e-4, beta_1=0.5, beta_2=0.9): the paper's settings for WGAN-GP."""
    return keras.optimizers.Adam(learning_rate=1e-4, beta_1=0.5, beta_2=0.9)


@keras.saving.register_keras_serializable(package="kerasgan")
class WaveGAN(GAN):
    """WaveGAN, trained with the algorithm in `GAN.train_step`.

    Defaults are the paper's: 16,384 samples at 16 kHz, z of 100, d = 64, phase
    shuffle 2, WGAN-GP with 5 discriminator updates per generator update, and (from
    `compile()`) Adam(1e-4, 0.5, 0.9) for both networks. `WaveGAN(**CONFIGS["small"])`
    is a narrow version for 8 kHz and 4,096 samples.

    Args:
        audio_length: samples per sound, a multiple of 1024.
        sample_rate: samples per second (recorded in the generator for its `.wav` files).
        latent_dim: length of z.
        model_dim: the paper's d (see `wavegan_generator`).
        phase_shuffle: the discriminator's largest random shift (0: none).
        generator_batch_norm: batch normalization in the generator (off in the paper).
        generator, discriminator: ready-made networks to use instead of the builders'.
        loss: "wgan-gp" (the paper's), or "bce", "hinge", "lsgan".
        discriminator_steps: discriminator updates per generator update (5 in the paper).
        **gan_options: label_smoothing, instance_noise, gradient_penalty_weight, ema_decay,
            seed, ... (see `GAN`).

    Example:

    ```python
    gan = WaveGAN(**CONFIGS["small"])
    gan.compile()  # Adam(1e-4, 0.5, 0.9) for both networks
    gan.fit(dataset_of_sounds, epochs=5)  # batches shaped (batch, 4096, 1) in [-1, 1]
    gan.generator.save("generator.keras")
    ```
    """

    def __init__(
        self,
        audio_length=16384,
        sample_rate=16000,
        latent_dim=100,
        model_dim=64,
        phase_shuffle=2,
        generator_batch_norm=False,
        generator=None,
        discriminator=None,
        loss="wgan-gp",
        discriminator_steps=5,
        **gan_options,
    ):
        if generator is None:
            generator = wavegan_generator(
                audio_length, latent_dim, model_dim, sample_rate, generator_batch_norm
            )
        if discriminator is None:
            discriminator = wavegan_discriminator(
                audio_length, model_dim, phase_shuffle, seed=gan_options.get("seed")
            )
        super().__init__(
            generator, discriminator, loss=loss, discriminator_steps=discriminator_steps, **gan_options
        )
        self.audio_length = int(audio_length)
        self.sample_rate = int(sample_rate)
        self.model_dim = int(model_dim)
        self.phase_shuffle = int(phase_shuffle)
        self.generator_batch_norm = bool(generator_batch_norm)

    def compile(self, d_optimizer=None, g_optimizer=None, loss=None, **kwargs):
        """As `GAN.compile`, with the paper's Adam(1e-4, 0.5, 0.9) as the default optimizers."""
        super().compile(
            d_optimizer=d_optimizer or wavegan_optimizer(),
            g_optimizer=g_optimizer or wavegan_optimizer(),
            loss=loss,
            **kwargs,
        )

    def get_config(self):
        config = super().get_config()
        config.update(
            audio_length=self.audio_length,
            sample_rate=self.sample_rate,
            latent_dim=self.latent_dim,
            model_dim=self.model_dim,
            phase_shuffle=self.phase_shuffle,
            generator_batch_norm=self.generator_batch_norm,
        )
        return config


__all__ = [
    "CONFIGS",
    "PhaseShuffle",
    "WaveGAN",
    "check_audio_length",
    "generator_sample_rate",
    "wavegan_discriminator",
    "wavegan_generator",
    "wavegan_optimizer",
]
