"""Web push helpers: hostile endpoints, a listener that must never be reached, decryption."""
import base64
import json
import socket
import threading
from contextlib import contextmanager

import http_ece

from app.sandbox.webpush import subscription_keys

# Endpoints that must never be called; {port} is a local listener ("the internal service").
# The comment says which parser saw what: the allow-list's (urlsplit) against the client's
# (requests, then urllib3).
PARSER_TRICKS = [
    "https://localhost:{port}\\@fcm.googleapis.com/wp/x",  # urlsplit: fcm; client: localhost
    "https://127.0.0.1:{port}\\@fcm.googleapis.com/wp/x",
    "https://fcm.googleapis.com\\@127.0.0.1:{port}/wp/x",
    "https://fcm.googleapis.com/wp\\x",  # a backslash anywhere
    "https://localhost:{port}#@fcm.googleapis.com/wp/x",  # fragment before the @
    "https://localhost:{port}?@fcm.googleapis.com/wp/x",  # query before the @
    "https://localhost:{port}/@fcm.googleapis.com/wp/x",
    "https://fcm.googleapis.com@localhost:{port}/wp/x",  # user info
    "https://fcm.googleapis.com:443@localhost:{port}/wp/x",
    "https://user:secret@fcm.googleapis.com/wp/x",
    "https://fcm.googleapis.com\t/wp/x",  # whitespace and control characters
    "https://fcm.googleapis.com/wp/x\n",
    "https://fcm.google\napis.com/wp/x",
    " https://fcm.googleapis.com/wp/x",
    "https://fcm.googleapis.com\x00/wp/x",
    "https://fcm.googleapis.com。/wp/x",  # an ideographic full stop
    "https://fcm．googleapis.com/wp/x",  # a fullwidth full stop
    "https://fcm.googleapis.com./wp/x",  # a trailing dot
    "https://FCM.googleapis.com/wp/x",  # not lowercase
    "HTTPS://fcm.googleapis.com/wp/x",
    "https://fcm.googleapis%2ecom/wp/x",  # a percent-encoded host
    "https://fcm%2Egoogleapis.com/wp/x",
    "https://fcm.googleapis.com%00/wp/x",
    "https://[::1]:{port}/wp/x",  # IP literals
    "https://[::ffff:127.0.0.1]:{port}/wp/x",
    "https://[::1]/wp/x",
    "https://127.0.0.1:{port}/wp/x",
    "https://127.0.0.1/wp/x",
    "https://2130706433/wp/x",
    "https://0x7f.1/wp/x",
    "https://0x7f000001/wp/x",
    "https://017700000001/wp/x",
    "https://127.1/wp/x",
    "https://169.254.169.254/latest/meta-data",
    "https://localhost:{port}/wp/x",  # not a push service
    "https://localhost/wp/x",
    "https://fcm.googleapis.com.evil.example/wp/x",
    "https://evilfcm.googleapis.com.example/wp/x",
    "https://fcm.googleapis.com:{port}/wp/x",  # ports
    "https://fcm.googleapis.com:0/wp/x",
    "https://fcm.googleapis.com:8443/wp/x",
    "https://fcm.googleapis.com:0443/wp/x",
    "https://fcm.googleapis.com:/wp/x",
    "http://fcm.googleapis.com/wp/x",  # schemes and shapes
    "https:fcm.googleapis.com/wp/x",
    "https:/fcm.googleapis.com/wp/x",
    "https:///fcm.googleapis.com/wp/x",
    "//fcm.googleapis.com/wp/x",
    "https://fcm.googleapis.com/wp/x#fragment",
    "https://fcm.googleapis.com/wp/x%41",  # the client would decode it: not canonical
]


# The sandbox's private origin, but not exactly: another port, user info, a name for it.
PRIVATE_ORIGIN_TRICKS = [
    "https://127.0.0.1:{port}/wp/x",
    "https://user@{sandbox}/wp/x",
    "https://{sandbox}@fcm.googleapis.com/wp/x",
    "https://localhost:{sandbox_port}/wp/x",
    "http://{sandbox}/wp/x",
]


@contextmanager
def local_listener():
    """A local service that must never be reached; yields (port, connections seen)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.1)
    seen: list = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, peer = server.accept()
            except TimeoutError:
                continue
            seen.append(peer)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield server.getsockname()[1], seen
    finally:
        stop.set()
        thread.join()
        server.close()


def hostile(template: str, port: int, sandbox) -> str:
    origin = sandbox.tls_url.removeprefix("https://")
    return template.format(port=port, sandbox=origin, sandbox_port=sandbox.tls_port)


def decrypt(entry: dict, name: str) -> dict:
    key, auth = subscription_keys(name)
    body = base64.urlsafe_b64decode(entry["body"] + "=" * (-len(entry["body"]) % 4))
    assert body[20] == 65 and len(body) <= 4096  # aes128gcm header, ephemeral key id
    return json.loads(http_ece.decrypt(body, private_key=key, auth_secret=auth,
                                       version="aes128gcm"))
