/**
 * What the Procountor operations share: the operation's signature, reading a JSON or ID parameter
 * with an error naming it, running per item, and the Return All / Limit pair.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { limitProperty, returnAllProperty } from '../../shared/descriptions';
import { failItem, ok } from '../../shared/items';
import type { ProcountorClient } from '../transport';
import { InputError } from './salesInvoice';

export type Operation = (this: IExecuteFunctions, client: ProcountorClient) => Promise<INodeExecutionData[]>;

/** A JSON object parameter, typed in as text or given as an object by an expression. */
export function jsonParam(ctx: IExecuteFunctions, name: string, i: number): IDataObject {
	const v = ctx.getNodeParameter(name, i, '{}');
	if (typeof v === 'object' && v !== null) return v as IDataObject;
	let parsed: unknown;
	let why = '';
	try {
		parsed = JSON.parse(String(v || '{}')) as unknown;
	} catch (error) {
		why = (error as Error).message;
	}
	if (!why && (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))) why = 'not an object';
	if (why) throw new InputError(`${name} is not a JSON object: ${why}`, name);
	return parsed as IDataObject;
}

export function idParam(ctx: IExecuteFunctions, name: string, i: number): number {
	const v = ctx.getNodeParameter(name, i);
	const n = Number(v);
	if (!Number.isInteger(n) || n <= 0) throw new InputError(`${name} "${String(v)}" is not a Procountor ID`, name);
	return n;
}

/** Runs `fn` for every item, collecting outputs and per-item errors. */
export function perItem(fn: (this: IExecuteFunctions, client: ProcountorClient, i: number) => Promise<IDataObject | IDataObject[]>): Operation {
	return async function (client) {
		const out: INodeExecutionData[] = [];
		for (let i = 0; i < this.getInputData().length; i++) {
			try {
				const r = await fn.call(this, client, i);
				for (const json of Array.isArray(r) ? r : [r]) out.push(ok(json, i));
			} catch (error) {
				out.push(failItem(this, error, i));
			}
		}
		return out;
	};
}

/** Return All and Limit, for a Get Many (its displayOptions come from the operation's description). */
export const listProperties: INodeProperties[] = [returnAllProperty, limitProperty];

export const limitOf = (ctx: IExecuteFunctions, i: number): number => (ctx.getNodeParameter('returnAll', i, true) ? Infinity : (ctx.getNodeParameter('limit', i, 50) as number));
