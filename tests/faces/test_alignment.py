"""FFHQ alignment on real photos: the eyes land where FFHQ puts them, upright, in every photo."""

import json

import numpy as np
import pytest

from kerasgan.cli import main
from kerasgan.faces import alignment, landmarks

from face_photos import write_photo

# The acceptance bars: eye centres within 2% of the side, eye line within 2 degrees.
EYE_TOLERANCE = 0.02
ANGLE_TOLERANCE_DEGREES = 2.0
SIZE = 1024  # FFHQ's size, the command's default


def eye_placement(aligned):
    """Detects the face again on an aligned crop: its eye centres (fractions of the side) and tilt."""
    faces = landmarks.detect_faces(aligned)
    assert faces, "the aligned crop should still show a face"
    face = faces[0]
    side = aligned.shape[0]
    eye_line = face.right_eye - face.left_eye
    tilt = np.degrees(np.arctan2(eye_line[1], eye_line[0]))
    return face.left_eye / side, face.right_eye / side, tilt


@pytest.mark.parametrize(
    "name", ["astronaut", "grace_hopper", "astronaut_turned", "grace_hopper_turned"]
)
def test_eyes_land_on_ffhqs_places_and_level(face_photos, name):
    photo = face_photos[name]
    faces = landmarks.detect_faces(photo)
    assert len(faces) == 1 and faces[0].confidence > 0.95
    aligned = alignment.align_face(photo, faces[0], size=SIZE)
    assert aligned.shape == (SIZE, SIZE, 3) and aligned.dtype == np.uint8

    left, right, tilt = eye_placement(aligned)
    left_error = np.hypot(*(left - alignment.CANONICAL_LEFT_EYE))
    right_error = np.hypot(*(right - alignment.CANONICAL_RIGHT_EYE))
    print(f"{name}: eyes off by {left_error:.4f} and {right_error:.4f} of the side, "
          f"eye line {tilt:+.2f} degrees")
    assert left_error < EYE_TOLERANCE and right_error < EYE_TOLERANCE
    assert abs(tilt) < ANGLE_TOLERANCE_DEGREES


def test_a_turned_photo_comes_out_turned_back(face_photos):
    # The crop square of the turned photo is turned by the same 12 degrees.
    upright = alignment.ffhq_quad(landmarks.detect_faces(face_photos["astronaut"])[0])
    turned = alignment.ffhq_quad(landmarks.detect_faces(face_photos["astronaut_turned"])[0])

    def top_edge_angle(quad):
        edge = quad.corners[3] - quad.corners[0]
        return np.degrees(np.arctan2(edge[1], edge[0]))

    # OpenCV's positive angle turns the picture counterclockwise on screen.
    assert top_edge_angle(turned) - top_edge_angle(upright) == pytest.approx(-12, abs=2)
    assert turned.side == pytest.approx(upright.side, rel=0.05)


def test_padding_where_the_square_leaves_the_photo_is_blurred_not_black(face_photos):
    # Cut the photo just below the eyes: the square's lower half lies outside it.
    photo = face_photos["astronaut"]
    face = landmarks.detect_faces(photo)[0]
    cut = photo[: int(face.left_eye[1]) + 20]
    aligned = alignment.align_face(cut, face, size=SIZE).astype(np.float32)
    bottom = aligned[-SIZE // 8 :]
    assert bottom.mean() > 40, "the padding should be filled, not left black"
    # Mirrored and blurred: little fine detail (a hard copy of the photo would keep its edges).
    vertical_detail = np.abs(np.diff(bottom, axis=0)).mean()
    photo_detail = np.abs(np.diff(aligned[: SIZE // 2], axis=0)).mean()
    assert vertical_detail < photo_detail / 2


def test_align_face_command_writes_faces_landmarks_and_json(face_photos, tmp_path):
    photo_path = write_photo(tmp_path / "hopper.jpg", face_photos["grace_hopper_turned"])
    out = tmp_path / "aligned"
    assert main(["align-face", str(photo_path), "--out", str(out), "--size", "128"]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "alignment.json", "hopper-landmarks.png", "hopper.png"
    ]
    aligned = landmarks.read_photo(out / "hopper.png")
    assert aligned.shape == (128, 128, 3)
    drawn = landmarks.read_photo(out / "hopper-landmarks.png")
    assert drawn.shape == face_photos["grace_hopper_turned"].shape
    assert (drawn != face_photos["grace_hopper_turned"]).any(axis=-1).mean() > 0.005
    record = json.loads((out / "alignment.json").read_text())
    (face,) = record["photos"][str(photo_path)]
    assert face["file"] == "hopper.png" and len(face["crop_corners"]) == 4


def test_several_faces_each_or_the_largest(face_photos, tmp_path):
    # Two people side by side, one photo shrunk so they differ in size.
    import cv2

    small = cv2.resize(face_photos["astronaut"], (384, 384), interpolation=cv2.INTER_AREA)
    hopper = face_photos["grace_hopper"][:512]
    canvas = np.full((512, 512 + 384, 3), 128, np.uint8)
    canvas[:, :512] = hopper
    canvas[64:448, 512:] = small
    photo_path = write_photo(tmp_path / "pair.png", canvas)
    assert main(["align-face", str(photo_path), "--out", str(tmp_path / "each"),
                 "--size", "64"]) == 0
    assert {"pair-1.png", "pair-2.png"} <= {p.name for p in (tmp_path / "each").iterdir()}
    assert main(["align-face", str(photo_path), "--out", str(tmp_path / "one"), "--size", "64",
                 "--largest"]) == 0
    assert sorted(p.name for p in (tmp_path / "one").iterdir()) == [
        "alignment.json", "pair-landmarks.png", "pair.png"
    ]


def test_a_photo_without_a_face_is_one_sentence_exit_2_nothing_written(
    face_photos, landscape, tmp_path, capsys
):
    face_path = write_photo(tmp_path / "astronaut.png", face_photos["astronaut"])
    landscape_path = write_photo(tmp_path / "coffee.png", landscape)
    out = tmp_path / "aligned"
    status = main(["align-face", str(face_path), str(landscape_path), "--out", str(out)])
    assert status == 2
    error = capsys.readouterr().err.strip()
    assert error.count("\n") == 0 and "Traceback" not in error
    assert "no face" in error and str(landscape_path) in error
    assert not out.exists()
