"""`kerasgan dataset video` whose every source fails, or whose --out lies under a file."""

from kerasgan.cli import main


def test_every_source_failing_exits_2_and_leaves_no_folder(tmp_path, closed_port_url, capsys):
    notes = tmp_path / "notes.mp4"
    notes.write_text("shopping list: milk, eggs\n")
    missing = tmp_path / "nowhere.mp4"
    out = tmp_path / "datasets" / "waves"
    command = ["dataset", "video", str(notes), str(missing), closed_port_url, "--out", str(out),
               "--size", "32", "--quiet"]  # fmt: skip
    assert main(command) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"kerasgan: error: No dataset was made in {out}: every source failed (")
    assert f"{notes}" in error and f"No such file or folder: {missing}" in error
    assert "Could not connect to 127.0.0.1" in error
    assert error.endswith("; fix or replace them and run the command again.\n")
    assert error.count("\n") == 1
    # No empty train/, test/ or manifest.json: the folders this command made are gone.
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["datasets", "notes.mp4"]


def test_every_source_failing_keeps_a_folder_the_user_made(tmp_path, capsys):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "readme.txt").write_text("my notes")
    assert main(["dataset", "video", str(tmp_path / "nowhere.mp4"), "--out", str(out), "--quiet"]) == 2
    assert "every source failed (No such file or folder:" in capsys.readouterr().err
    assert sorted(p.name for p in out.iterdir()) == ["readme.txt"]
    assert (out / "readme.txt").read_text() == "my notes"


def test_out_under_a_file_is_refused_before_any_download(tmp_path, capsys):
    notes = tmp_path / "notes.txt"
    notes.write_text("mine")
    command = ["dataset", "video", "https://youtu.be/aqz-KE-bpKQ", "--out", str(notes / "waves")]
    assert main(command) == 2
    assert capsys.readouterr().err == (
        f"kerasgan: error: Cannot write --out {notes}/waves: {notes} is a file, not a folder; "
        "choose another path.\n"
    )
    assert notes.read_text() == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
