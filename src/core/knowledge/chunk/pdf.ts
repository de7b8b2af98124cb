import { PAGE_BREAK } from '../readPdf';
import type { Chunk, ChunkingOptions } from './chunk';
import { packBlocks } from './packBlocks';
import { paragraphs } from './plainText';

/**
 * A PDF's text layer (pages joined by PAGE_BREAK), chunked page by page: each chunk carries its page and
 * lines counted within that page, as a reader finds them. Pages without text are reported, not indexed.
 */
export function chunkPdf(source: string, text: string, options: ChunkingOptions): { chunks: Chunk[]; skipped: string[] } {
  const chunks: Chunk[] = [];
  const skipped: string[] = [];
  text.split(PAGE_BREAK).forEach((pageText, index) => {
    const page = index + 1;
    if (pageText.trim() === '') {
      skipped.push(`page ${page} has no text layer (scanned?); run OCR on the PDF to index it`);
      return;
    }
    chunks.push(...packBlocks(source, paragraphs(pageText.split('\n'), 1), options).map((chunk) => ({ ...chunk, page })));
  });
  return { chunks, skipped };
}
