"""yt-dlp embedded: real downloads from a loopback web server, cache, cookies, errors, options."""

import io

import pytest

from kerasgan.data import download
from kerasgan.data.progress import ProgressLine
from kerasgan.errors import KerasganError


def test_downloads_direct_link_with_metadata_and_progress(web_server, real_clip, tmp_path, capsys):
    url = web_server.add(real_clip("bikes.mp4"))
    folder = tmp_path / ".downloads"
    video = download.download_video(url, folder, progress=True)
    assert video.title == "bikes" and video.url == url and video.extractor.lower() == "generic"
    assert video.section_start == 0.0
    with open(video.path, "rb") as handle:
        assert handle.read() == real_clip("bikes.mp4").read_bytes()
    assert "downloaded bikes (0.5 MB)" in capsys.readouterr().err

    # A second call finds the file and its record: no request reaches the server.
    asked = len(web_server.requests)
    again = download.download_video(url, folder, progress=False)
    assert again == video and len(web_server.requests) == asked


def test_http_404_and_no_connection_are_one_sentence_each(web_server, closed_port_url, tmp_path):
    with pytest.raises(KerasganError) as missing:
        download.download_video(web_server.url("missing.mp4"), tmp_path, progress=False)
    assert str(missing.value) == (
        f"{web_server.url('missing.mp4')} was not found (HTTP 404 from "
        f"{web_server.url('')[7:-1]}): check the link."
    )
    with pytest.raises(
        KerasganError, match=r"^Could not connect to 127\.0\.0\.1:\d+ to download .*connection\.$"
    ):
        download.download_video(closed_port_url, tmp_path, progress=False)


def test_cookies_file_signs_in(web_server, real_clip, tmp_path):
    url = web_server.add(real_clip("carphone_pristine.mp4"))
    web_server.require_cookie("session=student")
    with pytest.raises(KerasganError, match=r"HTTP 403.*--cookies\.$"):
        download.download_video(url, tmp_path / "a", progress=False)
    cookies = tmp_path / "cookies.txt"
    cookies.write_text(
        "# Netscape HTTP Cookie File\n127.0.0.1\tFALSE\t/\tFALSE\t2000000000\tsession\tstudent\n"
    )
    video = download.download_video(url, tmp_path / "b", cookies=cookies, progress=False)
    assert video.title == "carphone_pristine"
    with pytest.raises(FileNotFoundError, match="No such cookies file"):
        download.download_video(url, tmp_path / "c", cookies=tmp_path / "nope.txt")


def test_sign_in_message_points_to_cookies():
    import yt_dlp

    error = yt_dlp.utils.DownloadError(
        "ERROR: [youtube] abc: Sign in to confirm you're not a bot. Use --cookies-from-browser "
        "or --cookies for the authentication."
    )
    sentence = download.explain_download_error(error, "https://www.youtube.com/watch?v=abc")
    assert sentence.startswith("The site asks for a sign-in before it sends https://www.youtube")
    assert sentence.endswith("pass it with --cookies.")
    assert sentence.count("\n") == 0


def test_options_are_merged_over_our_defaults(web_server, real_clip, tmp_path):
    options = download.default_options(tmp_path, "video-x", max_height=480, cookies="c.txt")
    assert options["format"].startswith("bv*[height<=?480][vcodec^=avc1]/b[height<=?480]")
    assert options["cookiefile"] == "c.txt" and options["noplaylist"] and options["quiet"]
    assert options["socket_timeout"] == 20 and "download_ranges" not in options
    section = download.default_options(tmp_path, "video-x", section=(30.0, 120.0))
    assert list(section["download_ranges"]({}, None)) == [{"start_time": 30.0, "end_time": 120.0}]
    # The caller's dict wins over ours: here, an output name of our choosing.
    url = web_server.add(real_clip("carphone_distorted.mp4"))
    custom = {"outtmpl": {"default": str(tmp_path / "mine.%(ext)s")}}
    video = download.download_video(url, tmp_path / "cache", options=custom, progress=False)
    assert video.path == str((tmp_path / "mine.mp4").resolve())


def test_section_is_downloaded_only_with_ffmpeg(monkeypatch, web_server, real_clip, tmp_path):
    url = web_server.add(real_clip("carphone_pristine.mp4"))
    monkeypatch.setattr(download, "ffmpeg_available", lambda: False)
    video = download.download_video(url, tmp_path, start=1.0, end=2.0, progress=False)
    # Without FFmpeg the whole file comes, and frames are skipped while reading instead.
    assert video.section_start == 0.0
    assert (tmp_path / f"{download.cache_key(url)}.mp4").stat().st_size == real_clip(
        "carphone_pristine.mp4"
    ).stat().st_size


def test_progress_line_rewrites_in_place():
    stream = io.StringIO()
    line = ProgressLine(stream=stream, interval=0)
    line.update("frame 10")
    line.update("frame 200")
    line.finish("done")
    assert stream.getvalue() == "\rframe 10\rframe 200\rdone     \n"
    quiet = io.StringIO()
    ProgressLine(enabled=False, stream=quiet).update("x")
    assert quiet.getvalue() == ""
