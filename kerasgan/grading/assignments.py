"""The assignments kerasgan can grade, and what every assignment defines.

An assignment is an `Assignment` object defined in its own module
(`dcgan_mnist.py`; `conditional_gan.py` holds the MNIST and CIFAR-10
variants): the student API its starter file asks for, the settings of the
short training run, the inputs the grader sends to the child, the probes the
child runs, and the weighted checks that turn the child's arrays into points.

Example:

```python
assignment = get_assignment("dcgan-mnist")
print(assignment.title, sum(check.points for check in assignment.checks))
```
"""

import dataclasses
import importlib
from pathlib import Path

# Assignment name -> (module under kerasgan/grading/, the Assignment's name in it).
ASSIGNMENT_MODULES = {
    "dcgan-mnist": ("dcgan_mnist", "ASSIGNMENT"),
    "cgan-mnist": ("conditional_gan", "CGAN_MNIST"),
    "cgan-cifar10": ("conditional_gan", "CGAN_CIFAR10"),
    "pix2pix": ("pix2pix", "ASSIGNMENT"),
    "gan-loss-mnist": ("gan_loss_mnist", "ASSIGNMENT"),
}

STARTERS_FOLDER = Path(__file__).resolve().parent / "starters"


@dataclasses.dataclass
class Assignment:
    """Everything the grader needs to know about one assignment.

    Attributes:
        name: the name on the command line, e.g. "dcgan-mnist".
        title: a human title for reports.
        dataset: "mnist" or "cifar10": the real data for training and for the classifier.
        student_functions: the names the submission must define.
        starter_file: file name in kerasgan/grading/starters/.
        probes_file: file name in kerasgan/grading/child/ (copied to the child as probes.py).
        probe_names: the probes, in the order the child runs them.
        settings: JSON-serialisable values the probes read (latent size, steps, seeds, ...).
        checks: the `Check`s, in the order they are reported.
        make_inputs: `make_inputs(context) -> dict of arrays` sent to the child.
        report_samples: `report_samples(outputs, context) -> images` for the report's grid.
        time_limit: default wall-clock seconds for one submission's child process.
    """

    name: str
    title: str
    dataset: str
    student_functions: tuple
    starter_file: str
    probes_file: str
    probe_names: tuple
    settings: dict
    checks: list
    make_inputs: object
    report_samples: object
    time_limit: float = 600.0

    @property
    def max_score(self):
        return float(sum(check.points for check in self.checks))

    def starter_text(self):
        """The starter file students fill in."""
        return (STARTERS_FOLDER / self.starter_file).read_text(encoding="utf-8")


def assignment_names():
    return tuple(ASSIGNMENT_MODULES)


def get_assignment(name):
    """The `Assignment` called `name`; a ValueError lists the known ones."""
    if name not in ASSIGNMENT_MODULES:
        raise ValueError(
            f"Unknown assignment {name!r}: choose one of {', '.join(ASSIGNMENT_MODULES)}."
        )
    module_name, attribute = ASSIGNMENT_MODULES[name]
    module = importlib.import_module(f"kerasgan.grading.{module_name}")
    return getattr(module, attribute)
