"""Colab notebooks from the narrated examples: `examples/x.py` -> `examples/notebooks/x.ipynb`.

The script is the source of truth; the notebook is generated from it and committed, so a
student can open it in Colab with one click. The examples follow the keras.io "tutobook"
layout (keras-io `scripts/tutobooks.py`): a header string with Title, Author and
Description, then code, with `\"\"\"## Section ...\"\"\"` strings between the code as narration.
Each narration string becomes a markdown cell and the code between two of them a code
cell. A comment line that is a line magic (`# %tensorboard --logdir {run.path}/logs`)
becomes that magic in the notebook: the script runs as plain Python, where it is a comment,
and the notebook runs it in IPython, as Colab's TensorBoard cells do. Three cells go
before the example's own code:

1. install kerasgan (on Colab; where it is installed already, nothing happens);
2. on Colab, mount Google Drive and keep the run folder there, so a disconnect loses
   nothing: running the notebook again continues the run;
3. set `sys.argv`, because the examples read their options with argparse, exactly as on
   the command line. Environment variables choose the options without editing the
   notebook: `KERASGAN_QUICK=1` (a short run), `KERASGAN_OUTDIR` (where the files go) and
   `KERASGAN_ARGS` (any other options); the tests use them.

The output is deterministic (no outputs, no execution counts, cell ids derived from the
cell's content), so generating again from an unchanged script changes no byte.

Run from a clone of the repository:

```
python -m kerasgan.notebooks          # write or update examples/notebooks/*.ipynb
python -m kerasgan.notebooks --check  # exit 1 and name the notebooks that are out of date
```
"""

import argparse
import ast
import hashlib
import json
import re
import sys
import textwrap
from pathlib import Path

from kerasgan import files

# The GitHub repository the notebooks are installed from and opened in Colab from. Its real
# address is not decided yet: change it here (and in the README's Colab links) once the
# project is published, then run `python -m kerasgan.notebooks` again.
GITHUB_REPOSITORY = "YOUR-GITHUB-NAME/kerasgan"

# What the install cell hands to pip. A git URL installs the code the notebook was made from;
# once kerasgan is on PyPI, "kerasgan" would do.
INSTALL_SOURCE = f"git+https://github.com/{GITHUB_REPOSITORY}"

REPO_ROOT = Path(__file__).resolve().parents[1]
EXAMPLES_FOLDER = REPO_ROOT / "examples"
NOTEBOOKS_FOLDER_NAME = "notebooks"

# On Colab, every example keeps its files in its own folder of the student's Drive.
DRIVE_MOUNT_POINT = "/content/drive"
DRIVE_FOLDER = "/content/drive/MyDrive/kerasgan"

# The argument through which each example is told where its files go, in order of preference.
OUTPUT_ARGUMENTS = ("--outdir", "--workdir", "--out")


def colab_url(notebook_name):
    """The "Open in Colab" address of `examples/notebooks/<notebook_name>` on GitHub's main branch."""
    return (
        f"https://colab.research.google.com/github/{GITHUB_REPOSITORY}/blob/main/"
        f"examples/{NOTEBOOKS_FOLDER_NAME}/{notebook_name}"
    )


# ---------------------------------------------------------------- reading a script


def split_script(source, name="the example"):
    """Splits a narrated script into `[("markdown" or "code", text), ...]` in order.

    Module-level string statements are narration; the lines between them are code.
    The first string must be the header (Title, Author, Description).
    """
    tree = ast.parse(source)
    lines = source.splitlines()
    narration = [
        node
        for node in tree.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]
    if not narration or tree.body[0] is not narration[0]:
        raise ValueError(
            f"{name} does not start with a header string (Title:, Author:, Description:); "
            "write one at the top, as in examples/dcgan_mnist.py."
        )

    pieces = []
    previous_end = 0  # lines before this index are in a piece already
    for node in narration:
        _add_code(pieces, lines[previous_end : node.lineno - 1])
        text = textwrap.dedent(node.value.value).strip()
        pieces.append(("markdown", header_markdown(text, name) if not pieces else text))
        previous_end = node.end_lineno
    _add_code(pieces, lines[previous_end:])
    return pieces


# "# %name ...": a line magic written as a comment, so the script stays plain Python.
COMMENTED_MAGIC = re.compile(r"^# (%[A-Za-z_]\w*.*)$")


def _add_code(pieces, lines):
    lines = [COMMENTED_MAGIC.sub(r"\1", line) for line in lines]
    code = "\n".join(lines).strip("\n")
    if code.strip():
        pieces.append(("code", code))


def header_markdown(header, name):
    """Turns the `Title: ...` header into a markdown title with its author and description."""
    fields, current = {}, None
    for line in header.splitlines():
        key, colon, value = line.partition(":")
        if colon and key in ("Title", "Author", "Description"):
            current = key
            fields[key] = value.strip()
        elif current:  # a field continued on the next line
            fields[current] += " " + line.strip()
    if "Title" not in fields:
        raise ValueError(f"The header of {name} has no 'Title:' line; add one.")
    parts = [f"# {fields['Title']}"]
    if "Author" in fields:
        parts.append(f"**Author:** {fields['Author']}")
    if "Description" in fields:
        parts.append(f"**Description:** {fields['Description']}")
    return "\n\n".join(parts)


def script_arguments(source):
    """The `--options` the script's argparse parser defines, in order."""
    options = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_argument"
        ):
            options += [
                argument.value
                for argument in node.args
                if isinstance(argument, ast.Constant) and str(argument.value).startswith("--")
            ]
    return options


# ---------------------------------------------------------------- the setup cells


def install_cell():
    return textwrap.dedent(
        f"""\
        # Install kerasgan. Colab does not have it; where it is installed already, this does nothing.
        import importlib.util
        import subprocess
        import sys

        KERASGAN_INSTALL_SOURCE = "{INSTALL_SOURCE}"
        if importlib.util.find_spec("kerasgan") is None:
            subprocess.run(
                [sys.executable, "-m", "pip", "install", "--quiet", KERASGAN_INSTALL_SOURCE],
                check=True,
            )"""
    )


def drive_cell(example_name):
    return textwrap.dedent(
        f"""\
        # Where the files of this run go. On Colab, a folder in your Google Drive (Colab asks
        # for permission once): after a disconnect, run the notebook again and it continues
        # where it stopped, because the run folder survived. Set USE_GOOGLE_DRIVE = False to
        # keep the files in the Colab session only. Outside Colab this cell does nothing.
        # KERASGAN_OUTDIR=folder chooses the folder anywhere (Drive is then not mounted).
        import os

        USE_GOOGLE_DRIVE = True
        OUTDIR = os.environ.get("KERASGAN_OUTDIR", "")
        try:
            from google.colab import drive
        except ImportError:
            drive = None  # not on Colab
        if drive is not None and USE_GOOGLE_DRIVE and not OUTDIR:
            drive.mount("{DRIVE_MOUNT_POINT}")
            OUTDIR = "{DRIVE_FOLDER}/{example_name}"
        print("files go to:", OUTDIR or "the example's default folder")"""
    )


def arguments_cell(script_name, options):
    """Sets sys.argv for the script's argparse; only the options this script defines."""
    output_argument = next((option for option in OUTPUT_ARGUMENTS if option in options), None)
    lines = [
        "# The code below reads its options with argparse, as on the command line: we set them here.",
    ]
    if "--quick" in options:
        lines.append("# KERASGAN_QUICK=1 asks for a short run, for a first look (and for the tests).")
    lines += [
        '# KERASGAN_ARGS adds any other option of the script, for example "--data my_digits.npz".',
        "import os",
        "import shlex",
        "import sys",
        "",
        f'sys.argv = ["{script_name}"]',
    ]
    if "--quick" in options:
        lines += ['if os.environ.get("KERASGAN_QUICK") == "1":', '    sys.argv.append("--quick")']
    if output_argument:
        lines += ["if OUTDIR:", f'    sys.argv += ["{output_argument}", OUTDIR]']
    lines += [
        'sys.argv += shlex.split(os.environ.get("KERASGAN_ARGS", ""))',
        'print("options:", shlex.join(sys.argv[1:]) or "the defaults")',
    ]
    return "\n".join(lines)


# ---------------------------------------------------------------- writing a notebook


def notebook_for(script_path):
    """The notebook of one example script, as a dict in nbformat 4.5."""
    script_path = Path(script_path)
    source = script_path.read_text(encoding="utf-8")
    name = f"examples/{script_path.name}"
    pieces = split_script(source, name)
    options = script_arguments(source)
    header, body = pieces[0], pieces[1:]
    generated_from = (
        f"*This notebook is made from [`{name}`](https://github.com/{GITHUB_REPOSITORY}/blob/main/"
        f"{name}) by `python -m kerasgan.notebooks`: edit the script, not the notebook.*"
    )
    cells = [
        ("markdown", header[1] + "\n\n" + generated_from),
        ("code", install_cell()),
        ("code", drive_cell(script_path.stem)),
        ("code", arguments_cell(script_path.name, options)),
    ] + body
    return {
        "cells": _cells_with_ids(cells),
        "metadata": {
            "colab": {"name": f"{script_path.stem}.ipynb", "provenance": [], "toc_visible": True},
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


def _cells_with_ids(cells):
    """Cells with ids from a hash of their content: editing one cell changes one id."""
    result, used = [], set()
    for kind, text in cells:
        cell_id = hashlib.sha256(f"{kind}\n{text}".encode("utf-8")).hexdigest()[:12]
        suffix = 1
        while cell_id in used:  # two identical cells: number the second
            suffix += 1
            cell_id = f"{cell_id[:12]}-{suffix}"
        used.add(cell_id)
        cell = {"cell_type": kind, "id": cell_id, "metadata": {}, "source": text.splitlines(True)}
        if kind == "code":
            cell.update(execution_count=None, outputs=[])
        result.append(cell)
    return result


def notebook_text(script_path):
    """The notebook of one example script, as the exact text of its .ipynb file."""
    # The layout nbformat itself writes (one-space indent, sorted keys), so opening and
    # saving the notebook in Jupyter changes as little as possible.
    return json.dumps(notebook_for(script_path), indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def expected_notebooks(examples_folder=EXAMPLES_FOLDER):
    """{notebook path: its text} for every `examples/*.py`."""
    examples_folder = Path(examples_folder)
    scripts = sorted(examples_folder.glob("*.py"))
    if not scripts:
        raise ValueError(
            f"There are no example scripts in {examples_folder}: run this from a clone of the "
            "repository, or pass --examples with the folder of the examples."
        )
    notebooks_folder = examples_folder / NOTEBOOKS_FOLDER_NAME
    return {notebooks_folder / f"{script.stem}.ipynb": notebook_text(script) for script in scripts}


def stale_notebooks(examples_folder=EXAMPLES_FOLDER):
    """Notebooks that are missing, out of date, or left over from a removed example."""
    expected = expected_notebooks(examples_folder)
    stale = [
        path
        for path, text in expected.items()
        if not path.exists() or path.read_text(encoding="utf-8") != text
    ]
    notebooks_folder = Path(examples_folder) / NOTEBOOKS_FOLDER_NAME
    leftovers = sorted(set(notebooks_folder.glob("*.ipynb")) - set(expected))
    return stale + leftovers


def write_notebooks(examples_folder=EXAMPLES_FOLDER):
    """Writes the notebooks that changed, removes leftovers; returns the paths it touched."""
    expected = expected_notebooks(examples_folder)
    touched = []
    for path in stale_notebooks(examples_folder):
        if path in expected:
            files.write_text(path, expected[path])
        else:
            path.unlink()
        touched.append(path)
    return touched


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m kerasgan.notebooks",
        description="Make examples/notebooks/*.ipynb from the narrated scripts in examples/.",
    )
    parser.add_argument(
        "--check",
        action="store_true",
        help="write nothing; exit 1 and name the notebooks that are out of date",
    )
    parser.add_argument("--examples", default=str(EXAMPLES_FOLDER), help="the examples folder")
    args = parser.parse_args(argv)
    try:
        if args.check:
            stale = stale_notebooks(args.examples)
            for path in stale:
                print(f"out of date: {path}")
            if stale:
                print("Run `python -m kerasgan.notebooks` and commit the notebooks.")
                return 1
            print("Every notebook is up to date.")
            return 0
        touched = write_notebooks(args.examples)
    except (ValueError, SyntaxError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in touched:
        print(f"{'wrote' if path.exists() else 'removed'} {path}")
    print(f"{len(touched)} notebook(s) changed." if touched else "Every notebook is up to date.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
