import { open } from 'node:fs/promises';
import { readPdfText } from './readPdf';

export type SourceText = { text: string } | { skip: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Reads a knowledge source as UTF-8 text, or says why it is skipped: too large (checked before
 * reading), unreadable, binary, not UTF-8, or empty. A PDF's text is its text layer. Never throws.
 */
export async function readSource(file: string, maxBytes: number): Promise<SourceText> {
  let handle;
  try {
    handle = await open(file, 'r');
    const { size } = await handle.stat();
    if (size > maxBytes) return { skip: `larger than ${formatBytes(maxBytes)} (${formatBytes(size)}); raise maxFileBytes to index it` };
    if (size === 0) return { skip: 'empty file' };
    const bytes = await handle.readFile();
    if (/\.pdf$/i.test(file)) return await readPdfText(bytes);
    if (bytes.subarray(0, 8192).includes(0)) return { skip: 'binary content' };
    let text: string;
    try {
      text = utf8.decode(bytes);
    } catch {
      return { skip: 'not valid UTF-8; save it as UTF-8 to index it' };
    }
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.trim() === '') return { skip: 'no text' };
    return { text };
  } catch (error) {
    return { skip: `unreadable: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
  } finally {
    await handle?.close();
  }
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}
