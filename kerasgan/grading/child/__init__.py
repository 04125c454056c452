"""Files that run inside the grading child process, never in the grader.

The runner copies `harness.py`, `probe_tools.py` and the assignment's probes
(`gan_probes.py` or `pix2pix_probes.py`, as `probes.py`) into the child's
temporary folder. They import only the standard library, NumPy, TensorFlow
and Keras: kerasgan itself is blocked in the child. This file makes the folder
a package, so that `pip install` ships it.
"""
