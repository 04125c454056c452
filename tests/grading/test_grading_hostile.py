"""Hostile submissions are graded correctly and never crash or hang the grader.

Each file in submissions/hostile/ attacks the grader one way: exiting at
import, looping, allocating without end, writing results.json, printing fake
scores, monkeypatching NumPy and TensorFlow, reaching for the reference code,
not parsing, missing functions, leaving processes behind. They are graded
together by the batch grader with a short time limit (the infinite loop ends
there); the memory bomb runs alone under a lower memory limit.
"""

import json
import os
import re
from pathlib import Path

import pytest

from kerasgan.grading import gradescope
from kerasgan.grading.assignments import get_assignment
from kerasgan.grading.grader import default_limits, grade_submission, write_results

from grading_submissions import SUBMISSIONS, copy_submissions, processes_running_with

HOSTILE = SUBMISSIONS / "hostile"
ASSIGNMENT = get_assignment("dcgan-mnist")
# The infinite loop holds one of the batch's two workers until this limit. The other
# submissions end well within it: at most 19 s each measured on a busy 2-core machine.
TIME_LIMIT = 45


@pytest.fixture(scope="module")
def hostile_batch(tmp_path_factory, mnist_npz):
    from kerasgan.grading.batch import grade_batch

    root = tmp_path_factory.mktemp("hostile")
    names = [
        "exit_at_import",
        "os_exit_at_import",
        "infinite_loop",
        "writes_results",
        "fake_score_lines",
        "monkeypatch",
        "reads_grader_files",
        "syntax_error",
        "missing_functions",
        "leaves_processes",
    ]
    folder = copy_submissions([(name, HOSTILE / f"{name}.py") for name in names], root / "in")
    # The submission that writes results.json is told where the grader will write its own.
    reports = root / "reports"
    target = folder / "writes_results.py"
    target.write_text(
        target.read_text().replace("GRADER_RESULTS_PATH", str(reports / "writes_results.json"))
    )
    starter = folder / "starter.py"
    starter.write_text(ASSIGNMENT.starter_text())
    outcomes = grade_batch(
        "dcgan-mnist",
        folder,
        root / "grades.csv",
        reports_folder=reports,
        data_path=mnist_npz,
        workers=2,
        seconds=TIME_LIMIT,
        progress=lambda line: None,
    )
    assert [error for _, _, error in outcomes if error] == []
    return {"graded": {name: graded for name, graded, _ in outcomes}, "reports": reports}


def outputs(graded):
    return {result.name: result.output for result in graded.results}


def assert_nothing_scored(graded):
    assert graded.score == 0
    assert all(not result.passed for result in graded.results)


def test_sys_exit_at_import_is_reported_not_obeyed(hostile_batch):
    graded = hostile_batch["graded"]["exit_at_import"]
    assert_nothing_scored(graded)
    assert "The submission called sys.exit(0)" in " ".join(graded.problems)
    assert all("could not be imported" in text for text in outputs(graded).values())


def test_os_exit_at_import_ends_only_the_child(hostile_batch):
    graded = hostile_batch["graded"]["os_exit_at_import"]
    assert_nothing_scored(graded)
    message = outputs(graded)["generator_output"]
    assert "exit status 0" in message and "import" in message


def test_infinite_loop_is_stopped_at_the_time_limit(hostile_batch):
    graded = hostile_batch["graded"]["infinite_loop"]
    assert_nothing_scored(graded)
    assert f"time limit of {TIME_LIMIT} s" in " ".join(graded.problems)


def test_results_json_written_by_the_submission_is_replaced_by_the_graders(hostile_batch):
    path = hostile_batch["reports"] / "writes_results.json"
    results = json.loads(path.read_text())
    gradescope.validate(results)
    assert results["score"] == 0
    assert len(results["tests"]) == len(ASSIGNMENT.checks)
    assert_nothing_scored(hostile_batch["graded"]["writes_results"])


def test_fake_score_lines_are_shown_but_never_read(hostile_batch):
    graded = hostile_batch["graded"]["fake_score_lines"]
    assert_nothing_scored(graded)
    assert "Score: 100 / 100" in graded.child_output
    assert "got 0.00000 (wrong)" in outputs(graded)["discriminator_loss"]
    report = (hostile_batch["reports"] / "fake_score_lines.md").read_text()
    assert "**Score: 0 / 100**" in report
    printed = report.split("## What the submission printed")[1]
    assert "Score: 100 / 100" in printed


def test_monkeypatched_numpy_and_tensorflow_fool_only_the_child(hostile_batch):
    graded = hostile_batch["graded"]["monkeypatch"]
    assert_nothing_scored(graded)
    for check in ("discriminator_loss", "generator_loss"):
        assert "does not match the reference" in outputs(graded)[check]


def test_grader_files_and_reference_code_are_out_of_reach(hostile_batch):
    graded = hostile_batch["graded"]["reads_grader_files"]
    assert_nothing_scored(graded)
    seen = graded.child_output
    assert "kerasgan blocked: kerasgan is not available while grading" in seen
    report = seen[seen.index("REPORT") :]
    # A clean environment: none of the grader's variables (its cache, pytest's state).
    for variable in ("KERASGAN_CACHE", "PYTEST_CURRENT_TEST", "VIRTUAL_ENV"):
        assert variable not in report
    # Its folder holds the harness, the probes, its own code and the inputs: no references.
    cwd_files = report.split("'cwd_files': ")[1].split("]")[0]
    assert "expected" not in cwd_files and "reference" not in cwd_files
    assert "submission.py" in cwd_files and "inputs.npz" in cwd_files


def test_syntax_error_scores_zero_with_the_line(hostile_batch):
    graded = hostile_batch["graded"]["syntax_error"]
    assert_nothing_scored(graded)
    assert "SyntaxError at line 4" in graded.problems[0]


def test_missing_functions_cost_only_their_checks(hostile_batch):
    graded = hostile_batch["graded"]["missing_functions"]
    passed = sorted(result.name for result in graded.results if result.passed)
    assert passed == ["discriminator_output", "generator_output", "generator_range"]
    assert graded.score == 30
    assert "does not define discriminator_loss" in graded.problems[0]
    assert "has no attribute 'discriminator_loss'" in outputs(graded)["discriminator_loss"]


def test_processes_left_behind_are_killed(hostile_batch):
    graded = hostile_batch["graded"]["leaves_processes"]
    assert "SLEEPER_PID" in graded.child_output  # it did start its sleeper
    # Found by its command line: inside a PID namespace the id it printed is not the machine's.
    assert processes_running_with("311.25") == []


def test_the_starter_file_grades_to_zero_without_crashing(hostile_batch):
    graded = hostile_batch["graded"]["starter"]
    assert_nothing_scored(graded)
    assert "NotImplementedError: make_generator" in outputs(graded)["generator_output"]


def test_memory_bomb_is_stopped_by_the_memory_limit(tmp_path, mnist_npz):
    limits = default_limits(ASSIGNMENT, seconds=60, memory_gb=4)
    graded = grade_submission(
        ASSIGNMENT, HOSTILE / "memory_bomb.py", data_path=mnist_npz, limits=limits
    )
    assert_nothing_scored(graded)
    assert "MemoryError" in " ".join(graded.problems)
    results = write_results(graded, tmp_path / "results.json")
    assert results["score"] == 0
    assert os.path.getsize(tmp_path / "results.json") > 0


def test_report_of_a_todo_gives_the_reason_first_and_folds_the_rest(hostile_batch):
    from kerasgan.grading.report import FRAMEWORK_LINE, split_framework_lines

    report = (hostile_batch["reports"] / "starter.md").read_text()
    sections = report.split("\n### ")[1:]
    assert len(sections) == len(ASSIGNMENT.checks)
    for section in sections:
        first_line = section.split("\n\n")[1]
        assert first_line.startswith("Not graded: ") and "is still a TODO" in first_line, section
    assert "Not graded: make_generator is still a TODO (it raises NotImplementedError)." in report
    # Outside the folded blocks: no line from the grader's own files.
    unfolded = re.sub(r"<details>.*?</details>", "", report, flags=re.S)
    grader_files = ("harness.py", "probes.py", "probe_tools.py", "stand_ins.py", "site-packages")
    for grader_file in grader_files:
        assert grader_file not in unfolded, grader_file
    # Inside them, only the student's own frames.
    assert "submission.py" in report and "harness.py" not in report
    # TensorFlow's start-up lines are in the environment note, not in what the student printed.
    _, framework = split_framework_lines(hostile_batch["graded"]["starter"].child_output)
    assert framework, "TensorFlow printed nothing at start-up: the test shows nothing"
    printed = report.split("## What the submission printed")[1:] or [""]
    printed = printed[0].split("\n## ")[0]
    assert not any(FRAMEWORK_LINE.match(line) for line in printed.splitlines())
    # Whatever the pattern: no line of absl's C++ log ("E0000 00:00:... cuda_platform.cc:52] ...").
    assert not re.search(r"^[IWEF]\d{4} \S+\s+\d+ \S+\.cc:\d+\]", printed, re.M), printed
    environment = report.split("## Environment")[1]
    assert framework.splitlines()[0] in environment
