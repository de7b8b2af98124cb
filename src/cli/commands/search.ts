import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Command } from 'commander';
import * as z from 'zod';
import { HouseStyleError } from '../../core/errors';
import type { Passage } from '../../core/knowledge/passage';
import { terminalLine, terminalLines } from '../../core/service/frontEndHelpers';
import { present } from '../presenter';
import { action, allowRepoHostOption, hostOption, positiveInt, withService, type HostOptions } from '../run';

const queryLine = z.object({ id: z.union([z.string(), z.number()]), query: z.string().min(1), file: z.string().min(1).optional() });

export function registerSearch(program: Command): void {
  program
    .command('search')
    .description('Search the knowledge base (hybrid: vectors + BM25, fused).')
    .argument('[query...]', 'what to look for')
    .option('--workspace <dir>', 'workspace folder (default: current folder)')
    .option('--kb <name>', 'knowledge base (default: review.knowledgeBase, "style")')
    .option('--k <n>', 'results per query', positiveInt, 5)
    .option('--path <glob...>', 'only passages from sources matching these globs')
    .option('--file <path>', 'the query is code from this file: searched as a review of it would be (code is recognised without it too)')
    .option('--queries <file>', 'JSONL file of {"id","query"} lines; one output line per query')
    .option('--json', 'one JSON object per line')
    .addOption(hostOption())
    .addOption(allowRepoHostOption())
    .action(
      action(async (words: string[], options: { workspace?: string; kb?: string; k: number; path?: string[]; file?: string; queries?: string; json?: boolean } & HostOptions) => {
        const query = words.join(' ').trim();
        if (!query === !options.queries) {
          throw new HouseStyleError('Give either a QUERY or --queries FILE.jsonl.', 'For example: housestyle search "how are variables named"', 'usage');
        }
        await withService(options, options, async (service) => {
          const search = (text: string, file = options.file) => service.search(text, { kb: options.kb, k: options.k, sources: options.path, ...(file && { file }) });
          if (!options.queries) {
            const results = await search(query);
            if (options.json) for (const r of results) present.json(toJson(r), 'line');
            else present.text(formatText(results));
            return;
          }
          let lineNumber = 0;
          for await (const line of createInterface({ input: createReadStream(options.queries), crlfDelay: Infinity })) {
            lineNumber++;
            if (!line.trim()) continue;
            const parsed = queryLine.safeParse(safeJson(line));
            if (!parsed.success) {
              throw new HouseStyleError(`${options.queries}:${lineNumber} is not a {"id","query"} JSON object.`, 'Fix that line; each line needs an "id" and a non-empty "query" (and may name the code\'s "file").', 'usage');
            }
            const results = await search(parsed.data.query, parsed.data.file ?? options.file);
            present.json({ id: parsed.data.id, results: results.map(toJson) }, 'line');
          }
        });
      }),
    );
}

function toJson(passage: Passage) {
  const { source, startLine, endLine, heading, score, text, kb, appliesTo, page, languages } = passage;
  return { source, ...(page ? { page } : {}), startLine, endLine, heading, score, text, kb, appliesTo, ...(languages && { languages }) };
}

function formatText(results: Passage[]): string {
  if (results.length === 0) return 'No passages found.\n';
  return results
    .map((r, i) => `${i + 1}. ${terminalLine(`${r.source}${r.page ? ` page ${r.page}` : ''}:${r.startLine}-${r.endLine}${r.heading ? `  ${r.heading}` : ''}`)}  (score ${r.score.toFixed(4)})\n   ${terminalLines(r.text, '   ')}\n`)
    .join('\n');
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
