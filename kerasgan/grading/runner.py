"""One child process per submission: what goes into its folder, and reading back what came out.

The grader copies into a fresh folder only what the child needs: the child
harness, the assignment's probes, the submission's code, the settings
(`request.json`) and the inputs (`inputs.npz`: latent vectors, logits, real
images). Reference values are never among them: they are computed later, in
the grader's process. After the child has ended (and its process group has
been killed), `ChildOutputs` reads the arrays it left, refusing anything that
is not a plain, reasonably small .npz file without pickled objects.

Example:

```python
outputs = run_child(assignment, submission, inputs, settings, Limits(seconds=300))
images = outputs.array("generator", "images")   # or NotRun("...why...")
```
"""

import dataclasses
import json
import os
import shutil
import stat
from pathlib import Path

import numpy as np

from kerasgan.grading import sandbox
from kerasgan.grading.checks import NotRun

CHILD_FOLDER = Path(__file__).resolve().parent / "child"

# Files of the child package that every probe module may import.
CHILD_FILES = ("harness.py", "probe_tools.py", "stand_ins.py")

# An outputs file larger than this is not read: a hostile child could try to exhaust
# the grader's memory with one.
MAXIMUM_OUTPUT_BYTES = 512 * 2**20


@dataclasses.dataclass
class ProbeResult:
    """What one probe left behind: its arrays, or the error it raised.

    `failed` maps a student function to its error, for probes that call several
    functions one at a time (the losses): the others' arrays are still there.
    """

    name: str
    arrays: dict
    error: str
    seconds: float
    failed: dict = dataclasses.field(default_factory=dict)


class ChildOutputs:
    """The child's raw results, read after it ended, with the reason for anything missing.

    Args:
        probe_names: the probes the assignment runs, in order.
        results: name -> `ProbeResult` for each probe whose outputs file was read.
        started: names of probes that started (from progress.txt).
        run: the `ChildRun` (exit status, timeout, printed output).
        limits: the `Limits` the child ran under.
    """

    def __init__(self, probe_names, results, started, run, limits):
        self.probe_names = list(probe_names)
        self.results = results
        self.started = started
        self.run = run
        self.limits = limits

    @property
    def import_error(self):
        """The error that stopped the submission's import, or None."""
        result = self.results.get("import")
        if result is None:
            return self._missing_reason("import")
        return result.error

    @property
    def import_notes(self):
        """Top-level statements that raised while the submission was imported (and were skipped)."""
        result = self.results.get("import")
        if result is None or "notes" not in result.arrays:
            return []
        return [str(note) for note in result.arrays["notes"].reshape(-1) if str(note)]

    def probe(self, name):
        """The `ProbeResult` of `name`; raises `NotRun` saying why it is missing or failed."""
        if self.import_error:
            raise NotRun(f"the submission could not be imported. {self.import_error}")
        result = self.results.get(name)
        if result is None:
            raise NotRun(self._missing_reason(name))
        if result.error:
            raise NotRun(result.error)
        return result

    def array(self, probe, key):
        """One array a probe recorded; raises `NotRun` when the probe or its function failed."""
        result = self.probe(probe)
        if key not in result.arrays:
            for function, why in result.failed.items():
                if key.startswith(f"{function}_"):
                    raise NotRun(why)
            raise NotRun(f"the {probe} probe recorded no {key!r}.")
        return result.arrays[key]

    def _missing_reason(self, name):
        end = self.run.describe_end(self.limits)
        if name in self.started:
            return f"{end} while the grader was running the {name} part."
        last = self.started[-1] if self.started else None
        if last is None:
            printed = self.run.stderr_tail[-1500:]
            return f"the grading process never started the submission ({end}). {printed}"
        return f"{end} during the {last} part, before the {name} part could run."


def prepare_folder(folder, probes_file, code, request, inputs):
    """Writes everything the child needs into its folder; nothing else goes there."""
    folder = Path(folder)
    for name in CHILD_FILES:
        shutil.copyfile(CHILD_FOLDER / name, folder / name)
    shutil.copyfile(CHILD_FOLDER / probes_file, folder / "probes.py")
    (folder / "submission.py").write_text(code, encoding="utf-8")
    (folder / "request.json").write_text(json.dumps(request, indent=2), encoding="utf-8")
    np.savez(folder / "inputs.npz", **inputs)


def run_child(probes_file, probe_names, code, request, inputs, limits):
    """Runs the harness on `code` in a fresh sandbox folder and reads back its outputs.

    Args:
        probes_file: file name of the assignment's probes in kerasgan/grading/child/.
        probe_names: the probes' names, in the order the child runs them.
        code: the submission's Python source (definitions only, see `source.py`).
        request: JSON-serialisable settings the probes read (latent size, steps, seed, ...).
        inputs: name -> NumPy array, the inputs the probes feed the student's functions.
        limits: a `sandbox.Limits`.

    Returns:
        `ChildOutputs`. The folder is deleted before this returns.
    """
    folder = sandbox.make_work_folder()
    try:
        prepare_folder(folder, probes_file, code, request, inputs)
        run = sandbox.run_in_sandbox(["harness.py"], folder, limits)
        started = _started_probes(folder / "progress.txt")
        results = {}
        for name in ["import", *probe_names]:
            result = _read_probe(folder / "outputs" / f"{name}.npz", name)
            if result is not None:
                results[name] = result
        return ChildOutputs(probe_names, results, started, run, limits)
    finally:
        sandbox.remove_work_folder(folder)


def _started_probes(path):
    try:
        if not _is_small_plain_file(path):
            return []
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return []
    return [line[len("start ") :] for line in lines if line.startswith("start ")]


def _read_probe(path, name):
    """A probe's arrays, or None when the file is missing, odd or unreadable."""
    if not _is_small_plain_file(path):
        return None
    try:
        with np.load(path, allow_pickle=False) as archive:
            arrays = {key: archive[key] for key in archive.files}
    except Exception:  # a damaged or forged file is simply not there for the grader
        return None
    error = arrays.pop("__error__", None)
    seconds = arrays.pop("__seconds__", np.asarray(0.0))
    error_text = None
    if error is not None and error.dtype.kind == "U":
        error_text = str(error.reshape(-1)[0]) if error.size else "unknown error"
    failed = {}
    for key in [key for key in arrays if key.startswith("__failed__")]:
        why = arrays.pop(key)
        failed[key[len("__failed__") :]] = (
            str(why.reshape(-1)[0]) if why.dtype.kind == "U" and why.size else "it failed"
        )
    try:
        seconds = float(np.asarray(seconds, dtype=np.float64).reshape(-1)[0])
    except (TypeError, ValueError, IndexError):
        seconds = 0.0
    return ProbeResult(name, arrays, error_text, seconds, failed)


def _is_small_plain_file(path):
    """True for a regular file (not a link, not a device) of reasonable size."""
    try:
        status = os.lstat(path)
    except OSError:
        return False
    return stat.S_ISREG(status.st_mode) and status.st_size <= MAXIMUM_OUTPUT_BYTES
