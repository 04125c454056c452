"""GAN losses as pure functions of the discriminator's raw outputs (logits).

Each loss is a pair: what the discriminator minimises and what the generator
minimises. All of them take logits (no sigmoid in the discriminator), compute
in float32 (safe under mixed precision) and return the mean over the batch.

| name       | discriminator loss                                   | generator loss          |
|------------|------------------------------------------------------|-------------------------|
| "bce"      | -log D(x) - log(1 - D(G(z)))   (D = sigmoid(logit))  | -log D(G(z)) (non-saturating) |
| "hinge"    | relu(1 - D(x)) + relu(1 + D(G(z)))                   | -D(G(z))                |
| "lsgan"    | 0.5 (D(x) - 1)^2 + 0.5 D(G(z))^2                     | 0.5 (D(G(z)) - 1)^2     |
| "wgan-gp"  | D(G(z)) - D(x) + weight * gradient penalty           | -D(G(z))                |

Papers: Goodfellow et al. 2014 (https://arxiv.org/abs/1406.2661, the
non-saturating generator loss is in section 3), Lim & Ye 2017 / Miyato et al.
2018 (hinge), Mao et al. 2017 (https://arxiv.org/abs/1611.04076, least
squares), Gulrajani et al. 2017 (https://arxiv.org/abs/1704.00028, WGAN-GP).
"""

from keras import ops

LOSS_NAMES = ("bce", "hinge", "lsgan", "wgan-gp")


def _float32(tensor):
    return ops.cast(tensor, "float32")


# Binary cross-entropy: the original GAN loss, with the non-saturating generator loss.


def bce_discriminator_loss(real_logits, fake_logits, real_label=1.0):
    """Cross-entropy of "real" on real images and "fake" on generated ones.

    `real_label` below 1 is one-sided label smoothing (Salimans et al. 2016):
    the discriminator is asked for 0.9 instead of 1 on real images, which keeps
    it from growing over-confident. Fake images keep the label 0.

    Written with softplus, because BCE(y, sigmoid(l)) = softplus(l) - y * l is
    exact and never takes the log of 0.
    """
    real_logits, fake_logits = _float32(real_logits), _float32(fake_logits)
    real_loss = ops.softplus(real_logits) - real_label * real_logits
    fake_loss = ops.softplus(fake_logits)
    return ops.mean(real_loss) + ops.mean(fake_loss)


def bce_generator_loss(fake_logits):
    """-log D(G(z)): large gradients while the discriminator still wins easily."""
    return ops.mean(ops.softplus(-_float32(fake_logits)))


# Hinge loss (SAGAN, BigGAN).


def hinge_discriminator_loss(real_logits, fake_logits):
    real_logits, fake_logits = _float32(real_logits), _float32(fake_logits)
    return ops.mean(ops.relu(1.0 - real_logits)) + ops.mean(ops.relu(1.0 + fake_logits))


def hinge_generator_loss(fake_logits):
    return -ops.mean(_float32(fake_logits))


# Least squares (LSGAN), targets 1 for real and 0 for fake.


def lsgan_discriminator_loss(real_logits, fake_logits, real_label=1.0):
    real_logits, fake_logits = _float32(real_logits), _float32(fake_logits)
    return 0.5 * ops.mean(ops.square(real_logits - real_label)) + 0.5 * ops.mean(
        ops.square(fake_logits)
    )


def lsgan_generator_loss(fake_logits):
    return 0.5 * ops.mean(ops.square(_float32(fake_logits) - 1.0))


# Wasserstein loss; the gradient penalty below keeps the critic 1-Lipschitz.


def wasserstein_discriminator_loss(real_logits, fake_logits):
    return ops.mean(_float32(fake_logits)) - ops.mean(_float32(real_logits))


def wasserstein_generator_loss(fake_logits):
    return -ops.mean(_float32(fake_logits))


def gradient_penalty(critic, real_images, fake_images, interpolation_weights):
    """Mean of (||grad critic(x_hat)||_2 - 1)^2 over x_hat between real and fake images.

    Args:
        critic: a function from images to logits (the discriminator, with its
            condition already bound for a conditional GAN).
        real_images, fake_images: batches of the same shape.
        interpolation_weights: shape (batch, 1, 1, 1) for images, (batch, 1) for points:
            one weight per example, drawn UNIFORMLY in [0, 1]
            (a normal draw, as some tutorials use, leaves the segment between the
            two images and penalises the wrong points).
    """
    import tensorflow as tf  # the gradient of a gradient needs a tape

    real_images = _float32(real_images)
    fake_images = _float32(fake_images)
    interpolated = real_images + interpolation_weights * (fake_images - real_images)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        logits = _float32(critic(interpolated))
    gradients = tape.gradient(logits, interpolated)
    # One norm per example, over all its other axes (pixels and channels, or coordinates).
    example_axes = list(range(1, len(gradients.shape)))
    norms = ops.sqrt(ops.sum(ops.square(gradients), axis=example_axes) + 1e-12)
    return ops.mean(ops.square(norms - 1.0))


def check_loss_name(name):
    """Returns `name` if it is one of LOSS_NAMES, else raises a ValueError listing them."""
    if name not in LOSS_NAMES:
        raise ValueError(f"Unknown GAN loss {name!r}: choose one of {', '.join(LOSS_NAMES)}.")
    return name


def discriminator_loss(name, real_logits, fake_logits, real_label=1.0):
    """The discriminator loss `name` (without the gradient penalty, added by the model)."""
    check_loss_name(name)
    if name == "bce":
        return bce_discriminator_loss(real_logits, fake_logits, real_label)
    if name == "hinge":
        return hinge_discriminator_loss(real_logits, fake_logits)
    if name == "lsgan":
        return lsgan_discriminator_loss(real_logits, fake_logits, real_label)
    return wasserstein_discriminator_loss(real_logits, fake_logits)


def generator_loss(name, fake_logits):
    """The generator loss `name`."""
    check_loss_name(name)
    if name == "bce":
        return bce_generator_loss(fake_logits)
    if name == "lsgan":
        return lsgan_generator_loss(fake_logits)
    # hinge and wgan-gp share the same generator loss
    return wasserstein_generator_loss(fake_logits)


def supports_label_smoothing(name):
    """One-sided label smoothing changes the target of real images: only bce and lsgan have one."""
    return name in ("bce", "lsgan")


__all__ = [
    "LOSS_NAMES",
    "bce_discriminator_loss",
    "bce_generator_loss",
    "hinge_discriminator_loss",
    "hinge_generator_loss",
    "lsgan_discriminator_loss",
    "lsgan_generator_loss",
    "wasserstein_discriminator_loss",
    "wasserstein_generator_loss",
    "gradient_penalty",
    "discriminator_loss",
    "generator_loss",
    "check_loss_name",
    "supports_label_smoothing",
]
