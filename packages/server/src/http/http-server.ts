import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DomainError } from '@collectflow/schema';
import type { Express } from 'express';

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then resolves. */
  close(graceMs?: number): Promise<void>;
}

export async function listen(app: Express, port: number, host?: string): Promise<RunningServer> {
  const server = createServer(app);
  // Slow clients must not hold a connection for ever (headers and request timeouts). Idle
  // keep-alive connections live longer than clients' own idle timeouts (undici's 4 s, load
  // balancers' 60 s), so a client never reuses a socket at the moment the server closes it
  // (ECONNRESET); close() ends idle connections at once, so shutdown stays quick.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 10_000;
  server.requestTimeout = 120_000;
  // While stopping, a keep-alive connection is closed as soon as its last response is sent,
  // instead of lingering until keepAliveTimeout.
  let stopping = false;
  server.on('request', (_req, res) => {
    res.on('finish', () => {
      if (stopping) setImmediate(() => server.closeIdleConnections());
    });
  });
  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      server.off('listening', onListening);
      reject(listenError(error, port));
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://localhost:${actualPort}`,
    port: actualPort,
    server,
    close: (graceMs = 10_000) =>
      new Promise<void>((resolve) => {
        stopping = true;
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      }),
  };
}

function listenError(error: NodeJS.ErrnoException, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new DomainError('server.port_in_use', 'unavailable', `port ${port} is already in use`, {
      hint: 'stop the program using it, or set PORT to another port',
      cause: error,
    });
  }
  if (error.code === 'EACCES') {
    return new DomainError('server.port_forbidden', 'unavailable', `not allowed to listen on port ${port}`, {
      hint: 'use a port above 1023, or set PORT',
      cause: error,
    });
  }
  return error;
}
