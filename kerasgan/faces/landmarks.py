"""Five landmarks per face (eye centres, nose tip, mouth corners) from MTCNN.

FFHQ's alignment needs only the two eye centres and the two mouth corners. MTCNN
(Zhang et al. 2016, https://arxiv.org/abs/1604.02878) finds every face in a photo
and gives exactly those points. The `mtcnn` package carries its three small
networks inside its 2 MB wheel and runs them with TensorFlow, so it works offline,
on a laptop CPU and in Colab, with nothing downloaded at first use. (MediaPipe's
wheel carries no face model and OpenCV 5's wheel no Haar cascades; dlib's 68
points, FFHQ's own recipe, cost about 100 MB to install.)
"""

import dataclasses
from pathlib import Path

import numpy as np

# Photos are searched at most this many pixels on their longer side: a phone's 12-megapixel
# selfie is shrunk (its face stays hundreds of pixels wide) and found in a second, not ten.
DETECTION_SIDE = 1600

# MTCNN's detection threshold of its last stage: 0.9 keeps real faces (the test
# photos score above 0.98) and drops face-like texture in a landscape.
MIN_CONFIDENCE = 0.9

_detector = None


@dataclasses.dataclass(frozen=True)
class FaceLandmarks:
    """One face: its box, MTCNN's confidence and five points, each (x, y) in pixels.

    "Left" and "right" are as seen in the photo: `left_eye` is the eye nearer
    the photo's left edge (the person's right eye), as in FFHQ's landmarks.
    """

    box: tuple  # (left, top, right, bottom)
    confidence: float
    left_eye: np.ndarray
    right_eye: np.ndarray
    nose: np.ndarray
    mouth_left: np.ndarray
    mouth_right: np.ndarray

    @property
    def area(self):
        left, top, right, bottom = self.box
        return (right - left) * (bottom - top)

    def points(self):
        """The five points as a (5, 2) array: eyes, nose, mouth corners."""
        return np.stack(
            [self.left_eye, self.right_eye, self.nose, self.mouth_left, self.mouth_right]
        )


def face_detector():
    """The MTCNN detector, built once per process (its weights load in a fraction of a second)."""
    global _detector
    if _detector is None:
        try:
            from mtcnn import MTCNN
        except ImportError as error:
            raise ImportError(
                "Finding faces needs the mtcnn package: pip install mtcnn"
            ) from error
        _detector = MTCNN()
    return _detector


def detect_faces(image, min_confidence=MIN_CONFIDENCE, detection_side=DETECTION_SIDE):
    """Every face in an RGB uint8 image (H, W, 3), largest first, in the image's pixels.

    Returns:
        A list of `FaceLandmarks`; empty when there is no face.
    """
    import cv2

    image = np.ascontiguousarray(image)
    if image.ndim != 3 or image.shape[-1] != 3 or image.dtype != np.uint8:
        raise ValueError(
            f"detect_faces takes an RGB uint8 image (H, W, 3); got {image.dtype} {image.shape}."
        )
    scale = min(1.0, detection_side / max(image.shape[:2]))
    if scale < 1.0:
        height, width = image.shape[:2]
        size = (max(1, round(width * scale)), max(1, round(height * scale)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    # The numpy output keeps sub-pixel positions (the JSON output rounds them to ints).
    # Each row: image index, box x1 y1 x2 y2, confidence, then the five points' x
    # (left eye, right eye, nose, mouth left, mouth right), then their y in the same order.
    rows = face_detector().detect_faces(image, box_format="xyxy", output_type="numpy")
    faces = []
    for row in np.asarray(rows, dtype=np.float64).reshape(-1, 16):
        if row[5] < min_confidence:
            continue
        # Back to the full photo's pixels (pixel centres scale about the half-pixel corner).
        points = (np.stack([row[6:11], row[11:16]], axis=1) + 0.5) / scale - 0.5
        faces.append(
            FaceLandmarks(
                box=tuple(float(value) / scale for value in row[1:5]),
                confidence=float(row[5]),
                left_eye=points[0],
                right_eye=points[1],
                nose=points[2],
                mouth_left=points[3],
                mouth_right=points[4],
            )
        )
    return sorted(faces, key=lambda face: face.area, reverse=True)


def read_photo(path):
    """An RGB uint8 array from a PNG or JPEG file, with a sentence for anything else."""
    import cv2

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"There is no photo at {path}: pass a PNG or JPEG file.")
    picture = cv2.imdecode(np.fromfile(path, dtype=np.uint8), cv2.IMREAD_COLOR)
    if picture is None:
        raise ValueError(f"Could not read {path} as an image: pass a PNG or JPEG file.")
    return np.ascontiguousarray(picture[..., ::-1])  # OpenCV reads BGR
