/*
 * The files by which a dataset folder is known, shared by the build that writes them and by what reads them
 * (model import records the card's hash, advise reads the report): a leaf, so models never reach into dataset.
 */

export const REPORT_FILE = 'report.json';
export const CARD_FILE = 'README.md';
