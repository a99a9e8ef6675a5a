'use strict'
// Fastify on Node, a peer of Sweet's benchmark server (bench/run-peers.sh). One process, no cluster.
// GET /plaintext -> 200 text/plain "Hello, World!"; GET /json -> 200 application/json {"message":"Hello, World!"}
const Fastify = require('fastify')

const port = Number(process.env.PORT || 3000)
const app = Fastify({
  logger: false,
  keepAliveTimeout: 3600 * 1000, // keep idle keep-alive connections (the idle-connection measurement)
  connectionTimeout: 0,
  requestTimeout: 0
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

app.listen({ host: '127.0.0.1', port, backlog: 4096 }).then(() => {
  console.log(`fastify: listening on http://127.0.0.1:${port}`)
}, (err) => {
  console.error(err)
  process.exit(1)
})
