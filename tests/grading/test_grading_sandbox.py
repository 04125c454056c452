"""The sandbox: a submission cannot outlive it, reach the grader's secrets or touch its classmates.

The attacks the tests try, each a submission in submissions/hostile/:

- daemon_rewrites_results: forks, calls setsid(), forks again, and for a minute
  rewrites the grader's results.json, report and gradebook with full marks
  (graded alone by `kerasgan grade run`, and inside a `grade batch`);
- vandal: lists and overwrites the batch folder (its classmates' files), the
  reports folder, /tmp, the parent folder and /, and looks for the other
  children's folders;
- reads_environment: prints its own environment and, for every process it can
  see, /proc/PID/environ, cmdline and cwd, the grader's id included, and writes
  them to a file, while the grader holds a secret in its environment;
- sleeps_with_daemon: leaves a setsid() daemon and stalls, while the grader
  (`grade run` and `grade batch`) gets SIGTERM or SIGINT;
- leaves_processes (test_grading_hostile.py): a background `sleep`.

The graded classmates are a submission that scores 30 and the starter file (0).
These tests need bubblewrap (Debian's `bubblewrap`, installed by .ci/run); the
last one grades without it and checks that the results say so.
"""

import csv
import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
from grading_submissions import SUBMISSIONS, copy_submissions, processes_running_with

from kerasgan.grading import gradescope, sandbox
from kerasgan.grading.assignments import get_assignment
from kerasgan.grading.grader import default_limits, grade_submission

HOSTILE = SUBMISSIONS / "hostile"
ASSIGNMENT = get_assignment("dcgan-mnist")
REPOSITORY = Path(__file__).resolve().parents[2]
DAEMON_MARKER = "MARKER_KERASGAN_TEST_DAEMON"
STALL_MARKER = "MARKER_KERASGAN_TEST_STALL"
# The daemon rewrites its targets every 0.2 s while it lives: had it survived the
# sandbox, this long after grading its forgeries would be in the files.
DAEMON_TRIES_SECONDS = 1.0
# The kernel ends what a sandbox started once its harness has ended, but on a busy machine
# the last process can take a moment to exit; a daemon that survived would still be there
# after this long.
DAEMON_EXIT_SECONDS = 30

requires_bubblewrap = pytest.mark.skipif(
    not sandbox._works("bubblewrap"), reason="bubblewrap (bwrap) cannot run here"
)


def kerasgan_command(*arguments):
    return [sys.executable, "-m", "kerasgan", "grade", *map(str, arguments)]


def kerasgan_environment(**extra):
    environment = dict(os.environ, PYTHONPATH=str(REPOSITORY), **extra)
    environment.pop("KERASGAN_GRADING_SANDBOX", None)
    return environment


def daemon_submission(path, targets):
    text = (HOSTILE / "daemon_rewrites_results.py").read_text()
    path.write_text(text.replace("TARGET_PATHS", repr([str(target) for target in targets])))
    return path


def digest(path):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def daemon_ended():
    """True once no process of the daemon submission is left (waiting up to DAEMON_EXIT_SECONDS)."""
    return wait_until(lambda: processes_running_with(DAEMON_MARKER) == [], DAEMON_EXIT_SECONDS)


def wait_until(condition, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.5)
    return False


@requires_bubblewrap
def test_double_fork_daemon_cannot_change_what_grade_run_printed(tmp_path, mnist_npz):
    results, report = tmp_path / "out" / "results.json", tmp_path / "out" / "report.md"
    submission = daemon_submission(tmp_path / "daemon.py", [results, report])
    done = subprocess.run(
        kerasgan_command(
            "run", "dcgan-mnist", submission, "--out", results, "--report", report,
            "--data", mnist_npz, "--time-limit", 120,
        ),
        env=kerasgan_environment(),
        capture_output=True,
        text=True,
        timeout=400,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    printed = float(re.search(r"Score: (\S+) / 100", done.stdout).group(1))
    assert "DAEMON STARTED 0" in report.read_text()  # the daemon did start, inside the sandbox
    assert daemon_ended(), processes_running_with(DAEMON_MARKER)
    # Five of the daemon's tries later (it writes every 0.2 s): the files hold what was printed.
    time.sleep(DAEMON_TRIES_SECONDS)
    assert json.loads(results.read_text())["score"] == printed == 0
    assert "forged" not in report.read_text()


@pytest.fixture(scope="module")
def attacked_batch(tmp_path_factory, mnist_npz):
    """The daemon, the vandal and the snoop graded beside two classmates, a secret in the env."""
    from kerasgan.grading.batch import grade_batch

    root = tmp_path_factory.mktemp("attacked")
    folder = copy_submissions(
        [
            ("alice", HOSTILE / "missing_functions.py"),
            ("vandal", HOSTILE / "vandal.py"),
            ("snoop", HOSTILE / "reads_environment.py"),
        ],
        root / "in",
    )
    (folder / "bob.py").write_text(ASSIGNMENT.starter_text())
    reports, gradebook = root / "reports", root / "grades.csv"
    daemon_submission(
        folder / "daemon.py", [gradebook, reports / "alice.json", reports / "bob.json"]
    )
    vandal = folder / "vandal.py"
    vandal.write_text(
        vandal.read_text()
        .replace("BATCH_FOLDER", repr(str(folder)))
        .replace("REPORTS_FOLDER", repr(str(reports)))
    )
    snoop = folder / "snoop.py"
    snoop.write_text(snoop.read_text().replace("GRADER_PID", str(os.getpid())))
    classmates = {name: digest(folder / f"{name}.py") for name in ("alice", "bob")}
    secret = f"s3cret-{uuid.uuid4().hex}"
    os.environ["KERASGAN_TEST_SECRET"] = secret
    try:
        outcomes = grade_batch(
            "dcgan-mnist", folder, gradebook, reports_folder=reports, data_path=mnist_npz,
            workers=2, seconds=120, progress=lambda line: None,
        )
    finally:
        del os.environ["KERASGAN_TEST_SECRET"]
    time.sleep(DAEMON_TRIES_SECONDS)  # five of the daemon's tries, had it survived
    assert [error for _, _, error in outcomes if error] == []
    return {
        "graded": {name: graded for name, graded, _ in outcomes},
        "folder": folder,
        "reports": reports,
        "gradebook": gradebook,
        "classmates": classmates,
        "secret": secret,
    }


@requires_bubblewrap
def test_batch_gradebook_and_results_hold_what_the_grader_computed(attacked_batch):
    graded = attacked_batch["graded"]
    assert "DAEMON STARTED 0" in graded["daemon"].child_output
    assert daemon_ended(), processes_running_with(DAEMON_MARKER)
    with open(attacked_batch["gradebook"], newline="") as handle:
        rows = {row["submission"]: row for row in csv.DictReader(handle)}
    assert sorted(rows) == ["alice", "bob", "daemon", "snoop", "vandal"]
    for name, row in rows.items():
        assert float(row["score"]) == graded[name].score
        results = json.loads((attacked_batch["reports"] / f"{name}.json").read_text())
        assert results["score"] == graded[name].score
        assert "forged" not in results["output"]


@requires_bubblewrap
def test_classmates_files_and_grades_are_untouched(attacked_batch):
    for name, before in attacked_batch["classmates"].items():
        assert digest(attacked_batch["folder"] / f"{name}.py") == before
    assert attacked_batch["graded"]["alice"].score == 30
    assert attacked_batch["graded"]["bob"].score == 0
    seen = attacked_batch["graded"]["vandal"].child_output
    assert "VANDAL SAW" in seen
    # The batch and reports folders do not exist in its world; nor does any other child's folder.
    assert "alice" not in seen and "bob.py" not in seen and "other child" not in seen
    assert "FileNotFoundError" in seen


@requires_bubblewrap
def test_the_graders_environment_is_out_of_reach(attacked_batch):
    secret = attacked_batch["secret"]
    seen = attacked_batch["graded"]["snoop"].child_output
    # It read what it could: its own environment, and that of process 1 in its namespace.
    assert "SNOOP FOUND" in seen and "'own'" in seen and "'1/environ'" in seen
    assert secret not in seen
    for path in attacked_batch["reports"].iterdir():
        if path.is_file():
            assert secret.encode() not in path.read_bytes(), path.name
    # It sees its own processes only, in its own folder: not the grader's id or working folder.
    assert f"'{os.getpid()}/environ'" not in seen
    assert str(attacked_batch["folder"]) not in seen


@requires_bubblewrap
@pytest.mark.parametrize(
    "verb, stop", [("run", signal.SIGTERM), ("batch", signal.SIGTERM), ("batch", signal.SIGINT)]
)
def test_a_stopped_grader_leaves_no_process_and_no_folder(tmp_path, mnist_npz, verb, stop):
    grader_temporary = tmp_path / "grader-tmp"
    grader_temporary.mkdir()
    stalling = HOSTILE / "sleeps_with_daemon.py"
    folder = copy_submissions([("a", stalling), ("b", stalling)], tmp_path / "in")
    if verb == "run":
        command = kerasgan_command(
            "run", "dcgan-mnist", folder / "a.py", "--out", tmp_path / "r.json"
        )
    else:
        command = kerasgan_command(
            "batch", "dcgan-mnist", folder, "--gradebook", tmp_path / "g.csv"
        )
        command += ["--workers", "2"]
    command += ["--data", str(mnist_npz), "--time-limit", "300"]
    children = 1 if verb == "run" else 2
    grader = subprocess.Popen(
        command,
        env=kerasgan_environment(TMPDIR=str(grader_temporary)),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        started = wait_until(lambda: len(processes_running_with(STALL_MARKER)) >= children, 180)
        assert started, "the stalling submissions never started"
        grader.send_signal(stop)
        status = grader.wait(timeout=60)
    finally:
        grader.kill()
    # As without the handler: killed by SIGTERM; Ctrl-C is "interrupted", 130.
    assert status == (-signal.SIGTERM if stop == signal.SIGTERM else 130)
    assert processes_running_with(STALL_MARKER) == []
    assert [path.name for path in grader_temporary.iterdir() if "kerasgan" in path.name] == []
    assert not (tmp_path / "r.json").exists() and not (tmp_path / "g.csv").exists()


def test_grading_without_a_sandbox_says_so(tmp_path, monkeypatch, mnist_npz):
    monkeypatch.setenv("KERASGAN_GRADING_SANDBOX", "process-group")
    limits = default_limits(ASSIGNMENT, seconds=60)
    graded = grade_submission(
        ASSIGNMENT, HOSTILE / "exit_at_import.py", data_path=mnist_npz, limits=limits
    )
    assert graded.isolation == "process-group"
    output = gradescope.results_json(graded)["output"]
    assert "Graded without a full sandbox" in output and "bubblewrap" in output


def test_the_sandbox_binds_site_packages_but_not_a_checkout_of_kerasgan(tmp_path, monkeypatch):
    installed = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    checkout = tmp_path / "course"
    for folder in (installed, checkout):
        (folder / "kerasgan").mkdir(parents=True)
        (folder / "kerasgan" / "__init__.py").write_text("")
    monkeypatch.setattr(sys, "path", [*sys.path, str(installed), str(checkout)])
    monkeypatch.delenv("PYTHONPATH", raising=False)
    paths = sandbox.python_paths()
    assert str(installed) in paths and str(checkout) not in paths
    assert sys.prefix in paths
