import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { Readable, Transform } from 'node:stream';
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
  /** How often a failed upload is tried again (default 2). */
  retries?: number;
}

/**
 * Pushes one file to Ollama's blob store (`/api/blobs/sha256:…`), which ollama-js has no call for. The file is
 * read as a stream twice at most: once to learn the digest the URL needs (and to skip what Ollama already has,
 * by HEAD), once to send it, hashing the bytes as they leave so that a file changed in between is caught here
 * rather than stored under the wrong name. Memory stays flat whatever the file's size.
 */
export async function pushBlob(host: string, file: string, size: number, options: BlobOptions = {}): Promise<BlobUpload> {
  const digest = `sha256:${await hashFile(file, size, options)}`;
  const url = `${host}/api/blobs/${digest}`;
  const attempts = (options.retries ?? 2) + 1;
  for (let attempt = 0; ; attempt++) {
    throwIfCancelled(options.signal);
    if (await blobExists(host, url, options.signal)) return { digest, uploaded: attempt > 0, retries: attempt };
    try {
      await sendFile(host, url, file, size, digest, options);
      return { digest, uploaded: true, retries: attempt };
    } catch (error) {
      if (isCancellation(error) || (error instanceof HouseStyleError && !retryable(error)) || attempt + 1 >= attempts) throw error;
    }
  }
}

async function hashFile(file: string, size: number, options: BlobOptions): Promise<string> {
  const hash = createHash('sha256');
  let done = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, ...(options.signal && { signal: options.signal }) })) {
    hash.update(chunk as Buffer);
    done += (chunk as Buffer).length;
    options.onBytes?.('hashing', done, size);
  }
  return hash.digest('hex');
}

async function blobExists(host: string, url: string, signal: AbortSignal | undefined): Promise<boolean> {
  const response = await request(host, url, { method: 'HEAD', ...(signal && { signal }) });
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
  const body = Readable.toWeb(createReadStream(file, { highWaterMark: 1 << 20 }).pipe(counted)) as ReadableStream<Uint8Array>;
  const response = await request(host, url, {
    method: 'POST',
    body,
    duplex: 'half',
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
    ...(options.signal && { signal: options.signal }),
  } as RequestInit);
  if (`sha256:${hash.digest('hex')}` !== digest) {
    throw new HouseStyleError(`${file} changed while it was being uploaded.`, 'Wait until training has finished writing the adapter, then import it again.', 'adapter-invalid');
  }
  if (!response.ok) {
    const text = await response.text().catch(() => '');
    const detail = errorText(text) ?? `HTTP ${response.status}`;
    throw response.status >= 500
      ? new HouseStyleError(`Ollama at ${host} failed while storing ${file}: ${detail}`, 'Check the Ollama server log and free disk space where Ollama keeps its models, then import again.', 'ollama-server-error')
      : new HouseStyleError(`Ollama at ${host} refused ${file}: ${detail}`, 'Check that your Ollama is up to date (blob uploads need 0.1.30 or later).', 'adapter-rejected');
  }
}

/** fetch with Ollama's failures named: unreachable host, cancellation, a connection cut mid-way. */
async function request(host: string, url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    if (isCancellation(error) || init.signal?.aborted) throw new HouseStyleError('Cancelled.', undefined, 'cancelled', { cause: error });
    const reset = (error as { cause?: { code?: string } }).cause?.code;
    if (reset === 'ECONNREFUSED' || reset === 'ENOTFOUND') {
      throw new HouseStyleError(`Cannot reach Ollama at ${host}.`, 'Start Ollama (`ollama serve`) or set OLLAMA_HOST / housestyle ollama.host to where it runs.', 'ollama-unreachable', { cause: error });
    }
    throw new HouseStyleError(`The connection to Ollama at ${host} broke during an upload (${reset ?? (error as Error).message}).`, 'Check the network and the Ollama server log, then import again.', 'ollama-server-error', {
      cause: error,
    });
  }
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
