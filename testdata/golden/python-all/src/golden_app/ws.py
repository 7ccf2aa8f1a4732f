"""WebSocket echo: each message comes back with the same frame type."""

from fastapi import APIRouter, WebSocket

router = APIRouter()

MESSAGE_TOO_BIG = 1009


@router.websocket("/v1/ws/echo")
async def echo(websocket: WebSocket) -> None:
    limit: int = websocket.app.state.settings.ws_max_message_bytes
    await websocket.accept()
    while True:
        message = await websocket.receive()
        if message["type"] == "websocket.disconnect":
            return
        text, data = message.get("text"), message.get("bytes")
        size = len(text.encode("utf-8")) if text is not None else len(data or b"")
        # uvicorn enforces the same limit (ws_max_size); this covers other servers.
        if size > limit:
            await websocket.close(MESSAGE_TOO_BIG)
            return
        if text is not None:
            await websocket.send_text(text)
        else:
            await websocket.send_bytes(data or b"")
