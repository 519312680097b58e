import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';
import { failItem, ok } from '../../helpers/items';
import { type SyncResult, checkFlow, readState, saveResults, waitingSummary } from '../../helpers/syncState';
import { InputError, parseArray, parseObject } from '../../helpers/utils';
import type { OdooClient } from '../../transport';

const properties: INodeProperties[] = [
	{
		displayName: 'Results (JSON)',
		name: 'results',
		type: 'json',
		default: '={{ JSON.stringify($json.results ?? []) }}',
		description:
			'The run\'s items: [{ "key", "error" (empty when fine), "done" (true when finished), "retryable", "scope", "details" (what is needed to fetch it again) }]. A failed item waits until it is done or skipped by hand.',
	},
	{
		displayName: 'Cursors (JSON)',
		name: 'cursors',
		type: 'json',
		default: '={{ JSON.stringify($json.cursors ?? {}) }}',
		description: 'Cursors to move, by scope: { "1": "2026-11-21T08:00:00Z" }. A cursor only moves forward.',
	},
];

export const description = updateDisplayOptions({ show: { resource: ['syncState'], operation: ['save'] } }, properties);

function toResult(raw: unknown, k: number): SyncResult {
	const r = raw as IDataObject;
	if (typeof r !== 'object' || r === null || Array.isArray(r)) throw new InputError(`Results → entry ${k} is not an object`, 'results');
	const key = r.key === undefined || r.key === null ? '' : String(r.key).trim();
	if (!key) throw new InputError(`Results → entry ${k} has no key`, 'results');
	if (key.length > 200) throw new InputError(`Results → entry ${k}: the key is longer than 200 characters`, 'results');
	const error = r.error === undefined || r.error === null || r.error === false ? '' : typeof r.error === 'string' ? r.error : JSON.stringify(r.error);
	return {
		key,
		error: error.slice(0, 2000),
		done: r.done === true,
		retryable: r.retryable !== false,
		scope: r.scope === undefined || r.scope === null ? undefined : String(r.scope),
		details: typeof r.details === 'object' && r.details !== null && !Array.isArray(r.details) ? (r.details as IDataObject) : undefined,
	};
}

/** Saves each item's results and cursors; the item goes on with what changed and the waiting list's size and oldest item. */
export async function execute(this: IExecuteFunctions, client: OdooClient): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const out: INodeExecutionData[] = [];
	const now = new Date().toISOString();
	for (let i = 0; i < items.length; i++) {
		try {
			const flow = checkFlow(String(this.getNodeParameter('flow', i)));
			const results = parseArray(this.getNodeParameter('results', i, '[]'), 'Results (JSON)').map(toResult);
			const rawCursors = parseObject(this.getNodeParameter('cursors', i, '{}'), 'Cursors (JSON)');
			const cursors: Record<string, string> = {};
			for (const [scope, v] of Object.entries(rawCursors)) {
				if (v === null || v === undefined || v === '') continue;
				if (typeof v !== 'string' && typeof v !== 'number') throw new InputError(`Cursors → ${scope} is not a text or number`, 'cursors');
				cursors[scope] = String(v);
			}
			const saved = await saveResults(client, flow, results, cursors, now);
			const state = await readState(client, flow);
			// What came in is passed on without the results and cursors it saved.
			const rest = { ...items[i].json };
			delete rest.results;
			delete rest.cursors;
			out.push(ok({ ...rest, flow, ...saved, ...waitingSummary(state) }, i));
		} catch (error) {
			out.push(failItem(this, error, i));
		}
	}
	return out;
}
