import { Command, CommanderError } from 'commander';
import { EXIT_ERROR } from './run';
import { registerIndex } from './commands/index';
import { registerSearch } from './commands/search';
import { registerReview } from './commands/review';
import { registerDataset } from './commands/dataset';
import { registerTrain } from './commands/train';
import { registerModel } from './commands/model';
import { registerAsk } from './commands/ask';
import { registerCompare } from './commands/compare';
import { registerEval } from './commands/eval';
import { registerAdvise } from './commands/advise';
import { registerKb } from './commands/kb';
import packageJson from '../../package.json';

const program = new Command('housestyle')
  .description('A local code-review agent that knows your team\'s rules.')
  .version(packageJson.version)
  .showHelpAfterError()
  .exitOverride();

registerIndex(program);
registerSearch(program);
registerReview(program);
registerDataset(program);
registerTrain(program);
registerModel(program);
registerAsk(program);
registerCompare(program);
registerEval(program);
registerAdvise(program);
registerKb(program);

program.parseAsync(process.argv).catch((error: unknown) => {
  // Commander has already printed usage errors; help and --version exit cleanly.
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? 0 : EXIT_ERROR;
    return;
  }
  process.stderr.write(`housestyle: ${(error as Error).message}\n`);
  process.exitCode = EXIT_ERROR;
});
