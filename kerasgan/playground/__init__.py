"""The GAN playground: the two-player game on 2D points, drawn step by step.

| module       | what it holds                                                      |
|--------------|--------------------------------------------------------------------|
| targets.py   | the real distributions: ring, grid, line, moons, spiral, your array |
| game.py      | tiny dense networks, `PlaygroundGAN` (kerasgan's `GAN`), `Playground` |
| panels.py    | what each panel shows, as numbers: heatmap, manifold, arrows, KL/JS |
| render.py    | frames as pictures; GIF, MP4, a self-contained HTML player, stills  |

Example:

```python
from kerasgan.playground import Playground
game = Playground("ring", loss="hinge")
frames = game.play(600, frame_every=20)
save_html("game.html", frames)
```
"""

from kerasgan.playground.game import (
    Playground,
    PlaygroundGAN,
    PlaygroundSettings,
    make_discriminator,
    make_generator,
)
from kerasgan.playground.render import render_frame, save_frames, save_html, save_stills
from kerasgan.playground.targets import TARGET_NAMES, Target, get_target, target_from_points

__all__ = [
    "Playground",
    "PlaygroundGAN",
    "PlaygroundSettings",
    "make_generator",
    "make_discriminator",
    "render_frame",
    "save_frames",
    "save_html",
    "save_stills",
    "TARGET_NAMES",
    "Target",
    "get_target",
    "target_from_points",
]
