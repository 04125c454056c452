"""The grading child: imports a submission, calls its functions, writes back raw arrays.

This file runs inside the sandboxed child process (see `kerasgan/grading/sandbox.py`),
copied into the child's temporary folder next to:

    request.json     the assignment's settings (latent size, steps, seeds, ...)
    inputs.npz       the arrays the grader chose (latent vectors, logits, real images)
    submission.py    the student's code, definitions only
    probes.py        the calls to make, one "probe" after the other

It writes, in the same folder:

    progress.txt        "start NAME" and "end NAME" per probe, so the grader knows
                        where a crash, an exit or a timeout happened
    outputs/NAME.npz    the arrays each probe recorded, and the error text if it failed

A check judges one student function. When a function raises in its own probe
(a TODO, an error), the probes after it call a working version from
`stand_ins.py` instead, so one function's failure costs only its own checks.
An error is described for people: one sentence first ("make_generator is still
a TODO"), then only the frames of the traceback that are in the student's file.

It imports neither kerasgan nor the grader's checks, and blocks `import kerasgan`
for the submission: the reference code stays out of reach, and every verdict is
made later by the grader from these raw arrays. Nothing here decides a grade.
"""

import ast
import contextlib
import importlib.abc
import re
import json
import os
import sys
import time
import traceback
import types

# The names the student code could overwrite are looked up once, before it runs.
_open = open
_time = time.monotonic


class KerasganBlocker(importlib.abc.MetaPathFinder):
    """Refuses `import kerasgan`: the grader's reference code is not available to submissions."""

    def find_spec(self, name, path=None, target=None):
        if name == "kerasgan" or name.startswith("kerasgan."):
            raise ModuleNotFoundError(
                "kerasgan is not available while grading: write the assignment's functions "
                "with keras, tensorflow and numpy.",
                name=name,
            )
        return None


def block_kerasgan():
    """Removes every route to kerasgan: sys.path entries, editable-install finders, the module."""
    for entry in list(sys.path):
        if os.path.isfile(os.path.join(entry or ".", "kerasgan", "__init__.py")):
            sys.path.remove(entry)
    sys.meta_path[:] = [
        finder
        for finder in sys.meta_path
        if "kerasgan" not in (getattr(finder, "__module__", "") or "").lower()
        and "kerasgan" not in type(finder).__name__.lower()
    ]
    sys.meta_path.insert(0, KerasganBlocker())
    for name in list(sys.modules):
        if name == "kerasgan" or name.startswith("kerasgan."):
            del sys.modules[name]


class Recorder:
    """Collects one probe's arrays and writes them to outputs/NAME.npz.

    `with record.function(name):` around the calls of one student function keeps
    its error for that function's checks and lets the probe go on with the next.
    """

    def __init__(self, numpy):
        self.numpy = numpy
        self.arrays = {}
        self.failed = {}  # student function -> the description of its error

    def __call__(self, key, value):
        self.arrays[key] = self.numpy.asarray(value)

    @contextlib.contextmanager
    def function(self, name):
        try:
            yield
        except (Exception, SystemExit) as error:  # noqa: BLE001 - one function's error, kept
            self.failed[name] = describe_exception(error)

    def save(self, name, error=None, seconds=0.0):
        arrays = dict(self.arrays)
        if error is not None:
            arrays["__error__"] = self.numpy.asarray(error)
        for function, why in self.failed.items():
            arrays[f"__failed__{function}"] = self.numpy.asarray(why)
        arrays["__seconds__"] = self.numpy.asarray(seconds, dtype="float64")
        os.makedirs("outputs", exist_ok=True)
        temporary = os.path.join("outputs", f".{name}.tmp.npz")
        self.numpy.savez(temporary, **arrays)
        os.replace(temporary, os.path.join("outputs", f"{name}.npz"))


def progress(line):
    with _open("progress.txt", "a", encoding="utf-8") as handle:
        handle.write(line + "\n")


SUBMISSION_FILE = os.path.abspath("submission.py")


def describe_exception(error):
    """One sentence saying what went wrong, then the student's own frames and the error.

    The frames of the harness, the probes, Keras and TensorFlow are left out: a
    student needs "make_generator is still a TODO", and where in their file.
    A message is cut to its start: a Keras error can print whole tensors.
    """
    if isinstance(error, SystemExit):
        return f"The submission called sys.exit({error.code!r}) (raise an exception instead)."
    frames = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename == SUBMISSION_FILE
    ]
    message = str(error)
    if len(message) > 1200:
        message = message[:1200] + " ..."
    first_line = (message.splitlines() or [""])[0][:300]
    missing = re.search(r"has no attribute '(\w+)'", message)
    if frames and isinstance(error, NotImplementedError):
        sentence = f"{frames[-1].name} is still a TODO (it raises NotImplementedError)."
    elif frames:
        sentence = (
            f"{frames[-1].name} raised {type(error).__name__} at line {frames[-1].lineno}: "
            f"{first_line}"
        )
    elif isinstance(error, AttributeError) and missing and "submission" in message:
        sentence = f"The submission does not define {missing.group(1)}."
    else:
        sentence = f"{type(error).__name__}: {first_line}"
    shown = [
        traceback.FrameSummary("submission.py", frame.lineno, frame.name, line=frame.line)
        for frame in frames
    ]
    listed = "".join(traceback.format_list(shown))
    where = f"Traceback (your code only):\n{listed}" if frames else ""
    return f"{sentence}\n{where}{type(error).__name__}: {message}"


def use_stand_ins(submission, failed, request, inputs):
    """Puts a working version in place of each student function that failed in its own probe."""
    if not failed:
        return
    import stand_ins

    available = stand_ins.stand_ins(request, inputs)
    for function in failed:
        if function in available:
            setattr(submission, function, available[function])


def import_submission(path):
    """Runs the submission's top-level statements one by one in a module called `submission`.

    One failing statement (an import of a package that is not installed, a
    constant computed from a dataset that was not loaded) is noted and the
    rest still runs, so the functions that do exist can be graded.
    """
    with _open(path, encoding="utf-8") as handle:
        source = handle.read()
    tree = ast.parse(source, filename=path)
    module = types.ModuleType("submission")
    module.__file__ = os.path.abspath(path)
    sys.modules["submission"] = module
    notes = []
    for node in tree.body:
        code = compile(ast.Module(body=[node], type_ignores=[]), module.__file__, "exec")
        try:
            exec(code, module.__dict__)
        except Exception as error:  # SystemExit and KeyboardInterrupt still end the import
            notes.append(f"line {node.lineno}: {type(error).__name__}: {error}"[:500])
    return module, notes


def main():
    with _open("request.json", encoding="utf-8") as handle:
        request = json.load(handle)
    block_kerasgan()
    import numpy

    # The grader's inputs are read before the student's code can touch numpy.
    with numpy.load("inputs.npz", allow_pickle=False) as archive:
        inputs = {key: archive[key] for key in archive.files}

    progress("start import")
    start = _time()
    recorder = Recorder(numpy)
    try:
        submission, notes = import_submission("submission.py")
    except BaseException as error:  # noqa: BLE001 - sys.exit at import is reported, not obeyed
        recorder.save("import", describe_exception(error), _time() - start)
        progress("end import")
        return
    recorder("notes", numpy.asarray(notes if notes else [""]))
    recorder.save("import", None, _time() - start)
    progress("end import")

    import probes

    probes.prepare(request)
    # The probe of each student function that has a probe of its own (the others record
    # their failures with `record.function`).
    own_function = getattr(probes, "PROBE_FUNCTIONS", {})
    failed = set()
    for name, probe in probes.PROBES:
        progress(f"start {name}")
        recorder = Recorder(numpy)
        start = _time()
        error = None
        try:
            probes.before_each(request)
            use_stand_ins(submission, failed, request, inputs)
            probe(submission, inputs, request, recorder)
        except BaseException as raised:  # noqa: BLE001 - a student's sys.exit ends one probe only
            error = describe_exception(raised)
            if name in own_function:
                failed.add(own_function[name])
        failed.update(recorder.failed)
        recorder.save(name, error, _time() - start)
        progress(f"end {name}")


if __name__ == "__main__":
    sys.path.insert(0, os.getcwd())  # for `import probes`; -I left the folder off sys.path
    main()
