"""Assignment `dcgan-mnist`: a DCGAN on MNIST digits, written by the student, checked by the grader.

The student writes seven functions (see `starters/dcgan_mnist.py`): the two
networks, the two losses, the discriminator step, the generator step and the
training step that runs both. The child process (`child/gan_probes.py`)
calls them; the checks below judge what came back, computing every reference
value here with `kerasgan.losses` and the MNIST domain classifier of
`kerasgan.metrics`.

| check                | points | what it catches                                         |
|----------------------|--------|---------------------------------------------------------|
| generator_output     | 10     | wrong image shape or dtype                              |
| generator_range      | 10     | no tanh at the end (seen with large latent vectors)    |
| discriminator_output | 10     | not one logit per image                                |
| discriminator_loss   | 10     | wrong labels, sum instead of mean, sigmoid twice        |
| generator_loss       | 10     | saturating loss, wrong label                           |
| discriminator_step   | 10     | the generator changes in the discriminator's step     |
| generator_step       | 10     | the discriminator changes in the generator's step     |
| losses_fall          | 10     | a training step that does not train, or swapped losses |
| sample_quality       | 15     | samples the MNIST classifier cannot read as digits    |
| determinism          | 5      | results that change from run to run under one seed     |
"""

from kerasgan.grading import gan_checks
from kerasgan.grading.gan_inputs import gan_inputs
from kerasgan.grading.assignments import Assignment
from kerasgan.grading.checks import Check

SETTINGS = {
    "latent_dim": 64,
    "seed": 20240917,
    # Latent vectors this many times larger than usual: a missing tanh cannot hide.
    "large_latent_scale": 50.0,
    "loss_cases": 3,
    # The short training run: Adam with beta_1 = 0.5 as in the DCGAN paper, at a higher
    # learning rate than its 2e-4 so that 200 steps already draw digit-like strokes.
    "training_steps": 200,
    "batch_size": 64,
    "learning_rate": 1e-3,
    "beta_1": 0.5,
    "training_images": 4096,
    "evaluation_samples": 500,
    "determinism_steps": 2,
    # The classifier score (1 to 10) the samples must reach after the short run; real
    # MNIST digits score about 8.7 and an untrained generator about 1.0.
    "minimum_classifier_score": 1.5,
    # The discriminator's loss, averaged over `loss_window` steps, must at some point fall
    # below this fraction of its loss over the first 5 steps.
    "loss_fall_ratio": 0.8,
    "loss_window": 20,
}


def report_samples(outputs, context):
    return outputs.array("training", "samples")[:64]


CHECKS = [
    *gan_checks.generator_checks((28, 28, 1)),
    Check(
        "discriminator_output",
        "make_discriminator: one float32 logit per image, shaped (N, 1)",
        10,
        gan_checks.discriminator_output,
        judges=("make_discriminator",),
    ),
    *gan_checks.loss_checks(),
    *gan_checks.step_checks(),
    Check(
        "losses_fall",
        "train_step: over a short run on real digits, the discriminator's loss falls",
        10,
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
    Check(
        "determinism",
        "Same seed, same results: two short runs give identical samples and losses",
        5,
        gan_checks.determinism,
        judges=("train_step",),
    ),
]

ASSIGNMENT = Assignment(
    name="dcgan-mnist",
    title="DCGAN on MNIST",
    dataset="mnist",
    student_functions=gan_checks.STUDENT_FUNCTIONS,
    starter_file="dcgan_mnist.py",
    probes_file="gan_probes.py",
    probe_names=gan_checks.PROBE_NAMES,
    settings=SETTINGS,
    checks=CHECKS,
    make_inputs=gan_inputs,
    report_samples=report_samples,
)
