import { HouseStyleError } from '../../errors';
import { alpacaFormat } from './alpaca';
import { FORMAT_NAMES, type DatasetFormat, type FormatName } from './datasetFormat';
import { openaiFormat } from './openai';
import { sharegptFormat } from './sharegpt';

const FORMATS: Record<FormatName, DatasetFormat> = { openai: openaiFormat, sharegpt: sharegptFormat, alpaca: alpacaFormat };

export function datasetFormat(name: string): DatasetFormat {
  const format = FORMATS[name as FormatName];
  if (!format) throw new HouseStyleError(`Unknown dataset format "${name}".`, `Use one of: ${FORMAT_NAMES.join(', ')}.`, 'usage');
  return format;
}
