"""The ceiling of a web request: an empty Flask endpoint, served by the same gunicorn
settings as Herald's web process (the benchmark's only; never a production route)."""
from flask import Flask, Response

app = Flask("ceiling")
GIF = b"GIF89a\x01\x00\x01\x00\x00\x00\x00;"


@app.post("/api/v1/notifications")
def accept():
    return Response(b'{"notifications":[]}', 202, mimetype="application/json")


@app.get("/o/<token>.gif")
def pixel(token):
    return Response(GIF, mimetype="image/gif")


@app.get("/c/<token>")
def click(token):
    return Response(status=302, headers={"Location": "https://shop.example/sale"})
