/*
 * A leaf shared by routes (which pick a variant), the review prompt (which builds it) and the dataset (which
 * trains on it), so that routing does not reach up into review.
 */

/**
 * What the model is given: the retrieved rules (the rag and hybrid routes), or none (the fine-tuned route,
 * whose adapter learned the conventions, answers without citations).
 */
export type ReviewPromptVariant = 'with-rules' | 'without-rules';
