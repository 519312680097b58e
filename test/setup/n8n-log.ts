/**
 * n8n-core's own logger (its error reporter logs every node error it sees) writes to a file of
 * this worker instead of the console, so a passing `npm test` prints jest's summary only — the
 * bad-input tests' expected errors would fill pages. The same texts are in the workflow runs,
 * which secrets.ts scans; it scans this file too. TEST_VERBOSE=1 keeps n8n's log on the console.
 */
import * as os from 'node:os';
import * as path from 'node:path';

export const N8N_LOG_FILE = path.join(os.tmpdir(), `n8n-nodes-pos-odoo-procountor-test-${process.pid}.log`);

if (!process.env.TEST_VERBOSE) {
	process.env.N8N_LOG_OUTPUT = 'file';
	process.env.N8N_LOG_FILE_LOCATION = N8N_LOG_FILE;
}
