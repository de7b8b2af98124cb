// Builds one VSIX per platform (`npm run package`; targets may be named: `npm run package -- darwin-arm64`).
// vsce packs what `npm list --production` finds in node_modules, filtered by .vscodeignore. Each target gets a staging
// folder whose node_modules is this one hard-linked (no copying), with the host's natives swapped for the target's,
// unpacked from their npm packages; onnxruntime-node keeps only the target's binaries. The check runs on each VSIX.
import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { nativePackages, targets } from './platforms.mjs';
import { checkVsix } from './check-vsix.mjs';

const root = resolve(import.meta.dirname, '..');
const onnxVersion = JSON.parse(readFileSync(join(root, 'node_modules', 'onnxruntime-node', 'package.json'), 'utf8')).version;
const chosen = process.argv.slice(2);
for (const target of chosen) if (!targets[target]) fail(`Unknown target ${target}: choose from ${Object.keys(targets).join(', ')}.`);

function fail(message) {
  console.error(message);
  process.exit(2);
}

function linkTree(from, to) {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    if (entry.isDirectory()) linkTree(join(from, entry.name), join(to, entry.name));
    else if (entry.isFile()) linkSync(join(from, entry.name), join(to, entry.name));
  }
}

const npm = (args, cwd) => execFileSync('npm', args, { cwd, encoding: 'utf8', shell: process.platform === 'win32' });

/** The unpacked npm package `spec` (name@version), fetched once through the npm registry into build/natives. */
function unpackedNative(spec) {
  const folder = join(root, 'build', 'natives', spec.replace(/[@/]/g, '_'));
  if (!existsSync(join(folder, 'package.json'))) {
    mkdirSync(folder, { recursive: true });
    const tarball = npm(['pack', spec, '--silent', '--pack-destination', folder], root).trim().split('\n').pop();
    execFileSync('tar', ['-xzf', join(folder, tarball), '-C', folder, '--strip-components=1']);
    rmSync(join(folder, tarball));
  }
  return folder;
}

function stage(target) {
  const folder = join(root, 'build', 'vsix', target);
  rmSync(folder, { recursive: true, force: true });
  for (const name of ['dist', 'media']) linkTree(join(root, name), join(folder, name));
  for (const name of ['README.md', 'CHANGELOG.md', 'LICENSE', '.vscodeignore']) linkSync(join(root, name), join(folder, name));
  // The bundle is built once, before staging: without scripts vsce runs no `vscode:prepublish` here.
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  delete manifest.scripts;
  writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest, null, 2));

  const modules = join(folder, 'node_modules');
  linkTree(join(root, 'node_modules'), modules);
  for (const scope of ['@lancedb', '@img']) {
    for (const name of readdirSync(join(modules, scope))) {
      if (/^(lancedb-|sharp-)/.test(name)) rmSync(join(modules, scope, name), { recursive: true });
    }
  }
  for (const spec of nativePackages(target)) {
    const name = spec.slice(0, spec.lastIndexOf('@'));
    linkTree(unpackedNative(spec), join(modules, name));
  }
  const onnx = join(modules, 'onnxruntime-node', 'bin', 'napi-v6');
  const [os, arch] = targets[target].onnx.split('/');
  for (const platform of readdirSync(onnx)) {
    for (const cpu of readdirSync(join(onnx, platform))) {
      if (platform !== os || cpu !== arch) rmSync(join(onnx, platform, cpu), { recursive: true });
    }
  }
  // The macOS binding loads @rpath/libonnxruntime.1.dylib (its Mach-O load command); the package carries the same
  // library a second time under its full version name, a symlink upstream that npm unpacks as a copy.
  if (os === 'darwin') rmSync(join(onnx, os, arch, `libonnxruntime.${onnxVersion}.dylib`), { force: true });
  // On Windows the DirectML and WebGPU execution providers' libraries (about 38 MB) stay out: onnxruntime.dll
  // delay-loads DirectML.dll (its delay-import table) and loads dxcompiler/dxil by name, only when those providers are
  // asked for, and transformers.js runs on the CPU in Node (its defaultDevices), as House Style's embedder does.
  if (os === 'win32') for (const library of ['DirectML.dll', 'dxcompiler.dll', 'dxil.dll']) rmSync(join(onnx, os, arch, library), { force: true });
  return folder;
}

if (!existsSync(join(root, 'dist', 'extension.cjs'))) fail('No dist/extension.cjs: run `npm run build:production` first (`npm run package` does).');
let failed = false;
for (const target of chosen.length ? chosen : Object.keys(targets)) {
  const folder = stage(target);
  const out = join(root, `housestyle-${target}.vsix`);
  // No repository field (none is published yet): links in the README stay as written.
  execFileSync(process.execPath, [join(root, 'node_modules', '@vscode', 'vsce', 'vsce'), 'package', '--target', target, '--out', out, '--allow-missing-repository', '--no-rewrite-relative-links'], { cwd: folder, stdio: 'inherit' });
  const problems = await checkVsix(out, target);
  for (const problem of problems) console.error(`${target}: ${problem}`);
  failed ||= problems.length > 0;
  rmSync(folder, { recursive: true });
}
process.exit(failed ? 1 : 0);
