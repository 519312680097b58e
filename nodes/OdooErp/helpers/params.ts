/** Reading the parameters several operations share. */
import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import type { OdooClient } from '../transport';
import { type FieldRow, fieldRowsToValues } from './relations';
import { InputError, parseObject } from './utils';

export function getModel(ctx: IExecuteFunctions, i: number): string {
	const model = String(ctx.getNodeParameter('model', i, '', { extractValue: true }) ?? '').trim();
	if (!/^[a-z0-9_]+(\.[a-z0-9_]+)+$/.test(model)) throw new InputError(`Model "${model}" is not a model name such as res.partner`, 'model');
	return model;
}

/** The field values of item `i`, converted to what Odoo's create/write take. */
export async function readValues(ctx: IExecuteFunctions, client: OdooClient, model: string, i: number): Promise<IDataObject> {
	const mode = ctx.getNodeParameter('inputMode', i, 'json') as string;
	if (mode === 'json') return parseObject(ctx.getNodeParameter('valuesJson', i, '{}'), 'Values (JSON)');
	if (mode === 'auto') {
		// No expression per item: the item's own fields, less the ignored ones.
		const ignore = new Set(
			String(ctx.getNodeParameter('ignoreFields', i, '') ?? '')
				.split(',')
				.map((f) => f.trim())
				.filter(Boolean),
		);
		return Object.fromEntries(Object.entries(ctx.getInputData()[i].json).filter(([k]) => !ignore.has(k)));
	}
	const rows = (ctx.getNodeParameter('fieldValues.values', i, []) as FieldRow[]) ?? [];
	if (!rows.length) return {};
	return await fieldRowsToValues(client, model, rows);
}

/** Checks every key names a field of the model, so a typo fails before anything is written. */
export async function checkFieldNames(client: OdooClient, model: string, values: IDataObject): Promise<void> {
	const fields = await client.fields(model);
	for (const key of Object.keys(values)) {
		const base = key.split('/')[0];
		if (base !== 'id' && !fields[base]) throw new InputError(`Field "${base}" does not exist on model ${model}`, base);
	}
}
