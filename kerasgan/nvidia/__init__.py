"""NVIDIA's StyleGAN2 networks in kerasgan: read their pickles safely, convert, compare.

- `pickles`: reads stylegan2-ada-pytorch pickles, and the TensorFlow ones of NVlabs/stylegan2
  and stylegan2-ada, into data without PyTorch, running nothing from the file.
- `tensorflow_layout`: brings a TensorFlow pickle's (G, D, Gs) into the PyTorch layout, as
  NVIDIA's own conversion (`legacy.py`) does, so everything after reads one layout.
- `writer`: writes pickles in both layouts from plain arrays (for tests and tools).
- `convert`: builds kerasgan's StyleGAN2 networks from them.

`kerasgan convert X.pkl` and `--snapshot X.pkl` take either kind of pickle: a TensorFlow
config-f network (`stylegan2-ffhq-config-f.pkl`, cars, cats, churches, horses) converts
like a PyTorch snapshot, its Gs becoming G_ema.
"""
