"""A drum machine page for generated sounds, as the WaveGAN paper's demo: one offline HTML file.

Eight pads each hold a sound; "Change" on a pad draws another from a bank of sounds
embedded in the page (the generator's, drawn once from many latent vectors, or a folder
of `.wav` files). A 16-step sequencer plays the pads at a tempo; the pattern is saved
to (and loaded from) a small `.json` file. Everything, the sounds included (base64
`.wav`), is inside the one file: it opens offline, from a USB stick or an e-mail.

The page plays through the Web Audio API: each sound is decoded once
(`decodeAudioData`), and the sequencer schedules each hit slightly ahead on the audio
clock, so the beat keeps time even when the page is busy. `drumMachine.render(bars)`
renders the pattern in an `OfflineAudioContext`, which is how the tests listen to it.
Only NumPy here: the sounds come in as arrays.
"""

import html
import json

import numpy as np

from kerasgan import sound_views

PADS = 8
STEPS = 16


def drum_machine_page(sounds, sample_rate, title="Drum machine", names=None):
    """The page's HTML: pads start with the bank's first eight sounds.

    Args:
        sounds: the bank, (N, samples) floats in [-1, 1], N >= 8 (pads start on 0-7).
        sample_rate: samples per second.
        title: the page's heading.
        names: a name per sound (default: "sound 1", ...).
    """
    sounds = [np.asarray(sound, np.float32).reshape(-1) for sound in sounds]
    if len(sounds) < PADS:
        raise ValueError(f"A drum machine needs at least {PADS} sounds for its pads; got {len(sounds)}.")
    names = list(names or [f"sound {index + 1}" for index in range(len(sounds))])
    bank = [{"name": str(name), "url": sound_views.wav_data_url(sound, sample_rate)}
            for name, sound in zip(names, sounds)]  # fmt: skip
    return PAGE.replace("__TITLE__", html.escape(title)).replace(
        "__BANK__", json.dumps(bank).replace("</", "<\\/")
    ).replace("__PADS__", str(PADS)).replace("__STEPS__", str(STEPS))


PAGE = r"""<!doctype html>
<html><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body { font-family: sans-serif; background: #15151a; color: #e8e8e8; margin: 1.5em; }
#pads { display: grid; grid-template-columns: repeat(4, 150px); gap: 10px; margin-bottom: 1.2em; }
.pad { background: #2c2c38; border-radius: 8px; padding: 8px; }
.pad button.hit { width: 100%; height: 70px; font-size: 15px; background: #5b4bd6; color: white;
  border: 0; border-radius: 6px; cursor: pointer; }
.pad button.hit.playing { background: #ff9a3c; }
.pad .name { font-size: 12px; margin: 5px 0; height: 1.2em; overflow: hidden; }
#grid { display: grid; grid-template-columns: 90px repeat(__STEPS__, 26px); gap: 3px; }
#grid .cell { width: 26px; height: 22px; background: #33333f; border-radius: 3px; cursor: pointer; }
#grid .cell.on { background: #5b4bd6; }
#grid .cell.beat { outline: 1px solid #555; }
#grid .cell.now { box-shadow: 0 0 0 2px #ff9a3c inset; }
#grid .label { font-size: 12px; line-height: 22px; }
#controls { margin: 1em 0; display: flex; gap: 10px; align-items: center; }
</style></head>
<body>
<h1>__TITLE__</h1>
<p>Press a pad to hear it; <b>Change</b> draws another sound from the bank. Click the grid to
place hits, then <b>Play</b>.</p>
<div id="pads"></div>
<div id="controls">
  <button id="play">Play</button> <button id="stop">Stop</button>
  <label>Tempo <input id="tempo" type="number" min="40" max="240" value="110"> BPM</label>
  <button id="save">Save pattern</button>
  <label>Load pattern <input id="load" type="file" accept=".json,application/json"></label>
</div>
<div id="grid"></div>
<pre id="selftest" hidden></pre>
<script>
"use strict";
const BANK = __BANK__;
const PADS = __PADS__, STEPS = __STEPS__;
const errors = [];
window.addEventListener("error", (event) => errors.push(String(event.message)));
window.addEventListener("unhandledrejection", (event) => errors.push(String(event.reason)));

const context = new (window.AudioContext || window.webkitAudioContext)();
const decoded = new Map();  // bank index -> AudioBuffer, each decoded once

function bytesOf(url) {
  const text = atob(url.slice(url.indexOf(",") + 1));
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes.buffer;
}

async function buffer(index) {
  if (!decoded.has(index)) decoded.set(index, await context.decodeAudioData(bytesOf(BANK[index].url)));
  return decoded.get(index);
}

// The state a pattern file holds: which sound is on each pad, the hits and the tempo.
const state = { pads: [...Array(PADS).keys()], steps: [], tempo: 110 };
for (let pad = 0; pad < PADS; pad++) state.steps.push(Array(STEPS).fill(false));
// A beat to start from: a kick on the quarters, a snare on 2 and 4, a hat on the off-beats.
[0, 4, 8, 12].forEach((s) => (state.steps[0][s] = true));
[4, 12].forEach((s) => (state.steps[1][s] = true));
[2, 6, 10, 14].forEach((s) => (state.steps[2][s] = true));

function play(pad, when, into) {
  const target = into || context;
  const source = target.createBufferSource();
  source.buffer = decoded.get(state.pads[pad]);
  source.connect(target.destination);
  source.start(when || 0);
}

async function change(pad) {
  // Another sound of the bank, one that no pad holds now (when the bank has one).
  const free = [...BANK.keys()].filter((i) => !state.pads.includes(i));
  const choices = free.length ? free : [...BANK.keys()];
  const next = choices[Math.floor(Math.random() * choices.length)];
  await buffer(next);
  state.pads[pad] = next;
  drawPads();
  return next;
}

function drawPads() {
  const pads = document.getElementById("pads");
  pads.innerHTML = "";
  state.pads.forEach((index, pad) => {
    const box = document.createElement("div");
    box.className = "pad";
    box.innerHTML = `<button class="hit">Pad ${pad + 1}</button><div class="name"></div>` +
      `<button class="change">Change</button>`;
    box.querySelector(".name").textContent = BANK[index].name;
    box.querySelector(".hit").onclick = async () => { await context.resume(); play(pad); };
    box.querySelector(".change").onclick = () => change(pad);
    pads.appendChild(box);
  });
  document.querySelectorAll("#grid .label").forEach((label, pad) => {
    label.textContent = `Pad ${pad + 1}`;
  });
}

function drawGrid() {
  const grid = document.getElementById("grid");
  grid.innerHTML = "";
  for (let pad = 0; pad < PADS; pad++) {
    const label = document.createElement("div");
    label.className = "label";
    label.textContent = `Pad ${pad + 1}`;
    grid.appendChild(label);
    for (let step = 0; step < STEPS; step++) {
      const cell = document.createElement("div");
      cell.className = "cell" + (step % 4 === 0 ? " beat" : "") + (state.steps[pad][step] ? " on" : "");
      cell.dataset.pad = pad; cell.dataset.step = step;
      cell.onclick = () => { state.steps[pad][step] = !state.steps[pad][step]; cell.classList.toggle("on"); };
      grid.appendChild(cell);
    }
  }
}

// The sequencer: a timer looks 0.1 s ahead and books the hits that fall in it on the audio
// clock, which keeps exact time even when the page's timers are late.
const secondsPerStep = () => 60 / state.tempo / 4;  // sixteenth notes
let timer = null, nextStep = 0, nextTime = 0;
function schedule() {
  while (nextTime < context.currentTime + 0.1) {
    for (let pad = 0; pad < PADS; pad++) if (state.steps[pad][nextStep]) play(pad, nextTime);
    const shown = nextStep;
    setTimeout(() => document.querySelectorAll("#grid .cell").forEach((cell) =>
      cell.classList.toggle("now", Number(cell.dataset.step) === shown)), 0);
    nextStep = (nextStep + 1) % STEPS;
    nextTime += secondsPerStep();
  }
}
async function start() {
  await context.resume();
  if (timer) return;
  nextStep = 0; nextTime = context.currentTime + 0.05;
  timer = setInterval(schedule, 25);
}
function stop() { clearInterval(timer); timer = null; }

// Renders `bars` bars of the pattern offline: what the tests listen to.
async function render(bars = 1, rate = 22050) {
  const length = Math.ceil((bars * STEPS * secondsPerStep() + 1.0) * rate);
  const offline = new OfflineAudioContext(1, length, rate);
  const hits = [];
  for (let bar = 0; bar < bars; bar++) {
    for (let step = 0; step < STEPS; step++) {
      const when = (bar * STEPS + step) * secondsPerStep();
      for (let pad = 0; pad < PADS; pad++) {
        if (state.steps[pad][step]) { play(pad, when, offline); hits.push(when); }
      }
    }
  }
  const rendered = await offline.startRendering();
  return { samples: rendered.getChannelData(0), rate, hits };
}

function savePattern() {
  const blob = new Blob([JSON.stringify(state, null, 1)], { type: "application/json" });
  const link = document.createElement("a");
  link.href = URL.createObjectURL(blob);
  link.download = "pattern.json";
  link.click();
}
async function loadPattern(file) {
  const loaded = JSON.parse(await file.text());
  for (const index of loaded.pads) await buffer(index);
  Object.assign(state, loaded);
  document.getElementById("tempo").value = state.tempo;
  drawGrid(); drawPads();
}

document.getElementById("play").onclick = start;
document.getElementById("stop").onclick = stop;
document.getElementById("tempo").onchange = (event) => (state.tempo = Number(event.target.value) || 110);
document.getElementById("save").onclick = savePattern;
document.getElementById("load").onchange = (event) => loadPattern(event.target.files[0]);

const ready = Promise.all(state.pads.map(buffer)).then(() => { drawGrid(); drawPads(); });
window.drumMachine = { ready, state, change, render, buffer, bankSize: BANK.length, errors };

// #selftest: decode every pad, change one, render a bar offline, and write what was heard.
if (location.hash === "#selftest") {
  ready.then(async () => {
    const before = state.pads[0];
    const padLengths = state.pads.map((index) => decoded.get(index).length);
    const changedTo = await change(0);
    const { samples, rate, hits } = await render(1);
    const loudness = (at) => {
      let peak = 0;
      for (let i = Math.floor(at * rate); i < Math.floor((at + 0.05) * rate); i++) peak = Math.max(peak, Math.abs(samples[i] || 0));
      return peak;
    };
    const report = { padLengths, before, changedTo, hitPeaks: hits.map(loudness),
                     errors };
    const out = document.getElementById("selftest");
    out.textContent = JSON.stringify(report);
    out.hidden = false;
  }).catch((error) => { document.getElementById("selftest").textContent = "failed: " + error; });
}
</script>
</body></html>
"""
