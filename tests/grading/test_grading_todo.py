"""A TODO in one student function costs that function's points and no other's, in every assignment.

The cases come from the assignment table: for each assignment, each function its
starter file leaves as a TODO is put back to the starter's
`raise NotImplementedError` in an otherwise correct submission (the reference).
The checks that judge that function (`Check.judges`) fail; every other check
passes, since later probes call a working stand-in in its place. A new
assignment gets these tests by adding its reference below.

dcgan-mnist is graded as a class would be, so the training checks show that a
TODO network or loss still leaves train_step its points. To keep the suite
short, the other assignments train for 2 steps only: there the checks of
train_step are judged only when train_step is the TODO (its run stops at the
first step, however many it was given), and for every other TODO they are left
out, so a longer run would show nothing more.
"""

import dataclasses

import pytest
from grading_submissions import SUBMISSIONS, todo_functions, with_todo

from kerasgan.grading.assignments import assignment_names, get_assignment

REFERENCES = {
    "dcgan-mnist": "dcgan_reference.py",
    "cgan-mnist": "cgan_mnist_reference.py",
    "cgan-cifar10": "cgan_cifar10_reference.py",
    "pix2pix": "pix2pix_reference.py",
    "gan-loss-mnist": "gan_loss_reference.py",
}

# Assignments graded with their own settings; the others with a 2-step run. dcgan-mnist's
# TODO variants are graded in the batch of its planted mistakes (conftest.py's dcgan_batch).
FULL_RUNS = ("dcgan-mnist",)
SHORT_RUN_STEPS = 2

CASES = [
    (name, function)
    for name in assignment_names()
    for function in todo_functions(get_assignment(name).starter_text())
]
GRADED = {}


def test_every_assignment_has_a_reference_and_todos():
    assert set(REFERENCES) == set(assignment_names())
    for name in assignment_names():
        todos = todo_functions(get_assignment(name).starter_text())
        assert todos and set(todos) <= set(get_assignment(name).student_functions), name


def graded_with_todos(name, request, data):
    """Every TODO variant of `name`'s reference, graded once by the batch grader."""
    if name not in GRADED:
        if name in FULL_RUNS:
            GRADED[name] = graded_in_dcgan_batch(request.getfixturevalue("dcgan_batch"))
        else:
            folders = request.getfixturevalue("tmp_path_factory")
            GRADED[name] = graded_with_a_short_run(name, folders, data)
    return GRADED[name]


def graded_in_dcgan_batch(batch):
    """dcgan-mnist's TODO variants, as the batch of its planted mistakes graded them."""
    return {
        function: (batch["graded"].get(variant), batch["errors"].get(variant))
        for function, variant in batch["todos"].items()
    }


def graded_with_a_short_run(name, tmp_path_factory, data):
    """The TODO variants of an assignment graded with a 2-step training run."""
    from kerasgan.grading.batch import grade_batch

    assignment = get_assignment(name)
    settings = dict(assignment.settings, training_steps=SHORT_RUN_STEPS)
    if "evaluation_samples" in settings:
        settings["evaluation_samples"] = 100  # enough for the replay probe's 64
    assignment = dataclasses.replace(assignment, settings=settings)
    folder = tmp_path_factory.mktemp(f"todo-{name}")
    reference = (SUBMISSIONS / REFERENCES[name]).read_text()
    for function in todo_functions(assignment.starter_text()):
        (folder / f"{function}.py").write_text(with_todo(reference, function))
    outcomes = grade_batch(
        assignment, folder, folder / "grades.csv", data_path=data, workers=2,
        progress=lambda line: None,
    )
    return {function: (graded, error) for function, graded, error in outcomes}


@pytest.mark.parametrize("name, function", CASES)
def test_a_todo_costs_only_its_functions_points(name, function, request, mnist_npz, cifar10_npz):
    assignment = get_assignment(name)
    data = mnist_npz if assignment.dataset == "mnist" else cifar10_npz
    graded, error = graded_with_todos(name, request, data)[function]
    assert error is None
    judged = {check.name for check in assignment.checks if function in check.judges}
    failed = {result.name: result.output for result in graded.results if not result.passed}
    for output in (failed[check] for check in judged if check in failed):
        assert output.startswith(f"Not graded: {function} is still a TODO"), output
    if name not in FULL_RUNS and function != "train_step":
        training = {check.name for check in assignment.checks if "train_step" in check.judges}
        failed = {check: output for check, output in failed.items() if check not in training}
        judged -= training
    assert set(failed) == judged, failed
    if name in FULL_RUNS:
        lost = sum(check.points for check in assignment.checks if check.name in judged)
        assert graded.score == assignment.max_score - lost
