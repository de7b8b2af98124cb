export { seededRandom } from '../../src/core/seededRandom';
