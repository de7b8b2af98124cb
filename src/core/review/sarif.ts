import { pathToFileURL } from 'node:url';
import type { Log, ReportingDescriptor, Result } from 'sarif';
import type { Finding } from './finding';
import { citedSources } from './textReport';

const SRCROOT = '%SRCROOT%';

export interface SarifOptions {
  toolVersion: string;
  /** The workspace folder, recorded as the root that result paths are relative to. */
  workspace?: string;
  /** Model and prompt figures kept in the run's property bag. */
  properties?: Record<string, unknown>;
}

/**
 * SARIF 2.1.0 for code-scanning upload: one rule per distinct rule summary, one result per finding,
 * located in the reviewed file, with the cited passages as related locations and the suggested
 * replacement as a fix.
 */
export function toSarif(findings: readonly Finding[], options: SarifOptions): Log {
  const rules: ReportingDescriptor[] = [];
  const ruleIndex = new Map<string, number>();
  const results: Result[] = findings.map((finding) => {
    const id = ruleId(finding.rule);
    let index = ruleIndex.get(id);
    if (index === undefined) {
      index = rules.push({ id, name: finding.rule, shortDescription: { text: finding.rule } }) - 1;
      ruleIndex.set(id, index);
    }
    const region = { startLine: finding.startLine, endLine: finding.endLine };
    const artifactLocation = { uri: encodePath(finding.path), uriBaseId: SRCROOT };
    return {
      ruleId: id,
      ruleIndex: index,
      level: finding.severity === 'error' ? 'error' : finding.severity === 'warning' ? 'warning' : 'note',
      message: { text: `${finding.message} (${citedSources(finding)})` },
      locations: [{ physicalLocation: { artifactLocation, region } }],
      relatedLocations: finding.citations.map((citation, i) => ({
        id: i,
        physicalLocation: { artifactLocation: { uri: encodePath(citation.source), uriBaseId: SRCROOT }, region: { startLine: citation.startLine, endLine: citation.endLine } },
        message: { text: citation.heading || citation.source },
      })),
      ...(finding.replacement !== undefined
        ? { fixes: [{ description: { text: 'Apply the suggested replacement' }, artifactChanges: [{ artifactLocation, replacements: [{ deletedRegion: region, insertedContent: { text: finding.replacement } }] }] }] }
        : {}),
      properties: { severity: finding.severity },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'House Style', version: options.toolVersion, rules } },
        ...(options.workspace ? { originalUriBaseIds: { [SRCROOT]: { uri: directoryUri(options.workspace) } } } : {}),
        results,
        ...(options.properties ? { properties: options.properties } : {}),
      },
    ],
  };
}

/** A stable id from the rule summary, so the same rule gets the same id across runs. */
export function ruleId(rule: string): string {
  const slug = rule
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 64)
    .replace(/-+$/, '');
  return `housestyle/${slug || 'rule'}`;
}

function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** A file URI with #, ? and % percent-encoded (a plain URL would read them as fragment, query and escapes). */
function directoryUri(folder: string): string {
  const { href } = pathToFileURL(folder);
  return href.endsWith('/') ? href : `${href}/`;
}
