/**
 * The Code node's JavaScript, run in this process. n8n 2 runs a Code node only through a task
 * runner (`startRunnerTask`, which n8n's server provides over its task broker); this engine has no
 * broker, so it answers the task itself the way n8n's JS task runner does: the code as the body of
 * an async function, with the workflow data proxy ($input, $json, $('Node'), $now, ...) in scope,
 * `items` for all items or `item` for each one, and the result handed back to the Code node, which
 * validates it as it would a runner's. The templates are the package's own: no isolation is needed.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

export interface JsTaskSettings {
	code: string;
	nodeMode: 'runOnceForAllItems' | 'runOnceForEachItem' | 'runCode';
	continueOnFail: boolean;
	chunk?: { startIndex: number; count: number };
}

export type TaskResult = { ok: true; result: unknown } | { ok: false; error: { message: string; stack?: string } };

// eslint-disable-next-line @typescript-eslint/no-empty-function
const AsyncFunction = Object.getPrototypeOf(async function () {}).constructor as new (...args: string[]) => (...values: unknown[]) => Promise<unknown>;

/** What the code sees for item `i`, as in n8n's task runner. */
function scope(ctx: IExecuteFunctions, i: number): Record<string, unknown> {
	return {
		...ctx.getWorkflowDataProxy(i),
		$getWorkflowStaticData: (type: 'global' | 'node') => ctx.getWorkflowStaticData(type),
		helpers: ctx.helpers,
		console,
	};
}

async function run(code: string, vars: Record<string, unknown>): Promise<unknown> {
	const names = Object.keys(vars).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k));
	// The code in a scope of its own, as in n8n's runner, where `items` and the rest are globals it may shadow.
	const fn = new AsyncFunction(...names, `return (async () => {\n${code}\n})();`);
	return await fn(...names.map((k) => vars[k]));
}

export async function runJsTask(ctx: IExecuteFunctions, settings: JsTaskSettings): Promise<TaskResult> {
	try {
		if (settings.nodeMode !== 'runOnceForEachItem') {
			const vars = scope(ctx, 0);
			vars.items = (vars.$input as { all: () => INodeExecutionData[] }).all();
			return { ok: true, result: await run(settings.code, vars) };
		}
		const start = settings.chunk?.startIndex ?? 0;
		const count = settings.chunk?.count ?? ctx.getInputData().length;
		const out: INodeExecutionData[] = [];
		for (let i = start; i < start + count; i++) {
			const vars = scope(ctx, i);
			vars.item = (vars.$input as { item: INodeExecutionData }).item;
			const r = (await run(settings.code, vars)) as Partial<INodeExecutionData> | undefined;
			if (r) out.push({ json: (r.json ?? r) as IDataObject, ...(r.binary ? { binary: r.binary } : {}), pairedItem: { item: i } });
		}
		return { ok: true, result: out };
	} catch (e) {
		const error = e instanceof Error ? e : new Error(String(e));
		if (settings.continueOnFail) return { ok: true, result: [{ json: { error: error.message } }] };
		return { ok: false, error: { message: error.message, stack: error.stack } };
	}
}
