/**
 * `npm run sandbox`: every sandbox on loopback with demo data, until Ctrl-C.
 * Environment: ODOO_PORT (8069), ODOO_VERSION (17; 16, 18 or 19), ODOO_PROFILE (finland | recorded), CODEPLUS_PORT (8070), PROCOUNTOR_PORT (8071).
 */
import { startSandboxes } from './index';

async function main(): Promise<void> {
	const version = Number(process.env.ODOO_VERSION ?? 17);
	if (![16, 17, 18, 19].includes(version)) throw new Error(`ODOO_VERSION must be 16, 17, 18 or 19, not ${process.env.ODOO_VERSION}`);
	const profile = (process.env.ODOO_PROFILE ?? 'finland') as 'finland' | 'recorded';
	const sb = await startSandboxes(
		{ odoo: Number(process.env.ODOO_PORT ?? 8069), codeplus: Number(process.env.CODEPLUS_PORT ?? 8070), procountor: Number(process.env.PROCOUNTOR_PORT ?? 8071), receiver: Number(process.env.RECEIVER_PORT ?? 8072) },
		{ odoo: { version: version as 16 | 17 | 18 | 19, profile } },
	);
	const o = sb.odoo.options;
	const lines = [
		'Sandboxes running (Ctrl-C stops them):',
		'',
		`Odoo ${o.version} (${profile} demo data)   ${sb.odoo.url}`,
		`  database ${o.database}, login ${o.login}, password ${o.password}, API key ${o.apiKey}`,
		`  JSON-RPC ${sb.odoo.url}/jsonrpc${o.version >= 19 ? `, JSON-2 ${sb.odoo.url}/json/2/<model>/<method>` : ''}`,
		`  control: GET ${sb.odoo.url}/__sandbox/stats, POST /__sandbox/faults {"rate":0.2}, POST /__sandbox/odoo/reset`,
		'',
		`Codeplus (PixelPoint) ${sb.codeplus.url}`,
		`  token ${sb.codeplus.options.token}; ${sb.codeplus.stores.length} stores, ${sb.codeplus.allInvoices().length} invoices of the ${sb.codeplus.options.days} business days before ${sb.codeplus.options.today}`,
		'',
		`Procountor ${sb.procountor.url}`,
		`  client ${sb.procountor.options.clientId}, secret ${sb.procountor.options.clientSecret}, API key ${sb.procountor.options.apiKey}; 20 requests/s`,
		`  record a payment: POST ${sb.procountor.http.url}/__sandbox/procountor/invoices/<id>/payments {"amount": 10}`,
		'',
		`Canonical invoice receiver ${sb.receiver?.url ?? '(port 8072 taken)'}`,
		'',
		'Credentials for `npm run flows -- --credentials FILE`:',
		JSON.stringify(sb.credentials(), null, 2),
		'',
	];
	process.stdout.write(lines.join('\n'));
	const stop = () => void sb.stop().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((e: Error) => {
	process.stderr.write(`${e.message}\n`);
	process.exit(1);
});
