/** The tasks whose answers are review comments a route can be scored on. */
export const EVALUATED_TASKS = ['review-comment', 'review-findings'] as const;

/** Below this many test examples no figure means anything: eval refuses to measure (and a dataset build warns). */
export const MIN_TEST_EXAMPLES = 5;
/** Below this many, the intervals are wide: eval measures and says so. */
export const FEW_TEST_EXAMPLES = 30;
