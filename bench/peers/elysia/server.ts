// Elysia on Bun, a peer of Sweet's benchmark server (bench/run-peers.sh).
// GET  /plaintext      -> 200 text/plain "Hello, World!"
// GET  /json           -> 200 application/json {"message":"Hello, World!"}
// POST /validated/:id  -> the validated route: `id` a numeric path parameter, the JSON body an Order
//                         checked by a t.Object schema (the same constraints as Sweet's and FastAPI's,
//                         unknown fields refused), 200 with an OrderReceipt (response schema too), or
//                         422 with Elysia's validation error.
import { Elysia, t } from 'elysia'

const port = Number(process.env.PORT ?? 3000)

// Mirrors `Order` in bench/servers/sweet_bench_server.cpp and bench/peers/fastapi/app.py.
const Order = t.Object(
  {
    customer: t.String({ minLength: 1, maxLength: 64 }),
    email: t.String({ format: 'email' }),
    quantity: t.Integer({ minimum: 1, maximum: 1000 }),
    unit_price: t.Number({ exclusiveMinimum: 0 }),
    notes: t.Array(t.String(), { maxItems: 8 })
  },
  { additionalProperties: false }
)

// Mirrors `OrderReceipt`.
const OrderReceipt = t.Object({
  id: t.Integer(),
  customer: t.String(),
  email: t.String(),
  quantity: t.Integer(),
  total: t.Number(),
  notes: t.Integer()
})

// normalize: false makes additionalProperties: false refuse unknown fields (422), as Sweet and
// FastAPI do; Elysia's default (normalize: true) would strip them silently instead.
new Elysia({ normalize: false })
  .get('/plaintext', () => 'Hello, World!')
  .get('/json', () => ({ message: 'Hello, World!' }))
  .post(
    '/validated/:id',
    ({ params: { id }, body }) => ({
      id,
      customer: body.customer,
      email: body.email,
      quantity: body.quantity,
      total: body.quantity * body.unit_price,
      notes: body.notes.length
    }),
    {
      params: t.Object({ id: t.Numeric() }),
      body: Order,
      response: { 200: OrderReceipt }
    }
  )
  // idleTimeout is in seconds (Bun's maximum is 255); the idle-connection measurement holds
  // connections for a few seconds only.
  .listen({ hostname: '127.0.0.1', port, idleTimeout: 255 })

console.log(`elysia: listening on http://127.0.0.1:${port}`)
