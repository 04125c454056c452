"""FFHQ's face alignment: an upright square crop placed by the eyes and the mouth.

NVIDIA's FFHQ networks only draw faces framed the way FFHQ's photos were framed
(Karras et al. 2019, https://arxiv.org/abs/1812.04948, and NVlabs/ffhq-dataset):
the eyes level and at fixed places, the chin and the hair inside the square. A
projection of an unaligned selfie lands far from the faces the network knows, so
every face is cropped this way first. The recipe, from four landmarks:

1. The crop's x axis runs along the eye line, averaged with the eye-to-mouth line
   turned by 90 degrees, so a tilted head and a turned head both come out upright.
2. Its half side is the larger of twice the eye distance and 1.8 times the
   eye-to-mouth distance; its centre sits a tenth of the way from the eyes to the mouth.
3. A photo much larger than the output is first shrunk (by whole factors, averaging
   pixels), then cut to the crop plus a border.
4. Where the square leaves the photo, the photo is mirrored outward and the mirrored
   part blurred and faded to the photo's median colour, so the network sees no hard edge.
5. The square is resampled upright to `size` x `size` pixels.
"""

import dataclasses

import numpy as np

from kerasgan.errors import KerasganError

# Where the recipe puts the eye centres, as fractions of the side (x, y): for a
# face whose eye-to-mouth distance equals its eye distance, the eyes are half a
# quarter side from the middle and 0.025 of the side above it.
CANONICAL_LEFT_EYE = (0.375, 0.475)
CANONICAL_RIGHT_EYE = (0.625, 0.475)


class NoFaceError(KerasganError):
    """A photo in which no face was found."""


@dataclasses.dataclass(frozen=True)
class CropQuad:
    """The oriented square to cut out, in photo pixels.

    Attributes:
        corners: (4, 2) array: top-left, bottom-left, bottom-right, top-right of the
            upright face (in the photo they may be turned).
        side: the side length in photo pixels.
    """

    corners: np.ndarray
    side: float


def ffhq_quad(face):
    """The crop square for one face (`FaceLandmarks`), as FFHQ's recipe chooses it."""
    left_eye = np.asarray(face.left_eye, dtype=np.float64)
    right_eye = np.asarray(face.right_eye, dtype=np.float64)
    eye_middle = (left_eye + right_eye) / 2
    mouth_middle = (np.asarray(face.mouth_left) + np.asarray(face.mouth_right)) / 2
    eye_to_eye = right_eye - left_eye
    eye_to_mouth = mouth_middle - eye_middle

    # The eye-to-mouth vector turned 90 degrees points along the eye line too: the sum
    # of both is the face's x axis, less sensitive to one badly placed eye.
    turned = np.array([eye_to_mouth[1], -eye_to_mouth[0]])
    x_axis = eye_to_eye + turned
    x_axis /= np.hypot(*x_axis)
    half_side = max(2.0 * np.hypot(*eye_to_eye), 1.8 * np.hypot(*eye_to_mouth))
    x_axis *= half_side
    y_axis = np.array([-x_axis[1], x_axis[0]])  # x turned 90 degrees: points down the face
    centre = eye_middle + 0.1 * eye_to_mouth
    corners = np.stack(
        [
            centre - x_axis - y_axis,
            centre - x_axis + y_axis,
            centre + x_axis + y_axis,
            centre + x_axis - y_axis,
        ]
    )
    return CropQuad(corners=corners, side=2.0 * half_side)


def align_face(image, face, size=1024):
    """The FFHQ-aligned crop of one face.

    Args:
        image: the photo, RGB uint8 (H, W, 3).
        face: its `FaceLandmarks` (from `kerasgan.faces.landmarks.detect_faces`).
        size: the output's side in pixels (FFHQ: 1024).

    Returns:
        RGB uint8 (size, size, 3).

    Example:

    ```python
    photo = landmarks.read_photo("selfie.jpg")
    face = landmarks.detect_faces(photo)[0]
    aligned = align_face(photo, face, size=256)
    ```
    """
    import cv2

    if size < 8:
        raise ValueError(f"The aligned size must be at least 8 pixels; got {size}.")
    quad = ffhq_quad(face)
    corners, side = quad.corners.copy(), quad.side
    picture = np.asarray(image)

    # 3. Shrink a photo whose face is over four times the output, by a whole factor:
    # resampling the square later then never skips pixels.
    shrink = int(np.floor(side / size * 0.5))
    if shrink > 1:
        height, width = picture.shape[:2]
        new_size = (int(np.rint(width / shrink)), int(np.rint(height / shrink)))
        picture = cv2.resize(picture, new_size, interpolation=cv2.INTER_AREA)
        corners /= shrink
        side /= shrink

    # Cut the photo down to the square plus a border: the rest is never looked at.
    border = max(int(np.rint(side * 0.1)), 3)
    height, width = picture.shape[:2]
    left = max(int(np.floor(corners[:, 0].min())) - border, 0)
    top = max(int(np.floor(corners[:, 1].min())) - border, 0)
    right = min(int(np.ceil(corners[:, 0].max())) + border, width)
    bottom = min(int(np.ceil(corners[:, 1].max())) + border, height)
    picture = picture[top:bottom, left:right]
    corners -= (left, top)

    # 4. Pad where the square (plus its border) leaves the photo.
    picture, corners = _pad_outside(picture, corners, side, border)

    # 5. Resample the square upright at its own resolution, then average down to `size`.
    working = max(size, int(np.ceil(side)))
    # OpenCV puts pixel centres at whole coordinates; the square's corners are the
    # outer edges of the output's corner pixels, half a pixel outside their centres.
    source = np.float32([corners[0], corners[1], corners[3]])
    target = np.float32([[-0.5, -0.5], [-0.5, working - 0.5], [working - 0.5, -0.5]])
    transform = cv2.getAffineTransform(source, target)
    aligned = cv2.warpAffine(
        picture, transform, (working, working), flags=cv2.INTER_LINEAR,
        borderMode=cv2.BORDER_REFLECT,
    )
    if working != size:
        aligned = cv2.resize(aligned, (size, size), interpolation=cv2.INTER_AREA)
    return aligned


def _pad_outside(picture, corners, side, border):
    """Mirrors the photo outward where the square leaves it, blurred and faded to its median."""
    import cv2

    height, width = picture.shape[:2]
    pad_left = max(-int(np.floor(corners[:, 0].min())) + border, 0)
    pad_top = max(-int(np.floor(corners[:, 1].min())) + border, 0)
    pad_right = max(int(np.ceil(corners[:, 0].max())) - width + border, 0)
    pad_bottom = max(int(np.ceil(corners[:, 1].max())) - height + border, 0)
    # A square inside the photo (up to a few pixels of its border) needs no padding.
    if max(pad_left, pad_top, pad_right, pad_bottom) <= border - 4:
        return picture, corners
    # Pad generously, so the fade to the median reaches well away from the face.
    least = int(np.rint(side * 0.3))
    pad_left, pad_top, pad_right, pad_bottom = (
        max(pad, least) for pad in (pad_left, pad_top, pad_right, pad_bottom)
    )
    padded = np.pad(
        picture.astype(np.float32),
        ((pad_top, pad_bottom), (pad_left, pad_right), (0, 0)),
        mode="reflect",
    )
    height, width = padded.shape[:2]
    rows = np.arange(height, dtype=np.float32)[:, None, None]
    columns = np.arange(width, dtype=np.float32)[None, :, None]
    # 0 inside the photo, rising to 1 at the padded image's edge.
    mask = np.maximum(
        1.0 - np.minimum(columns / pad_left, (width - 1 - columns) / pad_right),
        1.0 - np.minimum(rows / pad_top, (height - 1 - rows) / pad_bottom),
    )
    blurred = cv2.GaussianBlur(padded, (0, 0), sigmaX=side * 0.02)
    # The blur reaches fully a third of the way out; the fade to the median goes all the way.
    padded += (blurred - padded) * np.clip(mask * 3.0 + 1.0, 0.0, 1.0)
    padded += (np.median(padded, axis=(0, 1)) - padded) * np.clip(mask, 0.0, 1.0)
    picture = np.clip(np.rint(padded), 0, 255).astype(np.uint8)
    return picture, corners + (pad_left, pad_top)


def draw_landmarks(image, faces):
    """The photo with each face's five points and crop square drawn on it, numbered.

    What a student looks at to see what the alignment did: the square is the part of
    the photo that becomes the aligned face, its top edge drawn thicker.
    """
    import cv2

    picture = np.ascontiguousarray(np.asarray(image, dtype=np.uint8).copy())
    scale = max(picture.shape[:2]) / 512
    thickness = max(1, int(round(2 * scale)))
    for number, face in enumerate(faces, start=1):
        corners = ffhq_quad(face).corners
        outline = np.rint(corners).astype(np.int32).reshape(-1, 1, 2)
        cv2.polylines(picture, [outline], True, (255, 220, 0), thickness, cv2.LINE_AA)
        top_edge = np.rint(corners[[0, 3]]).astype(np.int32)
        cv2.line(
            picture, tuple(top_edge[0]), tuple(top_edge[1]), (255, 120, 0),
            thickness * 2, cv2.LINE_AA,
        )
        for point in face.points():
            centre = tuple(int(value) for value in np.rint(point))
            cv2.circle(picture, centre, thickness * 2, (0, 255, 0), -1, cv2.LINE_AA)
        label_at = tuple(int(value) for value in np.rint(corners[0] + (4 * scale, 18 * scale)))
        cv2.putText(
            picture, str(number), label_at, cv2.FONT_HERSHEY_SIMPLEX, 0.6 * scale,
            (255, 220, 0), thickness, cv2.LINE_AA,
        )
    return picture


@dataclasses.dataclass
class AlignedPhoto:
    """One photo's faces and their aligned crops, largest face first.

    Attributes:
        photo: the photo, RGB uint8 (H, W, 3).
        faces: the `FaceLandmarks` aligned.
        aligned: one RGB uint8 (size, size, 3) crop per face.
    """

    photo: np.ndarray
    faces: list
    aligned: list


def align_photo(path, size=1024, largest=False):
    """Finds the faces in a photo file and aligns each (or only the largest).

    Raises:
        NoFaceError: the photo has no face, with a sentence naming it.
    """
    from kerasgan.faces import landmarks

    photo = landmarks.read_photo(path)
    faces = landmarks.detect_faces(photo)
    if not faces:
        raise NoFaceError(
            f"Found no face in {path}: pass a photo where a face is seen from the front, "
            "well lit and at least 20 pixels across."
        )
    if largest:
        faces = faces[:1]
    return AlignedPhoto(photo, faces, [align_face(photo, face, size) for face in faces])

