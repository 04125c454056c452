"""The test submissions: where they live, copying them, as notebooks, TODO variants, leftovers."""

import ast
import json
import os
import shutil
from pathlib import Path

SUBMISSIONS = Path(__file__).parent / "submissions"


def copy_submissions(sources, folder):
    """Copies (name, path) pairs into `folder` as NAME.py; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, path in sources:
        shutil.copyfile(path, folder / f"{name}.py")
    return folder


def colab_notebook(code):
    """`code` as a Colab notebook would hold it: installs, magics and a training loop around it."""
    cells = [
        "!pip install -q tensorflow\n%matplotlib inline\nfrom google.colab import drive",
        code,
        "(x_train, _), _ = keras.datasets.mnist.load_data()\n"
        "generator = make_generator(64)\n"
        "for epoch in range(50):\n"
        "    print(epoch)",
        "%%bash\nnvidia-smi",
    ]
    return json.dumps(
        {
            "cells": [
                {"cell_type": "code", "metadata": {}, "outputs": [], "source": cell}
                for cell in cells
            ],
            "metadata": {"colab": {"provenance": []}},
            "nbformat": 4,
            "nbformat_minor": 0,
        }
    )


def processes_running_with(marker):
    """Ids of the processes (zombies aside) whose command line contains `marker`."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit() or int(entry) == os.getpid():
            continue
        try:
            with open(f"/proc/{entry}/cmdline", "rb") as handle:
                command = handle.read().replace(b"\0", b" ").decode("utf-8", "replace")
            with open(f"/proc/{entry}/status") as handle:
                zombie = "State:\tZ" in handle.read()
        except OSError:
            continue
        if marker in command and not zombie:
            found.append(int(entry))
    return found


def todo_functions(source):
    """The functions in `source` whose body raises NotImplementedError (a starter's TODOs)."""
    names = []
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and any(
            isinstance(inner, ast.Raise)
            and "NotImplementedError" in ast.unparse(inner.exc or ast.Constant(None))
            for inner in ast.walk(node)
        ):
            names.append(node.name)
    return names


def with_todo(source, function):
    """`source` with the body of `function` replaced by a TODO raising NotImplementedError."""
    lines = source.splitlines()
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            body = node.body
            if isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                body = body[1:] or body  # keep the docstring
            indent = " " * body[0].col_offset
            todo = [f"{indent}# TODO", f"{indent}raise NotImplementedError({function!r})"]
            lines[body[0].lineno - 1 : node.end_lineno] = todo
            return "\n".join(lines) + "\n"
    raise ValueError(f"{function} is not defined at the top level of the source")
