// A stand-in for the Hugging Face hub's file downloads, serving generated models from memory. Each rule is
// the real hub's, with where it is documented:
// - URLs are `{endpoint}/{repo_id}/resolve/{revision}/{filename}` (huggingface_hub `hf_hub_url`,
//   src/huggingface_hub/file_download.py; its README: "Download files from the Hub").
// - Small files are answered directly; files stored with Git LFS are answered with a redirect to a CDN
//   (huggingface_hub README, "hf_hub_url": "large files ... are returned via a redirect to a Cloudfront URL").
// - The hub's own answer carries `X-Repo-Commit`, the file's `ETag`, and for LFS files `X-Linked-Etag` (the
//   SHA-256 of the content) and `X-Linked-Size` (huggingface_hub `get_hf_file_metadata` and constants.py
//   HUGGINGFACE_HEADER_X_LINKED_ETAG / _SIZE); a regular file's ETag is its git blob SHA-1 (the
//   `hf_hub_download` docstring: blobs are "identified by their git-sha or sha256, depending on whether
//   they're LFS files or not").
// - A missing repository, revision or file is a 404 with `X-Error-Code` RepoNotFound / RevisionNotFound /
//   EntryNotFound (huggingface_hub utils/_http.py `hf_raise_for_status`).
import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HubRepository {
  revision: string;
  files: Record<string, Uint8Array>;
  /** Files stored with Git LFS (answered through the CDN redirect). */
  lfs?: string[];
}

/** Ways a transfer goes wrong on purpose, per file path. */
export interface HubFaults {
  /** Sends the stated length but closes the connection after half the bytes. */
  cut?: string[];
  /** Sends other bytes of the same length under the same headers. */
  alter?: string[];
}

export interface HubTestServer {
  host: string;
  /** Paths asked for, in order (the hub's and the CDN's). */
  requests: string[];
  faults: HubFaults;
  close(): Promise<void>;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
const gitBlobSha1 = (bytes: Uint8Array) => createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');

export async function startHubTestServer(repositories: Record<string, HubRepository>): Promise<HubTestServer> {
  const requests: string[] = [];
  const faults: HubFaults = {};
  const byDigest = new Map<string, { path: string; bytes: Uint8Array }>();
  for (const repository of Object.values(repositories)) {
    for (const file of repository.lfs ?? []) byDigest.set(sha256(repository.files[file]!), { path: file, bytes: repository.files[file]! });
  }

  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://hub');
    requests.push(decodeURIComponent(url.pathname));
    const send = (path: string, bytes: Uint8Array, headers: Record<string, string>) => {
      const body = faults.alter?.includes(path) ? Uint8Array.from(bytes, (byte) => byte ^ 0xff) : bytes;
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length), ...headers });
      if (request.method === 'HEAD') return response.end();
      if (faults.cut?.includes(path)) {
        response.write(body.subarray(0, Math.floor(body.length / 2)));
        response.destroy();
        return;
      }
      response.end(body);
    };
    const notFound = (code: string) => {
      response.writeHead(404, { 'x-error-code': code, 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: code === 'EntryNotFound' ? 'Entry not found' : 'Repository not found' }));
    };

    const cdn = /^\/cdn\/([0-9a-f]{64})$/.exec(url.pathname);
    if (cdn) {
      const object = byDigest.get(cdn[1]!);
      return object ? send(object.path, object.bytes, {}) : notFound('EntryNotFound');
    }
    const resolve = /^\/([^/]+\/[^/]+)\/resolve\/([^/]+)\/(.+)$/.exec(url.pathname);
    if (!resolve) return notFound('RepoNotFound');
    const [, repo, revision, encodedPath] = resolve;
    const repository = repositories[repo!];
    if (!repository) return notFound('RepoNotFound');
    if (revision !== repository.revision) return notFound('RevisionNotFound');
    const path = decodeURIComponent(encodedPath!);
    const bytes = repository.files[path];
    if (!bytes) return notFound('EntryNotFound');
    if (repository.lfs?.includes(path)) {
      const digest = sha256(bytes);
      response.writeHead(302, {
        location: `/cdn/${digest}`,
        'x-repo-commit': repository.revision,
        etag: `"${digest}"`,
        'x-linked-etag': `"${digest}"`,
        'x-linked-size': String(bytes.length),
      });
      return response.end();
    }
    send(path, bytes, { etag: `"${gitBlobSha1(bytes)}"`, 'x-repo-commit': repository.revision });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `http://127.0.0.1:${port}`,
    requests,
    faults,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
