/** Starts every sandbox with demo data; used by `npm run sandbox`, the flows runner and the tests. */
import { CodeplusSandbox, type CodeplusOptions } from './codeplus/server';
import { OdooSandbox, type OdooSandboxOptions } from './odoo/server';
import { ProcountorSandbox, type ProcountorOptions } from './procountor/server';
import { ReceiverSandbox } from './receiver';

export interface Sandboxes {
	odoo: OdooSandbox;
	codeplus: CodeplusSandbox;
	procountor: ProcountorSandbox;
	/** Where the canonical invoice sync posts; undefined when its port was taken. */
	receiver?: ReceiverSandbox;
	stop(): Promise<void>;
	/** Credentials for this package's credential types, pointing at the sandboxes. */
	credentials(): Record<string, Record<string, string | number>>;
}

export interface SandboxPorts {
	odoo?: number;
	codeplus?: number;
	procountor?: number;
	/** The canonical-sync template posts to port 8072 (RECEIVER_PORT); default: a free port. */
	receiver?: number;
}

export interface SandboxOptions {
	odoo?: Partial<OdooSandboxOptions>;
	codeplus?: Partial<CodeplusOptions>;
	procountor?: Partial<ProcountorOptions>;
}

export async function startSandboxes(ports: SandboxPorts = {}, options: SandboxOptions = {}): Promise<Sandboxes> {
	// Distinctive secrets, so tests can scan outputs and logs for them (the recorded database's "admin" is also the login).
	const odoo = new OdooSandbox({ profile: 'finland', password: 'sandbox-admin-pw-7d1c', ...options.odoo });
	const codeplus = new CodeplusSandbox(options.codeplus);
	await odoo.start(ports.odoo ?? 0);
	const procountor = new ProcountorSandbox(options.procountor);
	await codeplus.start(ports.codeplus ?? 0);
	await procountor.start(ports.procountor ?? 0);
	let receiver: ReceiverSandbox | undefined = new ReceiverSandbox();
	if (ports.receiver) {
		// The fixed port may be held by a test file running in parallel: wait for it, up to two minutes.
		for (let waited = 0; ; waited += 250) {
			try {
				await receiver.start(ports.receiver);
				break;
			} catch (error) {
				if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || waited > 120_000) throw error;
				await new Promise((r) => setTimeout(r, 250));
				receiver = new ReceiverSandbox();
			}
		}
	} else {
		try {
			await receiver.start(0);
		} catch {
			receiver = undefined;
		}
	}
	return {
		odoo,
		codeplus,
		procountor,
		receiver,
		async stop() {
			await Promise.all([odoo.stop(), codeplus.stop(), procountor.stop(), receiver?.stop()]);
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
			};
		},
	};
}
