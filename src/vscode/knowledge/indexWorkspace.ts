import * as vscode from 'vscode';
import type { IndexReport } from '../../core/knowledge/indexer';
import type { EditorWorkspace, HouseStyleContext } from '../context';
import { withEditorProgress } from '../progress';
import { counted } from '../../core/service/frontEndHelpers';
import { warnWithFix } from '../fixSteps';
import { stepDone } from '../walkthroughSteps';
import { offerSemanticSearch } from './embeddingOffer';

/**
 * "House Style: Index Workspace": brings the knowledge base up to date, with progress and cancellation.
 * "House Style: Rebuild Index" (`rebuild`) deletes it first: the way out of a damaged index.
 */
export async function indexWorkspace(ctx: HouseStyleContext, { service }: EditorWorkspace, kb?: string, rebuild = false): Promise<IndexReport> {
  const config = await service.config();
  const report = await withEditorProgress(ctx.activity, { kind: 'indexing', label: kb ?? config.review.knowledgeBase }, { title: `House Style: ${rebuild ? 'rebuilding the index of' : 'indexing'} docs and style guides` }, (progress, signal) =>
    service.index({ kb, rebuild, signal, progress }),
  );
  ctx.errors.succeeded();
  const summary = `Indexed ${counted(report.rows, 'passage')} from ${counted(report.files - report.skipped.length, 'file')} with ${report.embedder} (${report.updated} updated, ${report.removed} removed, ${report.skipped.length} skipped).`;
  ctx.logger.info(summary);
  if (report.rows === 0) {
    // Nothing to review against: not a success to report, but what to add.
    void warnWithFix(`The knowledge base "${report.kb}" is empty: no style guide or doc matches its include globs.`, ['add-knowledge-sources']).catch((error: unknown) => ctx.errors.present(error));
    return report;
  }
  stepDone('index');
  void vscode.window.showInformationMessage(`House Style: ${summary}`, ...(report.skipped.length ? ['Show Skipped'] : [])).then((choice) => choice && ctx.output.show());
  void offerSemanticSearch(ctx, service, config, report, () => vscode.commands.executeCommand('housestyle.indexWorkspace', kb && { kb })).catch((error: unknown) => ctx.errors.present(error));
  return report;
}
