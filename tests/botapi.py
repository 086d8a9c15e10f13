"""A minimal Telegram Bot API server on 127.0.0.1 for tests: the methods Losen uses, over real
HTTP, so python-telegram-bot runs unmodified against it.

Like Telegram, ``getUpdates`` with an offset forgets the updates before it, so a second
application polling after the first sees only what is new. ``fail_next`` makes the next calls
of a method fail as Telegram does under load (429 with ``retry_after``, 500, 502).
``push_document`` sends a file that the bot can fetch as Telegram serves them: ``getFile``, then
the bytes from :attr:`FakeBotApi.base_file_url`."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "Losen", "username": "losen_test_bot"}


class FakeBotApi:
    def __init__(self) -> None:
        self.updates: list[dict[str, Any]] = []
        self.sent: list[dict[str, Any]] = []
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.deleted: dict[int, list[int]] = {}
        """Message ids removed by ``deleteMessages``, per chat."""
        """Every call as (method, parameters), in order."""
        self.failed: list[tuple[str, int]] = []
        """Calls answered with an error by ``fail_next``, as (method, status)."""
        self._failures: dict[str, list[tuple[int, int | None]]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        """Documents sent with ``push_document``, by file id: getFile's answer plus the bytes."""
        self._next_update = 1
        self._next_message = 1000
        self._lock = threading.Lock()
        self._stopping = False
        self.port = _free_port()
        app = Starlette(routes=[
            Route("/bot{token}/{method}", self._call, methods=["GET", "POST"]),
            Route("/file/bot{token}/{path:path}", self._file, methods=["GET"]),
        ])
        self._server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port,
                                                     log_level="warning"))
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """Where files are downloaded from; python-telegram-bot needs it given as well as
        ``base_url`` (its own default is Telegram's file server)."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    def start(self) -> None:
        self._thread.start()
        deadline = time.monotonic() + 10
        while not self._server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("Bot API test server did not start")
            time.sleep(0.01)

    def stop(self) -> None:
        self._stopping = True  # ends a long poll at once, so shutdown need not wait for it
        self._server.should_exit = True
        self._thread.join(timeout=10)

    def fail_next(self, method: str, count: int, status: int = 429,
                  retry_after: int | None = None) -> None:
        """Answer the next ``count`` calls of ``method`` with ``status`` (429 carries
        ``parameters.retry_after``, as Telegram's flood control does)."""
        with self._lock:
            self._failures.setdefault(method, []).extend([(status, retry_after)] * count)

    def push_text(self, chat_id: int, text: str) -> dict[str, Any]:
        """Queue a text message for ``getUpdates``; the update, as Telegram would send it."""
        update = self.text_update(chat_id, text)
        with self._lock:
            self.updates.append(update)
        return update

    def text_update(self, chat_id: int, text: str) -> dict[str, Any]:
        """A text message update with fresh ids, not queued (for posting to a webhook)."""
        with self._lock:
            self._next_message += 1  # one counter for both sides: ids are unique in a chat
            update = {
                "update_id": self._next_update,
                "message": {
                    "message_id": self._next_message, "date": int(time.time()), "text": text,
                    "chat": {"id": chat_id, "type": "private", "first_name": "Test"},
                    "from": {"id": chat_id, "is_bot": False, "first_name": "Test"},
                    **({"entities": [{"type": "bot_command", "offset": 0,
                                      "length": len(text.split()[0])}]}
                       if text.startswith("/") else {}),
                },
            }
            self._next_update += 1
        return update

    def push_update(self, chat_id: int, kind: str, **fields: Any) -> dict[str, Any]:
        """Queue another kind of update: ``message`` with ``fields`` (a location, a sticker),
        ``edited_message``, or ``callback_query`` with ``data``."""
        with self._lock:
            self._next_message += 1
            user = {"id": chat_id, "is_bot": False, "first_name": "Test", "language_code": "nb"}
            chat = {"id": chat_id, "type": "private", "first_name": "Test"}
            if kind == "callback_query":
                body: dict[str, Any] = {
                    "id": str(self._next_update), "from": user, "chat_instance": str(chat_id),
                    "data": fields["data"],
                    "message": {"message_id": fields.get("message_id", 1), "date": int(time.time()),
                                "chat": chat, "from": BOT_USER, "text": "…"}}
            else:
                body = {"message_id": fields.pop("message_id", self._next_message),
                        "date": int(time.time()), "chat": chat, "from": user, **fields}
                if kind == "edited_message":
                    body["edit_date"] = int(time.time())
            update = {"update_id": self._next_update, kind: body}
            self._next_update += 1
            self.updates.append(update)
        return update

    def push_document(self, chat_id: int, file_name: str, content: bytes,
                      mime_type: str = "text/csv") -> dict[str, Any]:
        """Queue a message with a document (a file sent in the chat) and keep its bytes for
        ``getFile`` and the download; the update, as Telegram would send it."""
        with self._lock:
            number = len(self.files) + 1
            file_id, unique = f"BQACAgQAAx-doc-{number}", f"AgAD-doc-{number}"
            suffix = file_name.rsplit(".", 1)[1] if "." in file_name else "bin"
            self.files[file_id] = {
                "file_id": file_id, "file_unique_id": unique, "file_size": len(content),
                "file_path": f"documents/file_{number}.{suffix}", "content": content}
        document = {"file_id": file_id, "file_unique_id": unique, "file_name": file_name,
                    "mime_type": mime_type, "file_size": len(content)}
        return self.push_update(chat_id, "message", document=document)

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        with self._lock:
            return [params for name, params in self.calls if name == method]

    def texts_to(self, chat_id: int) -> list[str]:
        return [m["text"] for m in self.sent if int(m["chat_id"]) == chat_id]

    async def _call(self, request: Request) -> JSONResponse:
        method = request.path_params["method"]
        params: dict[str, Any] = dict(request.query_params)
        if request.method == "POST":
            body = await request.body()
            if body:
                ctype = request.headers.get("content-type", "")
                if "json" in ctype:
                    params.update(json.loads(body))
                else:
                    params.update(dict(await request.form()))
        with self._lock:
            self.calls.append((method, params))
            failures = self._failures.get(method)
            failure = failures.pop(0) if failures else None
            if failure is not None:
                self.failed.append((method, failure[0]))
        if failure is not None:
            return _error(*failure)
        if method == "getMe":
            return _ok(BOT_USER)
        if method in ("deleteWebhook", "setWebhook", "setMyCommands", "close", "logOut"):
            return _ok(True)
        if method == "getUpdates":
            offset = int(params.get("offset") or 0)
            timeout = float(params.get("timeout") or 0)
            deadline = time.monotonic() + min(timeout, 1.0)
            while True:
                with self._lock:
                    if offset:  # confirmed: Telegram forgets them
                        self.updates = [u for u in self.updates if u["update_id"] >= offset]
                    ready = list(self.updates)
                if ready or self._stopping or time.monotonic() >= deadline:
                    return _ok(ready)
                await asyncio.sleep(0.01)
        if method == "getFile":
            with self._lock:
                found = self.files.get(str(params.get("file_id", "")))
            if found is None:
                return JSONResponse({"ok": False, "error_code": 400,
                                     "description": "Bad Request: invalid file_id"},
                                    status_code=400)
            return _ok({k: v for k, v in found.items() if k != "content"})
        if method == "answerCallbackQuery":
            return _ok(True)
        if method == "deleteMessages":
            ids = params["message_ids"]
            ids = json.loads(ids) if isinstance(ids, str) else ids
            with self._lock:
                chat = int(params["chat_id"])
                self.deleted.setdefault(chat, []).extend(int(i) for i in ids)
            return _ok(True)
        if method == "sendMessage":
            with self._lock:
                self._next_message += 1
                message = {"message_id": self._next_message, "date": int(time.time()),
                           "chat": {"id": int(params["chat_id"]), "type": "private"},
                           "from": BOT_USER, "text": params.get("text", "")}
                self.sent.append({**params, "message_id": self._next_message})
            return _ok(message)
        return JSONResponse({"ok": False, "error_code": 404, "description": "Not Found"},
                            status_code=404)


    async def _file(self, request: Request) -> Response:
        path = request.path_params["path"]
        with self._lock:
            found = next((f for f in self.files.values() if f["file_path"] == path), None)
        if found is None:
            return Response(status_code=404)
        return Response(found["content"], media_type="application/octet-stream")


def _ok(result: Any) -> JSONResponse:
    return JSONResponse({"ok": True, "result": result})


def _error(status: int, retry_after: int | None) -> JSONResponse:
    descriptions = {429: f"Too Many Requests: retry after {retry_after}",
                    500: "Internal Server Error", 502: "Bad Gateway"}
    body: dict[str, Any] = {"ok": False, "error_code": status,
                            "description": descriptions.get(status, "Error")}
    if retry_after is not None:
        body["parameters"] = {"retry_after": retry_after}
    return JSONResponse(body, status_code=status)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
