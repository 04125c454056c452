"""The snapshot commands' rows of the second bad-input and fault probe: export never empties
a folder it did not fill and names a full disk; generate, project and live refuse bad
values before the work."""

import numpy as np
import pytest

from kerasgan.cli import main


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    """A small DCGAN generator saved as a run saves it (latent size 8, 28 x 28 x 1)."""
    import keras

    from kerasgan.models.dcgan import dcgan_generator

    keras.utils.set_random_seed(0)
    path = tmp_path_factory.mktemp("snapshot") / "generator.keras"
    dcgan_generator((28, 28, 1), latent_dim=8, base_filters=8).save(path)
    return path


def contents(folder):
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# ------------------------------------------------------------------------ export


def test_export_out_empty_is_refused_and_the_working_folder_is_untouched(
    snapshot, tmp_path, monkeypatch, capsys
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "saved_model").mkdir()
    (tmp_path / "saved_model" / "important.txt").write_text("my notes")
    assert main(["export", "--generator", str(snapshot), "--out", ""]) == 2
    assert capsys.readouterr().err == (
        "kerasgan: error: --out is empty: pass the folder to export into, e.g. --out exported.\n"
    )
    assert contents(tmp_path) == {"saved_model/important.txt": b"my notes"}


def test_export_never_replaces_a_saved_model_folder_of_other_files(snapshot, tmp_path, capsys):
    out = tmp_path / "phone"
    (out / "saved_model").mkdir(parents=True)
    (out / "saved_model" / "important.txt").write_bytes(b"\x00mine\xff")
    (out / "saved_model" / "saved_model.pb").write_bytes(b"another program's model")
    before = contents(tmp_path)
    assert main(["export", "--generator", str(snapshot), "--out", str(out)]) == 2
    error = capsys.readouterr().err
    assert error == (
        f"kerasgan: error: {out}/saved_model holds files an export did not write (important.txt), "
        "and an export replaces that folder whole: choose another --out folder, or move them.\n"
    )
    assert contents(tmp_path) == before  # byte for byte, nothing added


def test_export_replaces_its_own_earlier_export(snapshot, tmp_path):
    out = tmp_path / "exported"
    assert main(["export", "--generator", str(snapshot), "--out", str(out)]) == 0
    assert main(["export", "--generator", str(snapshot), "--out", str(out)]) == 0
    assert (out / "saved_model" / "saved_model.pb").is_file()


def test_export_tflite_to_a_full_disk_names_the_file_and_leaves_nothing(
    snapshot, small_disk, fill_disk, capsys
):
    out = small_disk / "phone"
    out.mkdir()
    (out / "generator.json").write_text('{"earlier": true}\n')
    fill_disk(small_disk)
    before = contents(out)
    assert main(["export", "--generator", str(snapshot), "--format", "tflite", "--out", str(out)]) == 2
    error = capsys.readouterr().err.splitlines()[-1]
    assert error.startswith(f"kerasgan: error: The disk is full: {out}/"), error
    assert "could not be written (" in error and "free some space, or choose another folder" in error
    assert "ResourceExhausted" not in error and "Traceback" not in error
    assert contents(out) == before  # nothing half-written, the earlier file kept
