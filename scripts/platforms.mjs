// The platforms House Style ships a VSIX for, and the native files each one must carry: LanceDB's Node module, the
// onnxruntime-node binaries (transformers.js embeds through them) and sharp with libvips (transformers.node.cjs
// requires sharp at load, src/utils/image.js, so text embedding needs it too). Shared by the packaging and the check.
// Versions are read from the installed packages, so the natives always match the JavaScript that loads them.
import { readFileSync } from 'node:fs';

const manifest = (name) => JSON.parse(readFileSync(new URL(`../node_modules/${name}/package.json`, import.meta.url), 'utf8'));

export const lancedbVersion = manifest('@lancedb/lancedb').version;
const sharpNatives = manifest('sharp').optionalDependencies;

// alpine-x64/arm64 are left out: onnxruntime-node has no musl build, so the local embedder would not load there.
export const targets = {
  'linux-x64': { lancedb: 'linux-x64-gnu', onnx: 'linux/x64', sharp: ['sharp-linux-x64', 'sharp-libvips-linux-x64'], binary: 'elf-x64' },
  'linux-arm64': { lancedb: 'linux-arm64-gnu', onnx: 'linux/arm64', sharp: ['sharp-linux-arm64', 'sharp-libvips-linux-arm64'], binary: 'elf-arm64' },
  'darwin-arm64': { lancedb: 'darwin-arm64', onnx: 'darwin/arm64', sharp: ['sharp-darwin-arm64', 'sharp-libvips-darwin-arm64'], binary: 'macho-arm64' },
  'win32-x64': { lancedb: 'win32-x64-msvc', onnx: 'win32/x64', sharp: ['sharp-win32-x64'], binary: 'pe-x64' },
  'win32-arm64': { lancedb: 'win32-arm64-msvc', onnx: 'win32/arm64', sharp: ['sharp-win32-arm64'], binary: 'pe-arm64' },
};

/** The npm packages (name@version) whose files hold `target`'s native code. */
export function nativePackages(target) {
  const { lancedb, sharp } = targets[target];
  return [
    `@lancedb/lancedb-${lancedb}@${lancedbVersion}`,
    ...sharp.map((name) => `@img/${name}@${sharpNatives[`@img/${name}`]}`),
  ];
}

/** Files whose names say they hold native code (Node modules and shared libraries). */
export const nativeFile = /\.(node|so(\.\d+)*|dylib|dll)$/;

/**
 * The platform a native binary was built for, from its header: ELF (e_machine), Mach-O (cputype) or PE (COFF
 * Machine). Returns undefined for anything else.
 */
export function binaryPlatform(bytes) {
  if (bytes.length >= 20 && bytes.readUInt32BE(0) === 0x7f454c46) {
    const machine = bytes.readUInt16LE(18);
    return { 0x3e: 'elf-x64', 0xb7: 'elf-arm64' }[machine] ?? `elf-${machine}`;
  }
  if (bytes.length >= 8 && bytes.readUInt32LE(0) === 0xfeedfacf) {
    const cpu = bytes.readUInt32LE(4);
    return { 0x01000007: 'macho-x64', 0x0100000c: 'macho-arm64' }[cpu] ?? `macho-${cpu}`;
  }
  if (bytes.length >= 0x40 && bytes.readUInt16LE(0) === 0x5a4d) {
    const pe = bytes.readUInt32LE(0x3c);
    if (bytes.length >= pe + 6 && bytes.readUInt32LE(pe) === 0x4550) {
      const machine = bytes.readUInt16LE(pe + 4);
      return { 0x8664: 'pe-x64', 0xaa64: 'pe-arm64' }[machine] ?? `pe-${machine}`;
    }
  }
  return undefined;
}
