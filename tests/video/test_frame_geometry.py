"""Frame geometry: letterbox bars, crops and resizing that averages."""

import numpy as np
import pytest

from kerasgan.data import frame_geometry


def _with_bars(image, top, bottom, left=0, right=0):
    padded = np.zeros((image.shape[0] + top + bottom, image.shape[1] + left + right, 3), np.uint8)
    padded[top : top + image.shape[0], left : left + image.shape[1]] = image
    return padded


def test_letterbox_and_pillarbox_found_on_real_frame(real_frames):
    picture = real_frames[0][:268]  # 640x268: a 2.39:1 picture
    framed = _with_bars(picture, 92, 92)  # in a 640x452 frame
    box = frame_geometry.find_letterbox(framed)
    assert 92 <= box.top <= 92 + 6 and 360 - 6 <= box.bottom <= 360
    assert (box.left, box.right) == (0, 640)
    assert frame_geometry.crop_box(framed, box)[:, :, :].mean(axis=(1, 2)).min() > 25

    pillar = _with_bars(real_frames[1], 0, 0, 120, 120)
    box = frame_geometry.find_letterbox(pillar)
    assert (box.top, box.bottom) == (0, 360)
    assert 120 <= box.left <= 126 and 754 <= box.right <= 760
    # The builder looks for bars before converting colors: the same bars in BGR order.
    for image in (framed, pillar):
        in_bgr = np.ascontiguousarray(image[..., ::-1])
        in_rgb = frame_geometry.find_letterbox(image)
        assert frame_geometry.find_letterbox(in_bgr, bgr=True) == in_rgb


def test_dark_strip_on_one_side_is_not_a_letterbox(real_frames):
    night = real_frames[2].copy()
    night[:60] = 3  # a black sky at the top only
    box = frame_geometry.find_letterbox(night)
    assert not box.has_bars(*night.shape[:2])
    assert not frame_geometry.find_letterbox(np.zeros((90, 160, 3), np.uint8)).has_bars(90, 160)


def test_crop_modes(real_frames):
    frame = real_frames[3]  # 360x640
    center = frame_geometry.crop_square(frame, "center")
    np.testing.assert_array_equal(center, frame[:, 140:500])
    first = frame_geometry.crop_square(frame, "random", np.random.default_rng(7))
    again = frame_geometry.crop_square(frame, "random", np.random.default_rng(7))
    np.testing.assert_array_equal(first, again)
    assert first.shape == (360, 360, 3)
    assert frame_geometry.crop_square(frame, "none") is frame
    with pytest.raises(ValueError, match="Unknown crop mode"):
        frame_geometry.crop_square(frame, "corner")


def test_resize_area_averages_instead_of_aliasing():
    # A one-pixel checkerboard: area averaging turns it into flat mid-gray;
    # point sampling (what aliasing is) would keep picking the same color.
    checker = (np.indices((720, 720)).sum(axis=0) % 2 * 255).astype(np.uint8)
    small = frame_geometry.resize_area(np.dstack([checker] * 3), 256)
    assert small.shape == (256, 256, 3)
    assert abs(float(small.mean()) - 127.5) < 2
    assert small.std() < 12
    wide = frame_geometry.resize_area(np.zeros((360, 640, 3), np.uint8), 128)
    assert wide.shape == (128, 228, 3)
    assert frame_geometry.resize_area(np.zeros((50, 50, 3), np.uint8), 64).shape == (64, 64, 3)
    tall = frame_geometry.resize_area(np.zeros((602, 256, 3), np.uint8), (64, 151))
    assert tall.shape == (151, 64, 3)
    assert frame_geometry.shorter_side_to((272, 640, 3), 64) == (151, 64)


def test_resize_area_is_close_to_an_exact_area_average(real_clip):
    import cv2

    capture = cv2.VideoCapture(str(real_clip("bigbuckbunny.mp4")))
    for _ in range(60):
        capture.grab()
    _, frame = capture.retrieve()
    square = np.ascontiguousarray(frame[:, 280:1000])  # 720x720 of real 720p footage
    # Float INTER_AREA is the exact average of every source pixel under each output pixel.
    exact = cv2.resize(square.astype(np.float32), (256, 256), interpolation=cv2.INTER_AREA)

    def psnr(image):
        return 10 * np.log10(255**2 / np.mean((image.astype(np.float32) - exact) ** 2))

    plain_bilinear = cv2.resize(square, (256, 256), interpolation=cv2.INTER_LINEAR)
    assert psnr(frame_geometry.resize_area(square, 256)) > 43 > psnr(plain_bilinear)
