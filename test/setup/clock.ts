/**
 * Every test file runs on one fixed clock, whatever the machine's date: TEST_NOW (ISO 8601 with a
 * zone, or YYYY-MM-DD) moves it, e.g. to show that nothing depends on a particular day.
 */
import { DEFAULT_NOW, setClock } from '../../runner/clock';

setClock(process.env.TEST_NOW || DEFAULT_NOW);
