/** Parameters every node's Get Many shares, written once. */
import type { INodeProperties } from 'n8n-workflow';

/** Return All, on: a full list is what flows want. */
export const returnAllProperty: INodeProperties = {
	displayName: 'Return All',
	name: 'returnAll',
	type: 'boolean',
	default: true,
	description: 'Whether to return all results or only up to a given limit',
};

/** Return All, off: for searches of any Odoo model, which may hold millions of records. */
export const returnAllOffProperty: INodeProperties = { ...returnAllProperty, default: false };

/** Limit, shown when Return All is off. */
export const limitProperty: INodeProperties = {
	displayName: 'Limit',
	name: 'limit',
	type: 'number',
	typeOptions: { minValue: 1 },
	default: 50,
	description: 'Max number of results to return',
	displayOptions: { show: { returnAll: [false] } },
};
