"""What the end-to-end tests share besides fixtures (a module of its own name: `conftest` is ambiguous
when the whole suite is collected at once)."""

from __future__ import annotations

import asyncio
import socket
import threading
from typing import List

# The gateway's API token in every end-to-end run.
API_TOKEN = "e2e-api-token"
# The suite speaks for many visitors from one address, as an integration does: it holds the REST token.
REST_TOKEN = "e2e-rest-token"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class TcpProxy:
    """A TCP proxy to a local server that a test can make refuse connections, as a database that went away.

    Its own event loop in a thread; `refuse()` stops listening and cuts every open connection, `accept()`
    listens again on the same port.
    """

    def __init__(self, target_port: int):
        self.target_port = target_port
        self.port = free_port()
        self._loop = asyncio.new_event_loop()
        self._server = None
        self._open: List = []
        threading.Thread(target=self._loop.run_forever, daemon=True, name="tcp-proxy").start()
        self.accept()

    def _call(self, coroutine):
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(10)

    def accept(self) -> None:
        async def listen():
            self._server = await asyncio.start_server(self._pipe, "127.0.0.1", self.port, reuse_address=True)

        self._call(listen())

    def refuse(self) -> None:
        async def close():
            if self._server is not None:
                self._server.close()
                await self._server.wait_closed()
                self._server = None
            for writer in self._open:
                writer.transport.abort()
            self._open.clear()

        self._call(close())

    async def _pipe(self, reader, writer) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            writer.transport.abort()
            return
        self._open += [writer, up_writer]

        async def copy(source, sink):
            try:
                while data := await source.read(65536):
                    sink.write(data)
                    await sink.drain()
            except (ConnectionError, OSError):
                pass
            finally:
                sink.transport.abort()

        await asyncio.gather(copy(reader, up_writer), copy(up_reader, writer))

    def close(self) -> None:
        self.refuse()
        self._loop.call_soon_threadsafe(self._loop.stop)
