/**
 * `npm run screenshot:close-report`: the daily close report as posted in Discuss (its HTML and its
 * chart), made by the template against the sandboxes with one difference (a cash payment of one
 * store's last day changed in Odoo), rendered in headless Chromium into docs/screenshots.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DEFAULT_NOW, setClock } from '../../runner/clock';
import { Engine } from '../../runner/engine';
import { runTemplate } from '../../runner/flows';
import { startSandboxes } from '../../sandbox';

async function main(): Promise<void> {
	setClock(DEFAULT_NOW);
	const sb = await startSandboxes();
	try {
		const engine = new Engine(sb.credentials());
		for (const t of ['pixelpoint-master-data', 'pixelpoint-order-import', 'pos-session-auto-close']) await runTemplate(engine, t);
		const db = sb.odoo.db;
		const env = sb.odoo.env();
		const [x] = db.read(env, 'ir.model.data', db.search(env, 'ir.model.data', [['module', '=', 'pixelpoint'], ['name', '=like', 'session_2_%']], { limit: 1, order: 'name desc' }), ['res_id']);
		const [pay] = db.read(env, 'pos.payment', db.search(env, 'pos.payment', [['session_id', '=', x.res_id as number]], { limit: 1 }), ['amount']);
		db.transaction(() => db.updateRaw('pos.payment', db.browse('pos.payment', pay.id as number)!, { amount: Number(pay.amount) - 12.5 }));
		const r = await runTemplate(engine, 'pos-daily-close-report');
		const rec = r.summary[0] as { html: string; attachments: Array<{ text: string }> };
		const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'close-report-'));
		const page = path.join(dir, 'report.html');
		fs.writeFileSync(page, `<html><body style="font-family:sans-serif;max-width:900px">${rec.html}${rec.attachments[0]?.text ?? ''}</body></html>`);
		const out = path.resolve(__dirname, '..', '..', 'docs', 'screenshots', 'daily-close-report.png');
		execFileSync(process.env.CHROMIUM ?? 'chromium', ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', `--user-data-dir=${path.join(dir, 'profile')}`, '--window-size=900,520', `--screenshot=${out}`, `file://${page}`], { stdio: 'ignore' });
		fs.rmSync(dir, { recursive: true, force: true });
		process.stdout.write(`${out}\n`);
	} finally {
		await sb.stop();
	}
}

void main().then(
	() => process.exit(0),
	(e: Error) => {
		process.stderr.write(`${e.message}\n`);
		process.exit(1);
	},
);
