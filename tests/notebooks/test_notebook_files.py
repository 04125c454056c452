"""The committed notebooks are made from the example scripts, and say so (no execution here)."""

import shutil
from pathlib import Path

import nbformat
import pytest

from kerasgan import notebooks

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO_ROOT / "examples").glob("*.py"))


def test_every_example_has_a_notebook():
    committed = sorted(path.stem for path in (REPO_ROOT / "examples" / "notebooks").glob("*.ipynb"))
    assert committed == [script.stem for script in EXAMPLES]


def test_committed_notebooks_are_up_to_date():
    stale = notebooks.stale_notebooks()
    assert not stale, (
        f"Out of date: {[str(path) for path in stale]}. "
        "Run `python -m kerasgan.notebooks` and commit the notebooks."
    )


def test_generating_again_changes_nothing(tmp_path):
    examples = tmp_path / "examples"
    shutil.copytree(REPO_ROOT / "examples", examples)
    shutil.rmtree(examples / "notebooks")
    assert len(notebooks.write_notebooks(examples)) == len(EXAMPLES)
    first = {path.name: path.read_bytes() for path in (examples / "notebooks").iterdir()}
    assert notebooks.write_notebooks(examples) == []
    second = {path.name: path.read_bytes() for path in (examples / "notebooks").iterdir()}
    assert first == second


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda path: path.stem)
def test_notebook_is_valid_and_has_no_outputs(script):
    notebook = nbformat.reads(notebooks.notebook_text(script), as_version=4)
    nbformat.validate(notebook)
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.outputs == [] and cell.execution_count is None for cell in code)
    assert len({cell.id for cell in notebook.cells}) == len(notebook.cells)
    # Title first, then install, Drive and options cells, then the script's own code.
    assert notebook.cells[0].source.startswith("# ")
    assert "pip" in code[0].source and notebooks.INSTALL_SOURCE in code[0].source
    assert "drive.mount" in code[1].source and "sys.argv" in code[2].source
    assert all("Title:" not in cell.source for cell in notebook.cells)


TRAINING_NOTEBOOKS = ("dcgan_mnist", "dcgan_cifar10", "conditional_gan_mnist", "conditional_gan_cifar10", "pix2pix_video")


@pytest.mark.parametrize("name", TRAINING_NOTEBOOKS)
def test_training_notebooks_open_tensorboard_on_the_run(name):
    # In the script the magics are comments (it runs as plain Python); in the notebook, magics.
    script = (REPO_ROOT / "examples" / f"{name}.py").read_text()
    assert '# %tensorboard --logdir "{run.path}/logs"' in script
    notebook = nbformat.reads(notebooks.notebook_text(REPO_ROOT / "examples" / f"{name}.py"), as_version=4)
    sources = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert '%load_ext tensorboard\n%tensorboard --logdir "{run.path}/logs"' in sources
    assert not any("# %" in source for source in sources)


def test_narration_becomes_markdown_and_code_stays_code():
    source = '''"""
Title: A tiny example
Author: someone
Description: Two lines of
description.
"""

"""
## Setup
"""

import os

x = 1

"""
## Next

Text.
"""

print(x)
'''
    pieces = notebooks.split_script(source)
    assert pieces == [
        ("markdown", "# A tiny example\n\n**Author:** someone\n\n**Description:** Two lines of description."),
        ("markdown", "## Setup"),
        ("code", "import os\n\nx = 1"),
        ("markdown", "## Next\n\nText."),
        ("code", "print(x)"),
    ]


def test_only_the_options_a_script_has_are_passed():
    by_name = {script.stem: notebooks.notebook_for(script) for script in EXAMPLES}

    def options_cell(name):
        return "".join(by_name[name]["cells"][3]["source"])

    assert '"--outdir", OUTDIR' in options_cell("dcgan_mnist") and "--quick" in options_cell("dcgan_mnist")
    assert '"--workdir", OUTDIR' in options_cell("pix2pix_video")
    assert '"--out", OUTDIR' in options_cell("youtube_dataset")
    assert "--quick" not in options_cell("biggan_sampling")  # it has no quick mode


def test_a_script_without_a_header_is_refused_in_one_sentence(tmp_path, capsys):
    (tmp_path / "bare.py").write_text("print('hello')\n")
    assert notebooks.main(["--examples", str(tmp_path)]) == 2
    error = capsys.readouterr().err
    assert "examples/bare.py does not start with a header string" in error
    assert not (tmp_path / "notebooks").exists()


def test_check_names_stale_and_leftover_notebooks(tmp_path, capsys):
    examples = tmp_path / "examples"
    shutil.copytree(REPO_ROOT / "examples", examples)
    assert notebooks.main(["--check", "--examples", str(examples)]) == 0
    script = examples / "dcgan_mnist.py"
    script.write_text(script.read_text().replace("## The data", "## The digits"))
    (examples / "notebooks" / "removed_example.ipynb").write_text("{}")
    capsys.readouterr()

    assert notebooks.main(["--check", "--examples", str(examples)]) == 1
    output = capsys.readouterr().out
    assert "out of date: " + str(examples / "notebooks" / "dcgan_mnist.ipynb") in output
    assert "removed_example.ipynb" in output and "conditional_gan_mnist" not in output

    assert notebooks.main(["--examples", str(examples)]) == 0
    assert "## The digits" in (examples / "notebooks" / "dcgan_mnist.ipynb").read_text()
    assert not (examples / "notebooks" / "removed_example.ipynb").exists()
    assert notebooks.main(["--check", "--examples", str(examples)]) == 0


def test_readme_opens_every_notebook_in_colab():
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    for script in EXAMPLES:
        assert notebooks.colab_url(f"{script.stem}.ipynb") in readme
    assert "python -m kerasgan.notebooks" in readme
