// Elysia on Bun, a peer of Sweet's benchmark server (bench/run-peers.sh).
// GET /plaintext -> 200 text/plain "Hello, World!"; GET /json -> 200 application/json {"message":"Hello, World!"}
import { Elysia } from 'elysia'

const port = Number(process.env.PORT ?? 3000)

new Elysia()
  .get('/plaintext', () => 'Hello, World!')
  .get('/json', () => ({ message: 'Hello, World!' }))
  // idleTimeout is in seconds (Bun's maximum is 255); the idle-connection measurement holds
  // connections for a few seconds only.
  .listen({ hostname: '127.0.0.1', port, idleTimeout: 255 })

console.log(`elysia: listening on http://127.0.0.1:${port}`)
