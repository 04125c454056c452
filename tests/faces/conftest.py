"""Real face photos that ship inside installed packages (no download)."""

import pytest
from face_photos import rotated


@pytest.fixture(scope="session")
def face_photos():
    """{name: RGB uint8 photo}: skimage's astronaut, matplotlib's Grace Hopper, each turned 12 degrees."""
    import matplotlib.cbook
    from skimage import data

    from kerasgan.faces import landmarks

    hopper = matplotlib.cbook.get_sample_data("grace_hopper.jpg", asfileobj=False)
    photos = {"astronaut": data.astronaut(), "grace_hopper": landmarks.read_photo(hopper)}
    for name in list(photos):
        photos[f"{name}_turned"] = rotated(photos[name], 12)
    return photos


@pytest.fixture(scope="session")
def landscape():
    """A real photo with no face in it: skimage's coffee cup."""
    from skimage import data

    return data.coffee()

