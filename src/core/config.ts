import * as path from 'node:path';
import * as z from 'zod';
import { HouseStyleError } from './errors';
import { readJsonFile } from './jsonFile';
import { chooseOllamaHost, DEFAULT_OLLAMA_HOST, isLoopbackHost, type HostChoice } from './ollamaHostChoice';

/** Where the CLI (and the editor, beneath its settings) reads a workspace's shared configuration. */
export const CONFIG_FILE = '.housestyle/config.json';

const DEFAULT_EXCLUDE = [
  '**/node_modules/**', '**/.git/**', '**/dist/**', '**/out/**', '**/build/**', '.housestyle/index/**', '.housestyle/cache/**', '.housestyle/*.lock',
  // Other projects' code kept in the repository (Go's vendor/, Chromium's third_party/, CocoaPods): their
  // CONTRIBUTING and style files are those projects' conventions, not the team's.
  '**/vendor/**', '**/third_party/**', '**/third-party/**', '**/3rdparty/**', '**/Pods/**', '**/bower_components/**', '**/.venv/**', '**/venv/**',
  // Build and dependency files that end in .txt are not prose: a docs folder's requirements.txt (for its
  // site generator) or CMakeLists.txt would otherwise be indexed as a style document.
  '**/CMakeLists.txt', '**/requirements*.txt', '**/constraints*.txt',
];

/** The extensionless rule files coding agents read at a workspace's root (Cursor, Windsurf, Cline, Zed, Augment), Markdown in all but name. */
export const AGENT_RULE_FILES = ['.cursorrules', '.windsurfrules', '.clinerules', '.rules', '.augment-guidelines'];

/** What the default `style` knowledge base indexes: the files teams keep their conventions in. */
export const DEFAULT_STYLE_INCLUDE = [
  // Named as conventions are named: CODE_STYLE.md, coding-style.rst, CODING_GUIDELINES.md, CONVENTIONS.md,
  // CodingStandards.rst, OpenStack's HACKING.rst. Not HTML: a page named for a style is a CSS test page more
  // often than a guide (SerenityOS's computed-style.html); HTML guides are found under docs/.
  '**/*{STYLE,Style,style,GUIDELINE,Guideline,guideline,CONVENTION,Convention,convention,CODING_STANDARD,CODING-STANDARD,CodingStandard,Coding-Standard,Coding_Standard,coding_standard,coding-standard,HACKING}*.{md,markdown,mdx,txt,rst,adoc,asciidoc,pdf}',
  '**/CONTRIBUTING*',
  // Guides named without an extension, as git's Documentation/CodingGuidelines is.
  '**/{CodingGuidelines,CODING_GUIDELINES,CodingStyle,CODING_STYLE,STYLE,CONVENTIONS,HACKING}',
  'docs/**/*.{md,markdown,mdx,txt,rst,adoc,asciidoc,html,htm,pdf}',
  '**/.editorconfig',
  // Conventions written for coding agents: AGENTS.md (and CLAUDE.md, GEMINI.md) at any depth, Copilot's
  // instructions, Cursor's, Windsurf's, Cline's, Roo's, Zed's and Augment's rules, Kiro's steering files.
  '**/{AGENTS,CLAUDE,GEMINI}.md',
  '.github/copilot-instructions.md',
  '**/*.instructions.md',
  `{${AGENT_RULE_FILES.join(',')}}`,
  '{.cursor,.windsurf,.roo}/rules/**/*.{md,mdc}',
  '.clinerules/**/*.md',
  '.kiro/steering/**/*.md',
  '.housestyle/rules/**',
];

const knowledgeBaseSchema = z.strictObject({
  include: z.array(z.string().min(1)).min(1),
  /** Added to the default excludes (dependencies, build output, the index), never replacing them. */
  exclude: z
    .array(z.string().min(1))
    .default([])
    .transform((globs) => [...new Set([...DEFAULT_EXCLUDE, ...globs])]),
  /** Also index comments and docstrings of source files that `include` matches. */
  codeComments: z.boolean().default(false),
  /** Larger files are skipped with a logged reason rather than read into memory. */
  maxFileBytes: z.number().int().positive().default(4 * 1024 * 1024),
});

/**
 * A host setting is a URL with its scheme. Ollama's own OLLAMA_HOST may leave it out (its client adds
 * http://), but a setting without one is as likely a typo ("htp://", "localhost11434"), so it is refused
 * with the form it should have rather than guessed at.
 */
function isHttpUrl(host: string): boolean {
  return /^https?:\/\/[^/\s]/i.test(host) && URL.canParse(host);
}

function hostFormError(host: string): string {
  const suggestion = /^[a-z][a-z0-9+.-]*:\/\//i.test(host) ? 'http://127.0.0.1:11434' : `http://${host}`;
  return `ollama.host is "${host}", not a URL: write it with http:// or https://, such as ${suggestion}`;
}

const severitySchema = z.enum(['error', 'warning', 'info', 'hint']);

export const configSchema = z.strictObject({
  index: z
    .strictObject({
      /** A LanceDB URI: a path (relative to the workspace) or object storage such as `s3://bucket/prefix`. */
      uri: z.string().min(1).default('.housestyle/index'),
      embedder: z.enum(['auto', 'minilm', 'ollama', 'hash']).default('auto'),
      /** Folder holding all-MiniLM-L6-v2 (tokenizer.json, config.json, onnx/model.onnx); defaults to the bundled or cached copy. */
      modelDir: z.string().min(1).optional(),
      /**
       * Where `auto` fetches its model from (the hub or a mirror in its layout). Only the user's own setting counts:
       * loadConfig drops it from a repository's file and workspace settings, which must never choose where requests go.
       */
      modelHost: z.url({ protocol: /^https?$/ }).optional(),
      /** `auto` may fetch its embedding model at first use; false (in any scope or the team's file) never sends that request. */
      fetchModel: z.boolean().default(true),
      batchSize: z.number().int().min(1).max(1024).default(64),
      /** Above this many rows a vector index is built, which keeps search fast on large workspaces. */
      vectorIndexMinRows: z.number().int().min(256).default(50_000),
      /** LanceDB storage options for object storage (endpoint, region, credentials); the AWS_* variables otherwise. */
      storageOptions: z.record(z.string(), z.string()).optional(),
      /** A shared index that another machine (CI) writes: search it, never write or re-embed it. */
      readOnly: z.boolean().default(false),
    })
    .prefault({}),
  chunking: z
    .strictObject({
      maxTokens: z.number().int().min(32).max(8192).default(512),
      overlapTokens: z.number().int().min(0).default(50),
    })
    .prefault({})
    .refine((c) => c.overlapTokens < c.maxTokens, { message: 'overlapTokens must be smaller than maxTokens' }),
  knowledgeBases: z
    .record(z.string().regex(/^[a-z][a-z0-9_-]{0,63}$/, 'knowledge base names are lowercase letters, digits, - and _'), knowledgeBaseSchema)
    .default({ style: { include: DEFAULT_STYLE_INCLUDE, exclude: DEFAULT_EXCLUDE, codeComments: false, maxFileBytes: 4 * 1024 * 1024 } }),
  ollama: z
    .strictObject({
      /** From a repository's file, used only when it is this machine or the user confirms it (see chooseOllamaHost). */
      host: z.string().min(1).refine(isHttpUrl, { error: (issue) => hostFormError(String(issue.input)) }).optional(),
      model: z.string().min(1).default('qwen2.5-coder:7b'),
      /** An Ollama embedding model (e.g. nomic-embed-text); `auto` uses it when MiniLM files are absent, else an installed one it finds. */
      embedModel: z.string().min(1).optional(),
      timeoutMs: z.number().int().positive().default(120_000),
      /** The longest one model call may take in all, however steadily it streams. */
      deadlineMs: z.number().int().positive().default(600_000),
      /** The most tokens one answer may have (Ollama's num_predict): a model that never stops is cut off. */
      maxAnswerTokens: z.number().int().min(64).default(4096),
    })
    .prefault({}),
  review: z
    .strictObject({
      knowledgeBase: z.string().min(1).default('style'),
      /**
       * Passages per review window shown whole (or by their best lines) where they fit: more than the budget usually
       * holds only adds candidates of the noise level (test/bench/reviewRag.bench.ts). Half as many again are searched,
       * and listed by their rules' opening sentences where some of the first `k` do not fit (`listedPassages`).
       */
      k: z.number().int().min(1).max(100).default(10),
      /**
       * Tokens of retrieved passages packed into one prompt, the last third for rules listed by their opening sentences.
       * 3,072: at 2,048 the budget, not the search, lost rules the search had found (with whole passages only, the team
       * documents' tuning half kept the labelled rule for 0.543 of snippets, 0.600 at 2,560, 0.648 at 3,072 and 3,584,
       * 0.657 at 4,096, where all ten passages fit; with the listed rules 0.667 at 2,048 and 0.733 at 3,072;
       * test/bench/retrieval.bench.ts), at up to 1,024 more prompt tokens per window than 2,048.
       */
      contextTokens: z.number().int().min(64).default(3072),
      /** Lines of code per review window; longer files are split, never truncated. */
      windowLines: z.number().int().min(20).default(250),
      /** Unchanged lines kept around each changed hunk in diff reviews. */
      diffContextLines: z.number().int().min(0).default(5),
      failOn: z.union([severitySchema, z.literal('none')]).default('warning'),
      temperature: z.number().min(0).max(2).default(0),
      seed: z.number().int().default(42),
      /** Editor only: review a file each time it is saved (debounced; a new save cancels the running review). */
      onSave: z.boolean().default(false),
      /**
       * Before packing, the review model reorders the headings of the search's first 30 passages by how well they fit
       * the window (one more model call per window; an answer that is not a valid order keeps the search's order).
       */
      rerank: z.boolean().default(false),
    })
    .prefault({}),
  models: z
    .strictObject({
      /** rag: base model + retrieved rules; fine-tuned: the adapted model, no rules; hybrid: the adapted model + rules. */
      route: z.enum(['rag', 'fine-tuned', 'hybrid']).default('rag'),
      /** The adapted Ollama model of the fine-tuned and hybrid routes; defaults to the registry's active version (`housestyle model use`). */
      fineTuned: z.string().min(1).optional(),
      /** What one review call may take, for the advisor's latency check. */
      latencyTargetMs: z.number().int().positive().default(5000),
    })
    .prefault({}),
  dataset: z
    .strictObject({
      /** Commit messages that mark a commit as a response to review (case-insensitive regular expressions). */
      reviewPatterns: z
        .array(z.string().min(1))
        .default(['address(ed|ing)? (review|comments|feedback)', 'review (feedback|comments|fixes)', '^fixup!', '^squash!', 'per review', 'as suggested']),
      botAuthors: z.array(z.string().min(1)).default(['\\[bot\\]$', '^dependabot', '^renovate', '^github-actions']),
      maxCommits: z.number().int().positive().optional(),
      /** Git notes read as review comments on the commits they annotate. */
      notesRef: z.string().min(1).default('refs/notes/review'),
      maxHunkLines: z.number().int().positive().default(300),
      anonymizeAuthors: z.boolean().default(true),
      seed: z.string().default('housestyle'),
      /** Merge subjects (case-insensitive regular expressions) that mark a pull-request branch besides the forges' own. */
      pullRequestMerges: z.array(z.string().min(1)).default(["^Merge branch '(feature|feat|fix|bugfix|topic)/"]),
      /** Branch names (case-insensitive regular expressions) of long-lived lines whose merges are branch syncs, never pull requests. */
      longLivedBranches: z
        .array(z.string().min(1))
        .default(['^(main|master|trunk|develop|development|next|stable)$', '^(release|releases|maint|maintenance|hotfix|support|stable)([/_-].*)?$', '^v?\\d+(\\.(\\d+|x))*$']),
      /** A merged branch with more distinct authors than this is a shared line, not one pull request. */
      pullRequestMaxAuthors: z.number().int().positive().default(3),
      /** The git remote whose forge repository exported review comments must belong to, to join local pull requests by number. */
      remote: z.string().min(1).default('origin'),
      /** Keep release bookkeeping (changelogs, version files, people lists, version-only changes) in the code tasks. */
      includeBookkeeping: z.boolean().default(false),
      /** Keep non-code files (prose: Markdown, plain text, README or LICENSE files) in the code tasks. */
      includeNonCode: z.boolean().default(false),
      /** Most quality-estimation may be of all samples, and most of it one label may be. */
      qualityEstimationMaxShare: z.number().min(0).max(1).default(0.5),
      qualityEstimationMaxLabelShare: z.number().min(0.5).max(1).default(0.6),
      /** Share of review-findings samples that are windows without a comment ({"findings": []}). */
      findingsNegativeShare: z.number().min(0).max(0.9).default(0.25),
      /** A rule in the hybrid prompt is cited by a comment's finding when a search for the comment ranks it among its first this many. */
      citationRank: z.number().int().min(1).max(20).default(2),
      split: z
        .strictObject({ train: z.number().min(0).max(1).default(0.8), validation: z.number().min(0).max(1).default(0.1), test: z.number().min(0).max(1).default(0.1) })
        .prefault({})
        .refine((s) => Math.abs(s.train + s.validation + s.test - 1) < 1e-9, { message: 'train + validation + test must add up to 1' }),
    })
    .prefault({}),
});

export type Config = z.infer<typeof configSchema>;
export type KnowledgeBaseConfig = z.infer<typeof knowledgeBaseSchema>;
export type Severity = z.infer<typeof severitySchema>;
export type Route = Config['models']['route'];

/** Validates raw settings (parsed JSON, or VS Code settings reshaped) into a full Config with defaults. */
export function parseConfig(raw: unknown, origin = 'configuration'): Config {
  const result = configSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new HouseStyleError(`Invalid ${origin}:\n${z.prettifyError(result.error)}`, 'Fix the settings named above; every field and its default is listed in the README.', 'config');
  }
  return result.data;
}

/** Reads `.housestyle/config.json` from the workspace if it exists; missing means all defaults. */
export async function readConfigFile(workspace: string): Promise<unknown> {
  return readJsonFile(path.join(workspace, CONFIG_FILE), { missing: {}, code: 'config', badJsonHint: 'Fix the JSON syntax, or delete the file to use the defaults.' });
}

/**
 * What the editor's user set in its settings, section by section (user, workspace and folder scopes merged,
 * declared defaults left out so they never override the team's file), and the host the workspace's own
 * settings name (the repository's say, like the file's).
 */
export interface EditorSettings {
  /** What the user set in one section of the schema (`housestyle.<section>`), asked for every section. */
  section(name: keyof Config): Record<string, unknown> | undefined;
  /** `ollama.host` in the user's own settings: the user's choice, like `--host`. */
  userHost?: string;
  workspaceHost?: string;
  /** `index.modelHost` in the user's own settings, the only place it is read from. */
  userModelHost?: string;
  /** Some scope (user, workspace or folder) set `index.fetchModel` to false: turning fetching off is anyone's say, turning it on is not. */
  modelFetchOff?: boolean;
}

/**
 * The one configuration loader of every front end: `.housestyle/config.json`, overridden by the editor's
 * settings when there are any, with the Ollama host chosen by the user's rule (see chooseOllamaHost).
 * Without a choice (commands that call no model), a repository's host off this machine is dropped:
 * never used unconfirmed.
 */
export async function loadConfig(workspace: string, hostChoice?: HostChoice, settings?: EditorSettings): Promise<Config> {
  const file = (await readConfigFile(workspace)) as Record<string, unknown>;
  const config = modelFetchSettings(settings ? parseConfig(layerSettings(file, settings), 'House Style settings') : parseConfig(file, CONFIG_FILE), file, settings);
  const repositoryHost = settings ? (settings.workspaceHost ?? (file.ollama as { host?: string } | undefined)?.host) : config.ollama.host;
  if (!hostChoice) {
    const { host, ...ollama } = config.ollama;
    return host === undefined || isLoopbackHost(host) ? config : { ...config, ollama };
  }
  const choice = settings?.userHost ? { ...hostChoice, user: settings.userHost } : hostChoice;
  return { ...config, ollama: { ...config.ollama, host: await chooseOllamaHost(repositoryHost, choice) } };
}

/** The model host from the user's own settings only; fetching off when the team's file or any editor scope says so. */
function modelFetchSettings(config: Config, file: Record<string, unknown>, settings: EditorSettings | undefined): Config {
  const { modelHost: _fromRepository, ...index } = config.index;
  const fetchModel = config.index.fetchModel && (file.index as { fetchModel?: unknown } | undefined)?.fetchModel !== false && !settings?.modelFetchOff;
  return { ...config, index: { ...index, fetchModel, ...(settings?.userModelHost && { modelHost: settings.userModelHost }) } };
}

/** Every section of the one schema, so a new section's settings cannot be forgotten; knowledge bases are replaced whole. */
function layerSettings(file: Record<string, unknown>, settings: EditorSettings): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...file };
  for (const section of Object.keys(configSchema.shape) as (keyof Config)[]) {
    const value = settings.section(section);
    if (value && Object.keys(value).length > 0) merged[section] = section === 'knowledgeBases' ? value : { ...(file[section] as object | undefined), ...value };
  }
  return merged;
}

export function knowledgeBase(config: Config, name: string): KnowledgeBaseConfig {
  const kb = config.knowledgeBases[name];
  if (!kb) {
    const known = Object.keys(config.knowledgeBases).join(', ') || 'none';
    throw new HouseStyleError(`Unknown knowledge base "${name}" (configured: ${known}).`, `Use one of those, or add "${name}" under knowledgeBases in ${CONFIG_FILE}.`, 'config');
  }
  return kb;
}

/** The Ollama host of a configuration: its host (chosen by loadConfig or the editor, see chooseOllamaHost), else OLLAMA_HOST, else Ollama's default. */
export function ollamaHost(config: Config, env: NodeJS.ProcessEnv = process.env): string {
  return config.ollama.host ?? (env.OLLAMA_HOST?.trim() || DEFAULT_OLLAMA_HOST);
}
