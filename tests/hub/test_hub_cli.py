"""`kerasgan biggan` in-process, on the stand-in modules, and the narrated example script.

The example script itself runs in tests/notebooks/test_notebooks_run.py, as its notebook.
"""

import ast
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from kerasgan import cli

REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def model(standin_folders):
    return str(standin_folders["tf2-saved-model"])  # 8x8 images


def test_classes_grid(model, tmp_path, capsys):
    out = tmp_path / "grid.png"
    argv = ["biggan", "--model", model, "--classes", "golden retriever", "hen", "--num", "4"]
    assert cli.main(argv + ["--truncation", "0.4", "--out", str(out)]) == 0
    assert f"Wrote {out}: 2 classes x 4 images, 8x8 pixels." in capsys.readouterr().out
    grid = np.asarray(Image.open(out))
    # Two rows of four 8-pixel images with 2-pixel padding, after a margin for the labels.
    assert grid.shape[0] == 2 * (8 + 2) + 2
    label_margin = grid.shape[1] - (4 * (8 + 2) + 2)
    assert label_margin > 20
    assert (grid[:, :label_margin] < 128).any()  # the class names are drawn


def test_same_seed_same_grid(model, tmp_path):
    paths = [tmp_path / name for name in ("a.png", "b.png", "c.png")]
    for path, seed in zip(paths, ["1", "1", "2"]):
        assert (
            cli.main(
                ["biggan", "--model", model, "--classes", "207", "--seed", seed, "--out", str(path)]
            )
            == 0
        )
    a, b, c = (np.asarray(Image.open(path)) for path in paths)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_blend_grid(model, tmp_path, capsys):
    out = tmp_path / "blend.png"
    argv = ["biggan", "--model", model, "--blend", "African elephant:0.6", "pickup truck:2"]
    assert cli.main(argv + ["--num", "3", "--out", str(out)]) == 0
    assert "3 images of 0.6 African elephant + 2 pickup" in capsys.readouterr().out
    assert np.asarray(Image.open(out)).shape[0] == 8 + 2 * 2


def test_interpolate_gif_and_mp4(model, tmp_path):
    gif, mp4 = tmp_path / "walk.gif", tmp_path / "walk.mp4"
    for out in (gif, mp4):
        argv = ["biggan", "--model", model, "--interpolate", "golden retriever", "hen"]
        assert cli.main(argv + ["--steps", "6", "--method", "slerp", "--out", str(out)]) == 0
    with Image.open(gif) as animation:
        assert animation.n_frames == 6 and animation.size == (8, 8)
    video = cv2.VideoCapture(str(mp4))
    try:
        assert int(video.get(cv2.CAP_PROP_FRAME_COUNT)) == 6
    finally:
        video.release()


def test_interpolate_strip_as_png(model, tmp_path):
    out = tmp_path / "walk.png"
    argv = ["biggan", "--model", model, "--interpolate", "hen", "--space", "z", "--steps", "5"]
    assert cli.main(argv + ["--out", str(out)]) == 0
    assert np.asarray(Image.open(out)).shape == (8 + 4, 5 * 10 + 2, 3)


def test_list_classes(capsys):
    assert cli.main(["biggan", "--list-classes", "elephant"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "385 Indian elephant (Asian elephant)",
        "386 African elephant (African bush elephant)",
    ]
    assert cli.main(["biggan", "--list-classes"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 1000


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--classes", "hen", "--truncation", "1.5"], r"truncation must be in (0, 1] (got 1.5)"),
        (["--classes", "hen", "--truncation", "0"], r"truncation must be in (0, 1] (got 0.0)"),
        (["--classes", "elephant"], "385 Indian elephant (Asian elephant), 386 African elephant"),
        (["--blend", "elephant:0.6", "truck:2"], "'elephant' matches 2 ImageNet classes"),
        (["--classes", "golden retreiver"], "did you mean 207 golden retriever?"),
        (["--blend", "hen:lots"], "'lots' in 'hen:lots' is not a number"),
        (["--interpolate", "hen", "tusker", "goldfish"], "walks between two classes, got 3"),
        (["--interpolate", "hen", "tusker", "--space", "z"], "leave the end class out"),
        (["--classes", "hen", "--out", "grid.gif"], "use a file name ending in .png, .jpg, .jpeg"),
        (["--num", "4"], "Say what to draw"),
    ],
)
def test_errors_are_one_line_and_exit_2(model, arguments, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["biggan", "--model", model] + arguments) == 2
    error = capsys.readouterr().err
    assert error.startswith("kerasgan: error: ") and message in error
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_misspelt_class_fails_before_the_model_loads(capsys):
    # The model folder does not exist: the class name is checked first.
    assert cli.main(["biggan", "--model", "/nonexistent", "--classes", "ostrch"]) == 2
    assert "did you mean 9 ostrich?" in capsys.readouterr().err


def test_classes_and_blend_are_exclusive(capsys):
    with pytest.raises(SystemExit):
        cli.main(["biggan", "--classes", "hen", "--blend", "hen:1"])
    assert "not allowed with argument" in capsys.readouterr().err


def test_help_shows_real_examples(capsys):
    with pytest.raises(SystemExit):
        cli.main(["biggan", "--help"])
    text = capsys.readouterr().out
    assert 'kerasgan biggan --classes "golden retriever" hen --num 8 --out grid.png' in text
    assert "--interpolate" in text and "TFHUB_CACHE_DIR" in text


def _module_level_imports(path):
    tree = ast.parse(Path(path).read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            names.add(node.module)
    return names


@pytest.mark.parametrize(
    "module",
    ["kerasgan/commands/biggan.py", "kerasgan/hub/__init__.py", "kerasgan/hub/imagenet_classes.py"],
)
def test_help_and_class_search_never_import_tensorflow(module):
    imports = _module_level_imports(REPO_ROOT / module)
    assert not any(
        name.split(".")[0] in ("tensorflow", "tensorflow_hub", "keras") for name in imports
    )
    assert "kerasgan.hub.biggan" not in imports


def test_example_is_a_narrated_script():
    source = (REPO_ROOT / "examples" / "biggan_sampling.py").read_text()
    tree = ast.parse(source)
    header = ast.get_docstring(tree)
    assert header.startswith("Title: ") and "\nDescription: " in header
    markdown_blocks = [
        node
        for node in tree.body
        if isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    ]
    assert sum(block.value.value.lstrip().startswith("## ") for block in markdown_blocks) >= 5
