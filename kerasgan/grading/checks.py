"""Checks: named, weighted verdicts the grader makes from the child's raw arrays.

A check is a function of what the child returned (`ChildOutputs`) and of the
grading context (the inputs the grader sent, real data, the domain
classifier). It computes its own reference values with kerasgan's code, in the
grader's process, and returns a `Verdict`: passed or not, and one message
saying what was expected and what came back. A check whose probe never ran
(the import failed, the process was killed, the function raised) raises
`NotRun` with the reason, and scores 0 with that reason as its message.

Example:

```python
def check_generator_output(outputs, context):
    images = outputs.array("generator", "images")
    expected = (16, 28, 28, 1)
    if images.shape != expected:
        return Verdict(False, f"Expected images shaped {expected}; got {images.shape}.")
    return Verdict(True, f"Images shaped {images.shape}, {images.dtype}.")
```
"""

import dataclasses

import numpy as np


class NotRun(Exception):
    """The arrays a check needs are missing; the message says why (an error, a timeout, an exit)."""


@dataclasses.dataclass
class Verdict:
    """What one check decided.

    Attributes:
        passed: full points when True, none when False.
        message: what was expected and what came back, in sentences a student can act on.
    """

    passed: bool
    message: str


@dataclasses.dataclass
class Check:
    """One graded property of a submission.

    Attributes:
        name: short identifier, e.g. "generator_range".
        title: what a student reads in Gradescope, e.g. "Generator output stays in [-1, 1]".
        points: the check's weight.
        function: `function(outputs, context) -> Verdict`.
        judges: the student functions whose points these are (usually one): a TODO or an
            error in any other function must not cost them (see child/stand_ins.py).
    """

    name: str
    title: str
    points: float
    function: object
    judges: tuple = ()


@dataclasses.dataclass
class CheckResult:
    """A check's outcome for one submission, ready for results.json and the report."""

    name: str
    title: str
    score: float
    max_score: float
    passed: bool
    output: str


def run_check(check, outputs, context):
    """Runs one check; one that cannot run, or that fails on odd arrays, scores 0 with a reason."""
    try:
        verdict = check.function(outputs, context)
    except NotRun as reason:
        verdict = Verdict(False, f"Not graded: {reason}")
    except (ValueError, TypeError, IndexError, KeyError, FloatingPointError) as error:
        # Arrays of an unexpected shape or type from the child end up here: a failed check,
        # never a crashed grader.
        verdict = Verdict(
            False, f"The values the submission returned could not be checked: {error}"
        )
    return CheckResult(
        name=check.name,
        title=check.title,
        score=float(check.points) if verdict.passed else 0.0,
        max_score=float(check.points),
        passed=bool(verdict.passed),
        output=verdict.message,
    )


def describe(array):
    """A short description of an array for messages: shape, dtype and value range."""
    array = np.asarray(array)
    text = f"shape {tuple(array.shape)}, {array.dtype}"
    if array.size and np.issubdtype(array.dtype, np.number):
        finite = array[np.isfinite(array)] if np.issubdtype(array.dtype, np.floating) else array
        if finite.size:
            text += f", values from {float(finite.min()):.4g} to {float(finite.max()):.4g}"
        if finite.size < array.size:
            text += f", {array.size - finite.size} NaN or infinite"
    return text


def scalar(array, what):
    """The single number in `array`, or a NotRun-free ValueError naming `what`."""
    array = np.asarray(array)
    if array.size != 1 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f"{what} should be one number (a scalar tensor); got {describe(array)}.")
    return float(array.reshape(()))


def is_close(expected, got, relative=1e-4, absolute=1e-5):
    """Loss values agree up to float32 rounding."""
    return bool(np.isfinite(got) and abs(got - expected) <= absolute + relative * abs(expected))
