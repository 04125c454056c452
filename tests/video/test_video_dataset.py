"""The dataset builder end to end: URL to folder, filters in the manifest, failures, resume."""

import json
import os
import re
import shutil

import cv2
import numpy as np
import pytest

from kerasgan.cli import main
from kerasgan.data import video_dataset
from kerasgan.data.frame_filters import DROP_REASONS, FilterSettings
from kerasgan.data.video_dataset import build_video_dataset


def read_manifest(folder):
    return json.loads((folder / "manifest.json").read_text())


def image_names(folder, split):
    return sorted(path.name for path in (folder / split).iterdir())


def split_runs(frames):
    """How many separate runs of test frames there are, in time order per source."""
    runs = 0
    previous = None
    for frame in sorted(frames, key=lambda f: (f["source"], f["time"])):
        current = (frame["source"], frame["split"])
        if frame["split"] == "test" and current != previous:
            runs += 1
        previous = current
    return runs


def test_dataset_from_url_through_yt_dlp(web_server, real_clip, tmp_path, capsys):
    url = web_server.add(real_clip("bikes.mp4"))
    out = tmp_path / "datasets" / "bikes"
    command = ["dataset", "video", url, "--out", str(out), "--size", "64", "--every", "0.5s"]
    assert main(command) == 0
    err = capsys.readouterr().err
    assert "downloaded bikes" in err and "bikes: kept" in err

    # Layout: what an image loader sees is train/, test/ and two files; downloads stay hidden.
    visible = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))
    assert visible == ["contact_sheet.jpg", "manifest.json", "test", "train"]
    assert [p.suffix for p in (out / ".downloads").iterdir()].count(".mp4") == 1

    manifest = read_manifest(out)
    source = manifest["sources"][0]
    assert (source["url"], source["title"], source["status"]) == (url, "bikes", "ok")
    assert source["duration"] == pytest.approx(10.0)
    assert (source["width"], source["height"], source["frame_count"]) == (640, 272, 250)
    assert manifest["settings"]["size"] == 64 and manifest["settings"]["every_seconds"] == 0.5
    counts = manifest["counts"]
    assert counts["sampled"] == 20
    assert counts["kept"] + sum(counts["dropped"].values()) == 20
    assert len(manifest["dropped"]) == sum(counts["dropped"].values())
    assert all(d["reason"] in DROP_REASONS for d in manifest["dropped"])

    # Every kept frame is a 64x64 image in the folder its split names, with its timestamp.
    train, test = image_names(out, "train"), image_names(out, "test")
    assert len(train) == counts["train"] and len(test) == counts["test"] >= 1
    assert sorted(f["file"] for f in manifest["frames"]) == sorted(
        [f"train/{n}" for n in train] + [f"test/{n}" for n in test]
    )
    for frame in manifest["frames"]:
        assert frame["time"] == pytest.approx(frame["frame"] / 25)
        assert frame["time"] * 2 == pytest.approx(round(frame["time"] * 2), abs=0.05)
        image = cv2.imread(str(out / frame["file"]))
        assert image.shape == (64, 64, 3)

    # The split: whole blocks of time, here one block of about a tenth of the frames.
    test_blocks = [b for b in source["blocks"] if b["split"] == "test"]
    assert len(test_blocks) == 1 and split_runs(manifest["frames"]) == 1
    assert test_blocks[0]["frames"] == counts["test"]

    # The contact sheet: every kept frame (fewer than 64) in a grid of 128-pixel cells.
    sheet = cv2.imread(str(out / "contact_sheet.jpg"))
    rows = -(-counts["kept"] // 8)
    assert sheet.shape == (rows * 130 + 2, 8 * 130 + 2, 3)
    first = cv2.resize(cv2.imread(str(out / manifest["frames"][0]["file"])), (128, 128))
    # Inside the 3-pixel orange outline a test frame gets (the test block is chosen at random).
    inside = (slice(5, 125), slice(5, 125))
    assert np.abs(sheet[2:130, 2:130][inside].astype(int) - first[inside]).mean() < 12

    # Running it again downloads nothing, reads nothing, writes no image.
    asked = len(web_server.requests)
    times = {p.name: p.stat().st_mtime_ns for p in (out / "train").iterdir()}
    assert main(command + ["--quiet"]) == 0
    assert len(web_server.requests) == asked
    assert {p.name: p.stat().st_mtime_ns for p in (out / "train").iterdir()} == times
    assert read_manifest(out)["frames"] == manifest["frames"]


def _black():
    return np.full((360, 640, 3), 3, np.uint8)


def test_filters_drop_made_frames_and_manifest_counts_them(make_video, real_frames, tmp_path):
    d = real_frames
    blurred = [cv2.GaussianBlur(d[i], (0, 0), 6) for i in (5, 6, 7)]
    white = np.full((360, 640, 3), 250, np.uint8)
    gray = np.full((360, 640, 3), 128, np.uint8)
    sequence = [
        (d[0], None), (d[1], None), (_black(), "dark"), (d[2], None), (blurred[0], "blurry"),
        (d[0], "duplicate"), (d[3], None), (_black(), "dark"), (blurred[1], "blurry"),
        (d[1], "duplicate"), (white, "bright"), (d[4], None), (gray, "flat"), (_black(), "dark"),
        (blurred[2], "blurry"), (d[2], "duplicate"),
    ]  # fmt: skip
    path = make_video([frame for frame, _ in sequence], fps=10)
    out = tmp_path / "made"
    dataset = build_video_dataset([path], out, size=32, every_frames=1, progress=False)
    manifest = dataset.manifest
    expected = {"dark": 3, "bright": 1, "flat": 1, "blurry": 3, "same-scene": 0, "duplicate": 3}
    assert manifest["counts"]["dropped"] == expected
    assert manifest["sources"][0]["dropped"] == expected
    assert manifest["counts"]["kept"] == 5
    reasons = {drop["frame"]: drop["reason"] for drop in manifest["dropped"]}
    assert reasons == {i: reason for i, (_, reason) in enumerate(sequence) if reason}
    duplicates = [drop for drop in manifest["dropped"] if drop["reason"] == "duplicate"]
    kept_by_frame = {f["frame"]: f["file"].split("/")[1] for f in manifest["frames"]}
    assert [drop["duplicate_of"] for drop in duplicates] == [kept_by_frame[i] for i in (0, 1, 3)]
    assert len(os.listdir(out / "train")) + len(os.listdir(out / "test")) == 5

    # Each switch turns its filter off; the frames it dropped are then kept (or caught later).
    assert (
        main(
            [
                "dataset",
                "video",
                str(path),
                "--out",
                str(tmp_path / "off"),
                "--size",
                "32",
                "--every",
                "1f",
                "--no-drop-duplicates",
                "--no-drop-bright",
                "--quiet",
            ]
        )
        == 0
    )
    counts = read_manifest(tmp_path / "off")["counts"]
    assert counts["dropped"]["duplicate"] == 0 and counts["dropped"]["bright"] == 0
    assert counts["dropped"]["flat"] == 2  # the white card is flat too
    assert counts["kept"] == 8


def test_letterbox_bars_are_removed_before_the_square_crop(make_video, real_frames, tmp_path):
    pictures = [frame[46:314] for frame in real_frames[:4]]  # 640x268, a 2.39:1 film
    framed = [np.pad(p, ((92, 92), (0, 0), (0, 0))) for p in pictures]  # in a 640x452 frame
    path = make_video(framed, fps=5)
    with_bars_removed = build_video_dataset(
        [path], tmp_path / "cropped", size=64, every_frames=1, progress=False
    ).manifest
    assert with_bars_removed["counts"]["letterboxed"] == 4
    assert with_bars_removed["sources"][0]["letterboxed"] == 4
    for frame in with_bars_removed["frames"]:
        top, bottom, left, right = frame["content_box"]
        assert 92 <= top <= 100 and 352 <= bottom <= 360 and (left, right) == (0, 640)
        image = cv2.imread(str(tmp_path / "cropped" / frame["file"]))
        assert image[:3].mean() > 20 and image[-3:].mean() > 20  # no black rows left

    kept_bars = build_video_dataset(
        [path],
        tmp_path / "bars",
        size=64,
        every_frames=1,
        progress=False,
        filters=FilterSettings(remove_letterbox=False),
    ).manifest
    assert kept_bars["counts"]["letterboxed"] == 0
    image = cv2.imread(str(tmp_path / "bars" / kept_bars["frames"][0]["file"]))
    assert image[:3].mean() < 10  # the square crop of the full frame still has the bar


def test_one_frame_per_scene(make_video, shot_frames, tmp_path):
    path = make_video([frame for shot in shot_frames for frame in shot], fps=5)
    out = tmp_path / "scenes"
    command = ["dataset", "video", str(path), "--out", str(out), "--size", "32", "--every", "1f"]
    assert main(command + ["--one-per-scene", "--no-drop-duplicates", "--quiet"]) == 0
    manifest = read_manifest(out)
    assert manifest["counts"]["kept"] == 3
    assert manifest["counts"]["dropped"]["same-scene"] == 12
    assert [f["frame"] for f in manifest["frames"]] == [0, 5, 10]


def test_failed_sources_are_reported_and_the_others_still_used(
    web_server, closed_port_url, real_clip, make_video, real_frames, tmp_path, capsys
):
    bikes = real_clip("bikes.mp4")
    short = real_clip("carphone_pristine.mp4")  # 4 s long: a section from 0:05 is past its end
    cut_mp4 = tmp_path / "cut.mp4"
    cut_mp4.write_bytes(bikes.read_bytes()[:200_000])
    long_avi = make_video([real_frames[i % 8] for i in range(100)], name="long.avi", fps=10)
    cut_avi = tmp_path / "cut.avi"
    cut_avi.write_bytes(long_avi.read_bytes()[: int(long_avi.stat().st_size * 0.8)])
    (web_server.folder / "notes.mp4").write_text("shopping list: milk, eggs\n")
    (web_server.folder / "page.html").write_text("<html><body>No video here.</body></html>")
    missing, notes, page = (web_server.url(n) for n in ("missing.mp4", "notes.mp4", "page.html"))
    sources = [
        str(bikes),
        missing,
        closed_port_url,
        notes,
        page,
        str(cut_mp4),
        str(cut_avi),
        str(long_avi),  # the whole of what cut.avi is the start of
        str(short),
        str(tmp_path / "nowhere.mp4"),
    ]
    out = tmp_path / "mixed"
    command = ["dataset", "video", *sources, "--out", str(out), "--size", "32", "--start", "0:05"]
    assert main(command) == 1

    err = capsys.readouterr().err
    assert "kerasgan: 8 of 10 sources failed:" in err
    manifest = read_manifest(out)
    errors = {failure["source"]: failure["error"] for failure in manifest["failures"]}
    expected = {
        missing: r"was not found \(HTTP 404 from 127\.0\.0\.1:\d+\): check the link\.",
        closed_port_url: r"^Could not connect to 127\.0\.0\.1:\d+ to download .*connection\.$",
        notes: r"is not a video file .*text file that starts with 'shopping list",
        page: r"^yt-dlp does not know how to get a video from .*page\.html: check the link\.$",
        str(cut_mp4): r"is an incomplete video file .*cut off",
        str(cut_avi): r"stops after 0:0\d.* says 0:10: the file is cut off",
        str(short): r"starts at 0:05, past the end of .*carphone_pristine\.mp4 \(0:04 long\)",
        str(tmp_path / "nowhere.mp4"): r"^No such file or folder: .*nowhere\.mp4",
    }
    assert set(errors) == set(expected)
    for source, pattern in expected.items():
        sentence = errors[source]
        assert re.search(pattern, sentence), sentence
        assert "\n" not in sentence and sentence.endswith((".", ")."))
        assert sentence in err  # the command line says which source and why
    # The good sources were still used.
    used = [s for s in manifest["sources"] if s["status"] == "ok"]
    assert [s["source"] for s in used] == [str(bikes), str(long_avi)]
    assert used[0]["sampled"] == 10  # 0:05 to 0:10, one frame per 0.5 s
    assert all(f["time"] >= 5.0 for f in manifest["frames"])
    # cut.avi failed after 3 s of frames; they are forgotten, so the same pictures in
    # long.avi are not duplicates of frames that are not in the dataset.
    repeated = [d["duplicate_of"] for d in manifest["dropped"] if d["source"] == 1]
    kept_files = {f["file"].split("/")[1] for f in manifest["frames"]}
    assert used[1]["kept"] >= 7 and set(repeated) <= kept_files
    # The frames the cut-off AVI gave before it stopped are not in the dataset.
    assert (
        len(os.listdir(out / "train")) + len(os.listdir(out / "test")) == manifest["counts"]["kept"]
    )
    assert not any(p.name.startswith("cut") for p in (out / ".frames").iterdir())


def test_interrupted_run_leaves_no_partial_image_and_resumes(monkeypatch, real_clip, tmp_path):
    clip = real_clip("bikes.mp4")
    out = tmp_path / "resumed"
    original = video_dataset._write_image
    calls = []

    def save_then_interrupt(path, image):
        if len(calls) == 5:
            raise KeyboardInterrupt  # Ctrl-C, a Colab disconnect, a killed process
        calls.append(path)
        return original(path, image)

    monkeypatch.setattr(video_dataset, "_write_image", save_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        build_video_dataset([clip], out, size=32, every_frames=5, progress=False)
    monkeypatch.setattr(video_dataset, "_write_image", original)

    staged = sorted((out / ".frames").glob("*.jpg"))
    assert len(staged) == 5 and not (out / "manifest.json").exists()
    assert all(cv2.imread(str(path)).shape == (32, 32, 3) for path in staged)
    # What a process killed in the middle of a write leaves: a temporary, never a final name.
    (out / ".frames" / ".tmp-abc123-bikes-x.jpg").write_bytes(b"\xff\xd8half an image")
    written = {path.name: path.stat().st_mtime_ns for path in staged}

    manifest = build_video_dataset([clip], out, size=32, every_frames=5, progress=False).manifest
    assert not list(out.rglob(".tmp-*"))
    finished = {
        p.name: p.stat().st_mtime_ns for split in ("train", "test") for p in (out / split).iterdir()
    }
    assert {name: finished[name] for name in written} == written  # moved into place, not rewritten
    clean = build_video_dataset([clip], tmp_path / "clean", size=32, every_frames=5, progress=False)
    assert [f["file"] for f in manifest["frames"]] == [f["file"] for f in clean.manifest["frames"]]
    assert manifest["counts"] == clean.manifest["counts"]


def test_kept_frames_are_processed_with_opencv_on_one_thread_and_the_setting_restored(
    monkeypatch, real_clip, tmp_path
):
    # The decoder's threads need the cores; OpenCV's pool would spin beside them. The
    # setting is global to the process, so the caller's value must come back, also after
    # an interrupted build.
    clip = real_clip("bikes.mp4")
    original = video_dataset._write_image
    threads_seen = []
    interrupt_at = [4]

    def write_noting_threads(path, image):
        threads_seen.append(cv2.getNumThreads())
        if len(threads_seen) == interrupt_at[0]:
            raise KeyboardInterrupt
        return original(path, image)

    monkeypatch.setattr(video_dataset, "_write_image", write_noting_threads)
    previous = cv2.getNumThreads()
    cv2.setNumThreads(3)
    try:
        with pytest.raises(KeyboardInterrupt):
            build_video_dataset([clip], tmp_path / "a", size=32, every_frames=25, progress=False)
        assert len(threads_seen) >= 4 and set(threads_seen) == {1}
        assert cv2.getNumThreads() == 3

        threads_seen.clear()
        interrupt_at[0] = None
        build_video_dataset([clip], tmp_path / "b", size=32, every_frames=25, progress=False)
        assert len(threads_seen) >= 8 and set(threads_seen) == {1}
        assert cv2.getNumThreads() == 3
    finally:
        cv2.setNumThreads(previous)


def test_an_image_left_empty_by_a_power_cut_is_written_again(real_clip, tmp_path):
    # Dataset images are renamed into place but not flushed to disk one by one; after a
    # power cut the file system may hold an empty file under the final name.
    clip = real_clip("bikes.mp4")
    out = tmp_path / "cut"
    first = build_video_dataset([clip], out, size=64, every_frames=25, progress=False)
    sheet = cv2.imread(str(out / "contact_sheet.jpg")).astype(np.float32)
    emptied = out / first.manifest["frames"][3]["file"]
    original = cv2.imread(str(emptied))
    emptied.write_bytes(b"")

    again = build_video_dataset([clip], out, size=64, every_frames=25, progress=False)
    assert again.manifest["counts"] == first.manifest["counts"]
    np.testing.assert_array_equal(cv2.imread(str(emptied)), original)
    # This sheet is drawn from images read back from disk, the first from memory: same picture.
    resheet = cv2.imread(str(out / "contact_sheet.jpg")).astype(np.float32)
    assert resheet.shape == sheet.shape and np.abs(resheet - sheet).mean() < 2


def test_sources_combine_and_duplicates_are_found_across_videos(real_clip, tmp_path):
    folder = tmp_path / "clips"
    folder.mkdir()
    shutil.copyfile(real_clip("carphone_pristine.mp4"), folder / "a_phone.mp4")
    shutil.copyfile(real_clip("carphone_pristine.mp4"), folder / "b_phone_again.mp4")
    (folder / "notes.txt").write_text("not a video, and not picked up from the folder")
    dataset = build_video_dataset(
        [real_clip("bikes.mp4"), folder],
        tmp_path / "combined",
        size=32,
        every_seconds=1.0,
        progress=False,
    )
    sources = dataset.manifest["sources"]
    assert [s["title"] for s in sources] == ["bikes", "a_phone", "b_phone_again"]
    assert dataset.failures == []
    assert sources[1]["kept"] >= 2
    # The second copy of the same clip adds nothing: every frame repeats one already kept.
    assert sources[2]["kept"] == 0 and sources[2]["dropped"]["duplicate"] == sources[2]["sampled"]
    prefixes = {f["file"].split("/")[1].rsplit("-f", 1)[0] for f in dataset.manifest["frames"]}
    assert len(prefixes) == 2

    # The same file listed twice (on its own and inside its folder) is read once.
    again = build_video_dataset(
        [folder / "a_phone.mp4", folder], tmp_path / "twice", size=32, progress=False
    )
    assert [s["title"] for s in again.manifest["sources"]] == ["a_phone", "b_phone_again"]
    assert dataset.num_train + dataset.num_test == dataset.manifest["counts"]["kept"]


def test_split_is_contiguous_blocks_per_video(real_clip, tmp_path):
    dataset = build_video_dataset(
        [real_clip("bikes.mp4")],
        tmp_path / "split",
        size=32,
        every_frames=3,
        test_fraction=0.2,
        progress=False,
        filters=FilterSettings(drop_duplicates=False),
    )
    frames = dataset.manifest["frames"]
    blocks = dataset.manifest["sources"][0]["blocks"]
    assert len(frames) == 84 and len(blocks) == 10
    assert [b["split"] for b in blocks].count("test") == 2
    assert sum(b["frames"] for b in blocks if b["split"] == "test") == dataset.num_test
    assert split_runs(frames) in (1, 2)  # two test blocks, adjacent or not
    for frame in frames:
        block = next(b for b in blocks if b["start_time"] <= frame["time"] <= b["end_time"])
        assert frame["split"] == block["split"]
    assert sorted(os.listdir(dataset.test_folder)) == sorted(
        f["file"][5:] for f in frames if f["split"] == "test"
    )


def test_frames_max_images_crop_none_png(real_clip, tmp_path):
    clip = real_clip("bikes.mp4")
    spread = build_video_dataset([clip], tmp_path / "n", size=32, num_frames=7, progress=False)
    assert spread.manifest["counts"]["sampled"] == 7
    capped = build_video_dataset([clip], tmp_path / "cap", size=32, max_images=5, progress=False)
    assert capped.manifest["counts"]["kept"] == 5
    whole = build_video_dataset(
        [clip],
        tmp_path / "whole",
        size=64,
        num_frames=3,
        crop="none",
        image_format="png",
        progress=False,
    )
    files = sorted((tmp_path / "whole").glob("t*/*.png"))
    assert len(files) == 3
    assert all(cv2.imread(str(path)).shape == (64, 151, 3) for path in files)


def test_other_settings_need_overwrite(real_clip, tmp_path, capsys):
    clip = str(real_clip("carphone_pristine.mp4"))
    out = str(tmp_path / "changed")
    assert main(["dataset", "video", clip, "--out", out, "--size", "32", "--quiet"]) == 0
    assert main(["dataset", "video", clip, "--out", out, "--size", "48", "--quiet"]) == 2
    assert (
        "was built with other settings (size 32 -> 48): pass --overwrite" in capsys.readouterr().err
    )
    assert (
        main(["dataset", "video", clip, "--out", out, "--size", "48", "--overwrite", "--quiet"])
        == 0
    )
    shapes = {cv2.imread(str(p)).shape for p in (tmp_path / "changed").glob("t*/*.jpg")}
    assert shapes == {(48, 48, 3)}
