/**
 * A local stand-in for the Anthropic Messages API, enough to drive the real
 * Claude Code CLI offline in end-to-end tests.
 *
 * Usage:
 *
 * ```ts
 * const api = await startMessagesApiStub();
 * afterAll(() => api.close());
 * const home = await createClaudeCodeHome(directory); // HOME with onboarding done
 * // start `claude` in a tmux pane with { ...claudeCodeEnvironment(api), HOME: home }
 * api.enqueue(
 *   { kind: 'tool_use', name: 'Bash', input: { command: 'echo hi', description: 'Say hi' } },
 *   { kind: 'text', text: 'Done.' },
 * );
 * // type a prompt into the pane, then:
 * await retryUntil(() => api.turnRequests().length === 1);
 * expect(lastUserText(api.turnRequests()[0]!)).toBe('exactly what was typed');
 *
 * api.enqueue({ kind: 'text', text: 'Slow.', deltas: 20, deltaDelayMs: 500 }); // ~10 s "working"
 * api.enqueue({ kind: 'error', status: 500, times: 3 }); // with CLAUDE_CODE_MAX_RETRIES=2: "API Error: 500 …"
 * api.enqueue({ kind: 'rate_limit', retryAfterSeconds: 4, unifiedLimit: 'five_hour', times: 3 });
 * ```
 *
 * Claude Code retries 429, 500 and 529 on its own (10 retries by default,
 * about 3 minutes, honouring `retry-after`): script `times` to outlast them,
 * or set `CLAUDE_CODE_MAX_RETRIES` in its environment.
 *
 * Only conversation turns (requests that offer the model tools) take scripted
 * responses from the queue, in order; the CLI's side requests (session
 * titles and the like: requests with no tools) never eat a script. They get
 * a JSON object fitting the requested schema when they ask for structured
 * output, else the default text, as do turns that find the queue empty.
 * Every request, to any path, is logged byte-exact in {@link MessagesApiStub.requests}.
 * Unknown paths are answered `200 {}`.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

/** Fields shared by every scripted response. */
interface ScriptedResponseBase {
  /**
   * How many turns this response answers before it leaves the queue
   * (`Infinity` keeps it for good, e.g. to outlast the CLI's retries).
   * @default 1
   */
  readonly times?: number;
}

/** A streamed text reply. */
export interface TextResponse extends ScriptedResponseBase {
  readonly kind: 'text';
  /** The reply. */
  readonly text: string;
  /**
   * Number of `text_delta` events the text is cut into.
   * @default 1
   */
  readonly deltas?: number;
  /**
   * Pause before each delta, in milliseconds: a slow stream keeps the CLI
   * in its working state for about `deltas × deltaDelayMs`.
   * @default 0
   */
  readonly deltaDelayMs?: number;
}

/** A reply that asks to run a tool (Claude Code then asks for approval). */
export interface ToolUseResponse extends ScriptedResponseBase {
  readonly kind: 'tool_use';
  /** The tool, e.g. `'Bash'`. */
  readonly name: string;
  /** The tool's input, e.g. `{ command: 'ls', description: 'List files' }`. */
  readonly input: Readonly<Record<string, unknown>>;
  /** Text streamed before the tool call. */
  readonly text?: string;
}

/** An HTTP error with an Anthropic error body, e.g. 500 `api_error` or 529 `overloaded_error`. */
export interface ErrorResponse extends ScriptedResponseBase {
  readonly kind: 'error';
  /** HTTP status. */
  readonly status: number;
  /**
   * `error.type` in the body.
   * @default 'api_error' (or 'overloaded_error' for 529)
   */
  readonly type?: string;
  /**
   * `error.message` in the body.
   * @default 'Internal server error' (or 'Overloaded' for 529)
   */
  readonly message?: string;
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** A 429 with `retry-after` and `anthropic-ratelimit-*` headers. */
export interface RateLimitResponse extends ScriptedResponseBase {
  readonly kind: 'rate_limit';
  /**
   * Value of `retry-after`, in seconds; `null` sends no `retry-after`.
   * @default 60
   */
  readonly retryAfterSeconds?: number | null;
  /**
   * When the limits reset (the `anthropic-ratelimit-*-reset` headers).
   * @default now + retryAfterSeconds (or 60 s)
   */
  readonly resetAt?: Date;
  /**
   * Also send the subscription ("unified") limit headers with this limit as
   * the one hit (`anthropic-ratelimit-unified-status: rejected`,
   * `…-unified-reset`, `…-unified-representative-claim`). Claude Code then
   * names the limit and shows the reset time ("Session limit reached ·
   * Retrying in … (6:50am)"), and without `retry-after` it waits until then.
   */
  readonly unifiedLimit?: 'five_hour' | 'seven_day' | 'seven_day_opus' | 'seven_day_sonnet';
  /**
   * `error.message` in the body.
   * @default 'Number of requests has exceeded your rate limit …'
   */
  readonly message?: string;
  /** Extra response headers (they win over the generated ones). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** One entry of the stub's script. */
export type ScriptedResponse = TextResponse | ToolUseResponse | ErrorResponse | RateLimitResponse;

/** One request the stub received, as it arrived. */
export interface LoggedRequest {
  /** HTTP method. */
  readonly method: string;
  /** Path and query string, e.g. `/v1/messages?beta=true`. */
  readonly url: string;
  /** Path without the query string. */
  readonly path: string;
  /** Request headers (lower-case names). */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The raw body, byte-exact. */
  readonly body: Buffer;
  /** The body parsed as JSON, or `undefined` if it is not JSON. */
  readonly json: unknown;
  /** A conversation turn: `POST /v1/messages` offering the model tools. */
  readonly turn: boolean;
  /**
   * What answered it: the kind of scripted response it took, `'default'` (a
   * turn that found the script empty), `'side'` (a `POST /v1/messages`
   * without tools), or `'other'` (any other path).
   */
  readonly answeredWith: ScriptedResponse['kind'] | 'default' | 'side' | 'other';
  /** `Date.now()` on arrival. */
  readonly receivedAt: number;
}

/** Options of {@link startMessagesApiStub}. */
export interface MessagesApiStubOptions {
  /**
   * Reply to turns that find the queue empty and to side requests.
   * @default 'OK.'
   */
  readonly defaultText?: string;
  /** Called once per request, e.g. `(r) => console.error(r.method, r.url)`. */
  readonly onRequest?: (request: LoggedRequest) => void;
}

/** A running stub. */
export interface MessagesApiStub {
  /** Base URL for `ANTHROPIC_BASE_URL`, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The port it listens on (127.0.0.1 only). */
  readonly port: number;
  /** Every request received, oldest first. */
  readonly requests: readonly LoggedRequest[];
  /** Appends responses to the script. */
  enqueue(...responses: ScriptedResponse[]): void;
  /** Scripted responses not used yet (counting `times`). */
  readonly pending: number;
  /** Drops every scripted response not used yet. */
  clearScript(): void;
  /** The logged requests that were conversation turns (`POST /v1/messages` offering tools), oldest first. */
  turnRequests(): LoggedRequest[];
  /** Stops listening and ends open streams. Idempotent. */
  close(): Promise<void>;
  /** Same as `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void>;
}

interface QueueEntry {
  readonly response: ScriptedResponse;
  remaining: number;
}

interface MessagesRequestBody {
  readonly model?: unknown;
  readonly output_config?: unknown;
  readonly stream?: unknown;
  readonly tools?: unknown;
  readonly messages?: unknown;
}

/** The model the stub reports unless the request names one. */
const DEFAULT_MODEL = 'claude-sonnet-4-5';

/**
 * Starts the stub on 127.0.0.1 with an ephemeral port.
 *
 * @example
 * await using api = await startMessagesApiStub({ defaultText: 'Hello.' });
 */
export async function startMessagesApiStub(options: MessagesApiStubOptions = {}): Promise<MessagesApiStub> {
  const defaultText = options.defaultText ?? 'OK.';
  const requests: LoggedRequest[] = [];
  const queue: QueueEntry[] = [];
  const openResponses = new Set<ServerResponse>();

  const takeScripted = (): ScriptedResponse | undefined => {
    const head = queue[0];
    if (head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining <= 0) queue.shift();
    return head.response;
  };

  const server = createServer((request, response) => {
    openResponses.add(response);
    response.on('close', () => openResponses.delete(response));
    void readBody(request).then(async (body) => {
      const path = (request.url ?? '/').split('?')[0] ?? '/';
      const json = parseJson(body);
      const isMessages = request.method === 'POST' && path === '/v1/messages';
      const messagesBody = isMessages && isObject(json) ? (json as MessagesRequestBody) : undefined;
      const isTurn = messagesBody !== undefined && Array.isArray(messagesBody.tools) && messagesBody.tools.length > 0;
      const scripted = isTurn ? takeScripted() : undefined;
      const answeredWith = scripted?.kind ?? (isTurn ? 'default' : isMessages ? 'side' : 'other');
      const logged: LoggedRequest = {
        method: request.method ?? 'GET',
        url: request.url ?? '/',
        path,
        headers: request.headers,
        body,
        json,
        turn: isTurn,
        answeredWith,
        receivedAt: Date.now(),
      };
      requests.push(logged);
      options.onRequest?.(logged);
      if (messagesBody !== undefined) {
        const model = typeof messagesBody.model === 'string' ? messagesBody.model : DEFAULT_MODEL;
        const stream = messagesBody.stream === true;
        const fallback = isTurn ? defaultText : (structuredOutputSample(messagesBody) ?? defaultText);
        await answerMessages(response, scripted ?? { kind: 'text', text: fallback }, model, stream);
      } else {
        answerOtherEndpoint(response, request.method ?? 'GET', path, json);
      }
    }).catch((error: unknown) => {
      if (!response.headersSent) sendJson(response, 500, errorBody('api_error', String(error)));
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= new Promise<void>((resolve) => {
      for (const open of openResponses) open.destroy();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closing;
  };

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    enqueue(...responses) {
      for (const response of responses) {
        const times = response.times ?? 1;
        if (!(times >= 1)) throw new RangeError(`Expected \`times\` to be at least 1, got \`${String(times)}\``);
        queue.push({ response, remaining: times });
      }
    },
    get pending() {
      return queue.reduce((sum, entry) => sum + entry.remaining, 0);
    },
    clearScript() {
      queue.length = 0;
    },
    turnRequests() {
      return requests.filter((request) => request.turn);
    },
    close,
    [Symbol.asyncDispose]: close,
  };
}

/**
 * The environment that points Claude Code at the stub: base URL, a dummy API
 * key, and no traffic to anything else (telemetry, update checks).
 */
export function claudeCodeEnvironment(stub: Pick<MessagesApiStub, 'url'>): Record<string, string> {
  return {
    ANTHROPIC_BASE_URL: stub.url,
    ANTHROPIC_API_KEY: 'sk-ant-api03-offline-test-key',
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
  };
}

/**
 * Makes `directory` a HOME in which Claude Code skips its onboarding (theme,
 * login). It still asks whether to trust the working folder and whether to
 * use the API key from the environment; pass `trustedFolders` and
 * `approvedApiKey` to answer those in advance.
 *
 * @returns `directory`
 */
export async function createClaudeCodeHome(
  directory: string,
  answers: { readonly trustedFolders?: readonly string[]; readonly approvedApiKey?: string } = {},
): Promise<string> {
  await mkdir(directory, { recursive: true });
  const projects = Object.fromEntries(
    (answers.trustedFolders ?? []).map((folder) => [folder, { hasTrustDialogAccepted: true }]),
  );
  const config = {
    hasCompletedOnboarding: true,
    ...(answers.approvedApiKey === undefined
      ? {}
      : { customApiKeyResponses: { approved: [answers.approvedApiKey.slice(-20)], rejected: [] } }),
    ...(answers.trustedFolders === undefined ? {} : { projects }),
  };
  await writeFile(join(directory, '.claude.json'), JSON.stringify(config, null, 2) + '\n');
  return directory;
}

/**
 * What the user typed or pasted for a logged `/v1/messages` turn: the last
 * text block of the last `user` message (Claude Code puts context such as
 * `<system-reminder>` blocks before it), or `undefined`.
 */
export function lastUserText(request: LoggedRequest): string | undefined {
  if (!isObject(request.json)) return undefined;
  const messages = (request.json as MessagesRequestBody).messages;
  if (!Array.isArray(messages)) return undefined;
  const last: unknown = messages.findLast((message: unknown) => isObject(message) && message['role'] === 'user');
  if (!isObject(last)) return undefined;
  const content = last['content'];
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return undefined;
  const block: unknown = content.findLast((b: unknown) => isObject(b) && b['type'] === 'text');
  return isObject(block) && typeof block['text'] === 'string' ? block['text'] : undefined;
}

async function answerMessages(
  response: ServerResponse,
  scripted: ScriptedResponse,
  model: string,
  stream: boolean,
): Promise<void> {
  switch (scripted.kind) {
    case 'error': {
      const overloaded = scripted.status === 529;
      const type = scripted.type ?? (overloaded ? 'overloaded_error' : 'api_error');
      const message = scripted.message ?? (overloaded ? 'Overloaded' : 'Internal server error');
      sendJson(response, scripted.status, errorBody(type, message), scripted.headers);
      return;
    }
    case 'rate_limit': {
      sendJson(response, 429, errorBody('rate_limit_error', scripted.message ?? RATE_LIMIT_MESSAGE), {
        ...rateLimitHeaders(scripted),
        ...scripted.headers,
      });
      return;
    }
    case 'text':
    case 'tool_use': {
      const message = buildMessage(scripted, model);
      if (!stream) {
        sendJson(response, 200, message);
        return;
      }
      await streamMessage(response, scripted, message);
      return;
    }
  }
}

interface AssistantMessage {
  readonly id: string;
  readonly type: 'message';
  readonly role: 'assistant';
  readonly model: string;
  readonly content: readonly ContentBlock[];
  readonly stop_reason: 'end_turn' | 'tool_use';
  readonly stop_sequence: null;
  readonly usage: { readonly input_tokens: number; readonly output_tokens: number };
}

type ContentBlock =
  | { readonly type: 'text'; readonly text: string }
  | { readonly type: 'tool_use'; readonly id: string; readonly name: string; readonly input: Readonly<Record<string, unknown>> };

const RATE_LIMIT_MESSAGE =
  'Number of requests has exceeded your rate limit (https://docs.claude.com/en/api/rate-limits). Please try again later or contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.';

/** The headers of a 429 as the real API sends them. */
function rateLimitHeaders(scripted: RateLimitResponse): Record<string, string> {
  const retryAfter = scripted.retryAfterSeconds === undefined ? 60 : scripted.retryAfterSeconds;
  const resetAt = scripted.resetAt ?? new Date(Date.now() + (retryAfter ?? 60) * 1000);
  const reset = resetAt.toISOString();
  const headers: Record<string, string> = {};
  if (retryAfter !== null) headers['retry-after'] = String(retryAfter);
  for (const [limit, value] of [
    ['requests', '50'],
    ['tokens', '40000'],
    ['input-tokens', '30000'],
    ['output-tokens', '8000'],
  ] as const) {
    headers[`anthropic-ratelimit-${limit}-limit`] = value;
    headers[`anthropic-ratelimit-${limit}-remaining`] = '0';
    headers[`anthropic-ratelimit-${limit}-reset`] = reset;
  }
  if (scripted.unifiedLimit !== undefined) {
    const resetSeconds = String(Math.ceil(resetAt.getTime() / 1000));
    headers['anthropic-ratelimit-unified-status'] = 'rejected';
    headers['anthropic-ratelimit-unified-reset'] = resetSeconds;
    headers['anthropic-ratelimit-unified-representative-claim'] = scripted.unifiedLimit;
  }
  return headers;
}

function buildMessage(scripted: TextResponse | ToolUseResponse, model: string): AssistantMessage {
  const content: ContentBlock[] = [];
  if (scripted.kind === 'text') content.push({ type: 'text', text: scripted.text });
  else {
    if (scripted.text !== undefined) content.push({ type: 'text', text: scripted.text });
    content.push({ type: 'tool_use', id: `toolu_${randomId()}`, name: scripted.name, input: scripted.input });
  }
  const outputTokens = Math.max(1, Math.ceil(JSON.stringify(content).length / 4));
  return {
    id: `msg_${randomId()}`,
    type: 'message',
    role: 'assistant',
    model,
    content,
    stop_reason: scripted.kind === 'tool_use' ? 'tool_use' : 'end_turn',
    stop_sequence: null,
    usage: { input_tokens: 100, output_tokens: outputTokens },
  };
}

async function streamMessage(
  response: ServerResponse,
  scripted: TextResponse | ToolUseResponse,
  message: AssistantMessage,
): Promise<void> {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'request-id': `req_${randomId()}`,
  });
  const send = (event: string, data: unknown): void => {
    if (!response.destroyed) response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  send('message_start', {
    type: 'message_start',
    message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 100, output_tokens: 1 } },
  });
  send('ping', { type: 'ping' });
  const deltas = scripted.kind === 'text' ? Math.max(1, scripted.deltas ?? 1) : 1;
  const deltaDelayMs = scripted.kind === 'text' ? (scripted.deltaDelayMs ?? 0) : 0;
  for (const [index, block] of message.content.entries()) {
    if (block.type === 'text') {
      send('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      for (const piece of splitInto(block.text, deltas)) {
        if (deltaDelayMs > 0) await delay(deltaDelayMs);
        if (response.destroyed) return;
        send('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } });
      }
    } else {
      send('content_block_start', {
        type: 'content_block_start',
        index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} },
      });
      send('content_block_delta', {
        type: 'content_block_delta',
        index,
        delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) },
      });
    }
    send('content_block_stop', { type: 'content_block_stop', index });
  }
  send('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: message.stop_reason, stop_sequence: null },
    usage: { output_tokens: message.usage.output_tokens },
  });
  send('message_stop', { type: 'message_stop' });
  response.end();
}

function answerOtherEndpoint(response: ServerResponse, method: string, path: string, json: unknown): void {
  if (method === 'POST' && path === '/v1/messages/count_tokens') {
    const size = isObject(json) ? JSON.stringify(json).length : 0;
    sendJson(response, 200, { input_tokens: Math.max(1, Math.ceil(size / 4)) });
    return;
  }
  if (method === 'GET' && path === '/v1/models') {
    sendJson(response, 200, {
      data: [{ type: 'model', id: DEFAULT_MODEL, display_name: 'Claude Sonnet 4.5', created_at: '2025-09-29T00:00:00Z' }],
      has_more: false,
      first_id: DEFAULT_MODEL,
      last_id: DEFAULT_MODEL,
    });
    return;
  }
  sendJson(response, 200, {});
}

/**
 * For a request that asks for JSON output (`output_config.format` of type
 * `json_schema`, as Claude Code's title requests do), a JSON text that fits
 * the schema; otherwise `undefined`.
 */
function structuredOutputSample(body: MessagesRequestBody): string | undefined {
  const config = body.output_config;
  if (!isObject(config) || !isObject(config['format']) || config['format']['type'] !== 'json_schema') return undefined;
  return JSON.stringify(sampleOfSchema(config['format']['schema']));
}

/** A small value of the JSON schema's type (objects get every listed property). */
function sampleOfSchema(schema: unknown): unknown {
  if (!isObject(schema)) return null;
  switch (schema['type']) {
    case 'object': {
      const properties = isObject(schema['properties']) ? schema['properties'] : {};
      return Object.fromEntries(Object.entries(properties).map(([name, inner]) => [name, sampleOfSchema(inner)]));
    }
    case 'string':
      return 'Offline session';
    case 'number':
    case 'integer':
      return 0;
    case 'boolean':
      return false;
    case 'array':
      return [];
    default:
      return null;
  }
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Readonly<Record<string, string>> = {},
): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(payload),
    'request-id': `req_${randomId()}`,
    ...headers,
  });
  response.end(payload);
}

function errorBody(type: string, message: string): unknown {
  return { type: 'error', error: { type, message } };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function parseJson(body: Buffer): unknown {
  if (body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Cuts `text` into `count` pieces of about equal length (by code point). */
function splitInto(text: string, count: number): string[] {
  const chars = [...text];
  const size = Math.max(1, Math.ceil(chars.length / count));
  const pieces: string[] = [];
  for (let start = 0; start < chars.length; start += size) pieces.push(chars.slice(start, start + size).join(''));
  return pieces.length === 0 ? [''] : pieces;
}

function randomId(): string {
  return randomBytes(12).toString('hex');
}
