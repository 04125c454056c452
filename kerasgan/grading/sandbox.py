"""Running untrusted code in a child process that cannot take the grader down with it.

A submission is a program written by someone else. It may loop forever,
allocate all the memory there is, call `os._exit`, print a fake score, fork,
or write files where the grader keeps its own. None of that may change a
grade or stop the grader, so the submission runs in a separate Python process
started like this:

- `python -I -B`: isolated mode ignores PYTHON* variables, the user's
  site-packages and the current folder on `sys.path`; no .pyc files are written;
- a clean environment: a short PATH, HOME and TMPDIR in the child's own folder,
  thread counts for TensorFlow, no GPU, nothing inherited from the grader;
- a fresh temporary folder as the working directory, holding only what the
  grader copied there (never a reference value);
- resource limits set before the interpreter starts (`resource.setrlimit` in
  `preexec_fn`): address space (a memory bomb gets a MemoryError), CPU seconds,
  size of files written, no core dumps;
- its own session and process group, so that a wall-clock timeout, or the end
  of the run, kills the child *and everything it started* with one `killpg`;
- stdin closed, stdout and stderr sent to files of bounded size (the output is
  only ever shown, never parsed: a printed "Score: 100/100" is just text).

Example:

```python
folder = make_work_folder()
(folder / "hello.py").write_text("print('hi')")
run = run_in_sandbox(["hello.py"], folder, Limits(seconds=10))
print(run.exit_status, run.stdout_tail)
```
"""

import dataclasses
import os
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# How much of the child's stdout and stderr is kept for the report.
OUTPUT_TAIL_CHARACTERS = 4000


@dataclasses.dataclass
class Limits:
    """What a child process may use.

    Args:
        seconds: wall-clock time before the whole process group is killed.
        memory_bytes: address-space limit (RLIMIT_AS). TensorFlow alone maps about
            3 GiB of virtual memory on CPU, so keep this well above that.
        file_bytes: largest file the child may write (RLIMIT_FSIZE).
        threads: TensorFlow and OpenMP threads in the child; batch grading gives
            each of its parallel children a share of the cores.
    """

    seconds: float = 600.0
    memory_bytes: int = 8 * 2**30
    file_bytes: int = 512 * 2**20
    threads: int = 1


@dataclasses.dataclass
class ChildRun:
    """How a child process ended.

    Attributes:
        exit_status: the return code (negative: killed by that signal), None if unknown.
        timed_out: the wall-clock limit was reached and the process group killed.
        seconds: wall-clock duration.
        stdout_tail, stderr_tail: the last characters the child printed.
    """

    exit_status: int
    timed_out: bool
    seconds: float
    stdout_tail: str
    stderr_tail: str

    def describe_end(self, limits):
        """One sentence saying how the process ended, for failure messages."""
        if self.timed_out:
            return f"it was stopped after the time limit of {limits.seconds:.0f} s"
        if self.exit_status is None:
            return "it ended in an unknown way"
        if self.exit_status < 0:
            try:
                name = signal.Signals(-self.exit_status).name
            except ValueError:
                name = f"signal {-self.exit_status}"
            hint = " (out of memory?)" if name == "SIGKILL" else ""
            return f"the process was killed by {name}{hint}"
        return f"the process ended with exit status {self.exit_status}"


def make_work_folder(prefix="kerasgan-grade-"):
    """A new private temporary folder (mode 0700) for one child process."""
    return Path(tempfile.mkdtemp(prefix=prefix))


def clean_environment(folder, threads):
    """The only environment variables a child gets: no secrets, no paths of the grader."""
    threads = str(max(1, int(threads)))
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(folder),
        "TMPDIR": str(folder),
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": "0",
        "PYTHONUNBUFFERED": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
        # TensorFlow reads these when its runtime starts, before any student code can run an op.
        "TF_NUM_INTRAOP_THREADS": threads,
        "TF_NUM_INTEROP_THREADS": threads,
        "OMP_NUM_THREADS": threads,
        # Grading runs on the CPU: the same numbers on every machine, and no GPU to hog.
        "CUDA_VISIBLE_DEVICES": "",
        "KERAS_HOME": str(Path(folder) / ".keras"),
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(Path(folder) / ".matplotlib"),
    }


def _limit_resources(limits):
    """Returns the function the child calls between fork and exec to lower its own limits.

    It only calls `resource.setrlimit` with integers computed beforehand: nothing
    that could take a lock held by another thread of the grader at fork time.
    """
    memory = int(limits.memory_bytes)
    # CPU seconds: every thread counts, so allow all threads for the whole wall-clock time.
    cpu_seconds = int(limits.seconds * max(1, limits.threads)) + 60
    file_bytes = int(limits.file_bytes)
    setrlimit = resource.setrlimit

    def limit():
        setrlimit(resource.RLIMIT_AS, (memory, memory))
        setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
        setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        setrlimit(resource.RLIMIT_CORE, (0, 0))

    return limit


def run_in_sandbox(arguments, folder, limits):
    """Runs `python -I -B ARGUMENTS...` in `folder` under `limits` and waits for it.

    Args:
        arguments: the script (relative to `folder`) and its arguments.
        folder: the child's working folder (from `make_work_folder`).
        limits: a `Limits`.

    Returns:
        A `ChildRun`. Whatever happens, no process of the child's group is left running.
    """
    folder = Path(folder)
    stdout_path, stderr_path = folder / ".stdout", folder / ".stderr"
    start = time.monotonic()
    timed_out = False
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        process = subprocess.Popen(
            [sys.executable, "-I", "-B", *map(str, arguments)],
            cwd=folder,
            env=clean_environment(folder, limits.threads),
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            start_new_session=True,
            preexec_fn=_limit_resources(limits),
            close_fds=True,
        )
        try:
            process.wait(timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            # The child may have started processes of its own: end the whole group, always.
            kill_process_group(process.pid)
            process.wait()
    return ChildRun(
        exit_status=process.returncode,
        timed_out=timed_out,
        seconds=time.monotonic() - start,
        stdout_tail=_tail(stdout_path),
        stderr_tail=_tail(stderr_path),
    )


def kill_process_group(group_id):
    """Sends SIGKILL to every process of a process group; a group already gone is fine."""
    try:
        os.killpg(group_id, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def remove_work_folder(folder):
    """Deletes a child's folder, including files it made read-only."""
    folder = Path(folder)
    if not folder.exists():
        return
    for root, folders, _ in os.walk(folder):
        for name in folders:
            try:
                os.chmod(Path(root) / name, 0o700)
            except OSError:
                pass
    shutil.rmtree(folder, ignore_errors=True)


def _tail(path):
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - OUTPUT_TAIL_CHARACTERS))
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
