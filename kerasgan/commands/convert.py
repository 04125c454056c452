"""`kerasgan convert`: one of NVIDIA's StyleGAN2 network pickles as kerasgan files.

The pickle (a file, or a name from `--list`, downloaded once) is read without running
anything inside it (kerasgan/nvidia/pickles.py) and rebuilt as kerasgan's StyleGAN2:

- `generator.keras`: the generator average G_ema, the network NVIDIA samples; plain
  Keras loads it (`keras.models.load_model`) and `kerasgan generate --snapshot` draws it.
- `checkpoint.npz`: G, D and G_ema, for `kerasgan train stylegan2 --resume-from DIR`.
- `conversion.json`: where it came from and the settings read from it.
"""

SUMMARY = ("Convert an NVIDIA StyleGAN2 network pickle (stylegan2-ada-pytorch, or the "
           "TensorFlow NVlabs/stylegan2 and stylegan2-ada) into kerasgan files.")

EXAMPLES = """\
examples:
  kerasgan convert --list
  kerasgan convert ffhq --out networks/ffhq
  kerasgan convert ~/training-runs/00000-mydata/network-snapshot-000400.pkl --out networks/mine
  kerasgan convert stylegan2-cat-config-f.pkl --out networks/cats    # a TensorFlow pickle
  kerasgan convert cat --out networks/cats                            # the same, downloaded
  kerasgan generate --snapshot networks/ffhq/generator.keras --seeds 85,265 --out faces.png

Named networks download once from NVIDIA's addresses into the cache folder
($KERASGAN_CACHE, default ~/.cache/kerasgan). Nothing in a pickle is run: a pickle that
asks to run anything but the tensor and network rebuilders a network needs is refused.
"""


def add_arguments(parser):
    parser.add_argument("network", nargs="?",
                        help="an NVIDIA network pickle (.pkl), or a name from --list")
    parser.add_argument("--out", help="output folder (created; its files are replaced)")
    parser.add_argument("--list", action="store_true",
                        help="list the named networks and exit")


def write_conversion(pickle_path, out):
    """Reads, converts and writes the three files into `out`; returns {name: path}."""
    import json
    from pathlib import Path

    from kerasgan import files
    from kerasgan.nvidia.convert import convert_snapshot, generator_settings, require_snapshot
    from kerasgan.nvidia.networks import file_key
    from kerasgan.nvidia.pickles import read_network_pickle
    from kerasgan.training import checkpoint

    networks = require_snapshot(read_network_pickle(pickle_path))
    model, g_ema = convert_snapshot(networks)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    paths = {name: out / name for name in ("generator.keras", "checkpoint.npz",
                                           "conversion.json", "training_options.json")}
    with files.atomic_path(paths["generator.keras"]) as temporary:
        g_ema.save(temporary)
    checkpoint.save_checkpoint(paths["checkpoint.npz"], model,
                               {"interval": 0, "step": 0, "source": str(pickle_path)})
    settings = generator_settings(networks["G_ema"])
    record = {"source": str(pickle_path), "source_sha256_prefix": file_key(pickle_path),
              "generator": settings, "config": model.get_config() | {
                  "generator": None, "discriminator": None}}
    files.write_bytes(paths["conversion.json"], json.dumps(record, indent=2).encode("utf-8"))
    # What fine-tuning compares with the new run's options (kerasgan/training/fine_tune.py).
    options = {"model": "stylegan2", "image_size": settings["image_size"],
               "latent_dim": settings["latent_dim"]}
    files.write_bytes(paths["training_options.json"], json.dumps(options, indent=2).encode("utf-8"))
    return paths, settings


def run(args):
    from kerasgan.nvidia.networks import describe_named_networks, resolve_network

    if args.list:
        print("NVIDIA's StyleGAN2 networks kerasgan downloads by name (stylegan2-ada-pytorch "
              "pickles, and NVlabs/stylegan2's TensorFlow config-f ones):")
        for line in describe_named_networks():
            print("  " + line)
        return 0
    if not args.network or not args.out:
        raise ValueError("Give a network and an output folder, e.g. `kerasgan convert ffhq "
                         "--out networks/ffhq` (or `kerasgan convert --list`).")
    pickle_path = resolve_network(args.network, option="kerasgan convert")
    paths, settings = write_conversion(pickle_path, args.out)
    classes = f", {settings['num_classes']} classes" if settings["num_classes"] else ""
    print(f"Converted {pickle_path} ({settings['image_size']} px{classes}): "
          f"{paths['generator.keras']} (G_ema) and {paths['checkpoint.npz']} (G, D, G_ema).")
    return 0
