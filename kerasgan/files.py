"""Atomic file writes: a file is either absent, the old version, or complete.

Everything kerasgan writes (grids, snapshots, checkpoints, manifests, grading
results) goes through `atomic_path` (for writers that want a path) or
`write_bytes` (for bytes in hand): the data is written to a hidden temporary
file in the same folder, flushed to disk, then renamed over the final name.
A rename within one folder is atomic, so a Colab disconnect or a killed
process never leaves a half-written file behind, only a stray `.tmp-` file
that `remove_stale_temporaries` cleans up on the next run.
"""

import contextlib
import errno
import json
import os
import shutil
import tempfile
from pathlib import Path

TEMPORARY_PREFIX = ".tmp-"


@contextlib.contextmanager
def atomic_path(path):
    """Yields a temporary path next to `path`; renames it to `path` if the block succeeds.

    The temporary name keeps the final suffix (`.tmp-abc-grid.png`), because some
    writers (Keras, OpenCV, matplotlib) choose the format from the extension.

    Example:

    ```python
    with atomic_path("results/run/generator.keras") as temporary:
        generator.save(temporary)
    ```
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=TEMPORARY_PREFIX, suffix=f"-{path.name}", dir=path.parent
    )
    os.close(handle)
    os.unlink(temporary)  # writers such as Keras refuse to overwrite, so hand them a free name
    try:
        with _naming_a_full_disk(path):
            yield temporary
            _fsync_file(temporary)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _fsync_file(path):
    if os.path.isfile(path):
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())


def write_bytes(path, data, flush=True):
    """Writes `data` (bytes) to `path` atomically.

    The same steps as `atomic_path` with fewer system calls (one open, one close),
    because a video dataset writes thousands of small images this way.

    Args:
        flush: wait until the data is on disk before the rename. Without it the
            rename still protects against a killed process; only a power cut or
            an operating system crash can leave an empty file.
    """
    path = Path(path)
    with _naming_a_full_disk(path):
        _write_bytes(path, data, flush)


def _write_bytes(path, data, flush):
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(
        prefix=TEMPORARY_PREFIX, suffix=f"-{path.name}", dir=path.parent
    )
    try:
        with os.fdopen(handle, "wb") as stream:
            # mkstemp creates the file readable by its owner only; give it the mode any
            # other new file gets (the umask's), as Keras's own .keras files have.
            if hasattr(os, "fchmod"):  # not on Windows, where the mode means little
                os.fchmod(stream.fileno(), 0o666 & ~_umask())
            stream.write(data)
            if flush:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


# "No space left on device" and "Disk quota exceeded": the same fix, more room.
DISK_FULL_ERRORS = (errno.ENOSPC, errno.EDQUOT)


@contextlib.contextmanager
def _naming_a_full_disk(path):
    """Turns a full disk's "[Errno 28] No space left on device" into a sentence naming `path`.

    The operating system's message names no file, and a training run or an export
    writes dozens. The temporary file is removed by the caller, so nothing
    half-written stays behind, and the file that was there before is untouched.
    """
    try:
        yield
    except OSError as error:
        if not _is_disk_full(error):
            raise
        raise disk_full_error(path) from error


def disk_full_error(path):
    """The OSError that says, in one sentence, that `path` could not be written on a full disk.

    For writers whose own error names no file (TensorFlow's ResourceExhaustedError) too.
    """
    folder = Path(os.path.abspath(path)).parent
    full = OSError(
        f"The disk is full: {path} could not be written ({_free_space(folder)} free in "
        f"{folder}); the files already there are kept: free some space, or choose another "
        "folder, and run the same command again."
    )
    full.errno = errno.ENOSPC
    return full


def _is_disk_full(error):
    # Some libraries (HDF5, which Keras uses for weights) report the errno only in their text.
    return error.errno in DISK_FULL_ERRORS or "No space left on device" in str(error)


def _free_space(folder):
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return "no room"
    return f"{free / 1e6:.1f} MB" if free >= 100_000 else f"{free:,} bytes"


def _umask():
    """The process's umask (the only way to read it is to set it and set it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def write_text(path, text):
    """Writes `text` (UTF-8) to `path` atomically."""
    write_bytes(path, text.encode("utf-8"))


def write_json(path, value):
    """Writes `value` as indented JSON to `path` atomically."""
    write_text(path, json.dumps(value, indent=2, sort_keys=True, default=_json_default) + "\n")


def append_json_line(path, value):
    """Appends one JSON line to `path`, rewriting the file atomically.

    Appending in place could leave half a line after a kill; rewriting a small
    log file costs little and keeps every line whole.
    """
    path = Path(path)
    existing = path.read_text(encoding="utf-8") if path.exists() else ""
    line = json.dumps(value, sort_keys=True, default=_json_default)
    write_text(path, existing + line + "\n")


def read_json(path, advice="delete it and run the command again"):
    """Reads a JSON file kerasgan wrote, with one sentence naming the file when it is damaged.

    Args:
        advice: what to do about a damaged file, ending the sentence.
    """
    path = Path(path)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{path} is damaged ({error}): {advice}.") from error


def read_json_lines(path):
    """Reads a JSON-lines file into a list of dicts ([] when it does not exist)."""
    path = Path(path)
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise ValueError(f"{path} is damaged ({error}): delete it or restore it.") from error
    values = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            values.append(json.loads(line))
        except json.JSONDecodeError as error:
            raise ValueError(
                f"{path} is damaged at line {number} ({error}): delete that line and run the "
                "command again."
            ) from error
    return values


def check_output_file(path, option):
    """Raises a ValueError now if `path` could not be written later.

    Commands call it before any work starts, so a grading run or a long
    projection is not lost to an output path that names a file as a folder
    (`--out notes.txt/results.json`) or a folder that cannot be made.

    Args:
        path: the file to be written.
        option: the command-line option that named it, for the message ("--out").
    """
    path = Path(path)
    if path.is_dir():
        raise ValueError(f"Cannot write {option} {path}: it is a folder; pass a file name.")
    _check_can_create(path.parent, option, path)


def check_output_folder(path, option, try_writing=True):
    """Raises a ValueError now if the folder `path` could not be created or written into.

    With `try_writing=False` only the path itself is checked (no file on the way), and
    nothing is written: for a process that must not touch the folder (a worker of a
    multi-worker run, where the chief alone writes).
    """
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ValueError(
            f"Cannot write {option} {path}: it is a file, not a folder; pass a folder name."
        )
    _check_can_create(path, option, path, try_writing)


def _check_can_create(folder, option, path, try_writing=True):
    existing = Path(os.path.abspath(folder))
    while not existing.exists() and not existing.is_symlink() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise ValueError(
            f"Cannot write {option} {path}: {existing} is a file, not a folder; choose another path."
        )
    if not try_writing:
        return
    # Trying is the only sure test: permissions say yes to root, and /proc or a
    # read-only mount says no only when asked.
    try:
        handle, probe = tempfile.mkstemp(prefix=TEMPORARY_PREFIX, dir=existing)
        os.close(handle)
        os.unlink(probe)
    except OSError as error:
        raise ValueError(
            f"Cannot write {option} {path}: nothing can be written in {existing} "
            f"({error.strerror or error}); choose another path."
        ) from error


def remove_stale_temporaries(folder):
    """Deletes `.tmp-*` files a killed process left behind in `folder`. Returns how many."""
    folder = Path(folder)
    if not folder.is_dir():
        return 0
    stale = [p for p in folder.iterdir() if p.name.startswith(TEMPORARY_PREFIX)]
    for path in stale:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return len(stale)


def _json_default(value):
    """Lets json write numpy scalars and arrays."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
