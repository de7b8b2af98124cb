import { Command } from 'commander';
import { present } from './presenter';
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
  process.exitCode = present.failure(error);
});
