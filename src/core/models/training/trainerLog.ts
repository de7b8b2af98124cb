/** One line of LLaMA-Factory's trainer_log.jsonl (its LogCallback), the fields House Style reads. */
export interface TrainerLogEntry {
  currentSteps: number;
  totalSteps: number;
  loss?: number;
  evalLoss?: number;
  epoch?: number;
  percentage?: number;
  /** "H:MM:SS" as LLaMA-Factory writes it. */
  elapsedTime?: string;
  remainingTime?: string;
}

/** Parses one log line; anything that is not a step entry gives undefined (LLaMA-Factory may add fields). */
export function parseTrainerLogLine(line: string): TrainerLogEntry | undefined {
  let json: Record<string, unknown>;
  try {
    json = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
  const number = (key: string) => (typeof json[key] === 'number' ? (json[key] as number) : undefined);
  const text = (key: string) => (typeof json[key] === 'string' ? (json[key] as string) : undefined);
  const currentSteps = number('current_steps');
  const totalSteps = number('total_steps');
  if (currentSteps === undefined || totalSteps === undefined) return undefined;
  const loss = number('loss');
  const evalLoss = number('eval_loss');
  const epoch = number('epoch');
  const percentage = number('percentage');
  const elapsedTime = text('elapsed_time');
  const remainingTime = text('remaining_time');
  return {
    currentSteps,
    totalSteps,
    ...(loss !== undefined && { loss }),
    ...(evalLoss !== undefined && { evalLoss }),
    ...(epoch !== undefined && { epoch }),
    ...(percentage !== undefined && { percentage }),
    ...(elapsedTime !== undefined && { elapsedTime }),
    ...(remainingTime !== undefined && { remainingTime }),
  };
}

/** "step 40/120, loss 1.234, ETA 0:02:10" */
export function describeStep(entry: TrainerLogEntry): string {
  return [`step ${entry.currentSteps}/${entry.totalSteps}`, entry.loss !== undefined && `loss ${entry.loss.toFixed(3)}`, entry.remainingTime && `ETA ${entry.remainingTime}`].filter(Boolean).join(', ');
}
