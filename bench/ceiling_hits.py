"""The ceiling of a hit: an empty ASGI app served the way the hit server runs
(app.tracking.server.serve, the same HERALD_TRACKING_* settings); the benchmark's only."""
from app.config import Config
from app.tracking.server import serve

GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"
PIXEL = {"type": "http.response.start", "status": 200,
         "headers": [(b"content-type", b"image/gif"), (b"content-length", b"14")]}
REDIRECT = {"type": "http.response.start", "status": 302,
            "headers": [(b"location", b"https://shop.example/sale"), (b"content-length", b"0")]}


async def app(scope, receive, send):
    """A pixel under /o/, a bare 302 elsewhere."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    pixel = scope["path"].startswith("/o/")
    await send(PIXEL if pixel else REDIRECT)
    await send({"type": "http.response.body", "body": GIF if pixel else b""})


def make_app():
    return app


if __name__ == "__main__":
    config = Config()
    serve("bench.ceiling_hits:make_app", config.TRACKING_BIND, config.TRACKING_WORKERS)
