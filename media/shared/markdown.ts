// Markdown from documents and models, rendered for a webview: parsed by marked, then sanitized by DOMPurify
// to a small set of text-formatting tags with no attributes at all (no links, images, styles, handlers), so
// no HTML from a document or a model ever runs or loads anything. The page's CSP is the second wall.
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const ALLOWED_TAGS = ['p', 'br', 'hr', 'em', 'strong', 'del', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'table', 'thead', 'tbody', 'tr', 'th', 'td'];

// Raw HTML in the source is shown as the text it is, not parsed as markup.
const markdown = new Marked({ async: false, gfm: true, breaks: false, renderer: { html: ({ text }) => escapeHtml(text) } });

export function renderMarkdown(source: string): DocumentFragment {
  const html = markdown.parse(source) as string;
  return DOMPurify.sanitize(html, { ALLOWED_TAGS, ALLOWED_ATTR: [], KEEP_CONTENT: true, RETURN_DOM_FRAGMENT: true });
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
