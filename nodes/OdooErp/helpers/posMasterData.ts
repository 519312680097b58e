/** What the POS master-data operations and the order import share: the namespace, reading PixelPoint items, reporting outcomes. */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { failItem, ok } from './items';
import { type PpXids, ppXids } from './pixelpoint';
import type { UpsertOutcome } from './upsert';
import { InputError } from './utils';

export const namespaceProperty: INodeProperties = {
	displayName: 'Namespace',
	name: 'namespace',
	type: 'string',
	default: 'pixelpoint',
	required: true,
	description: 'Module part of the external IDs, e.g. pixelpoint gives pixelpoint.product_1001; use one per PixelPoint company',
};

export function namespaceOf(ctx: IExecuteFunctions): PpXids {
	const ns = String(ctx.getNodeParameter('namespace', 0, 'pixelpoint')).trim();
	if (!/^[A-Za-z0-9_-]+$/.test(ns)) throw new InputError(`Namespace "${ns}" may only hold letters, digits, _ and -`, 'namespace');
	return ppXids(ns);
}

/** An input item that is an upstream failure (continue-on-fail) rather than PixelPoint data. */
export function upstreamError(json: IDataObject, keyField: string): string | undefined {
	return json[keyField] === undefined && typeof json.error === 'string' ? json.error : undefined;
}

export function requireNumber(json: IDataObject, field: string): number {
	const v = json[field];
	const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
	if (!Number.isInteger(n)) throw new InputError(`${field} is missing or not a whole number (got ${JSON.stringify(v)})`, field);
	return n;
}

export function requireText(json: IDataObject, field: string): string {
	const v = json[field];
	if (typeof v !== 'string' || !v.trim()) throw new InputError(`${field} is missing or empty`, field);
	return v.trim();
}

export const flag = (v: unknown) => (v === false || v === 'false' || v === 0 ? '0' : '1');

/** One output per input item; repeated keys (the same product in three stores) share one outcome. */
export function report(
	ctx: IExecuteFunctions,
	model: string,
	entries: Array<{ i: number; key: string; identity: IDataObject }>,
	outcomes: Map<string, UpsertOutcome>,
	out: INodeExecutionData[],
): void {
	const first = new Map<string, number>();
	for (const e of entries) {
		const o = outcomes.get(e.key);
		if (!o) continue;
		if (o.error) {
			out[e.i] = failItem(ctx, new InputError(`Odoo refused ${o.xid}: ${o.error}`, o.field), e.i);
			continue;
		}
		const json: IDataObject = { ...e.identity, externalId: o.xid, odooModel: model, id: o.id!, action: o.action! };
		if (o.archived) json.archived = true;
		if (first.has(e.key)) json.duplicate = true;
		else first.set(e.key, e.i);
		out[e.i] = ok(json, e.i);
	}
}
