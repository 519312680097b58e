/** Shared by the tests: sandboxes on free ports, credentials for them, workflow builders. */
import { createHmac } from 'node:crypto';
import type { ICredentialDataDecryptedObject, IDataObject, INode, IWorkflowBase } from 'n8n-workflow';
import { Engine, PACKAGE_NAME } from '../runner/engine';
import { runTemplate } from '../runner/flows';
import { CodeplusSandbox, type CodeplusOptions } from '../sandbox/codeplus/server';
import { OdooSandbox, type OdooSandboxOptions } from '../sandbox/odoo/server';

export interface OdooFixture {
	sandbox: OdooSandbox;
	creds: ICredentialDataDecryptedObject;
	engine: Engine;
}

export async function startOdoo(opts: Partial<OdooSandboxOptions> = {}, auth: 'password' | 'apiKey' = 'password'): Promise<OdooFixture> {
	const sandbox = new OdooSandbox({ password: 'sandbox-admin-pw-7d1c', ...opts });
	const url = await sandbox.start();
	const creds: ICredentialDataDecryptedObject = {
		url,
		database: sandbox.options.database,
		username: sandbox.options.login,
		authentication: auth,
		password: auth === 'password' ? sandbox.options.password : '',
		apiKey: auth === 'apiKey' ? sandbox.options.apiKey : '',
		timeoutSeconds: 5,
	};
	return { sandbox, creds, engine: new Engine({ odooErpApi: creds }) };
}

let nodeId = 0;

export function node(name: string, type: string, parameters: Record<string, unknown>, extra: Partial<INode> = {}): INode {
	const fullType = type.includes('.') ? type : `${PACKAGE_NAME}.${type}`;
	const short = fullType.split('.')[1];
	const credentials: INode['credentials'] = short.startsWith('odoo')
		? { odooErpApi: { id: '1', name: 'Odoo sandbox' } }
		: short.startsWith('pixelPoint')
			? { codeplusApi: { id: '2', name: 'Codeplus sandbox' } }
			: short.startsWith('procountor')
				? { procountorApi: { id: '3', name: 'Procountor sandbox' } }
				: undefined;
	return {
		id: String(++nodeId),
		name,
		type: fullType,
		typeVersion: type === 'n8n-nodes-base.code' ? 2 : 1,
		position: [nodeId * 200, 0],
		parameters: parameters as INode['parameters'],
		...(fullType.startsWith(PACKAGE_NAME) && credentials ? { credentials } : {}),
		...extra,
	};
}

/** Manual trigger → Code emitting `items` → the given nodes in a chain. */
export function chain(items: unknown[], ...nodes: INode[]): IWorkflowBase {
	const all = [
		node('Start', 'n8n-nodes-base.manualTrigger', {}),
		node('Items', 'n8n-nodes-base.code', { jsCode: `return ${JSON.stringify(items)}.map((json) => ({ json }));` }),
		...nodes,
	];
	const connections: IWorkflowBase['connections'] = {};
	for (let k = 0; k < all.length - 1; k++) connections[all[k].name] = { main: [[{ node: all[k + 1].name, type: 'main' as never, index: 0 }]] };
	return { id: 'test', name: 'test', nodes: all, connections, active: false, settings: {}, createdAt: new Date(), updatedAt: new Date() } as unknown as IWorkflowBase;
}

export const rl = (value: string) => ({ __rl: true, mode: 'name', value });

/** The German taxes the Berlin copy of the templates names (food 7 %, drinks 19 %), as test/odoo-real/setup.ts makes them. */
export const GERMAN_TAXES: IDataObject = {
	taxExcluded: rl('USt 7%'),
	taxIncluded: rl('USt 7% incl'),
	taxRules: { rule: [{ categories: '20, 21, 22, 23', taxExcluded: rl('USt 19%'), taxIncluded: rl('USt 19% incl') }] },
};

/** A company's copy of a template, as an integrator edits it: the taxes of its product and import steps, and its Namespace when given. */
export function templateCopy(taxes: IDataObject, namespace?: string): (wf: IWorkflowBase) => void {
	return (wf) => {
		for (const n of wf.nodes) {
			if (!n.type.endsWith('.odooErp')) continue;
			const p = n.parameters as IDataObject;
			if (namespace && p.namespace !== undefined) p.namespace = namespace;
			if (p.operation === 'upsertProducts') Object.assign(p, taxes);
			if (p.operation === 'importPixelPoint') p.options = { ...(p.options as IDataObject), ...taxes };
		}
	};
}

/** Every Odoo call the sandbox counted, except the login handshake. */
export function odooCallsBesidesAuth(sandbox: OdooSandbox): number {
	const c = sandbox.http.counter;
	return c.total - c.get('jsonrpc/common');
}

export interface CodeplusFixture {
	sandbox: CodeplusSandbox;
	creds: ICredentialDataDecryptedObject;
}

export async function startCodeplus(opts: Partial<CodeplusOptions> = {}): Promise<CodeplusFixture> {
	const sandbox = new CodeplusSandbox({ today: '2026-11-21', ...opts });
	const url = await sandbox.start();
	return { sandbox, creds: { baseUrl: `${url}/api/v1`, token: sandbox.options.token, timeoutSeconds: 5 } };
}

/** What the guest paid for a PixelPoint sale, tips included: the Odoo order's total when tips are imported. */
export function totalWithTips(inv: { FinalTotal: number; Payments: Array<{ Tip: number }> }): number {
	return Math.round((inv.FinalTotal + inv.Payments.reduce((s, p) => s + p.Tip, 0)) * 100) / 100;
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

/** A till token as n8n's JWT node signs one (HS256; `none` leaves it unsigned, as an attacker would). */
export function signHs256(claims: IDataObject, secret: string, alg: 'HS256' | 'none' = 'HS256'): string {
	const head = `${b64({ alg, typ: 'JWT' })}.${b64({ iat: 1764000000, ...claims })}`;
	if (alg === 'none') return `${head}.`;
	return `${head}.${createHmac('sha256', secret).update(head).digest('base64url')}`;
}

/** The nightly templates in their order, each expected to succeed (its error shown when it does not). */
export async function runNightly(engine: Engine, templates = ['pixelpoint-master-data', 'pixelpoint-order-import', 'pos-session-auto-close']): Promise<void> {
	for (const t of templates) {
		const r = await runTemplate(engine, t);
		expect({ t, ok: r.ok, error: r.error }).toEqual({ t, ok: true, error: undefined });
	}
}
