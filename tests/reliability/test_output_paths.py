"""Output paths that cannot be written are refused before any work starts; biggan's messages."""

from pathlib import Path

import pytest

from kerasgan.cli import main

# Every command gets a snapshot, submission or model that does not exist: the output
# path must be refused first, which shows that it is checked before the work starts.
COMMANDS = {
    "generate --out": ["generate", "--snapshot", "missing.keras", "--out", "{blocked}/grid.png"],
    "generate --outdir": [
        "generate", "--snapshot", "missing.keras", "--seeds", "0-3", "--outdir", "{blocked}/seeds",
    ],
    "evaluate --report": ["evaluate", "--snapshot", "missing.keras", "--dataset", "mnist", "--report", "{blocked}/r.md"],
    "evaluate --json": ["evaluate", "--snapshot", "missing.keras", "--dataset", "mnist", "--json", "{blocked}/s.json"],
    "project --out": [
        "project", "--snapshot", "missing.keras", "--image", "missing.png", "--out", "{blocked}/p",
    ],
    "grade run --out": [
        "grade", "run", "dcgan-mnist", "missing.py", "--out", "{blocked}/results.json",
    ],
    "grade run --report": ["grade", "run", "dcgan-mnist", "missing.py", "--report", "{blocked}/r.md"],
    "grade batch --gradebook": [
        "grade", "batch", "dcgan-mnist", "missing", "--gradebook", "{blocked}/grades.csv",
    ],
    "grade batch --reports": [
        "grade", "batch", "dcgan-mnist", "missing", "--gradebook", "{tmp}/g.csv",
        "--reports", "{blocked}/reports",
    ],
    "make-autograder --out": ["grade", "make-autograder", "dcgan-mnist", "-o", "{blocked}/a.zip"],
    "biggan --out": ["biggan", "--model", "missing", "--classes", "hen", "--out", "{blocked}/b.png"],
}


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_an_output_path_under_a_file_is_refused_before_the_work(tmp_path, capsys, name):
    blocked = tmp_path / "notes.txt"
    blocked.write_text("a file, not a folder")
    argv = [part.format(blocked=blocked, tmp=tmp_path) for part in COMMANDS[name]]
    option = name.split()[-1]
    assert main(argv) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kerasgan: error: Cannot write {option} {blocked}/"), error
    assert f"{blocked} is a file, not a folder; choose another path." in error
    assert blocked.read_text() == "a file, not a folder"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_an_output_file_that_is_a_folder_is_refused(tmp_path, capsys):
    assert main(["grade", "run", "dcgan-mnist", "missing.py", "--out", str(tmp_path)]) == 2
    assert f"Cannot write --out {tmp_path}: it is a folder; pass a file name." in capsys.readouterr().err


def test_biggan_list_classes_without_a_match_says_so(capsys):
    assert main(["biggan", "--list-classes", "zzzz"]) == 2
    assert capsys.readouterr().err == (
        "kerasgan: error: No ImageNet class name contains 'zzzz'; try a shorter part of a name, "
        "or --list-classes alone for all 1,000 classes.\n"
    )
    assert main(["biggan", "--list-classes", "retrievr"]) == 2
    assert "did you mean 205 flat-coated retriever" in capsys.readouterr().err


def test_biggan_with_a_broken_saved_model_is_one_sentence(tmp_path, capsys):
    folder = tmp_path / "biggan"
    (folder / "variables").mkdir(parents=True)
    (folder / "saved_model.pb").write_bytes(b"\x08\x01this is not a protobuf" * 10)
    out = tmp_path / "b.png"
    assert main(["biggan", "--model", str(folder), "--classes", "hen", "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kerasgan: error: The module in {folder} could not be loaded (")
    assert "are damaged or incomplete; download it again" in error
    assert error.count("\n") == 1
    assert not out.exists()


@pytest.mark.skipif(not Path("/proc/self").is_dir(), reason="needs Linux's /proc")
def test_an_output_folder_that_refuses_writes_is_refused_before_the_work(capsys):
    assert main(["generate", "--snapshot", "missing.keras", "--out", "/proc/grid.png"]) == 2
    error = capsys.readouterr().err
    assert error.startswith("kerasgan: error: Cannot write --out /proc/grid.png: nothing can be")
    assert "choose another path." in error


def test_a_folder_given_as_snapshot_is_called_a_folder(tmp_path, capsys):
    folder = tmp_path / "generator.keras"
    folder.mkdir()
    assert main(["generate", "--snapshot", str(folder), "--out", str(tmp_path / "g.png")]) == 2
    assert f"{folder} is a folder, not a .keras snapshot" in capsys.readouterr().err
