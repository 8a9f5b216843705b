"""The preview server: a starlette app behind a token and a Host check, served by uvicorn on one local socket."""

from __future__ import annotations

import asyncio
import ipaddress
import json
import re
import secrets
import socket
import sys
from pathlib import Path
from urllib.parse import unquote

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    JSONResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Route

from .session import DOWNLOAD_FORMATS, Session, State

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_NAME = re.compile(r"^[a-z][a-z0-9-]*\.(html|js|css|svg|png)$")
DEFAULT_PORT = 8765
KEEPALIVE_S = 15.0
PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; "
            "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
MEDIA_TYPES = {"png": "image/png", "pdf": "application/pdf", "svg": "image/svg+xml"}


class Hub:
    """The latest state, pushed to every open event stream (each keeps only the newest state)."""

    def __init__(self, session: Session):
        self.session = session
        self.queues: set[asyncio.Queue] = set()
        self.closed = False

    def publish(self, state: State) -> None:
        for q in list(self.queues):
            if q.full():
                q.get_nowait()  # only the newest state matters to a page
            q.put_nowait(state)

    def close(self) -> None:
        """End every event stream (server shutdown)."""
        self.closed = True
        for q in list(self.queues):
            if q.full():
                q.get_nowait()
            q.put_nowait(None)


def state_json(state: State, base: str, token: str) -> dict:
    """The /state answer: the contract's keys, then what the page's overlays and controls use."""
    r = state.render
    q = f"?token={token}"
    return {
        "build": state.build, "ok": state.ok, "error": state.error,
        "warnings": r.warnings if r else [],
        "png": f"{base}render/{r.build}.png{q}" if r else None,
        "shown": r.build if r else None,
        "seconds": round(r.seconds, 3) if r else None,
        "started_at": round(r.started * 1000) if r else None,  # epoch ms, for bench/preview.py's breakdown
        "source": state.source,
        "overlay": r.overlay if r else None,
        "downloads": {f: f"{base}download/{r.build}.{f}{q}" for f in DOWNLOAD_FORMATS} if r else {},
        "campaign": state.campaign, "selection": state.selection,
    }


class Guard:
    """ASGI middleware: refuse a foreign Host header (DNS rebinding), a missing token, and traversal; add headers."""

    starlette: Starlette  # the app inside (set by the factory below)

    def __init__(self, app, token: str, hosts: set[str] | None, cookie: str):
        self.app, self.token, self.hosts, self.cookie = app, token, hosts, cookie

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        request = Request(scope)
        status = self.refusal(request)
        if status:
            text = {403: "forbidden", 404: "not found"}[status]
            return await _with_headers(PlainTextResponse(text, status_code=status))(scope, receive, send)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}  # a route's own stricter policy (SVG downloads) stays
                message = {**message, "headers": headers + [(k, v) for k, v in _SECURITY_HEADERS if k not in present]}
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def refusal(self, request: Request) -> int | None:
        """403 for a foreign Host or no token, 404 for a path that tries to leave the routes."""
        host = request.headers.get("host", "")
        if self.hosts is not None and not _host_allowed(host, self.hosts):
            return 403
        given = request.query_params.get("token") or request.cookies.get(self.cookie) or ""
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return 403
        raw = unquote(unquote(scope_raw_path(request)))  # twice: %252e%252e is not let through either
        if ".." in raw or "\\" in raw or "//" in raw or "\0" in raw:
            return 404
        return None


_SECURITY_HEADERS = [
    (b"content-security-policy", PAGE_CSP.encode()), (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"), (b"x-frame-options", b"DENY"), (b"cross-origin-resource-policy", b"same-origin"),
]


def _with_headers(response: Response) -> Response:
    for k, v in _SECURITY_HEADERS:
        response.headers[k.decode()] = v.decode()
    return response


def scope_raw_path(request: Request) -> str:
    raw = request.scope.get("raw_path")
    return raw.decode("latin-1") if raw else request.scope.get("path", "")


def _host_allowed(host: str, allowed: set[str]) -> bool:
    return host.lower() in allowed


def allowed_hosts(host: str, port: int) -> set[str]:
    """Host headers the page may arrive with: the bound host, localhost and 127.0.0.1, each with the port."""
    names = {host, "localhost", "127.0.0.1", "[::1]"}
    if _is_wildcard(host):  # bound to every interface: any IP literal (DNS rebinding needs a name)
        names |= {a for a in _local_addresses()}
    return {f"{_url_host(n)}:{port}".lower() for n in names}


def _is_wildcard(host: str) -> bool:
    return host in ("0.0.0.0", "::", "")


def _local_addresses() -> set[str]:
    try:
        return {str(info[4][0]) for info in socket.getaddrinfo(socket.gethostname(), None)}
    except OSError:
        return set()


def _url_host(host: str) -> str:
    try:
        return f"[{host.strip('[]')}]" if ipaddress.ip_address(host.strip("[]")).version == 6 else host
    except ValueError:
        return host


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def create_app(session: Session, hub: Hub, token: str, *, hosts: set[str] | None, cookie: str = "placard_preview",
               static_dir: Path = STATIC_DIR, lifespan=None) -> Guard:
    """The ASGI app: page, static files, state, events, renders and downloads, all behind Guard."""

    async def index(request: Request) -> Response:
        response = _static(static_dir, "index.html")
        if request.query_params.get("token") == token:
            response.set_cookie(cookie, token, httponly=True, samesite="strict", path="/")
        return response

    async def static(request: Request) -> Response:
        return _static(static_dir, request.path_params["name"])

    async def state(request: Request) -> Response:
        return JSONResponse(state_json(session.state, str(request.base_url), token), headers={"cache-control": "no-store"})

    async def events(request: Request) -> Response:
        q: asyncio.Queue = asyncio.Queue(maxsize=1)
        hub.queues.add(q)
        base = str(request.base_url)

        async def stream():
            try:
                yield _event(session.state, base, token)
                while not hub.closed:
                    try:
                        item = await asyncio.wait_for(q.get(), KEEPALIVE_S)
                    except asyncio.TimeoutError:
                        yield ": keep-alive\n\n"
                        continue
                    if item is None:
                        break
                    yield _event(item, base, token)
            finally:
                hub.queues.discard(q)

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"cache-control": "no-store"})

    async def render(request: Request) -> Response:
        r = session.state.render
        if r is None or r.build != request.path_params["build"]:
            return PlainTextResponse("not found", status_code=404)
        return Response(r.png, media_type="image/png", headers={"cache-control": "private, max-age=3600, immutable"})

    async def download(request: Request) -> Response:
        fmt = request.path_params["fmt"]
        if fmt not in DOWNLOAD_FORMATS:
            return PlainTextResponse("not found", status_code=404)
        data = await session.run(session.download, request.path_params["build"], fmt)
        if data is None:
            return PlainTextResponse("not found", status_code=404)
        r = session.state.render
        name = f"{r.loaded.name if r else 'poster'}.{fmt}"
        headers = {"content-disposition": f'attachment; filename="{name}"', "cache-control": "no-store"}
        if fmt == "svg":  # never run as a document, even if opened directly
            headers["content-security-policy"] = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
        return Response(data, media_type=MEDIA_TYPES[fmt], headers=headers)

    async def select(request: Request) -> Response:
        try:
            body = await request.json()
            size = body.get("size") or None
            row = int(body["row"]) if body.get("row") not in (None, "") else None
        except (ValueError, TypeError, AttributeError, KeyError):
            return PlainTextResponse("bad selection", status_code=400)
        session.selection = {k: v for k, v in (("size", size), ("row", row)) if v is not None}
        request.app.state.rebuild()
        return JSONResponse({"selection": session.selection})

    routes = [
        Route("/", index), Route("/static/{name}", static), Route("/state", state), Route("/events", events),
        Route("/render/{build:int}.png", render), Route("/download/{build:int}.{fmt}", download),
        Route("/select", select, methods=["POST"]),
    ]
    app = Starlette(routes=routes, lifespan=lifespan)
    app.state.rebuild = lambda: None
    guarded = Guard(app, token, hosts, cookie)
    guarded.starlette = app
    return guarded


def _event(state: State, base: str, token: str) -> str:
    return "data: " + json.dumps(state_json(state, base, token), ensure_ascii=False) + "\n\n"


def _static(static_dir: Path, name: str) -> Response:
    """One of the page's own files; anything else (other names, symlinks, folders) is 404."""
    path = static_dir / name
    if not STATIC_NAME.match(name) or path.is_symlink() or not path.is_file() or path.resolve().parent != static_dir.resolve():
        return PlainTextResponse("not found", status_code=404)
    return FileResponse(path, headers={"cache-control": "no-cache"})


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port; a port in use falls back to a free one (port 0: any free port)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    for p in (port, 0) if port else (0,):
        sock = socket.socket(family, socket.SOCK_STREAM)
        if sys.platform != "win32":  # lets a restart reuse the port at once; a listening process still holds it
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host.strip("[]"), p))
        except OSError as e:
            sock.close()
            if p == 0 or e.errno not in (98, 48, 10048):  # EADDRINUSE on Linux, macOS, Windows
                from composer.core.errors import PlacardError

                raise PlacardError(f"cannot listen on {host}:{p}: {e.strerror}") from None
            print(f"port {port} is in use; using a free one", file=sys.stderr)
            continue
        sock.listen(64)
        sock.setblocking(False)
        return sock
    raise AssertionError("unreachable")
