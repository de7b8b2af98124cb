// Renders media/icon.svg to the committed media/icon.png (the Marketplace wants a PNG of at least 128 px).
// Run after editing the SVG: node media/icon.mjs. sharp comes with @huggingface/transformers.
import sharp from 'sharp';

const svg = new URL('./icon.svg', import.meta.url).pathname;
const png = new URL('./icon.png', import.meta.url).pathname;
await sharp(svg).resize(256, 256).png({ compressionLevel: 9 }).toFile(png);
