"""Fixtures for the BigGAN tests: stand-in modules in both TF Hub formats, and no internet.

The real BigGAN modules are hundreds of megabytes on tfhub.dev; the stand-ins in
`biggan_standins.py` have the same signature and go through the same `hub.load`
code. Their latent sizes (140 and 120) and resolutions (16 and 8) differ from
each other and from BigGAN-deep's 128, so a test passes only if kerasgan reads
them from the signature.
"""

import socket

import pytest

LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "::1")

# name -> (builder, latent_dim, resolution)
STANDINS = {
    "tf1-hub-module": ("build_tf1_hub_module", 140, 16),
    "tf2-saved-model": ("build_tf2_saved_model", 120, 8),
}


@pytest.fixture(autouse=True)
def no_internet(monkeypatch, tmp_path):
    """Every test here runs as if offline, with its own empty TF Hub cache.

    Name lookups fail the way they do on a machine without network (the same
    `socket.gaierror` a real offline `hub.load` meets), except for loopback
    servers a test starts itself; so no test can start a real download.
    """
    real_getaddrinfo = socket.getaddrinfo

    def offline_getaddrinfo(host, *args, **kwargs):
        if host in LOOPBACK_HOSTS:
            return real_getaddrinfo(host, *args, **kwargs)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", offline_getaddrinfo)
    monkeypatch.setenv("TFHUB_CACHE_DIR", str(tmp_path / "tfhub_cache"))


@pytest.fixture(scope="session")
def standin_folders(tmp_path_factory):
    """Builds each stand-in module once per test session: {name: folder}."""
    import biggan_standins

    folders = {}
    for name, (builder, latent_dim, resolution) in STANDINS.items():
        folder = tmp_path_factory.mktemp("biggan") / name
        getattr(biggan_standins, builder)(folder, latent_dim=latent_dim, resolution=resolution)
        folders[name] = folder
    return folders


@pytest.fixture(params=sorted(STANDINS))
def standin(request, standin_folders):
    """(folder, latent_dim, resolution) of one stand-in; tests using it run for both formats."""
    _, latent_dim, resolution = STANDINS[request.param]
    return standin_folders[request.param], latent_dim, resolution


@pytest.fixture(scope="session")
def loaded_biggans():
    """BigGAN objects by stand-in folder, so each format is loaded once per session."""
    return {}


@pytest.fixture
def biggan(standin, loaded_biggans):
    """A `BigGAN` on one stand-in; tests using it run for both formats."""
    from kerasgan.hub.biggan import BigGAN

    folder = standin[0]
    if folder not in loaded_biggans:
        loaded_biggans[folder] = BigGAN(str(folder))
    return loaded_biggans[folder]
