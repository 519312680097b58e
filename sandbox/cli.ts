/**
 * `npm run sandbox`: every sandbox on loopback with demo data, until Ctrl-C.
 * Environment: ODOO_PORT (8069), CODEPLUS_PORT (8070), PROCOUNTOR_PORT (8071), RECEIVER_PORT (8072), MAIL_PORT (2525),
 * ODOO_VERSION (17; 16, 18 or 19), ODOO_PROFILE (finland | recorded). The sandboxes run on this
 * machine's clock, as an n8n pointed at them does.
 */
import { PORT_VARIABLES, startSandboxes, type SandboxPorts } from './index';

const DEFAULT_PORTS: Required<SandboxPorts> = { odoo: 8069, codeplus: 8070, procountor: 8071, receiver: 8072, mail: 2525 };

function portsFromEnv(): Required<SandboxPorts> {
	const out = { ...DEFAULT_PORTS };
	for (const key of Object.keys(DEFAULT_PORTS) as Array<keyof SandboxPorts>) {
		const raw = process.env[PORT_VARIABLES[key]];
		if (raw === undefined || raw === '') continue;
		const port = Number(raw);
		if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${PORT_VARIABLES[key]}="${raw}" is not a port number (0 to 65535; 0 picks a free one)`);
		out[key] = port;
	}
	return out;
}

async function main(): Promise<void> {
	const version = Number(process.env.ODOO_VERSION ?? 17);
	if (![16, 17, 18, 19].includes(version)) throw new Error(`ODOO_VERSION must be 16, 17, 18 or 19, not ${process.env.ODOO_VERSION}`);
	const profile = (process.env.ODOO_PROFILE ?? 'finland') as 'finland' | 'recorded';
	const sb = await startSandboxes(
		portsFromEnv(),
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
		`Canonical invoice receiver ${sb.receiver.url} (the canonical-sync template's Settings → endpoint)`,
		'',
		`Mail (SMTP, no TLS) ${sb.mail.host}:${sb.mail.portNumber}, user ${sb.mail.user}, password ${sb.mail.password} (the SMTP credential of Send Email steps)`,
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
