"""The videos a list of sources names: URLs, video files, and the videos inside folders.

`kerasgan dataset video https://youtu.be/... clips/ extra.mp4` takes any mix of
the three, and reads the videos in the order given. A source that cannot be
used (no such file, a folder without videos) is not an error that stops the
build: it comes back with a sentence saying why, in its place in the order, and
the builder records it among the failures.

Example:

```python
for source in expand_sources(["https://example.org/waves.mp4", "clips/"]):
    print(source.argument, source.url or source.path, source.problem)
```
"""

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from kerasgan.data import download, video


@dataclass
class VideoSource:
    """One video to read: what the user typed, and where the video is (or will be).

    Args:
        argument: the source as given (a URL, a file, or the folder it was found in).
        url: the address to download, for a web video.
        path: the file, for a local video.
        problem: why it cannot be used (no such file, an empty folder), or None.
    """

    argument: str
    url: str = None
    path: Path = None
    problem: str = None


def expand_sources(arguments):
    """URLs stay URLs, folders become the videos inside them, in the order given.

    A source that cannot be used comes back with `problem` set, in its place in the order.
    """
    sources = []
    for argument in arguments:
        argument = str(argument)
        if download.is_url(argument):
            sources.append(VideoSource(argument, url=argument))
            continue
        path = Path(argument).expanduser()
        if path.is_dir():
            found = video.video_files_in(path)
            if not found:
                known = ", ".join(video.VIDEO_EXTENSIONS[:6])
                problem = f"{argument} is a folder with no video files ({known}, ...)."
                sources.append(VideoSource(argument, problem=problem))
            sources.extend(VideoSource(str(file), path=file) for file in found)
        elif path.is_file():
            sources.append(VideoSource(argument, path=path))
        else:
            problem = (
                f"No such file or folder: {argument} "
                "(a web video needs its full URL, starting with https://)."
            )
            sources.append(VideoSource(argument, problem=problem))
    return sources


def source_key(title, identity):
    """A file-name prefix for one video: a readable slug of its title and a hash of its origin."""
    slug = re.sub(r"[^a-z0-9]+", "-", str(title).lower()).strip("-")[:32].strip("-") or "video"
    digest = hashlib.sha1(str(identity).encode("utf-8")).hexdigest()[:6]
    return f"{slug}-{digest}"


def naming_the_source(source, sentence):
    """The sentence about a failed source, with the source in front unless it names it already."""
    return sentence if source in sentence else f"{source}: {sentence}"
