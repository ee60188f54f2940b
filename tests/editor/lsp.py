"""A minimal Language Server Protocol client over stdio: what an editor does with yaml-language-server
(open a document, receive its diagnostics, ask for completions and hover), for
tests/engine/test_editor_support.py. JSON-RPC messages are `Content-Length`-framed; a reader thread queues
them, and requests the server makes of the client (its configuration, capability registration) are
answered as VS Code answers them with default YAML settings."""

from __future__ import annotations

import json
import queue
import subprocess
import threading
import time
from pathlib import Path
from typing import Any, Callable

SETTINGS = {"validate": True, "completion": True, "hover": True, "schemaStore": {"enable": False}}


class LanguageServer:
    def __init__(self, command: list[str], root: Path, timeout: float = 30.0) -> None:
        self.timeout = timeout
        self._process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=subprocess.DEVNULL)
        self._inbox: queue.Queue[dict[str, Any]] = queue.Queue()
        self._next_id = 0
        self._diagnostics: dict[str, list[dict[str, Any]]] = {}
        threading.Thread(target=self._read, daemon=True).start()
        self.request("initialize", {"processId": None, "rootUri": root.as_uri(), "capabilities": {
            "workspace": {"configuration": True},
            "textDocument": {"completion": {"completionItem": {"snippetSupport": False}}, "hover": {},
                             "publishDiagnostics": {}}}})
        self.notify("initialized", {})
        self.notify("workspace/didChangeConfiguration", {"settings": {"yaml": SETTINGS}})

    def __enter__(self) -> "LanguageServer":
        return self

    def __exit__(self, *_: object) -> None:
        self._process.kill()
        self._process.wait()
        for pipe in (self._process.stdin, self._process.stdout):
            if pipe is not None:
                pipe.close()

    # -- protocol ------------------------------------------------------------------------------

    def _read(self) -> None:
        stream = self._process.stdout
        assert stream is not None
        while True:
            length = None
            while True:
                line = stream.readline()
                if not line:
                    return
                if not line.strip():
                    break
                name, _, value = line.decode("ascii").partition(":")
                if name.lower() == "content-length":
                    length = int(value)
            assert length is not None
            self._inbox.put(json.loads(stream.read(length)))

    def _send(self, message: dict[str, Any]) -> None:
        data = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        assert self._process.stdin is not None
        self._process.stdin.write(f"Content-Length: {len(data)}\r\n\r\n".encode("ascii") + data)
        self._process.stdin.flush()

    def notify(self, method: str, params: dict[str, Any]) -> None:
        self._send({"method": method, "params": params})

    def request(self, method: str, params: dict[str, Any]) -> Any:
        self._next_id += 1
        number = self._next_id
        self._send({"id": number, "method": method, "params": params})
        return self._until(lambda m: m.get("id") == number and "method" not in m)["result"]

    def _until(self, wanted: Callable[[dict[str, Any]], bool]) -> dict[str, Any]:
        end = time.monotonic() + self.timeout
        while time.monotonic() < end:
            try:
                message = self._inbox.get(timeout=0.2)
            except queue.Empty:
                continue
            method = message.get("method")
            if method == "workspace/configuration":
                self._send({"id": message["id"], "result": [SETTINGS] * len(message["params"]["items"])})
            elif method is not None and "id" in message:  # registerCapability, progress: acknowledged
                self._send({"id": message["id"], "result": None})
            elif method == "textDocument/publishDiagnostics":
                self._diagnostics[message["params"]["uri"]] = message["params"]["diagnostics"]
            if wanted(message):
                return message
        raise TimeoutError(f"yaml-language-server did not answer within {self.timeout} s")

    # -- what an editor does -------------------------------------------------------------------

    def _opened(self, path: Path, text: str) -> str:
        uri = path.resolve().as_uri()
        self.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1,
                                                               "text": text}})
        return uri

    def _closed(self, uri: str) -> None:
        self.notify("textDocument/didClose", {"textDocument": {"uri": uri}})

    def open(self, path: Path, text: str) -> list[dict[str, Any]]:
        """Open `text` as the document at `path` (it need not exist on disk; a modeline's relative
        schema path resolves from it) and return the diagnostics the server publishes for it."""
        self._diagnostics.pop(path.resolve().as_uri(), None)
        uri = self._opened(path, text)
        self._until(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                    and m["params"]["uri"] == uri)
        self._closed(uri)
        return self._diagnostics[uri]

    def _at(self, method: str, path: Path, text: str, line: int, character: int) -> Any:
        """A request about one position (line and character from 1) of `text` opened at `path`."""
        uri = self._opened(path, text)
        result = self.request(method, {"textDocument": {"uri": uri},
                                       "position": {"line": line - 1, "character": character - 1}})
        self._closed(uri)
        return result

    def completion(self, path: Path, text: str, line: int, character: int) -> list[str]:
        """The labels offered at (line, character)."""
        result = self._at("textDocument/completion", path, text, line, character)
        items = result["items"] if isinstance(result, dict) else result or []
        return [item["label"] for item in items]

    def hover(self, path: Path, text: str, line: int, character: int) -> str:
        """The hover text (markdown) at (line, character)."""
        result = self._at("textDocument/hover", path, text, line, character)
        return (result or {}).get("contents", {}).get("value", "")
