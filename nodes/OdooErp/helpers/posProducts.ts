/**
 * A PixelPoint product as Odoo gets it, for the master data and for the order import (which
 * creates the products it meets first): its sale tax, chosen by the node's tax options, and its
 * load cells.
 */
import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';
import type { OdooClient } from '../transport';
import type { PpXids } from './pixelpoint';
import { flag, requireNumber, requireText } from './posMasterData';
import { InputError } from './utils';

const taxLocator = (name: string, displayName: string, description: string): INodeProperties => ({
	displayName,
	name,
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description,
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', typeOptions: { searchListMethod: 'searchSaleTaxes', searchable: true } },
		{ displayName: 'By Name', name: 'name', type: 'string', placeholder: 'e.g. VAT 14%' },
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: 'e.g. 12', validation: [{ type: 'regex', properties: { regex: '^[0-9]+$', errorMessage: 'A tax ID is a number' } }] },
	],
});

/** Which sale tax a PixelPoint product gets. */
export const productTaxProperties: INodeProperties[] = [
	taxLocator('taxExcluded', 'Sale Tax', 'Tax of products whose PixelPoint price excludes tax'),
	taxLocator('taxIncluded', 'Sale Tax (Price Included)', 'Tax of products whose PixelPoint price includes tax: must be a price-included tax'),
	{
		displayName: 'Tax Rules by Category',
		name: 'taxRules',
		type: 'fixedCollection',
		typeOptions: { multipleValues: true },
		placeholder: 'Add Rule',
		default: {},
		description: 'Other taxes for some PixelPoint categories, e.g. alcohol',
		options: [
			{
				displayName: 'Rule',
				name: 'rule',
				values: [
					{ displayName: 'Categories', name: 'categories', type: 'string', default: '', placeholder: 'e.g. 23, 24', description: 'PixelPoint CategoryNums, separated by commas' },
					taxLocator('taxExcluded', 'Sale Tax', 'Tax when the price excludes tax'),
					taxLocator('taxIncluded', 'Sale Tax (Price Included)', 'Tax when the price includes tax'),
				],
			},
		],
	},
];

interface TaxRow {
	id: number;
	name: string;
	price_include: boolean;
	type_tax_use: string;
}

interface Locator {
	mode?: string;
	value?: string | number;
}

/** Resolves tax locators (by id or exact name) in one read and checks each is the right kind. */
async function resolveTaxes(ctx: IExecuteFunctions, client: OdooClient, wanted: Array<{ loc: Locator; included: boolean; label: string }>): Promise<number[]> {
	const taxes = await client.call<TaxRow[]>('account.tax', 'search_read', {
		args: [[['type_tax_use', '=', 'sale']]],
		kwargs: { fields: ['name', 'price_include', 'type_tax_use'] },
	});
	return wanted.map(({ loc, included, label }) => {
		const v = String(loc?.value ?? '').trim();
		const tax = loc?.mode === 'name' ? taxes.find((t) => t.name === v) : taxes.find((t) => String(t.id) === v);
		if (!tax) throw new NodeOperationError(ctx.getNode(), `${label}: no sale tax ${loc?.mode === 'name' ? 'named' : 'with ID'} "${v}" in Odoo`);
		if (tax.price_include !== included) {
			throw new NodeOperationError(ctx.getNode(), `${label}: "${tax.name}" is ${tax.price_include ? '' : 'not '}price-included, but this field needs a tax that is ${included ? '' : 'not '}price-included`);
		}
		return tax.id;
	});
}

export type TaxFor = (category: number | null, included: boolean) => number;

/** Reads the tax options (under `prefix`, e.g. "options.") and returns the tax of a product. */
export async function taxChooser(ctx: IExecuteFunctions, client: OdooClient, prefix = ''): Promise<TaxFor> {
	const rules = ((ctx.getNodeParameter(`${prefix}taxRules.rule`, 0, []) as IDataObject[]) ?? []).map((r) => ({
		categories: String(r.categories ?? '')
			.split(',')
			.map((c) => Number(c.trim()))
			.filter((c) => Number.isInteger(c) && c > 0),
		excluded: r.taxExcluded as Locator,
		included: r.taxIncluded as Locator,
	}));
	const ids = await resolveTaxes(ctx, client, [
		{ loc: ctx.getNodeParameter(`${prefix}taxExcluded`, 0) as Locator, included: false, label: 'Sale Tax' },
		{ loc: ctx.getNodeParameter(`${prefix}taxIncluded`, 0) as Locator, included: true, label: 'Sale Tax (Price Included)' },
		...rules.flatMap((r, k) => [
			{ loc: r.excluded, included: false, label: `Tax rule ${k + 1}, Sale Tax` },
			{ loc: r.included, included: true, label: `Tax rule ${k + 1}, Sale Tax (Price Included)` },
		]),
	]);
	return (category, included) => {
		const k = rules.findIndex((r) => category !== null && r.categories.includes(category));
		return k >= 0 ? ids[2 + 2 * k + (included ? 1 : 0)] : ids[included ? 1 : 0];
	};
}

export async function posCategoryColumn(client: OdooClient): Promise<string> {
	return `${(await client.dialect()).posCategoryField}/id`;
}

/**
 * The load cells of a PixelPoint product, in the company (a product without one would show in
 * every company of the database, with taxes of none of the others).
 */
export function productCells(json: IDataObject, x: PpXids, posCategColumn: string, taxFor: TaxFor, companyId: number): { num: number; name: string; cells: Record<string, string> } {
	const num = requireNumber(json, 'ProdNum');
	const name = requireText(json, 'Name');
	const price = Number(json.Price);
	if (json.Price === null || json.Price === '' || !Number.isFinite(price)) throw new InputError(`Price is missing or not a number (got ${JSON.stringify(json.Price)})`, 'Price');
	const category = json.CategoryNum === null || json.CategoryNum === undefined || json.CategoryNum === '' ? null : requireNumber(json, 'CategoryNum');
	const active = flag(json.Active);
	return {
		num,
		name,
		cells: {
			name,
			list_price: String(price),
			default_code: String(num),
			barcode: json.Barcode ? String(json.Barcode) : '',
			available_in_pos: active,
			active,
			[posCategColumn]: category === null ? '' : x.category(category),
			'taxes_id/.id': String(taxFor(category, json.PriceIncludesTax !== false)),
			'company_id/.id': String(companyId),
		},
	};
}
