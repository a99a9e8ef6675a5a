"""FastAPI with pydantic on uvicorn, a peer of Sweet's benchmark server (bench/run-peers.sh).

  cd bench/peers/fastapi && /usr/bin/python3 -m uvicorn app:app --host 127.0.0.1 --port 8000 \
      --workers 1 --no-access-log --loop uvloop --http httptools

Everything comes from Debian (bookworm): python3-fastapi 0.92, python3-pydantic 1.10 (the pure-Python
build: `pydantic.compiled` is False), python3-uvicorn 0.17, python3-uvloop, python3-httptools and
python3-email-validator (for EmailStr). PyPI is not used.

  GET  /plaintext          -> 200 text/plain "Hello, World!"
  GET  /json               -> 200 application/json {"message":"Hello, World!"}
  POST /validated/{id}     -> the validated route: `id` an integer path parameter, the JSON body an
                              Order (the same constraints as Sweet's and Elysia's), unknown fields
                              refused; 200 with an OrderReceipt, or 422 with pydantic's errors.
"""
from fastapi import FastAPI
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, EmailStr, Extra, conint, conlist, constr, confloat


class Order(BaseModel):
    """The request body; mirrors `Order` in bench/servers/sweet_bench_server.cpp."""

    customer: constr(min_length=1, max_length=64)
    email: EmailStr
    quantity: conint(ge=1, le=1000)
    unit_price: confloat(gt=0)
    notes: conlist(str, max_items=8)

    class Config:
        extra = Extra.forbid  # unknown fields are an error, as in Sweet's and Elysia's schemas


class OrderReceipt(BaseModel):
    """The response body; mirrors `OrderReceipt` in bench/servers/sweet_bench_server.cpp."""

    id: int
    customer: str
    email: str
    quantity: int
    total: float
    notes: int


app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)


@app.get("/plaintext", response_class=PlainTextResponse)
def plaintext():
    return "Hello, World!"


@app.get("/json")
async def json_hello():
    return {"message": "Hello, World!"}


# `async def`: runs on the event loop (a plain `def` would go through the thread pool, slower).
@app.post("/validated/{id}", response_model=OrderReceipt)
async def validated(id: int, order: Order):
    return OrderReceipt(id=id, customer=order.customer, email=order.email, quantity=order.quantity,
                        total=order.quantity * order.unit_price, notes=len(order.notes))
