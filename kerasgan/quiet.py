"""A quiet command line: TensorFlow's own log lines are hidden unless the user asks for them.

Importing TensorFlow prints lines like

```
WARNING: All log messages before absl::InitializeLog() is called are written to STDERR
I0000 00:00:1796457875.862290    6890 port.cc:153] oneDNN custom operations are on. ...
I0000 00:00:1796457875.862904    6890 cudart_stub.cc:31] Could not find cuda drivers on your machine, ...
E0000 00:00:1796457882.132919    6890 cuda_platform.cc:52] failed call to cuInit: ...
E0000 00:00:1796457883.646885    6890 meta_optimizer.cc:967] remapper failed: INVALID_ARGUMENT: ...
```

and a student reads them as errors. None of them is about anything the user did. Three
kinds of noise, three measures (measured with TF 2.21 on a CPU machine):

1. Lines logged while the program runs (`cuInit`, `remapper failed`, `cpu_feature_guard`)
   obey `TF_CPP_MIN_LOG_LEVEL`; level 3 hides them. It must be set before TensorFlow loads.
2. Lines logged while TensorFlow's shared libraries load (`oneDNN custom operations`,
   `Could not find cuda drivers`, absl's `before absl::InitializeLog()` notice) are written
   by C++ before any setting is read, at every level. For those, file descriptor 2 points at
   a temporary file while `import tensorflow` runs; afterwards every captured line that is
   not one of TensorFlow's log lines is written to the real stderr, so an import error
   still shows.
3. Python warnings and `WARNING:tensorflow` / `WARNING:absl` log records from the libraries
   underneath (Keras's "`shuffle=True` was passed, but will be ignored", deprecations) are
   for the people who write kerasgan, not for the people who run it: ignored. kerasgan's
   own warnings still show.

`TF_ENABLE_ONEDNN_OPTS` is left alone: it changes the numerics, not only the logging.

`--verbose 2` shows everything, and so does a `TF_CPP_MIN_LOG_LEVEL` the user set
themselves (for the C++ lines) or `python -W` / `PYTHONWARNINGS` (for the Python warnings).

Example:

```python
from kerasgan import quiet

with quiet.quiet_command_line(verbose=1):
    import tensorflow as tf  # prints nothing
```
"""

import contextlib
import importlib.abc
import importlib.util
import logging
import os
import re
import sys
import tempfile
import warnings

# absl's C++ log line: severity letter, MMDD, time, thread id, file.cc:line] message.
TENSORFLOW_LOG_LINE = re.compile(r"^[IWEF]\d{4} \d\d:\d\d:[\d.]+ +\d+ [\w./-]+:\d+\] ")

# Lines from the same logging that do not have that shape.
TENSORFLOW_LOG_PHRASES = (
    "All log messages before absl::InitializeLog() is called are written to STDERR",
    "To enable the following instructions:",  # the second line of cpu_feature_guard's message
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",  # TFLite's own logging
)

# True while `quiet_command_line` hides TensorFlow's lines: commands that load more native
# code later (TFLite) filter its lines too, with `stderr_without_tensorflow_logs`.
_active = False

# Python loggers of the libraries underneath (`WARNING:tensorflow:...`, `WARNING:absl:...`).
LIBRARY_LOGGERS = ("tensorflow", "absl", "h5py")


def is_tensorflow_log_line(line):
    """True for a line written by TensorFlow's C++ logging (absl), as captured from stderr."""
    return bool(TENSORFLOW_LOG_LINE.match(line)) or any(
        phrase in line for phrase in TENSORFLOW_LOG_PHRASES
    )


@contextlib.contextmanager
def quiet_command_line(verbose=1):
    """Runs a command with TensorFlow's log lines and the libraries' warnings hidden.

    Call it before TensorFlow is imported (the commands import it inside `run`). On leaving,
    the Python warning filters and logger levels are restored; `TF_CPP_MIN_LOG_LEVEL` stays
    set, for this process and the processes it starts.

    Args:
        verbose: the command's `--verbose`; 2 hides nothing.
    """
    global _active
    if verbose is not None and verbose >= 2:
        yield
        return
    # 1 and 2: the C++ lines, unless the user chose a level (then they get what they chose).
    import_hook = None
    was_active = _active
    if "TF_CPP_MIN_LOG_LEVEL" not in os.environ:
        os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
        _active = True
        if "tensorflow" not in sys.modules:
            import_hook = _QuietTensorflowImport()
            sys.meta_path.insert(0, import_hook)
    # 3: the Python warnings and log records of the libraries underneath.
    logger_levels = {name: logging.getLogger(name).level for name in LIBRARY_LOGGERS}
    with warnings.catch_warnings():
        if not sys.warnoptions:  # `python -W ...` or PYTHONWARNINGS: the user asked
            warnings.filterwarnings("ignore")
            warnings.filterwarnings("default", module=r"kerasgan(\.|$)")
            for name in LIBRARY_LOGGERS:
                logging.getLogger(name).setLevel(logging.ERROR)
        try:
            yield
        finally:
            _active = was_active
            if import_hook in sys.meta_path:
                sys.meta_path.remove(import_hook)
            for name, level in logger_levels.items():
                logging.getLogger(name).setLevel(level)


def hide_tensorflow_logs():
    """For scripts and notebooks: hides TensorFlow's C++ log lines, as the command line does.

    Call it before TensorFlow is imported (the examples call it after their imports, which
    load no TensorFlow). It lasts for the whole process; a `TF_CPP_MIN_LOG_LEVEL` the user
    set wins, as in `quiet_command_line`.
    """
    if "TF_CPP_MIN_LOG_LEVEL" in os.environ:
        return
    os.environ["TF_CPP_MIN_LOG_LEVEL"] = "3"
    if "tensorflow" not in sys.modules and not any(
        isinstance(finder, _QuietTensorflowImport) for finder in sys.meta_path
    ):
        sys.meta_path.insert(0, _QuietTensorflowImport())


def is_active():
    """True while a command runs with TensorFlow's log lines hidden."""
    return _active


class _QuietTensorflowImport(importlib.abc.MetaPathFinder):
    """Finds `tensorflow` as usual, and runs its import with stderr filtered (see 2 above)."""

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)  # once: the rest of the import goes the usual way
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        load = spec.loader.exec_module

        def exec_module(module):
            with stderr_without_tensorflow_logs():
                load(module)

        spec.loader.exec_module = exec_module
        return spec


@contextlib.contextmanager
def stderr_without_tensorflow_logs():
    """Captures file descriptor 2 (C++ and Python writes alike) and passes on all but TF's log lines.

    A temporary file rather than a pipe: nothing has to read while the import writes, so
    nothing can block however much is written.
    """
    sys.stderr.flush()
    saved_stderr = os.dup(2)
    with tempfile.TemporaryFile() as captured:
        os.dup2(captured.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved_stderr, 2)
            os.close(saved_stderr)
            captured.seek(0)
            text = captured.read().decode("utf-8", errors="replace")
            kept = [line for line in text.splitlines(keepends=True) if not is_tensorflow_log_line(line)]
            if kept:
                sys.stderr.write("".join(kept))
                sys.stderr.flush()


__all__ = ["quiet_command_line", "hide_tensorflow_logs", "is_active", "is_tensorflow_log_line", "stderr_without_tensorflow_logs"]
