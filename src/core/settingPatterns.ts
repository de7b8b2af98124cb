import { HouseStyleError } from './errors';

/** Compiles the case-insensitive regular expressions of a dataset setting, naming the setting when one is invalid. */
export function compileSettingPatterns(patterns: string[], setting: string, flags = 'i'): RegExp[] {
  return patterns.map((pattern) => {
    try {
      return new RegExp(pattern, flags);
    } catch (error) {
      throw new HouseStyleError(`${setting} holds an invalid regular expression: ${pattern} (${(error as Error).message}).`, `Fix or remove it in ${setting} of .housestyle/config.json.`, 'config', { cause: error });
    }
  });
}
