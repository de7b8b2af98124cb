// Fetches a pinned model's files from a Hugging Face hub (or a mirror in its layout) into the user's cache.
// The files land in a hidden staging folder, are checked, and only then is the folder renamed into place:
// a cut, short or altered download never leaves a folder that counts as a model.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { cancellationError, HouseStyleError, throwIfCancelled } from '../../errors';
import type { Progress } from '../../log';
import { byteProgress } from '../../models/adapters/byteProgress';
import { hubModelDir, type HubFile, type HubModel } from './hubModel';

export interface FetchHubModelOptions {
  model: HubModel;
  /** The hub or a mirror, e.g. https://huggingface.co (no trailing slash). */
  host: string;
  cacheDir: string;
  /** Each file's bytes received, of its size when the host states it. */
  progress?: Progress;
  signal?: AbortSignal;
  /** A transfer that receives nothing for this long is given up (the host is there but stalled). */
  idleTimeoutMs?: number;
}

const MAX_REDIRECTS = 5;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** Staging folders older than this were left by a run that was killed: removed by the next fetch. */
const STALE_STAGING_MS = 60 * 60_000;

/** The model's folder in the cache, fetched first when it is not there yet. */
export async function fetchHubModel(options: FetchHubModelOptions): Promise<string> {
  const { model, cacheDir, signal } = options;
  const target = hubModelDir(cacheDir, model);
  if (await isDirectory(target)) return target;
  await mkdir(cacheDir, { recursive: true });
  const stagingPrefix = `.${path.basename(target)}-`;
  await removeStaleStaging(cacheDir, stagingPrefix);
  const staging = await mkdtemp(path.join(cacheDir, stagingPrefix));
  try {
    for (const file of model.files) {
      throwIfCancelled(signal, `Fetching ${model.name} was cancelled; nothing was cached.`);
      await fetchFile(options, file, path.join(staging, file.path));
    }
    try {
      await rename(staging, target);
    } catch (error) {
      // Another run put the same model in place first: its copy passed the same checks.
      if (!(await isDirectory(target))) throw error;
    }
    return target;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** `{host}/{repo}/resolve/{revision}/{file}`: the hub's download URL (huggingface_hub's `hf_hub_url`). */
export function hubFileUrl(host: string, model: HubModel, file: string): string {
  return `${host}/${model.repo}/resolve/${model.revision}/${file.split('/').map(encodeURIComponent).join('/')}`;
}

/** What the host states about a file on the first answer (the hub's, before any redirect to its CDN). */
interface Stated {
  /** `X-Linked-Etag` (an LFS file's SHA-256) or `ETag` (a git blob SHA-1), unquoted. */
  digest?: string;
  /** `X-Linked-Size`, else the final answer's `Content-Length`. */
  size?: number;
}

async function fetchFile(options: FetchHubModelOptions, file: HubFile, destination: string): Promise<void> {
  const url = hubFileUrl(options.host, options.model, file.path);
  const idle = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, idle.signal]) : idle.signal;
  const idleMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  let timer = setTimeout(() => idle.abort(), idleMs);
  const stillReceiving = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), idleMs);
  };
  try {
    const { response, stated } = await get(url, file.path, signal);
    const total = stated.size ?? contentLength(response);
    const phase = `Fetching ${options.model.name} ${file.path}`;
    const report = options.progress && (total !== undefined ? byteProgress(options.progress, phase, total) : (bytes: number) => options.progress!.report(phase, bytes));
    const sha256 = createHash('sha256');
    let done = 0;
    await mkdir(path.dirname(destination), { recursive: true });
    await pipeline(
      Readable.fromWeb(response.body! as import('node:stream/web').ReadableStream<Uint8Array>),
      new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          stillReceiving();
          sha256.update(chunk);
          done += chunk.length;
          report?.(done);
          callback(null, chunk);
        },
      }),
      createWriteStream(destination),
      { signal },
    );
    if (total !== undefined && done !== total) throw refused(file.path, `${done} of ${total} bytes arrived`);
    await check(file, stated, sha256, destination);
  } catch (error) {
    if (options.signal?.aborted) throw cancellationError(`Fetching ${options.model.name} was cancelled; nothing was cached.`);
    if (idle.signal.aborted) throw refused(file.path, `nothing arrived for ${Math.round(idleMs / 1000)} s`);
    if (error instanceof HouseStyleError) throw error;
    throw refused(file.path, networkWords(error));
  } finally {
    clearTimeout(timer);
  }
}

/** GET with redirects followed by hand, so the hub's own headers (on its redirect to the CDN) are kept. */
async function get(url: string, file: string, signal: AbortSignal): Promise<{ response: Response; stated: Stated }> {
  let stated: Stated | undefined;
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const response = await fetch(url, { signal, redirect: 'manual', headers: { 'accept-encoding': 'identity' } });
    stated ??= statedBy(response);
    const location = response.headers.get('location');
    if (response.status >= 300 && response.status < 400 && location) {
      await response.body?.cancel();
      url = new URL(location, url).toString();
      continue;
    }
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      throw refused(file, `the host answered ${response.status}${response.status === 404 ? ' (not found: a mirror must serve this repository and revision)' : ''}`);
    }
    return { response, stated: { ...stated, size: stated.size ?? contentLength(response) } };
  }
  throw refused(file, `more than ${MAX_REDIRECTS} redirects`);
}

function statedBy(response: Response): Stated {
  const digest = (response.headers.get('x-linked-etag') ?? response.headers.get('etag'))?.replace(/^W\//, '').replace(/"/g, '');
  const size = Number(response.headers.get('x-linked-size') ?? NaN);
  return { ...(digest && { digest }), ...(Number.isSafeInteger(size) && size >= 0 && { size }) };
}

function contentLength(response: Response): number | undefined {
  const length = Number(response.headers.get('content-length') ?? NaN);
  return Number.isSafeInteger(length) && length >= 0 ? length : undefined;
}

/** The pinned SHA-256 when there is one; else the host's digest: a SHA-256 (LFS) or a git blob SHA-1. */
async function check(file: HubFile, stated: Stated, sha256: Hash, written: string): Promise<void> {
  const actual = sha256.digest('hex');
  if (file.sha256) {
    if (actual !== file.sha256) throw refused(file.path, `its SHA-256 is ${actual.slice(0, 12)}…, not the pinned ${file.sha256.slice(0, 12)}…`);
    return;
  }
  if (!stated.digest) throw refused(file.path, 'the host stated no digest for it (ETag) to check it against');
  if (/^[0-9a-f]{64}$/.test(stated.digest)) {
    if (actual !== stated.digest) throw refused(file.path, 'its SHA-256 differs from the one the host stated');
    return;
  }
  if (/^[0-9a-f]{40}$/.test(stated.digest)) {
    if ((await gitBlobSha1(written)) !== stated.digest) throw refused(file.path, 'its git blob SHA-1 differs from the ETag the host stated');
    return;
  }
  throw refused(file.path, `the host's ETag "${stated.digest}" is neither a SHA-256 nor a git blob SHA-1`);
}

/** Git's object id of a file's content: SHA-1 over `blob <size>\0` and the bytes. */
async function gitBlobSha1(file: string): Promise<string> {
  const hash = createHash('sha1').update(`blob ${(await stat(file)).size}\0`);
  await pipeline(createReadStream(file), hash);
  return hash.digest('hex');
}

function refused(file: string, why: string): HouseStyleError {
  return new HouseStyleError(`${file}: ${why}`, undefined, 'embedder-unavailable');
}

/** fetch's failures in words (Node's fetch puts the system error in `cause`). */
function networkWords(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (error as { code?: string }).code;
  const words: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'host name lookup failed',
    ECONNRESET: 'the connection was cut',
    ETIMEDOUT: 'the connection timed out',
    UND_ERR_SOCKET: 'the connection was cut',
  };
  return (code && words[code]) ?? cause?.message ?? (error as Error).message;
}

async function isDirectory(dir: string): Promise<boolean> {
  return stat(dir).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

async function removeStaleStaging(cacheDir: string, prefix: string): Promise<void> {
  const now = Date.now();
  for (const name of await readdir(cacheDir).catch(() => [])) {
    if (!name.startsWith(prefix)) continue;
    const dir = path.join(cacheDir, name);
    const info = await stat(dir).catch(() => undefined);
    if (info && now - info.mtimeMs > STALE_STAGING_MS) await rm(dir, { recursive: true, force: true });
  }
}
