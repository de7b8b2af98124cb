/** Separates pages in the text that `readPdfText` returns; no PDF text layer contains it. */
export const PAGE_BREAK = '\f';

/**
 * The text layer of a PDF, page by page (lines as the PDF lays them out), joined by `PAGE_BREAK`.
 * unpdf (PDF.js) is loaded on the first PDF only. Pages without text stay empty, so page numbers hold.
 */
export async function readPdfText(bytes: Uint8Array): Promise<{ text: string } | { skip: string }> {
  const { extractText } = await import('unpdf');
  let pages: string[];
  try {
    // Given the bytes (not a document proxy), unpdf opens and closes the document itself.
    pages = (await extractText(new Uint8Array(bytes), { mergePages: false })).text;
  } catch (error) {
    return { skip: `not a readable PDF (${(error as Error).message}); re-export it as PDF to index it` };
  }
  if (pages.every((page) => page.trim() === '')) return { skip: 'a PDF without a text layer (scanned?); run OCR on it to index it' };
  return { text: pages.map((page) => page.replaceAll(PAGE_BREAK, ' ')).join(PAGE_BREAK) };
}
