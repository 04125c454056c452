"""Headless Chromium driven through the DevTools protocol over a pipe (no extra package).

`--remote-debugging-pipe` makes Chromium read protocol commands from file descriptor 3 and
write answers and events to descriptor 4, each message a JSON text ended by a NUL byte.
`Page(url)` opens one page, `evaluate(expression)` runs JavaScript in it (awaiting a
promise) and returns its value, and `console_errors` collects what the page's console
reported as errors and the exceptions it threw.
"""

import json
import os
import shutil
import subprocess
import tempfile
import time


def chromium():
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Page:
    def __init__(self, url, timeout=120):
        self.timeout = timeout
        self.profile = tempfile.mkdtemp(prefix="chromium-profile-")
        to_chromium_read, self._to_chromium = os.pipe()
        self._from_chromium, from_chromium_write = os.pipe()

        def as_descriptors_3_and_4():
            # Copied out of the way first: either end may itself be descriptor 3 or 4.
            reading, writing = os.dup(to_chromium_read), os.dup(from_chromium_write)
            os.dup2(reading, 3)
            os.dup2(writing, 4)

        self.process = subprocess.Popen(
            [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             "--autoplay-policy=no-user-gesture-required", f"--user-data-dir={self.profile}",
             "--remote-debugging-pipe", "about:blank"],
            pass_fds=(3, 4, to_chromium_read, from_chromium_write), preexec_fn=as_descriptors_3_and_4,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        os.close(to_chromium_read)
        os.close(from_chromium_write)
        self._buffer = b""
        self._next_id = 0
        self.console_errors = []
        target = self.command("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.command("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        self.command("Runtime.enable", session=True)
        self.command("Log.enable", session=True)
        self.command("Page.enable", session=True)
        self.command("Page.navigate", session=True, url=url)
        self.evaluate("new Promise((done) => document.readyState === 'complete' ? done() : "
                      "addEventListener('load', () => done()))")

    def command(self, method, session=False, **params):
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = self.session
        os.write(self._to_chromium, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + self.timeout
        while time.monotonic() < deadline:
            answer = self._read()
            if answer.get("id") == self._next_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer["result"]
            self._note_event(answer)
        raise TimeoutError(f"{method} got no answer in {self.timeout} s")

    def evaluate(self, expression):
        result = self.command("Runtime.evaluate", session=True, expression=expression,
                              awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(json.dumps(result["exceptionDetails"])[:2000])
        return result["result"].get("value")

    def _read(self):
        while b"\0" not in self._buffer:
            chunk = os.read(self._from_chromium, 1 << 16)
            if not chunk:
                raise RuntimeError("Chromium closed the pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def _note_event(self, event):
        params = event.get("params", {})
        if event.get("method") == "Runtime.exceptionThrown":
            self.console_errors.append(json.dumps(params.get("exceptionDetails", {}))[:500])
        elif event.get("method") == "Runtime.consoleAPICalled" and params.get("type") == "error":
            self.console_errors.append(json.dumps(params.get("args", []))[:500])
        elif event.get("method") == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
            self.console_errors.append(params["entry"].get("text", ""))

    def close(self):
        try:
            os.write(self._to_chromium, json.dumps({"id": 0, "method": "Browser.close"}).encode() + b"\0")
            self.process.wait(timeout=20)
        except Exception:
            self.process.kill()
            self.process.wait()
        for descriptor in (self._to_chromium, self._from_chromium):
            try:
                os.close(descriptor)
            except OSError:
                pass
        shutil.rmtree(self.profile, ignore_errors=True)
