"""`python -m composer preview SPEC`: a live page that rebuilds the poster whenever a file it reads is saved.

Needs the optional extra `placard[preview]` (starlette, uvicorn, watchfiles).
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import sys
import threading
import webbrowser
from pathlib import Path

from composer.core.errors import PlacardError

__all__ = ["serve", "start"]


def _require_extra() -> None:
    missing = []
    for mod in ("starlette", "uvicorn", "watchfiles"):
        try:
            __import__(mod)
        except ImportError:
            missing.append(mod)
    if missing:
        raise PlacardError(f"preview needs {', '.join(missing)}: pip install 'placard[preview]'")


def start(spec: str | Path, *, host: str = "127.0.0.1", port: int = 0, allow_dirs: tuple[Path, ...] = ()):
    """Bind the socket and make the app; returns (uvicorn.Server, socket, url, session). Nothing runs yet."""
    _require_extra()
    import uvicorn

    from .server import Hub, _url_host, allowed_hosts, bind, create_app
    from .session import Session
    from .watcher import Coalescer, watch

    if not Path(spec).is_file():
        raise PlacardError(f"spec file {str(spec)!r} not found")
    sock = bind(host, port)
    port = sock.getsockname()[1]
    token = secrets.token_urlsafe(24)
    url = f"http://{_url_host(host)}:{port}/?token={token}"
    session = Session(spec, allow_dirs)
    hub = Hub(session)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        async def job(changed: tuple[str, ...]) -> None:
            folders = session.folders
            state = await session.run(session.build, changed)
            hub.publish(state)
            if session.folders != folders:
                rewatch.set()  # the spec now reads from other folders

        coalescer = Coalescer(job)
        stop, rewatch = asyncio.Event(), asyncio.Event()
        app.state.rebuild = coalescer.submit
        tasks = [asyncio.create_task(coalescer.run()),
                 asyncio.create_task(watch(lambda: session.folders, coalescer.submit, stop, rewatch, ignore=session.out_dir))]
        coalescer.submit()
        try:
            yield
        finally:
            stop.set()
            hub.close()
            for t in tasks:
                t.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            session.close()

    app = create_app(session, hub, token, hosts=allowed_hosts(host, port), cookie=f"placard_preview_{port}", lifespan=lifespan)

    class _Server(uvicorn.Server):
        def handle_exit(self, sig, frame):  # end the event streams, or shutdown waits on them
            hub.close()
            super().handle_exit(sig, frame)

    config = uvicorn.Config(app, log_level="warning", lifespan="on", timeout_graceful_shutdown=2, access_log=False)
    return _Server(config), sock, url, session


def serve(spec: str | Path, *, host: str = "127.0.0.1", port: int = 8765, open_browser: bool = True,
          allow_dirs: tuple[Path, ...] = ()) -> int:
    """Run the preview until Ctrl-C; prints `Preview: URL` first. Returns the exit code (0)."""
    from .server import is_loopback

    server, sock, url, session = start(spec, host=host, port=port, allow_dirs=allow_dirs)
    try:
        if not is_loopback(host):  # stderr first: the URL stays the first line on stdout either way
            print(f"warning: --host {host} is not a loopback address: anyone who can reach this machine and has "
                  "the URL with its token can see the poster", file=sys.stderr, flush=True)
        print(f"Preview: {url}", flush=True)
        if open_browser:
            threading.Timer(0.5, webbrowser.open, (url,)).start()
        asyncio.run(server.serve(sockets=[sock]))
    except KeyboardInterrupt:  # uvicorn re-raises the SIGINT it caught, after a clean shutdown
        pass
    finally:
        sock.close()
        session.close()
    print("preview stopped", file=sys.stderr)
    return 0
