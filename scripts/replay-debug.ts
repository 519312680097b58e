import { OdooSandbox } from '../sandbox/odoo/server';
import { Replayer, loadRecordings } from '../test/contract/replay';

async function main() {
	const sb = new OdooSandbox({ version: 17 });
	await sb.start();
	const r = new Replayer(sb);
	let n = 0;
	for (const rec of loadRecordings()) {
		for (const [i, call] of rec.calls.entries()) {
			await r.replay(rec.file, i, call);
			n++;
		}
	}
	await sb.stop();
	process.stdout.write(r.failures.join('\n') + `\n${n} calls, ${r.failures.length} failures\n`);
}
void main();
