"""A test client's response read to the end, as a browser reads it."""

from __future__ import annotations

from typing import Any


def body(response: Any) -> bytes:
    """The response's content. A streamed file (a routine's media, the favicon) is closed only
    once its last chunk is read, so a test that asks for one and never reads it leaves the file
    open (a ResourceWarning, an error under pytest's filterwarnings)."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return bytes(response.content)
