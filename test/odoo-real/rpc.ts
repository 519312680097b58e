/**
 * A JSON-RPC client of the tests' own for real Odoo: the harness sets databases up and checks the
 * books with it, never with the package's transport (what is checked must not check itself).
 */
export class RpcError extends Error {
	constructor(
		readonly name: string,
		message: string,
	) {
		super(message);
	}
}

export class Rpc {
	private uid?: number;
	calls = 0;

	constructor(
		readonly url: string,
		readonly db: string,
		readonly login = 'admin',
		readonly password = 'admin',
	) {}

	async raw(service: string, method: string, args: unknown[]): Promise<unknown> {
		this.calls++;
		const res = await fetch(`${this.url}/jsonrpc`, {
			method: 'POST',
			headers: { 'Content-Type': 'application/json' },
			body: JSON.stringify({ jsonrpc: '2.0', method: 'call', params: { service, method, args }, id: this.calls }),
		});
		const body = (await res.json()) as { result?: unknown; error?: { data?: { name?: string; message?: string } } };
		if (body.error) throw new RpcError(body.error.data?.name ?? 'odoo.Error', body.error.data?.message ?? JSON.stringify(body.error));
		return body.result;
	}

	async call<T = unknown>(model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}): Promise<T> {
		this.uid ??= (await this.raw('common', 'authenticate', [this.db, this.login, this.password, {}])) as number;
		if (!this.uid) throw new Error(`login ${this.login} refused on ${this.db}`);
		return (await this.raw('object', 'execute_kw', [this.db, this.uid, this.password, model, method, args, kwargs])) as T;
	}

	async searchRead<T = Record<string, unknown>>(model: string, domain: unknown[], fields: string[], kwargs: Record<string, unknown> = {}): Promise<T[]> {
		return await this.call<T[]>(model, 'search_read', [domain], { fields, ...kwargs });
	}

	async ref(xmlid: string): Promise<number | undefined> {
		const [module, name] = xmlid.split('.');
		const [row] = await this.searchRead<{ res_id: number }>('ir.model.data', [['module', '=', module], ['name', '=', name]], ['res_id']);
		return row?.res_id;
	}
}
