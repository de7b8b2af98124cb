/**
 * The light part of what the front ends (src/cli, src/vscode) may use of the core, beside the workspace
 * service (./workspaceService, which the editor loads lazily) and core/errors: pure helpers that present the
 * service's results (text and SARIF writers, terminal neutralising, route and format names) and the activity
 * a status line watches. Anything else crosses as types only (a unit test checks).
 */
export { Activity } from '../activity';
export { terminalLine, terminalLines, terminalProse } from '../terminalText';
export { toSarif } from '../review/sarif';
export { toCodeQuality } from '../review/codeQuality';
export { formatFindingLine, formatSummary } from '../review/textReport';
export { meetsThreshold } from '../review/finding';
export { adviceText } from '../advice/adviceText';
export { NO_FINE_TUNED_MODEL, ROUTES, parseRoutes } from '../models/route';
export { counted } from '../plural';
export { sha256 } from '../hash';
export { FORMAT_NAMES } from '../dataset/exporters/datasetFormat';
export { CARD_FILE } from '../datasetFiles';
export { Dismissals } from '../review/dismissals';
export { moveAfterFix } from '../review/shiftFindings';
export { fetchProgressText, parseNumberRange } from '../forge/fetchReviewComments';
export { chosenCode, type OpenFile } from '../chat/chosenCode';
export { isOutside } from '../insideWorkspace';
export { isMarkdownSource } from '../knowledge/chunk/markdownSource';
