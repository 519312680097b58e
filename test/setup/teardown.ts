/** After the whole run: the n8n log files of the workers (see n8n-log.ts). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default function teardown(): void {
	for (const f of fs.readdirSync(os.tmpdir())) if (/^n8n-nodes-pos-odoo-procountor-test-\d+\.log$/.test(f)) fs.rmSync(path.join(os.tmpdir(), f), { force: true });
}
