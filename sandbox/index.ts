/** Starts every sandbox with demo data; used by `npm run sandbox`, the flows runner and the tests. */
import { OdooSandbox, type OdooSandboxOptions } from './odoo/server';

export interface Sandboxes {
	odoo: OdooSandbox;
	stop(): Promise<void>;
	/** Credentials for this package's credential types, pointing at the sandboxes. */
	credentials(): Record<string, Record<string, string | number>>;
}

export interface SandboxPorts {
	odoo?: number;
}

export async function startSandboxes(ports: SandboxPorts = {}, odooOptions: Partial<OdooSandboxOptions> = {}): Promise<Sandboxes> {
	const odoo = new OdooSandbox({ profile: 'finland', ...odooOptions });
	await odoo.start(ports.odoo ?? 0);
	return {
		odoo,
		async stop() {
			await odoo.stop();
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
			};
		},
	};
}
