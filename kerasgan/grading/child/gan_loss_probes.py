"""What the grading child calls in a gan-loss-mnist submission (copied into the child as probes.py).

Student API (see kerasgan/grading/starters/gan_loss_mnist.py):

    make_generator(latent_dim), make_discriminator()       as in dcgan-mnist
    hinge_discriminator_loss(real_logits, fake_logits), hinge_generator_loss(fake_logits)
    least_squares_discriminator_loss(real_logits, fake_logits), least_squares_generator_loss(fake_logits)
    wasserstein_critic_loss(real_logits, fake_logits), wasserstein_generator_loss(fake_logits)
    gradient_penalty(critic, real_images, fake_images) -> scalar
    train_step(generator, discriminator, generator_optimizer, discriminator_optimizer,
               real_images, latents) -> (d_loss, g_loss), with the hinge loss

The gradient penalty is probed with three critics the grader chose because
their gradients are known everywhere: the child records what the student's
function returns, the grader knows what it should be. Every critic is
`h(s)` of one number, `s = <image, v>`, where `v` is the unit image whose
pixels are all 1/28; the fakes the grader sends are `2 v` and the real images
0, so the segment between a real image and its fake is `s` in [0, 2].
"""

import numpy as np

from probe_tools import before_each, images_in_range, prepare, replay_probe, run_training, tensors, to_numpy

__all__ = ["PROBES", "PROBE_FUNCTIONS", "prepare", "before_each"]

# The student function a probe judges when it calls only that one (see harness.py).
PROBE_FUNCTIONS = {"penalty": "gradient_penalty"}

LOSS_FUNCTIONS = (
    ("hinge_discriminator_loss", 2),
    ("hinge_generator_loss", 1),
    ("least_squares_discriminator_loss", 2),
    ("least_squares_generator_loss", 1),
    ("wasserstein_critic_loss", 2),
    ("wasserstein_generator_loss", 1),
)


def probe_losses(student, inputs, request, record):
    import tensorflow as tf

    cases = range(int(request["loss_cases"]))
    real = [tf.constant(inputs[f"real_logits_{case}"]) for case in cases]
    fake = [tf.constant(inputs[f"fake_logits_{case}"]) for case in cases]
    # One function at a time: a TODO in one loss leaves the others graded.
    for name, arity in LOSS_FUNCTIONS:
        with record.function(name):
            for case in cases:
                arguments = (real[case], fake[case]) if arity == 2 else (fake[case],)
                record(f"{name}_{case}", to_numpy(getattr(student, name)(*arguments)))


def penalty_critics(request):
    """The three probe critics: name -> a function of images (extra arguments ignored)."""
    import tensorflow as tf

    slope = float(request["critic_slope"])  # the gradient's norm where it is not 1
    margin = float(request["segment_margin"])
    bump = float(request["endpoint_bump"])
    relu = tf.nn.relu

    def along(images):
        # s = <image, v> with v the unit image of equal pixels: the mean pixel times 28.
        images = tf.cast(images, tf.float32)
        return tf.reduce_sum(images, axis=[1, 2, 3]) / 28.0

    def linear(images, *args, **kwargs):
        # |grad| = slope everywhere.
        return tf.reshape(slope * along(images), (-1, 1))

    def segment(images, *args, **kwargs):
        # |grad| = 1 on the segments (s in [-margin, 2 + margin]), `slope` beyond them.
        s = along(images)
        h = s - (slope - 1.0) * relu(-s - margin) + (slope - 1.0) * relu(s - 2.0 - margin)
        return tf.reshape(h, (-1, 1))

    def endpoints(images, *args, **kwargs):
        # |grad| = 1 everywhere but within `bump` of the real (s = 0) and the fake (s = 2) images.
        s = along(images)
        h = s
        for centre in (0.0, 2.0):
            h = h + (slope - 1.0) * (relu(s - centre + bump) - relu(s - centre - bump))
        return tf.reshape(h, (-1, 1))

    return {"linear": linear, "segment": segment, "endpoints": endpoints}


def probe_penalty(student, inputs, request, record):
    import keras

    real, fake = tensors(inputs["penalty_real_images"], inputs["penalty_fake_images"])
    for name, critic in penalty_critics(request).items():
        # The same random draws for each critic: only the critic differs.
        keras.utils.set_random_seed(int(request["seed"]))
        record(name, to_numpy(student.gradient_penalty(critic, real, fake)))


def probe_training(student, inputs, request, record):
    """The short hinge-loss run on real digits (batches and latents seeded), then samples."""
    generator = student.make_generator(int(request["latent_dim"]))
    discriminator = student.make_discriminator()
    images = images_in_range(inputs["training_images"])
    batch_size, latent_dim = int(request["batch_size"]), int(request["latent_dim"])
    random = np.random.default_rng(int(request["seed"]))

    def next_batch():
        batch = random.integers(0, len(images), batch_size)
        latents = random.standard_normal((batch_size, latent_dim)).astype(np.float32)
        return tensors(images[batch], latents)

    # run_training guards discriminator_step / generator_step when a submission has them.
    for step_name in ("discriminator_step", "generator_step"):
        if not hasattr(student, step_name):
            setattr(student, step_name, lambda *args, **kwargs: None)
    d_losses, g_losses, traced = run_training(
        student, generator, discriminator, request, next_batch, int(request["training_steps"])
    )
    record("d_losses", d_losses)
    record("g_losses", g_losses)
    record("traced", np.asarray(traced))

    def draw(latents, labels=None):
        parts = [
            to_numpy(generator(tensors(latents[start : start + 100]), training=False))
            for start in range(0, len(latents), 100)
        ]
        return np.concatenate(parts).astype(np.float32)

    record("samples", draw(inputs["evaluation_latents"]))
    replay_probe(draw, inputs, request, record)  # stored images earn no sample points


PROBES = [
    ("losses", probe_losses),
    ("penalty", probe_penalty),
    ("training", probe_training),
]
