"""Each quality filter on frames made to trigger it, and its switch and threshold."""

import cv2
import numpy as np
import pytest

from kerasgan.data import frame_filters
from kerasgan.data.frame_filters import FilterSettings, FrameFilter


def test_measures_on_real_frames_and_their_blurred_copies(real_frames):
    for frame in real_frames:
        sharp = frame_filters.measure(frame)
        blurred = frame_filters.measure(cv2.GaussianBlur(frame, (0, 0), 6))
        assert sharp.sharpness > 20 > FilterSettings().blur_threshold > blurred.sharpness
        assert 25 < sharp.brightness < 230 and sharp.contrast > 10


def test_measures_are_the_same_in_opencv_color_order(real_frames):
    frame = cv2.resize(real_frames[0], (256, 256), interpolation=cv2.INTER_AREA)
    in_rgb = frame_filters.measure(frame)
    in_bgr = frame_filters.measure(np.ascontiguousarray(frame[..., ::-1]), bgr=True)
    assert (in_bgr.brightness, in_bgr.contrast, in_bgr.sharpness, in_bgr.hash) == (
        in_rgb.brightness,
        in_rgb.contrast,
        in_rgb.sharpness,
        in_rgb.hash,
    )
    np.testing.assert_allclose(in_bgr.histogram, in_rgb.histogram, atol=1e-6)
    assert frame_filters.measure(frame, histogram=False).histogram is None


def test_perceptual_hash_tells_repeats_from_other_shots(real_frames):
    hashes = [frame_filters.measure(frame).hash for frame in real_frames]
    distances = [frame_filters.hamming_distances(value, hashes) for value in hashes]
    others = np.array([[d for j, d in enumerate(row) if j != i] for i, row in enumerate(distances)])
    assert others.min() > 16  # different shots differ in many bits
    # A re-encoded, slightly brighter copy of a frame is still the same picture.
    _, jpeg = cv2.imencode(".jpg", real_frames[0], [cv2.IMWRITE_JPEG_QUALITY, 60])
    copy = cv2.add(cv2.imdecode(jpeg, cv2.IMREAD_UNCHANGED), 6)
    assert frame_filters.hamming_distances(frame_filters.measure(copy).hash, hashes[:1])[0] <= 4


def test_each_filter_names_its_reason(real_frames):
    filters = FrameFilter()
    black = np.full((360, 640, 3), 4, np.uint8)
    white = np.full((360, 640, 3), 250, np.uint8)
    gray = np.full((360, 640, 3), 128, np.uint8)
    blurred = cv2.GaussianBlur(real_frames[5], (0, 0), 6)
    assert filters.check(real_frames[0]).keep
    assert filters.check(black).reason == "dark"
    assert filters.check(white).reason == "bright"
    assert filters.check(gray).reason == "flat"
    assert filters.check(blurred).reason == "blurry"
    repeat = filters.check(real_frames[0].copy())
    assert (repeat.reason, repeat.value, repeat.duplicate_of) == ("duplicate", 0, 0)
    assert filters.check(real_frames[1]).keep
    assert len(filters.kept_hashes) == 2


def test_switches_turn_filters_off():
    settings = FilterSettings(drop_dark=False, drop_flat=False, drop_duplicates=False)
    filters = FrameFilter(settings)
    black = np.full((64, 64, 3), 4, np.uint8)
    noise = np.random.default_rng(0).integers(0, 255, (64, 64, 3), dtype=np.uint8)
    assert filters.check(black).reason == "blurry"  # with dark and flat off, blur still sees it
    filters = FrameFilter(FilterSettings(drop_blurry=False, drop_dark=False, drop_flat=False))
    assert filters.check(black).keep
    filters = FrameFilter(settings)
    assert filters.check(noise).keep and filters.check(noise).keep  # duplicates allowed


def test_thresholds_move_the_line(real_frames):
    frame = real_frames[2]
    measures = frame_filters.measure(frame)
    assert FrameFilter(FilterSettings(blur_threshold=measures.sharpness - 1)).check(frame).keep
    strict = FrameFilter(FilterSettings(blur_threshold=measures.sharpness + 1)).check(frame)
    assert strict.reason == "blurry" and strict.value == pytest.approx(measures.sharpness)
    assert (
        FrameFilter(FilterSettings(dark_threshold=measures.brightness + 1)).check(frame).reason
        == "dark"
    )


def test_one_per_scene_keeps_first_frame_after_each_cut(shot_frames):
    filters = FrameFilter(FilterSettings(one_per_scene=True, drop_duplicates=False))
    decisions = [filters.check(frame).reason for shot in shot_frames for frame in shot]
    assert decisions == ([None] + ["same-scene"] * 4) * 3
    # Scene changes inside a shot stay well under the threshold; a cut goes over it.
    histograms = [frame_filters.measure(f).histogram for shot in shot_frames for f in shot]
    changes = [frame_filters.scene_change(a, b) for a, b in zip(histograms, histograms[1:])]
    cuts = [4, 9]
    assert all(changes[i] > 0.4 for i in cuts)
    assert all(change < 0.2 for i, change in enumerate(changes) if i not in cuts)


def test_forget_since_drops_the_frames_of_a_failed_video(real_frames):
    filters = FrameFilter()
    filters.check(real_frames[0])
    filters.check(real_frames[1])
    filters.forget_since(1)
    assert filters.check(real_frames[1]).keep  # no longer a duplicate of a forgotten frame
    assert filters.check(real_frames[0]).reason == "duplicate"
