import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HouseStyleError, isCancellation, throwIfCancelled } from '../../errors';

export interface BlobUpload {
  /** `sha256:<hex>`, as Ollama names blobs. */
  digest: string;
  /** False when Ollama already had it. */
  uploaded: boolean;
  /** Uploads that failed and were tried again. */
  retries: number;
}

export interface BlobOptions {
  signal?: AbortSignal;
  /** Bytes of this file hashed or sent so far. */
  onBytes?: (phase: 'hashing' | 'uploading', done: number, total: number) => void;
  /** The file's digest when already known (hashed as it was written): skips the hashing pass. */
  digest?: string;
  /** How often a failed upload is tried again (default 2). */
  retries?: number;
  /** How long Ollama may stay silent (no bytes taken, no answer) before an upload or check fails. */
  timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;

/**
 * Pushes one file to Ollama's blob store (`/api/blobs/sha256:…`), which ollama-js has no call for. The file is
 * read as a stream twice at most: once to learn the digest the URL needs (and to skip what Ollama already has,
 * by HEAD), once to send it, hashing the bytes as they leave so that a file changed in between is caught here
 * rather than stored under the wrong name. Memory stays flat whatever the file's size.
 */
export async function pushBlob(host: string, file: string, size: number, options: BlobOptions = {}): Promise<BlobUpload> {
  const digest = options.digest ?? `sha256:${await hashFile(file, size, options)}`;
  const url = `${host}/api/blobs/${digest}`;
  const attempts = (options.retries ?? 2) + 1;
  for (let attempt = 0; ; attempt++) {
    throwIfCancelled(options.signal);
    if (await blobExists(host, url, options)) return { digest, uploaded: attempt > 0, retries: attempt };
    try {
      await sendFile(host, url, file, size, digest, options);
      return { digest, uploaded: true, retries: attempt };
    } catch (error) {
      if (isCancellation(error) || (error instanceof HouseStyleError && !retryable(error)) || attempt + 1 >= attempts) throw error;
    }
  }
}

/** The SHA-256 (hex) of a file, streamed. */
export async function hashFile(file: string, size: number, options: BlobOptions): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, ...(options.signal && { signal: options.signal }) })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    options.onBytes?.('hashing', done, size);
  }
  return hash.digest('hex');
}

async function blobExists(host: string, url: string, options: BlobOptions): Promise<boolean> {
  const timeout = AbortSignal.timeout(options.timeoutMs ?? DEFAULT_TIMEOUT_MS);
  const response = await request(host, url, { method: 'HEAD', signal: options.signal ? AbortSignal.any([options.signal, timeout]) : timeout });
  return response.ok;
}

async function sendFile(host: string, url: string, file: string, size: number, digest: string, options: BlobOptions): Promise<void> {
  const hash = createHash('sha256');
  let sent = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      sent += chunk.length;
      options.onBytes?.('uploading', sent, size);
      callback(null, chunk);
    },
  });
  // node:http rather than fetch: a piped request body is sent as the socket drains, so memory stays flat
  // (Node 20's fetch took the whole file into memory when given a stream body).
  const send = url.startsWith('https:') ? httpsRequest : httpRequest;
  const request = send(url, { method: 'POST', headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': size }, ...(options.signal && { signal: options.signal }) });
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  // An idle socket (Ollama takes no bytes and sends no answer) ends the attempt, which is then retried.
  request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error(`no progress for ${timeoutMs / 1000} s`), { code: 'ETIMEDOUT' })));
  const answered = new Promise<IncomingMessage>((resolve, reject) => {
    request.once('response', resolve);
    request.once('error', reject);
  });
  let response: IncomingMessage;
  let complete = true;
  try {
    // A server that answers early (an error) may close before the body is sent: its answer is what counts.
    [response] = await Promise.all([answered, pipeline(createReadStream(file, { highWaterMark: 1 << 20 }), counted, request).catch(() => void (complete = false))]);
  } catch (error) {
    throwIfCancelled(options.signal);
    throw connectionError(host, error);
  }
  const text = await readText(response).catch(() => '');
  const status = response.statusCode ?? 0;
  if (status >= 200 && status < 300 && complete && `sha256:${hash.digest('hex')}` !== digest) {
    throw new HouseStyleError(`${file} changed while it was being uploaded.`, 'Wait until training has finished writing the adapter, then import it again.', 'adapter-invalid');
  }
  if (status >= 200 && status < 300) return;
  const detail = errorText(text) ?? `HTTP ${status}`;
  throw status >= 500
    ? new HouseStyleError(`Ollama at ${host} failed while storing ${file}: ${detail}`, 'Check the Ollama server log and free disk space where Ollama keeps its models, then import again.', 'ollama-server-error')
    : new HouseStyleError(`Ollama at ${host} refused ${file}: ${detail}`, 'Check that your Ollama is up to date (blob uploads need 0.1.30 or later).', 'adapter-rejected');
}

async function readText(response: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of response) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** fetch with Ollama's failures named: unreachable host, cancellation, a connection cut mid-way. */
async function request(host: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throwIfCancelled(init.signal ?? undefined);
    throw connectionError(host, error);
  }
}

/** A failed connection (not a cancelled one: callers check that first) in words: nothing listening, or cut mid-way (worth another try). */
function connectionError(host: string, error: unknown): HouseStyleError {
  const code = (error as { code?: string; cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') {
    return new HouseStyleError(`Cannot reach Ollama at ${host}.`, 'Start Ollama (`ollama serve`) or set OLLAMA_HOST / housestyle ollama.host to where it runs.', 'ollama-unreachable', { cause: error, fix: ['set-ollama-host'] });
  }
  return new HouseStyleError(`The connection to Ollama at ${host} broke during an upload (${code ?? (error as Error).message}).`, 'Check the network and the Ollama server log, then import again.', 'ollama-server-error', {
    cause: error,
  });
}

function retryable(error: HouseStyleError): boolean {
  return error.code === 'ollama-server-error';
}

function errorText(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: unknown };
    return typeof parsed.error === 'string' ? parsed.error : undefined;
  } catch {
    return body.trim() || undefined;
  }
}
