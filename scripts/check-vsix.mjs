// Checks a platform VSIX (`node scripts/check-vsix.mjs housestyle-<target>.vsix <target>`): at most 100 MB; the
// manifest names the target; LanceDB's, onnxruntime's and sharp's natives for that target are there; every native
// file was built for that target (read from its ELF, Mach-O or PE header, not its name); no sources, tests or maps.
import { statSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import yauzl from 'yauzl';
import { binaryPlatform, nativeFile, targets } from './platforms.mjs';

const maxBytes = 100 * 1000 * 1000;
const forbidden = [
  [/\.(ts|mts|cts|tsx)$/, 'a TypeScript source or declaration'],
  [/\.map$/, 'a source map'],
  [/\.(c|cc|cpp|h|hpp|gyp|gypi)$/, 'a native source'],
  [/^extension\/(src|test|scripts|build)\//, 'a repository folder'],
  [/\/(test|tests|__tests__)\//, 'a test folder'],
];

function entries(file) {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const found = [];
      zip.on('entry', (entry) => {
        if (entry.fileName.endsWith('/')) return zip.readEntry();
        const wanted = nativeFile.test(entry.fileName) || entry.fileName === 'extension.vsixmanifest';
        if (!wanted) {
          found.push({ name: entry.fileName });
          return zip.readEntry();
        }
        zip.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          // Only the header of a native file is read (LanceDB's module is over 100 MB unpacked): the stream is
          // closed once it has 4 KB.
          const keep = entry.fileName === 'extension.vsixmanifest' ? Infinity : 4096;
          let head = Buffer.alloc(0);
          let done = false;
          const finish = () => {
            if (done) return;
            done = true;
            found.push({ name: entry.fileName, head });
            zip.readEntry();
          };
          stream.on('data', (chunk) => {
            head = Buffer.concat([head, chunk]);
            if (head.length >= keep) {
              stream.destroy();
              finish();
            }
          });
          stream.on('end', finish);
          stream.on('error', reject);
        });
      });
      zip.on('end', () => resolve(found));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

/** The problems found in `file`, the VSIX for `target`; none means it passes. */
export async function checkVsix(file, target) {
  const { lancedb, onnx, sharp, binary } = targets[target];
  const problems = [];
  const size = statSync(file).size;
  if (size > maxBytes) problems.push(`${(size / 1e6).toFixed(1)} MB, over the ${maxBytes / 1e6} MB limit`);
  const found = await entries(file);
  const names = new Set(found.map((entry) => entry.name));

  const manifest = found.find((entry) => entry.name === 'extension.vsixmanifest');
  if (!manifest?.head.toString('utf8').includes(`TargetPlatform="${target}"`)) problems.push(`the manifest does not name the target ${target}`);
  const required = [
    'extension/package.json',
    'extension/dist/extension.cjs',
    'extension/dist/embedWorker.cjs',
    'extension/dist/upkeepWorker.cjs',
    `extension/node_modules/@lancedb/lancedb-${lancedb}/lancedb.${lancedb}.node`,
    `extension/node_modules/onnxruntime-node/bin/napi-v6/${onnx}/onnxruntime_binding.node`,
  ];
  for (const name of required) if (!names.has(name)) problems.push(`missing ${name}`);
  const sharpModule = new RegExp(`^extension/node_modules/@img/${sharp[0]}/lib/[^/]+\\.node$`);
  if (![...names].some((name) => sharpModule.test(name))) problems.push(`missing sharp's module in @img/${sharp[0]}/lib`);

  for (const { name, head } of found) {
    for (const [pattern, what] of forbidden) if (pattern.test(name)) problems.push(`${name} is ${what}`);
    if (head && nativeFile.test(name)) {
      const built = binaryPlatform(head);
      if (built !== binary) problems.push(`${name} is ${built ?? 'not a native binary'}, not ${binary}`);
    }
  }
  console.log(`${target}: ${(size / 1e6).toFixed(1)} MB, ${found.length} files, ${found.filter((entry) => entry.head && entry.name !== 'extension.vsixmanifest').length} native, ${problems.length} problems`);
  return problems;
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [file, target] = process.argv.slice(2);
  if (!file || !targets[target]) {
    console.error(`Usage: node scripts/check-vsix.mjs FILE.vsix TARGET (one of ${Object.keys(targets).join(', ')})`);
    process.exit(2);
  }
  const problems = await checkVsix(file, target);
  for (const problem of problems) console.error(`${target}: ${problem}`);
  process.exit(problems.length ? 1 : 0);
}
