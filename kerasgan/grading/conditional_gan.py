"""Assignments `cgan-mnist` and `cgan-cifar10`: a conditional GAN that draws the class it is asked for.

The student writes the same seven functions as in dcgan-mnist, with labels:
both networks take `[input, labels]` (labels are integers, turned into vectors
by a `keras.layers.Embedding`), and the steps take the batch's labels. The
checks are those of dcgan-mnist, plus two that only a conditional GAN needs:
the generator draws something else for another label, and the discriminator
judges the label as well as the image.

| check                     | mnist | cifar10 | what it catches                          |
|---------------------------|-------|---------|------------------------------------------|
| generator_output          | 10    | 10      | wrong image shape or dtype               |
| generator_range           | 10    | 10      | no tanh at the end                       |
| generator_uses_labels     | 10    | 10      | labels ignored by the generator          |
| discriminator_output      | 5     | 10      | not one logit per image                  |
| discriminator_uses_labels | 10    | 10      | labels ignored by the discriminator      |
| discriminator_loss        | 10    | 10      | wrong labels, sum instead of mean        |
| generator_loss            | 5     | 10      | saturating loss, wrong label             |
| discriminator_step        | 10    | 10      | the generator changes in the D step      |
| generator_step            | 10    | 10      | the discriminator changes in the G step  |
| losses_fall               | 5     | 5       | a training step that does not train      |
| sample_quality            | 10    | -       | samples the MNIST classifier cannot read |
| determinism               | 5     | 5       | results that change under one seed       |

Sample quality is measured for MNIST only: after a short run on a CPU, CIFAR-10
samples are colour blobs that no classifier can judge fairly.
"""

from kerasgan.grading import gan_checks
from kerasgan.grading.assignments import Assignment
from kerasgan.grading.checks import Check
from kerasgan.grading.gan_inputs import gan_inputs

COMMON_SETTINGS = {
    "latent_dim": 64,
    "num_classes": 10,
    "seed": 20240918,
    "large_latent_scale": 50.0,
    "loss_cases": 3,
    "batch_size": 64,
    "learning_rate": 1e-3,
    "beta_1": 0.5,
    "training_images": 4096,
    "determinism_steps": 2,
    "loss_fall_ratio": 0.8,
    "loss_window": 20,
}

# A conditional GAN collapses onto one digit more easily in a short run at 1e-3 (measured:
# a discriminator without labels drew only 3s); 300 steps at 5e-4 gave varied digits.
MNIST_SETTINGS = dict(
    COMMON_SETTINGS,
    learning_rate=5e-4,
    training_steps=300,
    evaluation_samples=500,
    minimum_classifier_score=1.5,
)

# No sample-quality check for CIFAR-10: a shorter run is enough to see the losses move.
CIFAR10_SETTINGS = dict(COMMON_SETTINGS, training_steps=80, evaluation_samples=80)


def report_samples(outputs, context):
    """Eight samples of each class, one class per row (the labels cycle through the classes)."""
    import numpy as np

    samples = outputs.array("training", "samples")
    classes = 10
    rows = [samples[start::classes][:8] for start in range(classes)]
    if any(len(row) < 8 for row in rows):
        return samples[:64]
    return np.concatenate(rows)


def checks(image_shape, with_quality):
    """The checks of a conditional GAN assignment with images of `image_shape`."""
    points = {"discriminator_output": 5, "generator_loss": 5} if with_quality else {}
    listed = [
        *gan_checks.generator_checks(image_shape),
        Check(
            "generator_uses_labels",
            "make_generator: another label gives another image",
            10,
            gan_checks.generator_uses_labels,
            judges=("make_generator",),
        ),
        Check(
            "discriminator_output",
            "make_discriminator: one float32 logit per image, shaped (N, 1)",
            points.get("discriminator_output", 10),
            gan_checks.discriminator_output,
            judges=("make_discriminator",),
        ),
        Check(
            "discriminator_uses_labels",
            "make_discriminator: judges the label as well as the image",
            10,
            gan_checks.discriminator_uses_labels,
            judges=("make_discriminator",),
        ),
        *gan_checks.loss_checks(generator_points=points.get("generator_loss", 10)),
        *gan_checks.step_checks(),
        Check(
            "losses_fall",
            "train_step: over a short run on real images, the discriminator's loss falls",
            5,
            gan_checks.losses_fall,
            judges=("train_step",),
        ),
    ]
    if with_quality:
        listed.append(
            Check(
                "sample_quality",
                "Samples after the short run: the MNIST classifier reads them as varied digits",
                10,
                gan_checks.sample_quality,
                judges=("train_step",),
            )
        )
    listed.append(
        Check(
            "determinism",
            "Same seed, same results: two short runs give identical samples and losses",
            5,
            gan_checks.determinism,
            judges=("train_step",),
        )
    )
    return listed


def conditional_assignment(dataset, title, image_shape, settings, with_quality):
    """The `cgan-<dataset>` assignment: its starter file is starters/cgan_<dataset>.py."""
    return Assignment(
        name=f"cgan-{dataset}",
        title=title,
        dataset=dataset,
        student_functions=gan_checks.STUDENT_FUNCTIONS,
        starter_file=f"cgan_{dataset}.py",
        probes_file="gan_probes.py",
        probe_names=gan_checks.PROBE_NAMES,
        settings=settings,
        checks=checks(image_shape, with_quality),
        make_inputs=gan_inputs,
        report_samples=report_samples,
    )


CGAN_MNIST = conditional_assignment(
    "mnist", "Conditional GAN on MNIST", (28, 28, 1), MNIST_SETTINGS, with_quality=True
)
CGAN_CIFAR10 = conditional_assignment(
    "cifar10", "Conditional GAN on CIFAR-10", (32, 32, 3), CIFAR10_SETTINGS, with_quality=False
)
