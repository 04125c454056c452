"""`kerasgan project --align` and `kerasgan class-photo` end to end on a tiny StyleGAN2 network,
with real face photos as the students' selfies."""

import json

import cv2
import numpy as np
import pytest
from face_photos import write_photo

from kerasgan.cli import main
from kerasgan.faces import landmarks
from kerasgan.snapshots import stylegan2_projection

# A 32 px StyleGAN2 generator, 8 ws of 16 numbers: seconds to build and to project into.
# The searches run in W (one traced search each; W+ traces two), a few steps per face.
TINY = dict(latent_dim=16, w_dim=16, mapping_layers=2, channel_base=128, channel_max=16)
NUM_WS, W_DIM, SIZE = 8, 16, 32
STEPS, STEPS_BETWEEN = 4, 3
STUDENT_FILES = ["aligned.png", "projected.png", "projected_w.npy", "projection.json"]


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory):
    import keras

    from kerasgan.models.stylegan2_networks import stylegan2_generator

    keras.utils.set_random_seed(0)
    generator = stylegan2_generator(SIZE, 3, seed=1, **TINY)
    path = tmp_path_factory.mktemp("class_photo") / "generator.keras"
    generator.save(path)
    return path


@pytest.fixture
def selfies(face_photos, landscape, tmp_path):
    """Two students and a photo with nobody in it."""
    folder = tmp_path / "selfies"
    folder.mkdir()
    write_photo(folder / "ada.png", face_photos["astronaut"])
    write_photo(folder / "grace.jpg", face_photos["grace_hopper_turned"])
    write_photo(folder / "view.png", landscape)
    return folder


def class_photo(selfies, snapshot, out, *options):
    argv = ["class-photo", str(selfies), "--snapshot", str(snapshot), "--out", str(out),
            "--steps", str(STEPS), "--steps-between", str(STEPS_BETWEEN), "--space", "w"]
    return main(argv + [str(option) for option in options])


def counting_projections(monkeypatch, interrupt_at=None):
    """Counts the projections made; with interrupt_at, stops the run there as Ctrl-C would."""
    calls = []
    project = stylegan2_projection.project_stylegan2

    def counted(*args, **kwargs):
        calls.append(1)
        if len(calls) == interrupt_at:
            raise KeyboardInterrupt
        return project(*args, **kwargs)

    monkeypatch.setattr(stylegan2_projection, "project_stylegan2", counted)
    return calls


def test_project_align_aligns_first_and_projects_the_aligned_face(
    snapshot, face_photos, tmp_path, capsys
):
    photo = write_photo(tmp_path / "selfie.jpg", face_photos["grace_hopper_turned"])
    out = tmp_path / "me"
    status = main(["project", "--snapshot", str(snapshot), "--target", str(photo), "--align",
                   "--steps", str(STEPS), "--space", "w", "--outdir", str(out)])
    assert status == 0
    assert "Aligned the face in" in capsys.readouterr().out
    for name in ["aligned.png", "landmarks.png", "target.png", "projected.png",
                 "comparison.png", "projected_w.npy", "projection.gif", "projection.json"]:
        assert (out / name).is_file(), name
    aligned = landmarks.read_photo(out / "aligned.png")
    assert aligned.shape == (SIZE, SIZE, 3)
    # The projection's target is the aligned face, not the photo squashed to 32 px.
    np.testing.assert_array_equal(landmarks.read_photo(out / "target.png"), aligned)
    assert np.load(out / "projected_w.npy").shape == (NUM_WS, W_DIM)


def test_class_photo_writes_everything_and_a_killed_run_continues(
    snapshot, selfies, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "class"
    # 1. The run is interrupted while projecting the second face.
    calls = counting_projections(monkeypatch, interrupt_at=2)
    assert class_photo(selfies, snapshot, out) == 130
    assert (out / "students" / "ada" / "projected_w.npy").is_file()
    assert not (out / "students" / "grace" / "projected_w.npy").exists()
    assert not (out / "class_photo.png").exists()
    finished = (out / "students" / "ada" / "projected_w.npy").stat().st_mtime_ns

    # 2. The same command again projects only the face not finished.
    calls = counting_projections(monkeypatch)
    assert class_photo(selfies, snapshot, out) == 0
    printed = capsys.readouterr().out
    assert len(calls) == 1
    assert "ada.png: already projected, kept." in printed
    assert (out / "students" / "ada" / "projected_w.npy").stat().st_mtime_ns == finished
    assert "Skipped view.png: Found no face in" in printed

    students = ["ada", "grace"]
    record = json.loads((out / "class.json").read_text())
    assert record["students"] == students
    assert [skip["photo"] for skip in record["skipped"]] == ["view.png"]
    assert not (out / "students" / "view").exists()
    for student in students:
        for name in STUDENT_FILES:
            assert (out / "students" / student / name).is_file(), (student, name)

    # The class photo: one cell per face (one row of two), each the student's projection.
    grid = landmarks.read_photo(out / "class_photo.png")
    cell = SIZE + 2
    assert grid.shape == (cell + 2, 2 * cell + 2, 3)
    for column, student in enumerate(students):
        left = 2 + column * cell
        projected = landmarks.read_photo(out / "students" / student / "projected.png")
        difference = np.abs(grid[2 : 2 + SIZE, left : left + SIZE].astype(int) - projected)
        assert difference.max() <= 2, student

    # The average face is drawn from the mean of everyone's ws.
    ws = np.stack([np.load(out / "students" / s / "projected_w.npy") for s in students])
    assert ws.shape == (2, NUM_WS, W_DIM)
    np.testing.assert_allclose(np.load(out / "average_w.npy"), ws.mean(axis=0), rtol=1e-6)
    assert landmarks.read_photo(out / "average_face.png").shape == (SIZE, SIZE, 3)

    # The morph goes through every face and back to the first: 2 legs of STEPS_BETWEEN frames.
    video = cv2.VideoCapture(str(out / "morph.mp4"))
    frames = int(video.get(cv2.CAP_PROP_FRAME_COUNT))
    video.release()
    assert frames == 2 * STEPS_BETWEEN == record["morph"]["frames"]

    # 3. Continuing with other settings would mix two kinds of projection: refused.
    assert class_photo(selfies, snapshot, out, "--steps", STEPS + 1) == 2
    error = capsys.readouterr().err
    assert f"other settings (steps {STEPS} then, {STEPS + 1} now)" in error
    assert error.count("\n") == 1


def test_a_folder_without_faces_is_one_sentence(snapshot, landscape, tmp_path, capsys):
    folder = tmp_path / "empty"
    folder.mkdir()
    write_photo(folder / "view.png", landscape)
    assert class_photo(folder, snapshot, tmp_path / "class") == 2
    assert "Found no face in any of the 1 photos" in capsys.readouterr().err
