/** Starts every sandbox with demo data; used by `npm run sandbox`, the flows runner and the tests. */
import { randomBytes } from 'node:crypto';
import { CodeplusSandbox, type CodeplusOptions } from './codeplus/server';
import { OdooSandbox, type OdooSandboxOptions } from './odoo/server';
import { ProcountorSandbox, type ProcountorOptions } from './procountor/server';
import { MailSandbox } from './mail';
import { ReceiverSandbox } from './receiver';

export interface Sandboxes {
	odoo: OdooSandbox;
	codeplus: CodeplusSandbox;
	procountor: ProcountorSandbox;
	/** Where the canonical invoice sync posts (its Settings → endpoint is `receiver.url`). */
	receiver: ReceiverSandbox;
	/** The mail server of n8n's Send Email steps (the daily close report's optional mail). */
	mail: MailSandbox;
	stop(): Promise<void>;
	/** Credentials for this package's credential types, pointing at the sandboxes. */
	credentials(): Record<string, Record<string, string | number | boolean>>;
	/** Values for the templates' Settings steps that point at the sandboxes (the canonical endpoint). */
	settings(): Record<string, string>;
}

export interface SandboxPorts {
	odoo?: number;
	codeplus?: number;
	procountor?: number;
	/** Where exports are POSTed (the canonical-sync template's Settings → endpoint). */
	receiver?: number;
	/** SMTP, for n8n's Send Email steps. */
	mail?: number;
}

/** The environment variable that chooses each sandbox's port in `npm run sandbox`, for messages. */
export const PORT_VARIABLES: Record<keyof SandboxPorts, string> = {
	odoo: 'ODOO_PORT',
	codeplus: 'CODEPLUS_PORT',
	procountor: 'PROCOUNTOR_PORT',
	receiver: 'RECEIVER_PORT',
	mail: 'MAIL_PORT',
};

export interface SandboxOptions {
	odoo?: Partial<OdooSandboxOptions>;
	codeplus?: Partial<CodeplusOptions>;
	procountor?: Partial<ProcountorOptions>;
}

/** Port 0 (the default) takes a free port; a taken port fails at once, naming the variable to change. */
async function listenOn(which: keyof SandboxPorts, port: number | undefined, listen: (port: number) => Promise<string>): Promise<void> {
	try {
		await listen(port ?? 0);
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'EADDRINUSE' || code === 'EACCES') {
			const why = code === 'EADDRINUSE' ? 'is taken by another program' : 'may not be used by this user';
			throw new Error(`The ${which} sandbox cannot listen on 127.0.0.1:${port}: the port ${why}. Set ${PORT_VARIABLES[which]} to another port (0 picks a free one).`);
		}
		throw error;
	}
}

export async function startSandboxes(ports: SandboxPorts = {}, options: SandboxOptions = {}): Promise<Sandboxes> {
	// Distinctive secrets, so tests can scan outputs and logs for them (the recorded database's "admin" is also the login).
	const odoo = new OdooSandbox({ profile: 'finland', password: 'sandbox-admin-pw-7d1c', ...options.odoo });
	const codeplus = new CodeplusSandbox(options.codeplus);
	const procountor = new ProcountorSandbox(options.procountor);
	const receiver = new ReceiverSandbox();
	const mail = new MailSandbox();
	const all = [odoo, codeplus, procountor, receiver, mail];
	// A new secret for every start: no till token outlives the sandboxes that signed it.
	const tillSecret = randomBytes(24).toString('base64url');
	try {
		await listenOn('odoo', ports.odoo, (p) => odoo.start(p));
		await listenOn('codeplus', ports.codeplus, (p) => codeplus.start(p));
		await listenOn('procountor', ports.procountor, (p) => procountor.start(p));
		await listenOn('receiver', ports.receiver, (p) => receiver.start(p));
		await listenOn('mail', ports.mail, (p) => mail.start(p));
	} catch (error) {
		await Promise.all(all.map((x) => x.stop()));
		throw error;
	}
	return {
		odoo,
		codeplus,
		procountor,
		receiver,
		mail,
		async stop() {
			await Promise.all(all.map((x) => x.stop()));
		},
		settings() {
			// Where the canonical sync sends, the day the invoice export starts (the demo's own documents are from October on),
			// and where the daily close report is mailed (the mail sandbox keeps it).
			return { endpoint: receiver.url, startDate: '2026-10-01', mailTo: 'accounting@ravintola.example', mailFrom: 'n8n@ravintola.example' };
		},
		credentials() {
			return {
				odooErpApi: {
					url: odoo.url,
					database: odoo.options.database,
					username: odoo.options.login,
					authentication: 'apiKey',
					apiKey: odoo.options.apiKey,
					timeoutSeconds: 30,
				},
				codeplusApi: { baseUrl: codeplus.url, token: codeplus.options.token, timeoutSeconds: 30 },
				procountorApi: {
					environment: 'custom',
					customUrl: procountor.url,
					clientId: procountor.options.clientId,
					clientSecret: procountor.options.clientSecret,
					apiKey: procountor.options.apiKey,
					accessToken: '',
				},
				// n8n's own JWT credential of the counter API's webhooks: the tills' tokens are signed with it.
				jwtAuth: { keyType: 'passphrase', secret: tillSecret, algorithm: 'HS256' },
				// n8n's Header Auth credential of the canonical sync's HTTP step: the receiver's bearer token.
				httpHeaderAuth: { name: 'Authorization', value: `Bearer ${receiver.token}` },
				// n8n's SMTP credential of the Send Email steps: the mail sandbox, plain on loopback.
				smtp: { user: mail.user, password: mail.password, host: mail.host, port: mail.portNumber, secure: false, disableStartTls: true, hostName: '' },
			};
		},
	};
}
