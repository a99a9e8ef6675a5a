'use strict'
// Fastify on Node, a peer of Sweet's benchmark server (bench/run-peers.sh). One process, no cluster.
// GET  /plaintext      -> 200 text/plain "Hello, World!"
// GET  /json           -> 200 application/json {"message":"Hello, World!"}
// POST /validated/:id  -> the validated route: integer path parameter, JSON body checked by a JSON schema
//                         (Ajv, compiled once; the same constraints as Sweet's, Elysia's and FastAPI's,
//                         unknown fields refused), 200 with a receipt serialized by its response schema.
const Fastify = require('fastify')

const port = Number(process.env.PORT || 3000)
const app = Fastify({
  logger: false,
  keepAliveTimeout: 3600 * 1000, // keep idle keep-alive connections (the idle-connection measurement)
  connectionTimeout: 0,
  requestTimeout: 0,
  // Fastify's Ajv strips unknown fields by default (removeAdditional: true); refuse them instead,
  // as Sweet, Elysia and FastAPI do on the validated route.
  ajv: { customOptions: { removeAdditional: false } }
})

app.get('/plaintext', (request, reply) => {
  reply.header('content-type', 'text/plain').send('Hello, World!')
})

app.get('/json', {
  schema: {
    response: { 200: { type: 'object', properties: { message: { type: 'string' } } } }
  }
}, (request, reply) => {
  reply.send({ message: 'Hello, World!' })
})

// Mirrors `Order` in bench/servers/sweet_bench_server.cpp.
const order = {
  type: 'object',
  additionalProperties: false,
  required: ['customer', 'email', 'quantity', 'unit_price', 'notes'],
  properties: {
    customer: { type: 'string', minLength: 1, maxLength: 64 },
    email: { type: 'string', format: 'email' },
    quantity: { type: 'integer', minimum: 1, maximum: 1000 },
    unit_price: { type: 'number', exclusiveMinimum: 0 },
    notes: { type: 'array', items: { type: 'string' }, maxItems: 8 }
  }
}
const receipt = {
  type: 'object',
  properties: {
    id: { type: 'integer' },
    customer: { type: 'string' },
    email: { type: 'string' },
    quantity: { type: 'integer' },
    total: { type: 'number' },
    notes: { type: 'integer' }
  }
}

app.post('/validated/:id', {
  schema: {
    params: { type: 'object', properties: { id: { type: 'integer' } }, required: ['id'] },
    body: order,
    response: { 200: receipt }
  }
}, (request, reply) => {
  const o = request.body
  reply.send({
    id: request.params.id,
    customer: o.customer,
    email: o.email,
    quantity: o.quantity,
    total: o.quantity * o.unit_price,
    notes: o.notes.length
  })
})

app.listen({ host: '127.0.0.1', port, backlog: 4096 }).then(() => {
  console.log(`fastify: listening on http://127.0.0.1:${port}`)
}, (err) => {
  console.error(err)
  process.exit(1)
})
