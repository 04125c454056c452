"""Helpers for the face tests: turning a photo, writing one to a file."""

import cv2


def rotated(photo, degrees):
    """The photo turned about its centre, the corners filled by mirroring (as a camera tilt)."""
    height, width = photo.shape[:2]
    turn = cv2.getRotationMatrix2D((width / 2, height / 2), degrees, 1.0)
    return cv2.warpAffine(photo, turn, (width, height), borderMode=cv2.BORDER_REFLECT)


def write_photo(path, photo):
    """Writes an RGB uint8 photo as PNG or JPEG (by the name); returns the path."""
    cv2.imwrite(str(path), photo[..., ::-1])
    return path
