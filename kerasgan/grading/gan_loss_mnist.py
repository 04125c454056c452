"""Assignment `gan-loss-mnist`: a GAN on MNIST with a loss other than binary cross-entropy.

After the playground, where students watch the BCE loss collapse on a ring of
Gaussians and other losses cover it, they write those losses themselves (see
`starters/gan_loss_mnist.py`): the hinge loss, the least-squares loss, the
Wasserstein loss and its gradient penalty, and a training step that trains a
small GAN on MNIST with the hinge loss. The child (`child/gan_loss_probes.py`)
calls them; every expected value is computed here, with `kerasgan.losses` for
the losses and by hand for the gradient penalty, whose probe critics have
gradients known everywhere (see `PENALTY_EXPECTED`).

| check                 | points | what it catches                                           |
|-----------------------|--------|-----------------------------------------------------------|
| hinge_discriminator_loss | 10  | relu on the wrong side, sums instead of means             |
| hinge_generator_loss  | 10     | the sign, a relu where none belongs                      |
| least_squares_losses  | 10     | wrong targets, a missing 1/2, sums                       |
| wasserstein_losses    | 10     | the sign of the critic's or the generator's loss         |
| penalty_value         | 10     | (norm - 1)^2 written otherwise, a sum instead of a mean  |
| interpolation_weights | 10     | weights drawn from a normal instead of a uniform, per pixel |
| penalty_points        | 10     | the penalty taken on the real or the fake images         |
| losses_fall           | 15     | a training step that does not train                      |
| sample_quality        | 15     | samples the MNIST classifier cannot read as digits       |
"""

import numpy as np

from kerasgan.grading import gan_checks
from kerasgan.grading.assignments import Assignment
from kerasgan.grading.checks import Check, Verdict, is_close, scalar
from kerasgan.grading.gan_inputs import gan_inputs

SETTINGS = {
    "latent_dim": 64,
    "seed": 20240917,
    "loss_cases": 3,
    # The short hinge-loss run: as dcgan-mnist's (200 steps at lr 1e-3, Adam beta_1 0.5).
    "training_steps": 200,
    "batch_size": 64,
    "learning_rate": 1e-3,
    "beta_1": 0.5,
    "training_images": 4096,
    "evaluation_samples": 500,
    "minimum_classifier_score": 1.5,
    "loss_fall_ratio": 0.8,
    "loss_window": 20,
    # The gradient penalty's probe (see child/gan_loss_probes.py).
    "penalty_examples": 256,
    "critic_slope": 3.0,
    "segment_margin": 0.01,
    "endpoint_bump": 1e-5,
    # How far from the expected 0 the penalty may be where a few draws can land on a bump.
    "penalty_tolerance": 0.05,
}


def make_inputs(data, settings):
    """dcgan-mnist's inputs, plus the gradient penalty's: real images 0, fakes 2 v (see the probes)."""
    inputs = gan_inputs(data, settings)
    shape = (settings["penalty_examples"], 28, 28, 1)
    inputs["penalty_real_images"] = np.zeros(shape, np.float32)
    inputs["penalty_fake_images"] = np.full(shape, 2.0 / 28.0, np.float32)
    return inputs


def report_samples(outputs, context):
    return outputs.array("training", "samples")[:64]


# ------------------------------------------------------------------ losses


def _relu(values):
    return np.maximum(np.asarray(values, dtype=np.float64), 0.0)


def _mean(values):
    return float(np.mean(np.asarray(values, dtype=np.float64)))


def loss_check(function_name, reference, mistakes, hint):
    """A check comparing `function_name` with `reference(losses, real, fake)` on every case."""

    def check(outputs, context):
        verdict = gan_checks.compare_losses(
            outputs,
            context,
            function_name,
            lambda losses, real, fake, case: reference(losses, real, fake),
            lambda real, fake, case: mistakes(np.asarray(real, np.float64), np.asarray(fake, np.float64)),
        )
        if not verdict.passed and "The values match" not in verdict.message:
            verdict.message = verdict.message.rsplit("\n", 1)[0] + "\n" + hint
        return verdict

    return check


def _sums(real, fake, real_term, fake_term):
    return float(np.sum(real_term(real)) + np.sum(fake_term(fake)))


def hinge_discriminator_mistakes(real, fake):
    return {
        "the relu on the wrong side (relu(1 + D(x)) + relu(1 - D(G(z))))": _mean(_relu(1 + real))
        + _mean(_relu(1 - fake)),
        "no relu (a linear loss)": _mean(1 - real) + _mean(1 + fake),
        "sums over the batch instead of means": _sums(
            real, fake, lambda r: _relu(1 - r), lambda f: _relu(1 + f)
        ),
    }


def hinge_generator_mistakes(real, fake):
    return {
        "the sign flipped (+mean(D(G(z))))": _mean(fake),
        "a relu added (mean(relu(1 - D(G(z)))))": _mean(_relu(1 - fake)),
        "a sum over the batch instead of a mean": -float(np.sum(fake)),
    }


def _value(tensor):
    return float(np.asarray(tensor))


def least_squares_reference(losses, real, fake):
    # Both losses in one check: the discriminator's plus the generator's.
    return _value(losses.lsgan_discriminator_loss(real, fake)) + _value(
        losses.lsgan_generator_loss(fake)
    )


def least_squares_mistakes(real, fake):
    generator = 0.5 * _mean((fake - 1) ** 2)
    return {
        "no factor 1/2": 2 * (0.5 * _mean((real - 1) ** 2) + 0.5 * _mean(fake**2) + generator),
        "targets swapped (real 0, fake 1)": 0.5 * _mean(real**2)
        + 0.5 * _mean((fake - 1) ** 2)
        + 0.5 * _mean(fake**2),
    }


def wasserstein_reference(losses, real, fake):
    # The generator's loss weighted 10: a sign flipped in either one changes the sum.
    return _value(losses.wasserstein_discriminator_loss(real, fake)) + 10.0 * _value(
        losses.wasserstein_generator_loss(fake)
    )


def wasserstein_mistakes(real, fake):
    critic, generator = _mean(fake) - _mean(real), -_mean(fake)
    return {
        "the critic's sign flipped (mean(D(x)) - mean(D(G(z))))": -critic + 10 * generator,
        "the generator's sign flipped (+mean(D(G(z))))": critic - 10 * generator,
        "both signs flipped": -critic - 10 * generator,
    }


def combined_loss_check(names, reference, mistakes, hint):
    """Two functions checked together: the child's two values per case are added as the grader adds them."""

    def check(outputs, context):
        first, second, weight = names

        class Combined:
            """The child's outputs with the two functions' values added into one entry."""

            def array(self, probe, key):
                case = key.rsplit("_", 1)[1]
                a = scalar(outputs.array(probe, f"{first}_{case}"), f"{first}'s result")
                b = scalar(outputs.array(probe, f"{second}_{case}"), f"{second}'s result")
                return np.asarray(a + weight * b)

        label = f"{first} + {weight:g} x {second}" if weight != 1 else f"{first} + {second}"
        return loss_check(label, reference, mistakes, hint)(Combined(), context)

    return check


# ------------------------------------------------------------------ gradient penalty

# The penalty E[(||grad critic(x_hat)|| - 1)^2] on x_hat = real + u (fake - real), u ~ U[0, 1],
# for the three probe critics (child/gan_loss_probes.py), worked out by hand:
# - linear: |grad| = 3 everywhere, so (3 - 1)^2 = 4 wherever the points are;
# - segment: |grad| = 1 on every segment from a real image to its fake, so 0; weights from a
#   normal leave the segment about 66% of the time (|grad| = 3 there): about 2.6;
# - endpoints: |grad| = 1 except at the real and the fake images themselves, so 0 for points
#   between them; the penalty taken on the fakes or on the real images gives 4.
PENALTY_EXPECTED = {"linear": 4.0, "segment": 0.0, "endpoints": 0.0}


def _penalty_value(outputs, name):
    return scalar(outputs.array("penalty", name), f"gradient_penalty's result ({name} critic)")


def penalty_value(outputs, context):
    """With |grad| = 3 everywhere the penalty is (3 - 1)^2 = 4, averaged over the batch."""
    got = _penalty_value(outputs, "linear")
    count = context.settings["penalty_examples"]
    if is_close(4.0, got):
        return Verdict(True, "With a critic whose gradient has norm 3 everywhere, the penalty is 4.")
    named = {
        count * 4.0: f"a sum over the {count} examples instead of a mean",
        2.0: "(||grad|| - 1) without the square",
        (9.0 - 1.0) ** 2: "(||grad||^2 - 1)^2, the squared norm",
        9.0: "||grad||^2 without subtracting 1",
    }
    hint = next((text for value, text in named.items() if is_close(value, got)), None)
    message = (
        f"For a critic whose gradient has norm 3 at every point, expected the penalty "
        f"mean((||grad|| - 1)^2) = 4; got {got:.5g}."
    )
    if hint:
        message += f" That is {hint}."
    else:
        message += " Take one norm per example (over pixels and channels), then the mean."
    return Verdict(False, message)


def interpolation_weights(outputs, context):
    """A critic with |grad| = 1 on every real-to-fake segment and 3 beyond: penalty 0 if u ~ U[0, 1]."""
    got = _penalty_value(outputs, "segment")
    tolerance = context.settings["penalty_tolerance"]
    if abs(got) <= tolerance:
        return Verdict(
            True,
            f"On a critic whose gradient has norm 1 exactly on the segments between real and fake "
            f"images, the penalty is {got:.3g}: the points lie on the segments.",
        )
    return Verdict(
        False,
        f"On a critic whose gradient has norm 1 on every segment from a real image to its fake "
        f"and 3 beyond, expected a penalty of 0 (within {tolerance:g}); got {got:.4g}. Some "
        "interpolated points left the segments: draw one weight per example, "
        "uniformly in [0, 1] (keras.random.uniform((batch, 1, 1, 1))); a normal draw "
        "(about 2.6 here) or one weight per pixel leaves them.",
    )


def penalty_points(outputs, context):
    """A critic with |grad| = 1 except at the real and fake images: penalty 0 on points between them."""
    got = _penalty_value(outputs, "endpoints")
    tolerance = context.settings["penalty_tolerance"]
    if abs(got) <= tolerance:
        return Verdict(
            True,
            f"On a critic that is steep only at the real and the fake images, the penalty is "
            f"{got:.3g}: it is taken between them.",
        )
    return Verdict(
        False,
        f"On a critic whose gradient has norm 1 everywhere except at the real and the fake "
        f"images themselves (norm 3 there), expected a penalty of 0 (within {tolerance:g}); got "
        f"{got:.4g}, which is 4 when the penalty is taken on the fakes or on the real images. Take "
        "it at x_hat = real + u * (fake - real), between the two.",
    )


# ------------------------------------------------------------------ the table

CHECKS = [
    Check(
        "hinge_discriminator_loss",
        "hinge_discriminator_loss: mean(relu(1 - D(x))) + mean(relu(1 + D(G(z))))",
        10,
        loss_check(
            "hinge_discriminator_loss",
            lambda losses, real, fake: losses.hinge_discriminator_loss(real, fake),
            hinge_discriminator_mistakes,
            "Compute mean(relu(1 - real_logits)) + mean(relu(1 + fake_logits)).",
        ),
        judges=("hinge_discriminator_loss",),
    ),
    Check(
        "hinge_generator_loss",
        "hinge_generator_loss: -mean(D(G(z)))",
        10,
        loss_check(
            "hinge_generator_loss",
            lambda losses, real, fake: losses.hinge_generator_loss(fake),
            hinge_generator_mistakes,
            "Compute -mean(fake_logits).",
        ),
        judges=("hinge_generator_loss",),
    ),
    Check(
        "least_squares_losses",
        "least_squares_*_loss: 0.5 mean((D(x) - 1)^2) + 0.5 mean(D(G(z))^2), 0.5 mean((D(G(z)) - 1)^2)",
        10,
        combined_loss_check(
            ("least_squares_discriminator_loss", "least_squares_generator_loss", 1.0),
            least_squares_reference,
            least_squares_mistakes,
            "Compute 0.5 mean((real - 1)^2) + 0.5 mean(fake^2) for the discriminator and "
            "0.5 mean((fake - 1)^2) for the generator.",
        ),
        judges=("least_squares_discriminator_loss", "least_squares_generator_loss"),
    ),
    Check(
        "wasserstein_losses",
        "wasserstein_*_loss: mean(D(G(z))) - mean(D(x)) for the critic, -mean(D(G(z))) for G",
        10,
        combined_loss_check(
            ("wasserstein_critic_loss", "wasserstein_generator_loss", 10.0),
            wasserstein_reference,
            wasserstein_mistakes,
            "The critic minimises mean(fake_logits) - mean(real_logits); the generator "
            "minimises -mean(fake_logits).",
        ),
        judges=("wasserstein_critic_loss", "wasserstein_generator_loss"),
    ),
    Check(
        "penalty_value",
        "gradient_penalty: mean over the batch of (||grad critic(x_hat)|| - 1)^2",
        10,
        penalty_value,
        judges=("gradient_penalty",),
    ),
    Check(
        "interpolation_weights",
        "gradient_penalty: one weight per example, uniform in [0, 1]",
        10,
        interpolation_weights,
        judges=("gradient_penalty",),
    ),
    Check(
        "penalty_points",
        "gradient_penalty: taken between the real and the fake images, not on them",
        10,
        penalty_points,
        judges=("gradient_penalty",),
    ),
    Check(
        "losses_fall",
        "train_step (hinge loss): over a short run on real digits, the discriminator's loss falls",
        15,
        gan_checks.losses_fall,
        judges=("train_step",),
    ),
    Check(
        "sample_quality",
        "Samples after the short run: the MNIST classifier reads them as varied digits",
        15,
        gan_checks.sample_quality,
        judges=("train_step",),
    ),
]

ASSIGNMENT = Assignment(
    name="gan-loss-mnist",
    title="A GAN with a loss other than binary cross-entropy (MNIST)",
    dataset="mnist",
    student_functions=(
        "make_generator",
        "make_discriminator",
        "hinge_discriminator_loss",
        "hinge_generator_loss",
        "least_squares_discriminator_loss",
        "least_squares_generator_loss",
        "wasserstein_critic_loss",
        "wasserstein_generator_loss",
        "gradient_penalty",
        "train_step",
    ),
    starter_file="gan_loss_mnist.py",
    probes_file="gan_loss_probes.py",
    probe_names=("losses", "penalty", "training"),
    settings=SETTINGS,
    checks=CHECKS,
    make_inputs=make_inputs,
    report_samples=report_samples,
)

__all__ = ["ASSIGNMENT", "SETTINGS", "CHECKS", "PENALTY_EXPECTED", "make_inputs"]
