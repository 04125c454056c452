"""What of a submission runs: its definitions, never its top-level training code.

Students hand in a `.py` file or a notebook exported from Colab. Both usually
hold more than the functions the assignment asks for: `!pip install` lines,
`%matplotlib inline`, a download of MNIST, a training loop over 50 epochs and
a few plots. Running those would cost the grader minutes, reach for the
network, or fail outright, and none of it is graded. So both kinds of file
are reduced to the same thing before the child process sees them:

1. Notebooks: the code cells, in order, become one script. Shell escapes
   (`!ls`, `files = !ls`) and line magics (`%time`) become comments; a cell
   that starts with a cell magic (`%%bash`, `%%writefile`) is dropped, except
   `%%time`, `%%timeit` and `%%capture`, whose Python body is kept.
2. Both: of the top-level statements, only definitions are kept: imports,
   `def`, `class`, docstrings, and assignments that call nothing defined in the
   file and no training, loading or plotting function (`LATENT_DIM = 64` and
   `cross_entropy = keras.losses.BinaryCrossentropy(from_logits=True)` stay;
   `generator = make_generator()`, `(x, y), _ = mnist.load_data()` and
   `train(dataset, 50)` go). Everything else (loops, calls, `if __name__ ==
   "__main__":` blocks) is listed in the report as "not run".

Kept lines keep their line numbers, so a traceback from the child points at
the line the student wrote (in the exported script, for a notebook).

Example:

```python
submission = read_submission("homework.ipynb")
print(submission.not_run)   # ['cell 7, line 41: train(dataset, EPOCHS)', ...]
```
"""

import ast
import dataclasses
import json
import re
from pathlib import Path

# Modules that exist only inside Colab or Jupyter: importing them in the grader's child fails.
NOTEBOOK_ONLY_MODULES = ("google.colab", "IPython", "ipywidgets", "tqdm.notebook")

# Cell magics whose body is ordinary Python; any other cell magic drops its cell.
PYTHON_CELL_MAGICS = ("%%time", "%%timeit", "%%capture")

# Functions that train, load, download, show or wait: an assignment calling one is not run.
WORK_FUNCTIONS = frozenset(
    {
        "fit",
        "train",
        "load_data",
        "load",
        "download",
        "mount",
        "show",
        "imshow",
        "savefig",
        "plot",
        "predict",
        "evaluate",
        "system",
        "sleep",
        "input",
        "get_ipython",
    }
)

# `!cmd`, `%magic`, `files = !ls`, `result = %timeit f()`, and IPython help such as `tf.nn?`.
SHELL_OR_MAGIC_LINE = re.compile(r"^\s*([!%].*|[\w.,\s\[\]()]+=\s*[!%].*|[\w.]+\?\??\s*)$")


@dataclasses.dataclass
class Submission:
    """A submission reduced to the code the grader runs.

    Attributes:
        path: the file the student handed in.
        kind: "script" or "notebook".
        code: the Python source the child process imports (definitions only).
        not_run: one line per top-level statement, magic or shell escape left out,
            e.g. "line 88: train(dataset, EPOCHS)".
        syntax_error: a sentence describing a syntax error, or None.
    """

    path: Path
    kind: str
    code: str
    not_run: list
    syntax_error: str = None

    def defined_names(self):
        """Top-level names the kept code defines: functions, classes, assigned and imported names."""
        names = set()
        for node in ast.parse(self.code).body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    names.update(n.id for n in ast.walk(target) if isinstance(n, ast.Name))
        return names


def read_submission(path):
    """Reads a `.py` or `.ipynb` submission and keeps its definitions.

    Args:
        path: the student's file.

    Returns:
        A `Submission`; a file that does not parse gives one with `syntax_error` set.

    Raises:
        ValueError: the file is neither .py nor .ipynb, or the notebook is not valid JSON.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"No submission at {path}: check the path.")
    suffix = path.suffix.lower()
    text = path.read_text(encoding="utf-8", errors="replace")
    if suffix == ".py":
        kind, locations, not_run = "script", None, []
    elif suffix == ".ipynb":
        kind = "notebook"
        text, locations, not_run = notebook_to_script(text, path)
    else:
        raise ValueError(
            f"{path} is neither a .py nor an .ipynb file: hand in the assignment's script."
        )
    code, removed, syntax_error = keep_definitions(text, locations)
    return Submission(path, kind, code, not_run + removed, syntax_error)


def notebook_to_script(text, path="notebook"):
    """Joins a notebook's code cells into one script without magics or shell escapes.

    Returns:
        `(script, locations, removed)`: `locations[i]` says where line i + 1 of the
        script came from ("cell 3, line 2"), `removed` lists what was left out.
    """
    try:
        notebook = json.loads(text)
        cells = notebook["cells"]
    except (json.JSONDecodeError, KeyError, TypeError) as error:
        raise ValueError(
            f"{path} is not a readable notebook ({error}): download it again from Colab "
            "(File > Download > Download .ipynb)."
        ) from None
    lines, locations, removed = [], [], []
    code_cell_number = 0
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        code_cell_number += 1
        source = cell.get("source", "")
        source = "".join(source) if isinstance(source, list) else str(source)
        cell_lines = source.splitlines()
        first = next((line.strip() for line in cell_lines if line.strip()), "")
        if first.startswith("%%"):
            magic = first.split()[0]
            if magic not in PYTHON_CELL_MAGICS:
                removed.append(f"cell {code_cell_number}: a {magic} cell")
                continue
        for number, line in enumerate(cell_lines, start=1):
            where = f"cell {code_cell_number}, line {number}"
            stripped = line.strip()
            if stripped.startswith("%%") or (stripped and SHELL_OR_MAGIC_LINE.match(line)):
                indent = line[: len(line) - len(line.lstrip())]
                removed.append(f"{where}: {_short(stripped)}")
                # `pass` keeps an indented block valid when its only line was a magic.
                line = (
                    f"{indent}pass  # not run: {_short(stripped)}"
                    if indent
                    else f"# not run: {stripped}"
                )
            lines.append(line)
            locations.append(where)
        # A blank line between cells, as Jupyter's own export writes.
        lines.append("")
        locations.append(f"cell {code_cell_number}")
    return "\n".join(lines) + "\n", locations, removed


def keep_definitions(text, locations=None):
    """Blanks out every top-level statement of `text` that is not a definition.

    Args:
        text: Python source.
        locations: optional description of each line (from `notebook_to_script`).

    Returns:
        `(code, removed, syntax_error)`.
    """
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        where = _where(error.lineno or 0, locations)
        return text, [], f"SyntaxError at {where}: {error.msg}."
    except (ValueError, RecursionError, MemoryError) as error:
        return text, [], f"The file could not be parsed as Python: {type(error).__name__}."
    defined = {
        node.name
        for node in tree.body
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    }
    lines = text.splitlines()
    removed = []
    for node in tree.body:
        if _is_definition(node, defined):
            continue
        first, last = node.lineno, node.end_lineno
        removed.append(f"{_where(first, locations)}: {_short(lines[first - 1].strip())}")
        for index in range(first - 1, last):
            lines[index] = ""
    code = "\n".join(lines) + "\n"
    try:
        ast.parse(code)
    except SyntaxError:
        # Two statements shared a line (`x = 1; train()`): rebuild the module from its kept nodes.
        kept = [node for node in tree.body if _is_definition(node, defined)]
        code = ast.unparse(ast.Module(body=kept, type_ignores=[])) + "\n"
    return code, removed, None


def _is_definition(node, defined):
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Import):
        return not any(_notebook_only(alias.name) for alias in node.names)
    if isinstance(node, ast.ImportFrom):
        return node.level > 0 or not _notebook_only(node.module or "")
    if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant):
        return isinstance(node.value.value, str)  # a docstring
    if isinstance(node, (ast.Assign, ast.AnnAssign)):
        return node.value is None or not _does_work(node.value, defined)
    return False


def _notebook_only(module):
    return any(module == name or module.startswith(name + ".") for name in NOTEBOOK_ONLY_MODULES)


def _does_work(expression, defined):
    """True when an expression calls a function of the file or a training/loading/plotting one."""
    for node in ast.walk(expression):
        if isinstance(node, (ast.Await, ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, ast.Call):
            continue
        function = node.func
        name = function.id if isinstance(function, ast.Name) else getattr(function, "attr", None)
        if name in defined or name in WORK_FUNCTIONS:
            return True
    return False


def _where(line_number, locations):
    if locations and 1 <= line_number <= len(locations):
        return locations[line_number - 1]
    return f"line {line_number}"


def _short(text, width=80):
    return text if len(text) <= width else text[: width - 3] + "..."
