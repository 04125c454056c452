"""Playground frames as pictures, and pictures as a GIF, an MP4, stills or an HTML player.

`render_frame` draws the six panels of a `panels.Frame` with matplotlib's Agg
canvas (no window, no pyplot state) and returns an RGB array. The writers
take a list of frames:

- `save_frames(path, frames)`: `.gif` (Pillow) or `.mp4` (OpenCV's `mp4v` codec: the
  OpenCV wheel cannot encode H.264);
- `save_stills(folder, frames)`: one PNG per frame, `step-000300.png`;
- `save_html(path, frames)`: one self-contained page, the frames embedded as base64
  WebP (a sixth of the bytes of PNG for these plots, so 1,500 steps make a page small
  enough to mail), with play, pause and step buttons and a slider. It needs no network
  and no server: open it in any browser, or show it in a notebook with `show_html(frames)`.
  The page reads its address, and says so under the player: `#frame=N` opens frame N
  (counted from 1, as the label counts), `#step=N` presses the step button N times,
  `#play` starts playing; `game.html#frame=20&play` plays from frame 20.

Example:

```python
frames = game.play(600, frame_every=20)
save_frames("game.mp4", frames)
save_html("game.html", frames)
```
"""

import base64
import html
import json
import uuid
from pathlib import Path

import numpy as np

from kerasgan import files, images

FIGURE_INCHES = (12.0, 7.0)
DPI = 80  # 960 x 560 pixels


def _axes_limits(axes, grid):
    axes.set_xlim(grid.low[0], grid.high[0])
    axes.set_ylim(grid.low[1], grid.high[1])
    axes.set_aspect("equal")
    axes.set_xticks([])
    axes.set_yticks([])


def _heatmap_range(heatmap):
    # Symmetric around 0, where the discriminator cannot tell real from fake.
    return max(float(np.max(np.abs(heatmap))), 1e-3)


def _draw_arrows(axes, frame, arrow_length):
    # Arrows point where the generator's update moves each point: minus the gradient.
    moves = -frame.gradients
    longest = float(np.max(np.linalg.norm(moves, axis=1))) if len(moves) else 0.0
    if longest > 0:
        scale = arrow_length * float(frame.grid.high[0] - frame.grid.low[0]) / longest
        shown = slice(0, min(len(moves), 128))
        axes.quiver(
            frame.fake_points[shown, 0],
            frame.fake_points[shown, 1],
            moves[shown, 0] * scale,
            moves[shown, 1] * scale,
            angles="xy",
            scale_units="xy",
            scale=1.0,
            color="#6a1b9a",
            width=0.004,
        )


def _draw_manifold(axes, manifold):
    if manifold.ndim == 2:  # 1D noise: a curve
        axes.plot(manifold[:, 0], manifold[:, 1], color="#2e7d32", linewidth=1.2)
        return
    for row in range(manifold.shape[0]):  # 2D noise: the image of a square mesh
        axes.plot(manifold[row, :, 0], manifold[row, :, 1], color="#2e7d32", linewidth=0.6)
        axes.plot(manifold[:, row, 0], manifold[:, row, 1], color="#2e7d32", linewidth=0.6)


def render_frame(frame, arrow_length=0.08):
    """Draws one `panels.Frame` as an RGB uint8 array (560 x 960 pixels).

    Panels, left to right: real points and their density contours; the discriminator's
    heatmap with real points, fakes and the arrows that move the fakes; the generator's
    manifold; fakes over the real density; the two losses; KL, JS and the modes covered.
    """
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=FIGURE_INCHES, dpi=DPI)
    canvas = FigureCanvasAgg(figure)
    panels = figure.subplots(2, 3)
    grid = frame.grid
    extent = (grid.low[0], grid.high[0], grid.low[1], grid.high[1])
    real, fake = frame.real_points, frame.fake_points

    axes = panels[0, 0]
    axes.contour(grid.xs, grid.ys, frame.real_density, levels=6, colors="#1565c0", linewidths=0.8)
    axes.scatter(real[:, 0], real[:, 1], s=2, color="#1e88e5", alpha=0.5)
    axes.set_title("real points and their density")
    _axes_limits(axes, grid)

    axes = panels[0, 1]
    limit = _heatmap_range(frame.heatmap)
    axes.imshow(
        frame.heatmap, origin="lower", extent=extent, cmap="RdBu", vmin=-limit, vmax=limit,
        interpolation="bilinear",
    )
    axes.scatter(real[:, 0], real[:, 1], s=2, color="#0d47a1", alpha=0.4)
    axes.scatter(fake[:, 0], fake[:, 1], s=3, color="#e65100", alpha=0.7)
    _draw_arrows(axes, frame, arrow_length)
    axes.set_title(f"D's logit (blue: real, red: fake), ±{limit:.2g}")
    _axes_limits(axes, grid)

    axes = panels[0, 2]
    _draw_manifold(axes, frame.manifold)
    axes.set_title("G's manifold (a grid of noise through G)")
    _axes_limits(axes, grid)

    axes = panels[1, 0]
    axes.contour(grid.xs, grid.ys, frame.real_density, levels=6, colors="#1565c0", linewidths=0.6)
    axes.scatter(fake[:, 0], fake[:, 1], s=3, color="#e65100", alpha=0.7)
    axes.set_title("fake points over the real density")
    _axes_limits(axes, grid)

    axes = panels[1, 1]
    if frame.history:
        steps = [row["step"] for row in frame.history]
        axes.plot(steps, [row["d_loss"] for row in frame.history], label="D loss", linewidth=0.8)
        axes.plot(steps, [row["g_loss"] for row in frame.history], label="G loss", linewidth=0.8)
        axes.legend(loc="upper right", fontsize=8)
    axes.set_xlabel("step")
    axes.set_title(f"losses ({frame.loss_name})")

    axes = panels[1, 2]
    title = "divergences on the grid"
    if frame.measurements:
        steps = [row["step"] for row in frame.measurements]
        axes.plot(steps, [row["kl"] for row in frame.measurements], label="KL(real||fake)")
        axes.plot(steps, [row["js"] for row in frame.measurements], label="JS")
        axes.set_yscale("symlog", linthresh=0.1)
        axes.legend(loc="upper right", fontsize=8)
        last = frame.measurements[-1]
        if last["modes"] is not None:
            title = f"modes covered: {last['modes_covered']} of {last['modes']}"
    axes.set_xlabel("step")
    axes.set_title(title)

    figure.suptitle(f"{frame.target_name}, loss {frame.loss_name}, step {frame.step}")
    figure.tight_layout()
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., :3].copy()


def picture_of(frame):
    """The frame's picture, drawn once and kept on the frame (the writers share it)."""
    if isinstance(frame, np.ndarray):
        return frame
    if getattr(frame, "picture", None) is None:
        frame.picture = render_frame(frame)
    return frame.picture


def _pictures(frames):
    """RGB arrays from frames (drawn once each) or arrays already drawn."""
    return [picture_of(frame) for frame in frames]


def save_frames(path, frames, fps=10):
    """Writes the frames as an animated `.gif` or an `.mp4` (mp4v), atomically; one picture per frame."""
    path = Path(path)
    if path.suffix.lower() not in (".gif", ".mp4"):
        raise ValueError(f"Cannot write {path} as an animation: use a .gif or .mp4 file name.")
    if not frames:
        raise ValueError("No frames to write: train at least one step first.")
    return images.save_animation(path, np.stack(_pictures(frames)), fps=fps)


def save_stills(folder, frames):
    """One PNG per frame in `folder`, named by its step (`step-000300.png`); returns the paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for frame, picture in zip(frames, _pictures(frames)):
        step = getattr(frame, "step", len(paths))
        paths.append(images.save_image(folder / f"step-{step:06d}.png", picture))
    return paths


# ------------------------------------------------------------- the HTML player

PLAYER_TEMPLATE = """\
<div class="kerasgan-player" id="{player_id}" style="font-family: sans-serif; max-width: 980px">
  <img alt="playground frame" style="width: 100%; display: block; background: white">
  <div style="margin-top: 6px; display: flex; gap: 6px; align-items: center">
    <button data-action="play">play</button>
    <button data-action="pause">pause</button>
    <button data-action="back">&#9664; step</button>
    <button data-action="step">step &#9654;</button>
    <input data-action="seek" type="range" min="0" value="0" style="flex: 1">
    <span data-role="label"></span>
  </div>
  <div style="margin-top: 4px; font-size: 12px; color: #666">
    Add to the address: #frame=N opens frame N, #step=N steps N frames on, #play plays
    (e.g. #frame=20&amp;play).
  </div>
</div>
<script>
(function () {{
  var frames = {frames_json};
  var steps = {steps_json};
  var root = document.getElementById("{player_id}");
  var picture = root.querySelector("img");
  var slider = root.querySelector("[data-action=seek]");
  var label = root.querySelector("[data-role=label]");
  var index = 0, timer = null;
  slider.max = frames.length - 1;
  function show(i) {{
    index = Math.max(0, Math.min(frames.length - 1, i));
    picture.src = "data:image/webp;base64," + frames[index];
    slider.value = index;
    label.textContent = "frame " + (index + 1) + " of " + frames.length + ", step " + steps[index];
    root.setAttribute("data-frame", index);
  }}
  function pause() {{ if (timer) {{ clearInterval(timer); timer = null; }} }}
  function play() {{
    pause();
    timer = setInterval(function () {{ show((index + 1) % frames.length); }}, {interval_ms});
  }}
  root.querySelector("[data-action=play]").onclick = play;
  root.querySelector("[data-action=pause]").onclick = pause;
  root.querySelector("[data-action=step]").onclick = function () {{ pause(); show(index + 1); }};
  root.querySelector("[data-action=back]").onclick = function () {{ pause(); show(index - 1); }};
  slider.oninput = function () {{ pause(); show(parseInt(slider.value, 10)); }};
  // The address chooses where to start: #frame=N (from 1, as the label counts), #step=N
  // (presses "step" N times), #play.
  var options = {{}};
  (window.location.hash || "").replace(/^#/, "").split("&").forEach(function (part) {{
    var pair = part.split("=");
    if (pair[0]) options[pair[0]] = pair.length > 1 ? parseInt(pair[1], 10) : 1;
  }});
  show((options.frame || 1) - 1);
  for (var press = 0; press < (options.step || 0); press++) {{
    root.querySelector("[data-action=step]").click();
  }}
  if (options.play) play();
}})();
</script>
"""

PAGE_TEMPLATE = """\
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{title}</title>
</head>
<body style="margin: 12px">
<h3 style="font-family: sans-serif; margin: 0 0 8px 0">{title}</h3>
{player}
</body>
</html>
"""


# WebP quality of the HTML player's frames: measured on a ring game's frame, 34 KB against
# PNG's 195 KB, with the panels' lines and text still sharp.
HTML_FRAME_QUALITY = 70


def html_player(frames, fps=10):
    """The player as an HTML fragment (a `<div>` and its `<script>`), frames embedded as base64 WebP."""
    if not frames:
        raise ValueError("No frames to show: train at least one step first.")
    encoded = [base64.b64encode(_webp(picture)).decode("ascii") for picture in _pictures(frames)]
    steps = [int(getattr(frame, "step", index)) for index, frame in enumerate(frames)]
    return PLAYER_TEMPLATE.format(
        # A fresh id per player: two players in one notebook do not steer each other.
        player_id=f"kerasgan-player-{uuid.uuid4().hex[:12]}",
        frames_json=json.dumps(encoded),
        steps_json=json.dumps(steps),
        interval_ms=max(1, round(1000 / fps)),
    )


def _webp(picture):
    """An RGB picture as WebP bytes (every browser since 2020 shows them)."""
    import cv2

    bgr = cv2.cvtColor(np.ascontiguousarray(picture), cv2.COLOR_RGB2BGR)  # OpenCV writes BGR
    ok, encoded = cv2.imencode(".webp", bgr, [cv2.IMWRITE_WEBP_QUALITY, HTML_FRAME_QUALITY])
    if not ok:
        raise ValueError(f"OpenCV could not encode a frame of shape {picture.shape} as WebP.")
    return encoded.tobytes()


def save_html(path, frames, fps=10, title="kerasgan playground"):
    """Writes a self-contained HTML page that plays the frames (no network needed), atomically."""
    page = PAGE_TEMPLATE.format(title=html.escape(title), player=html_player(frames, fps))
    files.write_text(Path(path), page)
    return Path(path)


def show_html(frames, fps=10):
    """Shows the player in a notebook (Jupyter, Colab) through IPython.display."""
    from IPython.display import HTML, display

    display(HTML(html_player(frames, fps)))


__all__ = ["render_frame", "save_frames", "save_stills", "html_player", "save_html", "show_html"]
