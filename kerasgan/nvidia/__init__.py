"""NVIDIA's StyleGAN2 networks in kerasgan: read their pickles safely, convert, compare.

- `pickles`: reads stylegan2-ada-pytorch pickles into data without PyTorch, running
  nothing from the file.
- `writer`: writes pickles in the same layout from plain arrays (for tests and tools).
- `convert`: builds kerasgan's StyleGAN2 networks from them.
"""
