/**
 * The `/metrics` endpoint: a small `node:http` server, on loopback unless
 * told otherwise.
 *
 * @module
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { InvalidOptionError } from '../errors.js';
import { describeValue, integerAtLeast } from '../util/options.js';
import { MetricsServerError } from './errors.js';

/** Options of `MetricsCollector.serve()`. */
export interface ServeOptions {
  /**
   * The TCP port; 0 picks a free one (read it back from `url`).
   * @default 9464
   */
  readonly port?: number;
  /**
   * The address to listen on. Anything but loopback exposes the metrics to the network.
   * @default '127.0.0.1'
   */
  readonly host?: string;
}

/** A running `/metrics` endpoint. */
export interface MetricsServer {
  /** Where to scrape it, e.g. `http://127.0.0.1:9464/metrics`. */
  readonly url: string;
  /** Stops listening and drops open connections. Idempotent. */
  close(): Promise<void>;
}

/** What the endpoint serves. @internal */
export interface Exposition {
  /** The exposition text. */
  text(): Promise<string>;
  /** Its content type. */
  readonly contentType: string;
}

/**
 * Serves `GET /metrics` (and `HEAD`) from `exposition`; 404 for other paths,
 * 405 for other methods, 500 when the text cannot be built.
 *
 * @throws {@link MetricsServerError} when the server cannot listen; `InvalidOptionError` for a bad port or host.
 * @internal
 */
export async function serveMetrics(exposition: Exposition, options: ServeOptions = {}): Promise<MetricsServer> {
  const port = integerAtLeast('port', options.port, 9464, 0);
  if (port > 65_535) throw new InvalidOptionError(`Expected \`port\` to be an integer from 0 to 65535, got ${describeValue(port)}`);
  const host = options.host ?? '127.0.0.1';
  if (typeof host !== 'string' || host === '') throw new InvalidOptionError(`Expected \`host\` to be a non-empty string, got ${describeValue(host)}`);

  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== '/metrics') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not found; metrics are at /metrics\n');
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' }).end('Method not allowed\n');
      return;
    }
    exposition.text().then(
      (text) => response.writeHead(200, { 'content-type': exposition.contentType }).end(request.method === 'HEAD' ? undefined : text),
      (error: unknown) => response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' }).end(`${String(error)}\n`),
    );
  });
  const address = `${host}:${port}`;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(new MetricsServerError(address, `cannot listen: ${error.message}`, error)));
    server.listen(port, host, () => resolve());
  });
  const bound = server.address() as AddressInfo;
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${shownHost}:${bound.port}/metrics`,
    close: () =>
      (closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      })),
  };
}
