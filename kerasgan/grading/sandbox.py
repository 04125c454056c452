"""Running untrusted code in a sandbox it cannot leave, and ending every sandbox on request.

A submission is a program written by someone else. It may loop forever,
allocate all the memory there is, call `os._exit`, print a fake score, fork
a daemon that waits for the grader's results and rewrites them, read the
grader's environment or the other students' files. None of that may change a
grade, leak a secret or stop the grader, so the submission runs in a child
`python -I -B` (isolated mode: no PYTHON* variables, no user site-packages,
no .pyc files) inside the strongest isolation this machine offers:

1. "bubblewrap" (`bwrap`, Debian's `bubblewrap` package, also in Gradescope's
   images): new PID, network, IPC and UTS namespaces and a mount namespace that
   holds only the Python installation (read-only), a few files of /etc, a new
   /proc and /dev, a private /tmp and the child's own folder at /grading. The
   child sees no other submission, no output path, no teacher file, no
   network, and only its own processes; when the harness ends, the kernel ends
   everything it started, however it forked (setsid and double forks included).
2. "pid-namespace" (`unshare` from util-linux, where bwrap is missing): its own
   PID and network namespaces, so nothing outlives it and nothing goes out; the
   files of the machine stay visible.
3. "process-group": a session and process group of its own, ended with one
   `killpg`; a process that leaves the group (setsid) is out of reach.

`isolation()` picks the first that works here (`KERASGAN_GRADING_SANDBOX`
chooses one by name); the report says which one graded a submission. In
every case the environment is replaced by `clean_environment` (no variable of
the grader), stdin is closed, stdout and stderr go to files that are only
shown, never parsed, and resource limits are set before the interpreter
starts: address space, CPU seconds, size of a file written, no core dumps,
and a wall-clock limit after which the sandbox is killed.

Every sandbox and folder of this process is registered, so that SIGTERM or
SIGINT to the grader (`stop_sandboxes_on_signals`) kills them all, removes
their folders and ends the grader as the signal would have.

Example:

```python
folder = make_work_folder()
(folder / "hello.py").write_text("print('hi')")
run = run_in_sandbox(["hello.py"], folder, Limits(seconds=10))
print(run.exit_status, run.isolation, run.stdout_tail)
```
"""

import contextlib
import dataclasses
import functools
import os
import resource
import shutil
import signal
import site
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

# How much of the child's stdout and stderr is kept for the report.
OUTPUT_TAIL_CHARACTERS = 4000

# Where the child's folder appears inside a bubblewrap sandbox (its working directory and HOME).
SANDBOX_FOLDER = "/grading"

# Where pip installs packages: such a folder is bound even when kerasgan is installed there.
PACKAGE_FOLDERS = ("site-packages", "dist-packages")

# The isolations, strongest first; `isolation()` picks the first that works here.
ISOLATIONS = ("bubblewrap", "pid-namespace", "process-group")

# What each isolation leaves open, for the report of a submission graded under it.
WEAKER_ISOLATION_NOTES = {
    "pid-namespace": "bubblewrap (bwrap) is not installed, so the submission ran in its own "
    "PID and network namespaces only and could read the files of this machine; install "
    "Debian's bubblewrap package for a full sandbox",
    "process-group": "neither bubblewrap (bwrap) nor unshare could isolate it here, so the "
    "submission ran as a plain child process that could read this machine's files, use "
    "the network and leave processes behind by calling setsid(); install Debian's "
    "bubblewrap package for a full sandbox",
}

# The few files of /etc a Python and TensorFlow process reads; the rest of /etc stays hidden.
ETC_FILES = (
    "/etc/ld.so.cache",
    "/etc/ld.so.conf",
    "/etc/ld.so.conf.d",
    "/etc/localtime",
    "/etc/passwd",
    "/etc/group",
    "/etc/nsswitch.conf",
    "/etc/fonts",
    "/etc/ssl/certs",
    "/etc/alternatives",
)


class GradingStopped(Exception):
    """The grader was told to stop (SIGTERM or SIGINT): no new sandbox starts."""


@dataclasses.dataclass
class Limits:
    """What a child process may use.

    Args:
        seconds: wall-clock time before the whole sandbox is killed.
        memory_bytes: address-space limit per process (RLIMIT_AS). TensorFlow alone maps
            about 3 GiB of virtual memory on CPU, so keep this well above that.
        file_bytes: largest file the child may write (RLIMIT_FSIZE), and the size of its
            private /tmp under bubblewrap.
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
        timed_out: the wall-clock limit was reached and the sandbox killed.
        seconds: wall-clock duration.
        stdout_tail, stderr_tail: the last characters the child printed.
        isolation: which of `ISOLATIONS` it ran under.
    """

    exit_status: int
    timed_out: bool
    seconds: float
    stdout_tail: str
    stderr_tail: str
    isolation: str = "process-group"

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


# ------------------------------------------------------------------ what is running


class _Registry:
    """The sandboxes and folders this process has open, so that a signal can end them all."""

    def __init__(self):
        # Re-entrant: the signal handler may run in the main thread while it holds the lock.
        self.lock = threading.RLock()
        self.processes = {}  # pid -> Popen
        self.folders = set()
        self.stopping = threading.Event()

    def stop_everything(self):
        """Kills every running sandbox, waits for it, and removes every folder."""
        self.stopping.set()
        with self.lock:
            processes = list(self.processes.values())
            folders = list(self.folders)
        for process in processes:
            kill_process_group(process.pid)
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        for folder in folders:
            remove_work_folder(folder)


RUNNING = _Registry()


@contextlib.contextmanager
def stop_sandboxes_on_signals():
    """While inside, SIGTERM and SIGINT end every sandbox and remove its folder first.

    Then SIGINT raises KeyboardInterrupt as usual (the command line exits with 130), and
    SIGTERM ends this process by SIGTERM, as it would have without the handler. Must be
    entered from the main thread (Python runs signal handlers there).
    """

    def handle(number, frame):
        RUNNING.stop_everything()
        if number == signal.SIGINT:
            raise KeyboardInterrupt
        signal.signal(number, signal.SIG_DFL)
        os.kill(os.getpid(), number)

    previous = {number: signal.signal(number, handle) for number in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def make_work_folder(prefix="kerasgan-grade-"):
    """A new private temporary folder (mode 0700) for one child process."""
    if RUNNING.stopping.is_set():
        raise GradingStopped("grading was stopped")
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    with RUNNING.lock:
        RUNNING.folders.add(folder)
    return folder


def remove_work_folder(folder):
    """Deletes a child's folder, including files it made read-only."""
    folder = Path(folder)
    with RUNNING.lock:
        RUNNING.folders.discard(folder)
    if not folder.exists():
        return
    for root, folders, _ in os.walk(folder):
        for name in folders:
            try:
                os.chmod(Path(root) / name, 0o700)
            except OSError:
                pass
    shutil.rmtree(folder, ignore_errors=True)


def kill_process_group(group_id):
    """Sends SIGKILL to every process of a process group; a group already gone is fine."""
    try:
        os.killpg(group_id, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


# ------------------------------------------------------------------ the child's world


def clean_environment(folder, threads):
    """The only environment variables a child gets: no secrets, no paths of the grader."""
    threads = str(max(1, int(threads)))
    folder = Path(folder)
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
        "KERAS_HOME": str(folder / ".keras"),
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": str(folder / ".matplotlib"),
        "XDG_CACHE_HOME": str(folder / ".cache"),
    }


def python_paths():
    """The folders the child's Python needs, read-only: its installation and site-packages.

    The prefixes of the interpreter and of the virtual environment, and the
    entries of `sys.path` that Python itself put there (site-packages, paths
    from .pth files), each with the real path behind its links. Entries from
    PYTHONPATH are left out (`python -I` ignores them), and so is a source
    checkout holding kerasgan (an editable install's folder, which may hold a
    teacher's tests): the child does not import the grader's code. A
    site-packages folder stays, kerasgan or not: NumPy and TensorFlow are there.
    """
    from_environment = {
        os.path.realpath(entry)
        for entry in os.environ.get("PYTHONPATH", "").split(os.pathsep)
        if entry
    }
    candidates = [sys.prefix, sys.exec_prefix, sys.base_prefix, sys.base_exec_prefix]
    candidates += [os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))]
    candidates += site.getsitepackages() if hasattr(site, "getsitepackages") else []
    for entry in sys.path:
        if not entry or os.path.realpath(entry) in from_environment:
            continue
        package_folder = os.path.basename(os.path.normpath(entry)) in PACKAGE_FOLDERS
        if not package_folder and os.path.isfile(os.path.join(entry, "kerasgan", "__init__.py")):
            continue
        candidates.append(entry)
    paths = []
    for candidate in candidates:
        for path in (os.path.abspath(candidate), os.path.realpath(candidate)):
            if os.path.exists(path) and path not in paths:
                paths.append(path)
    return paths


def _outermost(paths):
    """`paths` without those inside another of them (binding the outer one is enough)."""
    kept = []
    for path in sorted(set(paths), key=len):
        if not any(path == outer or path.startswith(outer.rstrip("/") + "/") for outer in kept):
            kept.append(path)
    return kept


def bubblewrap_command(command, folder, environment, limits):
    """The `bwrap` command line that runs `command` in `folder` with nothing else in view."""
    arguments = [
        "bwrap",
        "--unshare-all",  # PID, network, IPC, UTS (and user and cgroup where possible)
        "--die-with-parent",
        "--new-session",
        "--ro-bind", "/usr", "/usr",
    ]
    # Debian links /bin, /lib, ... into /usr; older systems have real folders there.
    for top in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
        if os.path.islink(top):
            arguments += ["--symlink", os.readlink(top), top]
        elif os.path.isdir(top):
            arguments += ["--ro-bind", top, top]
    for path in ETC_FILES:
        arguments += ["--ro-bind-try", path, path]
    for path in _outermost(python_paths()):
        if path == "/usr" or path.startswith("/usr/"):
            continue
        arguments += ["--ro-bind", path, path]
    arguments += [
        "--proc", "/proc",
        "--dev", "/dev",
        "--size", str(int(limits.file_bytes)), "--tmpfs", "/tmp",
        "--bind", str(folder), SANDBOX_FOLDER,
        "--chdir", SANDBOX_FOLDER,
        "--clearenv",
    ]
    for name, value in environment.items():
        arguments += ["--setenv", name, value]
    return arguments + ["--", *command]


def unshare_command(command):
    """`unshare` with its own PID and network namespaces; the rest of the machine stays visible."""
    root = ["--map-root-user"] if os.geteuid() != 0 else []
    return ["unshare", *root, "--pid", "--fork", "--kill-child", "--mount-proc", "--net", *command]


@functools.lru_cache(maxsize=None)
def _works(name):
    """Whether isolation `name` can start a process on this machine (tried once per process)."""
    if name == "process-group":
        return True
    folder = Path(tempfile.mkdtemp(prefix="kerasgan-sandbox-check-"))
    try:
        command = ["/bin/sh", "-c", "exit 0"]
        if name == "bubblewrap":
            if shutil.which("bwrap") is None:
                return False
            command = bubblewrap_command(command, folder, {"PATH": "/usr/bin:/bin"}, Limits())
        else:
            if shutil.which("unshare") is None:
                return False
            command = unshare_command(command)
        try:
            done = subprocess.run(
                command, stdin=subprocess.DEVNULL, capture_output=True, timeout=30, cwd=folder
            )
        except (OSError, subprocess.TimeoutExpired):
            return False
        return done.returncode == 0
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def isolation():
    """The strongest isolation that works here: "bubblewrap", "pid-namespace" or "process-group".

    The environment variable KERASGAN_GRADING_SANDBOX names one to use instead (a
    ValueError if it does not work here).
    """
    chosen = os.environ.get("KERASGAN_GRADING_SANDBOX")
    if chosen:
        if chosen not in ISOLATIONS:
            raise ValueError(
                f"KERASGAN_GRADING_SANDBOX must be one of {', '.join(ISOLATIONS)}; got {chosen!r}."
            )
        if not _works(chosen):
            raise ValueError(f"The {chosen} sandbox does not work on this machine.")
        return chosen
    return next(name for name in ISOLATIONS if _works(name))


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


def run_in_sandbox(arguments, folder, limits, isolation_name=None):
    """Runs `python -I -B ARGUMENTS...` in `folder` under `limits` and waits for it.

    Args:
        arguments: the script (relative to `folder`) and its arguments.
        folder: the child's working folder (from `make_work_folder`).
        limits: a `Limits`.
        isolation_name: one of `ISOLATIONS`; default `isolation()`.

    Returns:
        A `ChildRun`. Whatever happens, no process of the child is left running.

    Raises:
        GradingStopped: the grader is stopping (a signal ended every sandbox).
    """
    folder = Path(folder)
    name = isolation_name or isolation()
    arguments_file = None
    stdout_path, stderr_path = folder / ".stdout", folder / ".stderr"
    command = [sys.executable, "-I", "-B", *map(str, arguments)]
    if name == "bubblewrap":
        environment = clean_environment(SANDBOX_FOLDER, limits.threads)
        environment["TMPDIR"] = "/tmp"
        command = bubblewrap_command(command, folder, environment, limits)
        # bwrap reads its arguments from a file: its command line, which the child can read in
        # /proc/1/cmdline, holds no path of the grader's.
        split = command.index("--")
        arguments_file = tempfile.TemporaryFile()
        arguments_file.write(b"".join(argument.encode() + b"\0" for argument in command[1:split]))
        arguments_file.seek(0)
        command = ["bwrap", "--args", str(arguments_file.fileno()), *command[split:]]
    else:
        environment = clean_environment(folder, limits.threads)
        if name == "pid-namespace":
            command = unshare_command(command)
    start = time.monotonic()
    timed_out = False
    with open(stdout_path, "wb") as stdout, open(stderr_path, "wb") as stderr:
        with RUNNING.lock:
            if RUNNING.stopping.is_set():
                raise GradingStopped("grading was stopped")
            process = subprocess.Popen(
                command,
                cwd=folder,
                env=environment,
                stdin=subprocess.DEVNULL,
                stdout=stdout,
                stderr=stderr,
                start_new_session=True,
                preexec_fn=_limit_resources(limits),
                close_fds=True,
                pass_fds=(arguments_file.fileno(),) if arguments_file else (),
            )
            RUNNING.processes[process.pid] = process
        try:
            process.wait(timeout=limits.seconds)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            # The child may have started processes of its own: end them all, always. Under
            # bubblewrap or unshare they are in its PID namespace and died with it already.
            kill_process_group(process.pid)
            process.wait()
            with RUNNING.lock:
                RUNNING.processes.pop(process.pid, None)
            if arguments_file is not None:
                arguments_file.close()
    if RUNNING.stopping.is_set():
        raise GradingStopped("grading was stopped")
    return ChildRun(
        exit_status=_exit_status(process.returncode, name),
        timed_out=timed_out,
        seconds=time.monotonic() - start,
        stdout_tail=_tail(stdout_path),
        stderr_tail=_tail(stderr_path),
        isolation=name,
    )


def _exit_status(code, name):
    """The child's exit status; a signal as a negative number, as `subprocess` gives it.

    bwrap and unshare exit with 128 + N when the process inside was killed by signal N.
    """
    if code is not None and name != "process-group" and 128 < code < 128 + 65:
        return -(code - 128)
    return code


def _tail(path):
    try:
        with open(path, "rb") as handle:
            handle.seek(0, os.SEEK_END)
            size = handle.tell()
            handle.seek(max(0, size - OUTPUT_TAIL_CHARACTERS))
            return handle.read().decode("utf-8", errors="replace")
    except OSError:
        return ""
