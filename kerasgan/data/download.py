"""Downloading videos with yt-dlp, embedded through its Python API.

yt-dlp knows YouTube and about a thousand other sites, and its "generic"
extractor downloads any direct link to a video file. We embed it the way its
README ("EMBEDDING YT-DLP") describes: one options dict, our defaults with the
caller's options merged over them, progress reported through
`progress_hooks`, metadata (title, duration) taken from `extract_info`, and
never a line of yt-dlp's console output parsed.

Choices made for building datasets:

- A single stream that needs no FFmpeg: H.264 first (OpenCV decodes it
  everywhere), then any single stream with video (with or without audio: we
  only need the pictures), height capped at 720 by default, because frames are
  cropped and shrunk to `--size` anyway. Two streams would need FFmpeg to merge.
- Only the requested section is downloaded when FFmpeg is installed
  (yt-dlp's `download_ranges` cuts with FFmpeg); without it the whole file is
  downloaded and the section is skipped while reading frames.
- Downloads are cached: a second run of the same command finds the video (and
  its title and duration, in a small JSON file beside it) and does not touch the network.
- Every failure becomes one sentence: HTTP 404, no connection, a site that asks
  for a sign-in (the fix: a cookies.txt file, `cookies=`), an unsupported URL.
"""

import hashlib
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlparse

from kerasgan import files
from kerasgan.data.progress import ProgressLine
from kerasgan.errors import KerasganError

DEFAULT_MAX_HEIGHT = 720
URL_PATTERN = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*://")


def is_url(source):
    """True for "https://...", "http://...", "ftp://..." and other scheme://... sources."""
    return bool(URL_PATTERN.match(str(source)))


@dataclass
class DownloadedVideo:
    """A video on disk and what the site said about it.

    Args:
        path: the downloaded file.
        url: the URL the user gave.
        webpage_url: the canonical page URL yt-dlp reports.
        title: the video's title.
        duration: length in seconds (None when the site does not say).
        section_start: where the file starts in the original video, in seconds (not 0 only
            when just a section was downloaded).
        extractor: the yt-dlp extractor that handled the URL ("youtube", "generic", ...).
        video_id: the site's id for the video.
    """

    path: str
    url: str
    webpage_url: str
    title: str
    duration: float
    section_start: float
    extractor: str
    video_id: str

    def to_dict(self):
        return asdict(self)


def ffmpeg_available():
    """Whether yt-dlp can find FFmpeg (needed to download only a section of a video)."""
    from yt_dlp.postprocessor.ffmpeg import FFmpegPostProcessor

    return FFmpegPostProcessor().available


def format_selector(max_height=DEFAULT_MAX_HEIGHT):
    """yt-dlp format selection: one stream with video, H.264 preferred, at most `max_height`.

    `height<=?720` also accepts formats of unknown height (a direct link to a file).
    """
    cap = f"[height<=?{int(max_height)}]"
    return "/".join(
        [
            f"bv*{cap}[vcodec^=avc1]",  # H.264 video, with or without audio
            f"b{cap}",  # a progressive stream (video and audio in one file)
            f"bv*{cap}[vcodec!^=av01]",  # any other video stream but AV1 (not in every FFmpeg)
            "b",
            "bv*",
        ]
    )


def default_options(
    folder, key, max_height=DEFAULT_MAX_HEIGHT, cookies=None, section=None, progress_hook=None
):
    """The yt-dlp options dict we start from (see `help(yt_dlp.YoutubeDL)` for every key).

    Args:
        folder: where to download.
        key: the file name (without extension) to download to.
        max_height: the largest frame height to download.
        cookies: a Netscape cookies.txt file, for sites that ask for a sign-in.
        section: (start, end) in seconds to download only part of the video (needs FFmpeg),
            or None for the whole video.
        progress_hook: a function yt-dlp calls with a dict as the download progresses.
    """
    options = {
        "format": format_selector(max_height),
        "outtmpl": {"default": str(Path(folder) / f"{key}.%(ext)s")},
        "noplaylist": True,  # a watch URL inside a playlist means that one video
        # yt-dlp reports through our logger and hooks, never on the console.
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": _CollectingLogger(),
        "progress_hooks": [progress_hook] if progress_hook else [],
        # Fail in seconds, not minutes, when a host does not answer; retry brief glitches.
        "socket_timeout": 20,
        "retries": 3,
        "fragment_retries": 3,
        "continuedl": True,  # an interrupted download resumes from its .part file
    }
    if cookies is not None:
        options["cookiefile"] = str(cookies)
    if section is not None:
        import yt_dlp.utils

        start, end = section
        options["download_ranges"] = yt_dlp.utils.download_range_func(
            None, [(start or 0.0, end if end is not None else float("inf"))]
        )
    return options


class _CollectingLogger:
    """A yt-dlp logger that keeps messages instead of printing them (the last error explains)."""

    def __init__(self):
        self.messages = []

    def debug(self, message):
        pass

    def info(self, message):
        pass

    def warning(self, message):
        self.messages.append(message)

    def error(self, message):
        self.messages.append(message)


def cache_key(url, section=None):
    """A short file name for a URL (and section): a readable part and a hash."""
    digest = hashlib.sha1(f"{url}|{section}".encode("utf-8")).hexdigest()[:10]
    return f"video-{digest}"


def download_video(
    url,
    folder,
    start=None,
    end=None,
    max_height=DEFAULT_MAX_HEIGHT,
    cookies=None,
    options=None,
    progress=True,
):
    """Downloads the video at `url` into `folder` (or finds it there); returns DownloadedVideo.

    Args:
        url: a YouTube (or other site yt-dlp knows) page, or a direct link to a video file.
        folder: the download cache (the dataset's `.downloads/`).
        start, end: the section wanted, in seconds. With FFmpeg installed only that part is
            downloaded; without, the whole video is (the section is then skipped while reading).
        max_height: the largest frame height to download.
        cookies: path of a cookies.txt file (Netscape format) for sites that ask for a sign-in.
        options: extra yt-dlp options, merged over ours (e.g. {"proxy": "..."}).
        progress: print a progress line on stderr.

    Raises:
        KerasganError: the download failed; the message says why in one sentence.
    """
    try:
        import yt_dlp
    except ImportError as error:
        raise KerasganError(
            "Downloading videos needs yt-dlp, which is not installed: pip install yt-dlp"
        ) from error

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    if cookies is not None and not Path(cookies).is_file():
        raise FileNotFoundError(f"No such cookies file: {cookies}.")
    wants_section = start is not None or end is not None
    section = (start, end) if wants_section and ffmpeg_available() else None
    key = cache_key(url, section)
    record_path = folder / f"{key}.json"

    cached = _cached_download(record_path, folder)
    if cached is not None:
        return cached

    line = ProgressLine(enabled=progress)
    hook = _progress_hook(line, url)
    merged = {**default_options(folder, key, max_height, cookies, section, hook), **(options or {})}
    try:
        with yt_dlp.YoutubeDL(merged) as downloader:
            info = downloader.extract_info(url, download=False)
            if info.get("_type") in ("playlist", "multi_video"):
                raise KerasganError(
                    f"{url} is a playlist, not a video: give the URLs of its videos one by one."
                )
            if start is not None and info.get("duration") and start >= info["duration"]:
                from kerasgan.data.video import format_time

                raise ValueError(
                    f"The section starts at {format_time(start)}, past the end of {url} "
                    f"({format_time(info['duration'])} long): choose an earlier start."
                )
            info = downloader.process_ie_result(info, download=True)
            info = downloader.sanitize_info(info)
    except yt_dlp.utils.DownloadError as error:
        line.finish(None)
        raise KerasganError(explain_download_error(error, url)) from None
    downloaded = info.get("requested_downloads") or [{}]
    path = downloaded[0].get("filepath") or info.get("filepath")
    if not path or not Path(path).is_file():
        line.finish(None)
        raise KerasganError(f"yt-dlp reported no downloaded file for {url}.")
    line.finish(f"downloaded {info.get('title') or url} ({_megabytes(Path(path).stat().st_size)})")

    video = DownloadedVideo(
        path=str(Path(path).resolve()),
        url=url,
        webpage_url=info.get("webpage_url") or url,
        title=info.get("title") or Path(path).stem,
        duration=info.get("duration"),
        section_start=float(start or 0.0) if section is not None else 0.0,
        extractor=info.get("extractor_key") or info.get("extractor") or "",
        video_id=str(info.get("id") or ""),
    )
    record = video.to_dict()
    record["path"] = Path(path).name  # relative, so the dataset folder can move
    files.write_json(record_path, record)
    return video


def _cached_download(record_path, folder):
    """The DownloadedVideo recorded by an earlier run, if its file is still there."""
    if not record_path.is_file():
        return None
    import json

    record = json.loads(record_path.read_text(encoding="utf-8"))
    path = folder / record["path"]
    if not path.is_file():
        return None
    record["path"] = str(path.resolve())
    return DownloadedVideo(**record)


def forget_download(video, folder):
    """Deletes a downloaded file and its record, so the next run downloads it again."""
    path = Path(video.path)
    for candidate in Path(folder).glob("video-*.json"):
        import json

        if json.loads(candidate.read_text(encoding="utf-8")).get("path") == path.name:
            candidate.unlink(missing_ok=True)
    path.unlink(missing_ok=True)


def explain_download_error(error, url):
    """One sentence for a yt_dlp.utils.DownloadError: what went wrong and what to do."""
    from yt_dlp.networking.exceptions import HTTPError, TransportError

    cause = error.exc_info[1] if getattr(error, "exc_info", None) else None
    host = urlparse(url).netloc or url
    message = _clean_message(str(error))
    if isinstance(cause, HTTPError):
        if cause.status == 404:
            return f"{url} was not found (HTTP 404 from {host}): check the link."
        if cause.status in (401, 403):
            return (
                f"{host} refused to send {url} (HTTP {cause.status}): the video may be private "
                "or need a sign-in; pass a cookies.txt file with --cookies."
            )
        return f"{host} answered HTTP {cause.status} ({cause.reason}) for {url}: try again later."
    if isinstance(cause, TransportError):
        return (
            f"Could not connect to {host} to download {url}: check the link and the "
            "internet connection."
        )
    lowered = message.lower()
    if "sign in" in lowered or "cookies" in lowered or "login" in lowered:
        return (
            f"The site asks for a sign-in before it sends {url} ({message.rstrip('.')}): export "
            "your browser's cookies to a cookies.txt file and pass it with --cookies."
        )
    if "unsupported url" in lowered:
        return f"yt-dlp does not know how to get a video from {url}: check the link."
    if "requested format is not available" in lowered:
        return f"{url} offers no single video stream to download: try a larger --max-height."
    return f"Could not download {url}: {message.rstrip('.')}."


def _clean_message(text):
    """yt-dlp's error text without the "ERROR: [extractor] id:" prefix and color codes."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", text).strip()
    text = re.sub(r"^ERROR:\s*", "", text)
    text = re.sub(r"^\[[^\]]+\]\s*[^:\s]*:\s*", "", text)
    return text.splitlines()[0] if text else "unknown error"


def _megabytes(count):
    return f"{count / 1e6:.1f} MB"


def _progress_hook(line, url):
    """A yt-dlp progress hook that shows "downloading TITLE: 45% of 12.3 MB, 2.1 MB/s"."""

    def hook(status):
        if status.get("status") != "downloading":
            return
        info = status.get("info_dict") or {}
        title = info.get("title") or url
        done = status.get("downloaded_bytes") or 0
        total = status.get("total_bytes") or status.get("total_bytes_estimate")
        speed = status.get("speed")
        text = f"downloading {title}: "
        text += f"{100 * done / total:.0f}% of {_megabytes(total)}" if total else _megabytes(done)
        if speed:
            text += f", {_megabytes(speed)}/s"
        line.update(text)

    return hook
