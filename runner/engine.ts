/**
 * Runs workflows through n8n's own execution engine (WorkflowExecute from n8n-core), with
 * n8n-nodes-base for the Schedule/Manual/Code/Webhook/HTTP nodes of the templates and this
 * package's nodes. Used by the tests, `npm run flows` and the benchmarks.
 */
// n8n-core keeps instance settings in a user folder: keep them out of the user's home.
process.env.N8N_USER_FOLDER ??= require('node:path').join(require('node:os').tmpdir(), 'n8n-nodes-pos-odoo-procountor-engine');
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'false';
// n8n 2 logs each node error to the console too: `npm run flows` and the benchmarks report them in
// their results instead; the tests keep n8n's error lines, which their secret scan reads.
process.env.N8N_LOG_LEVEL ??= process.env.JEST_WORKER_ID ? 'error' : 'silent';

import { ExecutionLifecycleHooks, PollContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	ExecuteWorkflowData,
	ExecuteWorkflowOptions,
	ICredentialDataDecryptedObject,
	ICredentials,
	ICredentialType,
	IDataObject,
	IExecuteData,
	IExecuteFunctions,
	IExecuteWorkflowInfo,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeProperties,
	INodeType,
	INodeTypes,
	IRun,
	IRunExecutionData,
	IVersionedNodeType,
	IWebhookData,
	IWebhookResponseData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { ICredentialsHelper, Node, NodeHelpers, Workflow, createRunExecutionData, redactedHeaders } from 'n8n-workflow';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runJsTask } from './code-task';

export const PACKAGE_NAME = 'n8n-nodes-pos-odoo-procountor';

type AnyNodeType = INodeType | IVersionedNodeType;

/** n8n-nodes-base nodes the templates may use, by type name → module path and export. */
const BASE_NODES: Record<string, [string, string]> = {
	manualTrigger: ['ManualTrigger/ManualTrigger.node', 'ManualTrigger'],
	scheduleTrigger: ['Schedule/ScheduleTrigger.node', 'ScheduleTrigger'],
	code: ['Code/Code.node', 'Code'],
	webhook: ['Webhook/Webhook.node', 'Webhook'],
	respondToWebhook: ['RespondToWebhook/RespondToWebhook.node', 'RespondToWebhook'],
	httpRequest: ['HttpRequest/HttpRequest.node', 'HttpRequest'],
	set: ['Set/Set.node', 'Set'],
	if: ['If/If.node', 'If'],
	merge: ['Merge/Merge.node', 'Merge'],
	noOp: ['NoOp/NoOp.node', 'NoOp'],
	// Signs the tills' tokens with the counter API's JWT credential (pos-invoice-payment).
	jwt: ['Jwt/Jwt.node', 'Jwt'],
	splitInBatches: ['SplitInBatches/SplitInBatches.node', 'SplitInBatches'],
	executeWorkflowTrigger: ['ExecuteWorkflow/ExecuteWorkflowTrigger/ExecuteWorkflowTrigger.node', 'ExecuteWorkflowTrigger'],
	// The history backfill runs the order import once per chunk.
	executeWorkflow: ['ExecuteWorkflow/ExecuteWorkflow/ExecuteWorkflow.node', 'ExecuteWorkflow'],
	// Mails the daily close report where its Settings name a recipient.
	emailSend: ['EmailSend/EmailSend.node', 'EmailSend'],
	// n8n's built-in Odoo node: the per-item baseline of the benchmarks.
	odoo: ['Odoo/Odoo.node', 'Odoo'],
};

/** This package's nodes and credentials, loaded from source (ts-node/jest) or from dist. */
const OWN_NODES: Record<string, [string, string]> = {
	odooErp: ['nodes/OdooErp/OdooErp.node', 'OdooErp'],
	odooErpTrigger: ['nodes/OdooErp/OdooErpTrigger.node', 'OdooErpTrigger'],
	pixelPoint: ['nodes/PixelPoint/PixelPoint.node', 'PixelPoint'],
	pixelPointTrigger: ['nodes/PixelPoint/PixelPointTrigger.node', 'PixelPointTrigger'],
	procountor: ['nodes/Procountor/Procountor.node', 'Procountor'],
	procountorTrigger: ['nodes/Procountor/ProcountorTrigger.node', 'ProcountorTrigger'],
};

const OWN_CREDENTIALS: Record<string, [string, string]> = {
	odooErpApi: ['credentials/OdooErpApi.credentials', 'OdooErpApi'],
	codeplusApi: ['credentials/CodeplusApi.credentials', 'CodeplusApi'],
	procountorApi: ['credentials/ProcountorApi.credentials', 'ProcountorApi'],
};

const ROOT = path.resolve(__dirname, '..');

/** Sources when the engine itself runs from source (ts-node, jest), else the built files in dist/. */
function ownModule(file: string): string {
	const ts = path.join(ROOT, `${file}.ts`);
	if (__filename.endsWith('.ts') && fs.existsSync(ts)) return ts;
	return path.join(ROOT, 'dist', `${file}.js`);
}

function loadExport<T>(file: string, exported: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const mod = require(file) as Record<string, new () => T>;
	const Ctor = mod[exported];
	if (!Ctor) throw new Error(`${file} does not export ${exported}`);
	return new Ctor();
}

export class NodeTypeRegistry implements INodeTypes {
	private readonly cache = new Map<string, AnyNodeType>();

	getByName(type: string): AnyNodeType {
		let t = this.cache.get(type);
		if (t) return t;
		const [pkg, name] = type.split('.');
		if (pkg === 'n8n-nodes-base' && BASE_NODES[name]) {
			const [file, exp] = BASE_NODES[name];
			t = loadExport<AnyNodeType>(require.resolve(`n8n-nodes-base/dist/nodes/${file}`), exp);
		} else if (pkg === PACKAGE_NAME && OWN_NODES[name]) {
			const [file, exp] = OWN_NODES[name];
			t = loadExport<AnyNodeType>(ownModule(file), exp);
		} else {
			throw new Error(`Unknown node type ${type}: the engine knows ${Object.keys(BASE_NODES).join(', ')} and this package's nodes`);
		}
		this.cache.set(type, t);
		return t;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes(): IDataObject {
		return {};
	}
}

/** n8n's own credential types the templates use: the canonical sync's header, the counter API's JWT. */
const BASE_CREDENTIALS: Record<string, [string, string]> = {
	httpHeaderAuth: ['HttpHeaderAuth.credentials', 'HttpHeaderAuth'],
	jwtAuth: ['JwtAuth.credentials', 'JwtAuth'],
	smtp: ['Smtp.credentials', 'Smtp'],
};

export function credentialType(name: string): ICredentialType {
	const own = OWN_CREDENTIALS[name];
	if (own) return loadExport<ICredentialType>(ownModule(own[0]), own[1]);
	const base = BASE_CREDENTIALS[name];
	if (base) return loadExport<ICredentialType>(require.resolve(`n8n-nodes-base/dist/credentials/${base[0]}`), base[1]);
	throw new Error(`Unknown credential type ${name}`);
}

/** Resolves `={{$credentials.x}}`-style templates of generic authentication. */
function resolveCredentialTemplate(value: unknown, credentials: ICredentialDataDecryptedObject): unknown {
	if (typeof value !== 'string' || !value.startsWith('=')) return value;
	return value.slice(1).replace(/\{\{\s*\$credentials\.([A-Za-z0-9_]+)\s*\}\}/g, (_, k: string) => String(credentials[k] ?? ''));
}

/**
 * Credentials from a file or the environment, never from code; applies generic and
 * function authentication and runs preAuthentication (token exchange) like n8n's own helper.
 */
export class CredentialsHelper extends ICredentialsHelper {
	constructor(private readonly store: Record<string, ICredentialDataDecryptedObject>) {
		super();
	}

	set(type: string, data: ICredentialDataDecryptedObject): void {
		this.store[type] = data;
	}

	all(): Record<string, ICredentialDataDecryptedObject> {
		return this.store;
	}

	getParentTypes(): string[] {
		return [];
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, typeName: string, requestOptions: IHttpRequestOptions): Promise<IHttpRequestOptions> {
		const type = credentialType(typeName);
		const auth = type.authenticate;
		if (!auth) return requestOptions;
		if (typeof auth === 'function') return await auth(credentials, requestOptions);
		const out: IHttpRequestOptions = { ...requestOptions, headers: { ...(requestOptions.headers ?? {}) }, qs: { ...(requestOptions.qs ?? {}) } };
		const props = auth.properties as { headers?: IDataObject; qs?: IDataObject; body?: IDataObject };
		// A header's name may come from the credential too (n8n's Header Auth).
		for (const [k, v] of Object.entries(props.headers ?? {})) out.headers![String(resolveCredentialTemplate(k, credentials))] = resolveCredentialTemplate(v, credentials) as string;
		for (const [k, v] of Object.entries(props.qs ?? {})) out.qs![k] = resolveCredentialTemplate(v, credentials) as string;
		if (props.body && typeof out.body === 'object' && out.body !== null) {
			for (const [k, v] of Object.entries(props.body)) (out.body as IDataObject)[k] = resolveCredentialTemplate(v, credentials) as string;
		}
		return out;
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		_node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = credentialType(typeName);
		const expirable = type.properties.find((p: INodeProperties) => p.type === 'hidden' && p.typeOptions?.expirable === true);
		if (!type.preAuthentication || !expirable) return undefined;
		if (credentials[expirable.name] !== undefined && credentials[expirable.name] !== '' && !credentialsExpired) return undefined;
		const output = await type.preAuthentication.call(helpers, credentials);
		const merged = { ...credentials, ...output } as ICredentialDataDecryptedObject;
		this.store[typeName] = merged;
		return merged;
	}

	/** The token exchange itself, whatever the token's age (n8n 2 calls it for a credential test). */
	async runPreAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, typeName: string): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = credentialType(typeName);
		if (!type.preAuthentication) return undefined;
		return { ...credentials, ...(await type.preAuthentication.call(helpers, credentials)) } as ICredentialDataDecryptedObject;
	}

	/** Every credential here is this package's, for its own nodes. */
	isCredentialUsableByNode(): boolean {
		return true;
	}

	async getCredentials(_details: INodeCredentialsDetails, _type: string): Promise<ICredentials> {
		throw new Error('getCredentials is not used by this engine');
	}

	/** A credential by its ID where one was given under it (one JWT credential per store), else by its type. */
	async getDecrypted(_additionalData: IWorkflowExecuteAdditionalData, details: INodeCredentialsDetails, type: string): Promise<ICredentialDataDecryptedObject> {
		const data = (details?.id ? this.store[details.id] : undefined) ?? this.store[type];
		if (!data) throw new Error(`No credentials of type ${type} were given to the engine`);
		return { ...data };
	}

	async updateCredentials(_details: INodeCredentialsDetails, type: string, data: ICredentialDataDecryptedObject): Promise<void> {
		this.store[type] = data;
	}

	async updateCredentialsOauthTokenData(): Promise<void> {}

	getCredentialsProperties(type: string): INodeProperties[] {
		return credentialType(type).properties;
	}
}

export interface RunResult {
	run: IRun;
	/** What Respond to Webhook nodes sent back. */
	responses: IDataObject[];
	/** Output items of a node's last run (main output 0), as JSON. */
	output(nodeName: string, outputIndex?: number): IDataObject[];
	items(nodeName: string, outputIndex?: number): INodeExecutionData[];
	error?: Error;
}

export interface RunOptions {
	/** Execution mode seen by the nodes: 'trigger' for scheduled runs, 'manual' for a click. */
	mode?: WorkflowExecuteMode;
	/** Static data kept between runs (cursors); mutated in place by the run. */
	staticData?: IDataObject;
	/** Items the start node emits (e.g. a poll result or webhook body). */
	startItems?: INodeExecutionData[];
	startNode?: string;
	/** Told each step's name as it starts: lets a runner say what it waits for. */
	onStep?: (nodeName: string) => void;
}

/** An HTTP request to a Webhook node, as a till or a platform sends it. */
export interface WebhookRequest {
	method: 'GET' | 'POST';
	headers?: Record<string, string>;
	query?: IDataObject;
	body?: unknown;
}

/** What the caller got back: n8n's own refusal (authentication), or the Respond to Webhook node's answer. */
export interface WebhookAnswer {
	statusCode: number;
	body: unknown;
	/** The workflow's run, when the request got past the Webhook node. */
	result?: RunResult;
}

/** Sees every finished run and the credentials it ran with (tests scan them for leaked secrets). */
export type RunObserver = (result: RunResult, credentials: Record<string, ICredentialDataDecryptedObject>) => void;

export class Engine {
	static readonly observers: RunObserver[] = [];
	/** Runs started by this process, for unique execution ids. */
	private static runs = 0;
	readonly nodeTypes = new NodeTypeRegistry();
	readonly credentials: CredentialsHelper;

	/**
	 * The workflows an Execute Workflow step may call, by ID, as n8n finds them in its database: a
	 * template's ID is its file name in workflows/ (as the e2e imports them), unless put here (a
	 * test's changed copy).
	 */
	readonly subWorkflows = new Map<string, IWorkflowBase>();
	/** Each called workflow's static data, kept between its executions as n8n keeps it. */
	private readonly subStatic = new Map<string, IDataObject>();

	constructor(credentials: Record<string, ICredentialDataDecryptedObject>) {
		this.credentials = new CredentialsHelper({ ...credentials });
	}

	private subWorkflow(id: string): IWorkflowBase {
		const given = this.subWorkflows.get(id);
		if (given) return given;
		const file = path.join(__dirname, '..', 'workflows', `${path.basename(id)}.json`);
		if (!id || !fs.existsSync(file)) throw new Error(`Workflow "${id}" does not exist (this engine finds a template by its file name in workflows/)`);
		return { ...(JSON.parse(fs.readFileSync(file, 'utf8')) as IWorkflowBase), id };
	}

	/** An Execute Workflow step: the sub-workflow from its Execute Workflow Trigger, in this process (as n8n runs it, on the caller's worker). */
	private async executeSub(info: IExecuteWorkflowInfo, options: ExecuteWorkflowOptions): Promise<ExecuteWorkflowData> {
		const id = String(info.id ?? info.code?.id ?? '');
		const wf = info.code ?? this.subWorkflow(id);
		const trigger = wf.nodes.find((n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger' && !n.disabled);
		if (!trigger) throw new Error(`Workflow "${wf.name}" has no Execute Workflow Trigger: it cannot be called by another workflow`);
		const staticData = this.subStatic.get(id) ?? {};
		this.subStatic.set(id, staticData);
		const r = await this.run(wf, { startNode: trigger.name, mode: 'integrated', startItems: options.inputData?.length ? options.inputData : [{ json: {} }], staticData });
		if (r.error) throw r.error;
		const last = r.run.data.resultData.lastNodeExecuted;
		return { executionId: `sub-${Engine.runs}`, data: [last ? r.items(last) : []] };
	}

	workflow(data: IWorkflowBase, staticData?: IDataObject): Workflow {
		return new Workflow({
			id: String(data.id ?? 'workflow'),
			name: data.name,
			nodes: data.nodes,
			connections: data.connections,
			active: false,
			nodeTypes: this.nodeTypes,
			staticData: staticData ?? (data.staticData as IDataObject | undefined) ?? {},
			settings: data.settings ?? {},
		});
	}

	additionalData(hooks: ExecutionLifecycleHooks): IWorkflowExecuteAdditionalData {
		return {
			hooks,
			// As n8n does: the nodes key what they keep for one execution by it.
			executionId: hooks.executionId,
			credentialsHelper: this.credentials,
			executeWorkflow: async (info: IExecuteWorkflowInfo, _data: IWorkflowExecuteAdditionalData, options: ExecuteWorkflowOptions) => await this.executeSub(info, options),
			getRunExecutionData: async () => undefined,
			currentNodeExecutionIndex: 0,
			restApiUrl: 'http://127.0.0.1/rest',
			instanceBaseUrl: 'http://127.0.0.1/',
			formWaitingBaseUrl: 'http://127.0.0.1/form-waiting',
			webhookBaseUrl: 'http://127.0.0.1/webhook',
			webhookWaitingBaseUrl: 'http://127.0.0.1/webhook-waiting',
			webhookTestBaseUrl: 'http://127.0.0.1/webhook-test',
			variables: {},
			logAiEvent: () => undefined,
			// n8n 2's Code node runs its code as a task: answered in this process (runner/code-task.ts).
			startRunnerTask: async (_data: unknown, jobType: string, settings: Parameters<typeof runJsTask>[1], ctx: IExecuteFunctions) => {
				if (jobType !== 'javascript') throw new Error(`Code in ${jobType} is not run by this engine: write it in JavaScript`);
				return await runJsTask(ctx, settings);
			},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	/** Runs a workflow from its trigger (or `startNode`) through WorkflowExecute. */
	async run(data: IWorkflowBase, opts: RunOptions = {}): Promise<RunResult> {
		const mode = opts.mode ?? 'manual';
		const workflow = this.workflow(data, opts.staticData);
		const start = opts.startNode ? workflow.getNode(opts.startNode) : workflow.getStartNode();
		if (!start) throw new Error(`Workflow "${data.name}" has no start node`);
		// Unique per run: a node's per-execution state (a silent server) is keyed by it.
		const hooks = new ExecutionLifecycleHooks(mode, `exec-${Date.now()}-${++Engine.runs}`, data);
		if (opts.onStep) hooks.addHandler('nodeExecuteBefore', (nodeName) => opts.onStep?.(nodeName));
		let finished!: (run: IRun) => void;
		const done = new Promise<IRun>((resolve) => (finished = resolve));
		hooks.addHandler('workflowExecuteAfter', (run) => finished(run));
		const responses: IDataObject[] = [];
		hooks.addHandler('sendResponse', (response) => {
			responses.push(response as unknown as IDataObject);
		});
		const runData: IRunExecutionData = createRunExecutionData({
			executionData: {
				nodeExecutionStack: [{ node: start, data: { main: [opts.startItems ?? [{ json: {} }]] }, source: null } as IExecuteData],
			},
		});
		const exec = new WorkflowExecute(this.additionalData(hooks), mode, runData);
		await exec.processRunExecutionData(workflow);
		const run = await done;
		if (opts.staticData && workflow.staticData) Object.assign(opts.staticData, workflow.staticData);
		const items = (nodeName: string, outputIndex = 0): INodeExecutionData[] => {
			const tasks = run.data.resultData.runData[nodeName];
			if (!tasks?.length) return [];
			return tasks[tasks.length - 1].data?.main?.[outputIndex] ?? [];
		};
		const result: RunResult = {
			run,
			responses,
			items,
			output: (nodeName, outputIndex = 0) => items(nodeName, outputIndex).map((i) => i.json),
			error: run.data.resultData.error as Error | undefined,
		};
		for (const observe of Engine.observers) observe(result, this.credentials.all());
		return result;
	}

	/**
	 * A request through a Webhook node as n8n serves it: the node's own `webhook()` (its
	 * authentication among it) answers first; a request it lets through runs the workflow from there.
	 */
	async request(data: IWorkflowBase, nodeName: string, req: WebhookRequest, opts: { staticData?: IDataObject } = {}): Promise<WebhookAnswer> {
		const workflow = this.workflow(data, opts.staticData);
		const node = workflow.getNode(nodeName);
		if (!node) throw new Error(`No node ${nodeName}`);
		const type = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		if (!type.webhook || !type.description.webhooks?.length) throw new Error(`${node.type} is not a webhook node`);
		const headers = Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
		const body = req.body ?? {};
		const httpRequest = {
			method: req.method,
			headers: { ...(req.method === 'POST' ? { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(JSON.stringify(body))) } : {}), ...headers },
			query: req.query ?? {},
			body,
			params: {},
			ip: '127.0.0.1',
			ips: [] as string[],
			contentType: req.method === 'POST' ? 'application/json' : undefined,
		};
		let statusCode = 200;
		let ended: unknown;
		const httpResponse = {
			writeHead(code: number) {
				statusCode = code;
				return httpResponse;
			},
			status(code: number) {
				statusCode = code;
				return httpResponse;
			},
			setHeader: () => httpResponse,
			end(chunk?: unknown) {
				ended = chunk === undefined ? '' : String(chunk);
			},
			send(chunk?: unknown) {
				ended = chunk;
			},
			json(chunk?: unknown) {
				ended = chunk;
			},
		};
		const hooks = new ExecutionLifecycleHooks('webhook', `webhook-${Date.now()}`, data);
		const additionalData = { ...this.additionalData(hooks), httpRequest, httpResponse } as unknown as IWorkflowExecuteAdditionalData;
		const webhookData = {
			httpMethod: req.method,
			path: String(node.parameters.path ?? ''),
			node: node.name,
			webhookDescription: type.description.webhooks[0],
			workflowId: workflow.id,
			isTest: false,
		} as unknown as IWebhookData;
		const ctx = new WebhookContext(workflow, node, additionalData, 'webhook', webhookData, [], null);
		// n8n's class-based nodes (such as the Webhook node) take the context as an argument, older ones as `this`.
		const answer = type instanceof Node ? await (type as unknown as { webhook(c: WebhookContext): Promise<IWebhookResponseData> }).webhook(ctx) : await type.webhook.call(ctx);
		if (answer.noWebhookResponse || !answer.workflowData) return { statusCode, body: ended };
		// n8n keeps the header that authenticated the request out of the execution's data.
		const items = answer.workflowData.flat().map((item) => ({ ...item, json: { ...item.json, headers: redactedHeaders(httpRequest) as IDataObject } }));
		const result = await this.run(data, { startNode: nodeName, mode: 'webhook', staticData: opts.staticData, startItems: items });
		const res = (result.responses[0] ?? {}) as { statusCode?: number; body?: unknown };
		let out = res.body;
		if (typeof out === 'string') {
			try {
				out = JSON.parse(out) as unknown;
			} catch {
				// a plain-text answer stays as it is
			}
		}
		return { statusCode: res.statusCode ?? 200, body: out, result };
	}

	/** One poll of a polling trigger in trigger mode, as n8n's scheduler does. */
	async poll(data: IWorkflowBase, nodeName: string, staticData: IDataObject, mode: WorkflowExecuteMode = 'trigger'): Promise<INodeExecutionData[][] | null> {
		const workflow = this.workflow(data, staticData);
		const node = workflow.getNode(nodeName);
		if (!node) throw new Error(`No node ${nodeName}`);
		const hooks = new ExecutionLifecycleHooks(mode, `poll-${Date.now()}`, data);
		const ctx = new PollContext(workflow, node, this.additionalData(hooks), mode, 'activate');
		const type = this.nodeTypes.getByNameAndVersion(node.type, node.typeVersion);
		if (!type.poll) throw new Error(`${node.type} is not a polling trigger`);
		try {
			return await type.poll.call(ctx);
		} finally {
			// Kept even when the poll fails (the strict case): a trigger must not move a cursor before it delivers.
			Object.assign(staticData, workflow.staticData);
		}
	}
}
