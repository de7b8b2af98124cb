/**
 * The fast-check parameters of every property test: a fixed seed, so each run of the suite tries the same
 * inputs and a failure repeats; PROPERTY_SEED explores others. fast-check's failure report names the seed and
 * the path that replays the counterexample.
 */
export const PROPERTY_SEED = Number(process.env.PROPERTY_SEED ?? 20261207);

export function propertyRuns(numRuns: number): { numRuns: number; seed: number } {
  return { numRuns, seed: PROPERTY_SEED };
}
