"""A bare FastAPI app on uvicorn (uvloop, httptools): the framework's defaults and the
one route the benchmark loads, answered as the skeleton answers it. /readyz is only for
the benchmark's boot check."""

import os

import uvicorn
from fastapi import FastAPI
from fastapi.responses import JSONResponse

app = FastAPI()


@app.get("/livez")
async def livez() -> JSONResponse:
    return JSONResponse({"status": "ok"})


@app.get("/readyz")
async def readyz() -> JSONResponse:
    return JSONResponse({"status": "ready"})


if __name__ == "__main__":
    uvicorn.run(
        app,
        host=os.environ.get("HOST") or "127.0.0.1",
        port=int(os.environ.get("PORT") or 8000),
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
    )
