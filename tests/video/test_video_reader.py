"""Reading frames: headers, sampling, sections, truncation, time formatting."""

import numpy as np
import pytest

from kerasgan.data import video
from kerasgan.data.video import VideoProperties


def test_reader_reports_header_of_real_h264_clip(real_clip):
    with video.VideoReader(real_clip("bikes.mp4")) as reader:
        properties = reader.properties
    assert (properties.width, properties.height) == (640, 272)
    assert properties.frame_count == 250
    assert properties.fps == pytest.approx(25.0)
    assert properties.duration == pytest.approx(10.0)


def test_every_seconds_keeps_one_frame_per_interval_with_exact_pixels(real_clip):
    import cv2

    path = real_clip("bikes.mp4")
    frames = list(video.sample_frames(path, every_seconds=0.5))
    assert [frame.index for frame in frames] == [round(k * 12.5 - 0.01) for k in range(20)]
    assert [frame.time for frame in frames] == pytest.approx(
        [index / 25 for index in [f.index for f in frames]]
    )
    # The kept frames are the very frames read() would give (RGB instead of BGR).
    capture = cv2.VideoCapture(str(path))
    by_read = []
    while True:
        ok, image = capture.read()
        if not ok:
            break
        by_read.append(image)
    for frame in frames[:5]:
        np.testing.assert_array_equal(frame.image, by_read[frame.index][..., ::-1])


def test_every_frames_num_frames_and_section(real_clip):
    path = real_clip("bikes.mp4")
    assert [f.index for f in video.sample_frames(path, every_frames=60)] == [0, 60, 120, 180, 240]
    spread = [f.index for f in video.sample_frames(path, num_frames=5)]
    assert spread == [0, 62, 124, 187, 249]
    section = list(video.sample_frames(path, every_seconds=1.0, start=2.0, end=5.0))
    assert [f.time for f in section] == pytest.approx([2.0, 3.0, 4.0])


def test_start_past_the_end_is_one_clear_sentence(real_clip):
    with pytest.raises(
        ValueError, match=r"starts at 0:12, past the end of .*bikes.mp4 \(0:10 long\)"
    ):
        list(video.sample_frames(real_clip("bikes.mp4"), start=12))


def test_only_one_rate_may_be_given():
    properties = VideoProperties("x.mp4", fps=25.0, frame_count=100, width=64, height=64)
    with pytest.raises(ValueError, match="only one"):
        video.frames_to_keep(properties, every_seconds=1.0, every_frames=5)


def test_text_file_is_not_a_video(tmp_path):
    path = tmp_path / "notes.mp4"
    path.write_text("these are my notes, not a video\n")
    with pytest.raises(video.BrokenVideoError, match="not a video file .*text file"):
        video.probe_video(path)


def test_truncated_mp4_is_reported_as_cut_off(real_clip, tmp_path):
    data = real_clip("bikes.mp4").read_bytes()
    path = tmp_path / "cut.mp4"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(video.BrokenVideoError, match="incomplete video file .*cut off"):
        video.probe_video(path)


def test_video_that_stops_early_raises_after_its_frames(make_video, real_frames, tmp_path):
    path = make_video([real_frames[i % 8] for i in range(40)], fps=10)
    data = path.read_bytes()
    cut = tmp_path / "cut.avi"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    seen = []
    with pytest.raises(video.BrokenVideoError, match="stops after 0:02.* says 0:04.*cut off"):
        for frame in video.sample_frames(cut, every_frames=1):
            seen.append(frame.index)
    assert 15 <= len(seen) < 30


def test_frames_in_opencv_order_are_the_same_pixels(real_clip):
    path = real_clip("bikes.mp4")
    rgb = list(video.sample_frames(path, every_frames=50))
    with video.VideoReader(path) as reader:
        bgr = list(reader.frames(every_frames=50, rgb=False))
    assert [frame.index for frame in bgr] == [frame.index for frame in rgb]
    for ours, theirs in zip(bgr, rgb):
        np.testing.assert_array_equal(ours.image, theirs.image[..., ::-1])


def test_format_time():
    assert video.format_time(0) == "0:00"
    assert video.format_time(75) == "1:15"
    assert video.format_time(3725.5) == "1:02:05.5"
