/**
 * `npx ts-node --transpile-only test/contract/replay-report.ts package-odoo17 17`: replays one
 * folder of transcripts against the sandbox and prints every difference, one per line (what the
 * contract test reports call by call, at a glance while fixing the sandbox).
 */
import { OdooSandbox } from '../../sandbox/odoo/server';
import { Replayer, isJson2, loadRecordings } from './replay';

async function main(): Promise<void> {
	const folder = process.argv[2] ?? 'package-odoo17';
	const version = Number(process.argv[3] ?? folder.replace(/\D/g, '')) as 17 | 18 | 19;
	const sandbox = new OdooSandbox({ version, database: 'n8n_contract', password: 'admin', profile: 'integrator' });
	await sandbox.start();
	const replayer = new Replayer(sandbox);
	let calls = 0;
	for (const r of loadRecordings(folder)) {
		for (const [i, call] of r.calls.entries()) {
			calls++;
			const body = await replayer.replay(r.file, i, call);
			if (process.env.DUMP === `${r.file}#${i + 1}`) console.log(JSON.stringify({ request: isJson2(call) ? [call.endpoint, call.request] : call.request.params.args.slice(3), recorded: call.response, sandbox: body }, null, 1));
		}
	}
	await sandbox.stop();
	for (const f of replayer.failures) console.log(f.slice(0, Number(process.env.WIDTH ?? 400)));
	console.log(`${calls} calls, ${replayer.failures.length} differences`);
}

void main();
