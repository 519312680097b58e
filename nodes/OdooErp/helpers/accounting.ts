/** Odoo customer invoices in the neutral accounting shape other systems take (see Procountor's Send Sales Invoice). */
import type { IDataObject } from 'n8n-workflow';
import type { OdooClient } from '../transport';
import type { ExternalIdRow } from './interfaces';
import { chunk } from './utils';

type M2o = [number, string] | false;

interface MoveRow {
	id: number;
	name: string;
	move_type: string;
	state: string;
	invoice_date: string | false;
	invoice_date_due: string | false;
	currency_id: M2o;
	partner_id: M2o;
	commercial_partner_id: M2o;
	ref: string | false;
	reversed_entry_id: M2o;
	amount_untaxed: number;
	amount_tax: number;
	amount_total: number;
	invoice_line_ids: number[];
}

const id = (v: M2o) => (v ? v[0] : undefined);
const text = (v: unknown) => (v === false || v === undefined || v === null ? null : String(v));

export async function readAccountingInvoices(client: OdooClient, ids: number[], namespace: string): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	for (const part of chunk(ids, 200)) {
		const moves = await client.call<MoveRow[]>('account.move', 'read', {
			ids: part,
			kwargs: {
				fields: ['name', 'move_type', 'state', 'invoice_date', 'invoice_date_due', 'currency_id', 'partner_id', 'commercial_partner_id', 'ref', 'reversed_entry_id', 'amount_untaxed', 'amount_tax', 'amount_total', 'invoice_line_ids'],
			},
		});
		const lineIds = moves.flatMap((m) => m.invoice_line_ids);
		const lines = lineIds.length
			? await client.call<Array<{ id: number; name: string; product_id: M2o; quantity: number; price_unit: number; discount: number; tax_ids: number[]; price_subtotal: number; price_total: number }>>(
					'account.move.line',
					'read',
					{ ids: lineIds, kwargs: { fields: ['name', 'product_id', 'quantity', 'price_unit', 'discount', 'tax_ids', 'price_subtotal', 'price_total'] } },
				)
			: [];
		const productIds = [...new Set(lines.map((l) => id(l.product_id)).filter((x): x is number => !!x))];
		const products = productIds.length
			? await client.call<Array<{ id: number; default_code: string | false }>>('product.product', 'read', { ids: productIds, kwargs: { fields: ['default_code'], context: { active_test: false } } })
			: [];
		const taxIds = [...new Set(lines.flatMap((l) => l.tax_ids))];
		const taxes = taxIds.length
			? await client.call<Array<{ id: number; name: string; amount: number; amount_type: string; price_include: boolean }>>('account.tax', 'read', {
					ids: taxIds,
					kwargs: { fields: ['name', 'amount', 'amount_type', 'price_include'] },
				})
			: [];
		const partnerIds = [...new Set(moves.map((m) => id(m.commercial_partner_id) ?? id(m.partner_id)).filter((x): x is number => !!x))];
		const partners = partnerIds.length
			? await client.call<IDataObject[]>('res.partner', 'read', { ids: partnerIds, kwargs: { fields: ['name', 'vat', 'company_registry', 'email', 'street', 'zip', 'city', 'country_code'] } })
			: [];
		const links = partnerIds.length
			? await client.call<ExternalIdRow[]>('ir.model.data', 'search_read', {
					args: [[['module', '=', namespace], ['model', '=', 'res.partner'], ['res_id', 'in', partnerIds], ['name', '=like', 'partner_%']]],
					kwargs: { fields: ['name', 'res_id'] },
				})
			: [];
		const code = new Map(products.map((p) => [p.id, text(p.default_code)]));
		const tax = new Map(taxes.map((t) => [t.id, t]));
		const line = new Map(lines.map((l) => [l.id, l]));
		for (const m of moves) {
			const pid = id(m.commercial_partner_id) ?? id(m.partner_id);
			const p = partners.find((x) => x.id === pid) ?? {};
			const link = links.find((l) => l.res_id === pid);
			out.push({
				odooId: m.id,
				number: m.name,
				kind: m.move_type === 'out_refund' ? 'credit_note' : 'invoice',
				state: m.state,
				date: text(m.invoice_date),
				dueDate: text(m.invoice_date_due),
				currency: m.currency_id ? m.currency_id[1] : null,
				reference: text(m.ref),
				originalNumber: m.reversed_entry_id ? m.reversed_entry_id[1] : text(m.ref),
				partner: {
					odooId: pid ?? null,
					name: text(p.name),
					businessId: text(p.company_registry),
					vatNumber: text(p.vat),
					email: text(p.email),
					street: text(p.street),
					zip: text(p.zip),
					city: text(p.city),
					countryCode: text(p.country_code),
					procountorId: link ? Number(link.name.split('_').pop()) : null,
				},
				lines: m.invoice_line_ids.map((lid) => {
					const l = line.get(lid)!;
					const lt = l.tax_ids.map((t) => tax.get(t)!).filter(Boolean);
					// With a price-included tax, the net unit price is what the line's subtotal says.
					const included = lt.some((t) => t.price_include);
					return {
						description: l.name,
						productCode: id(l.product_id) ? code.get(id(l.product_id)!) ?? null : null,
						quantity: l.quantity,
						unitPrice: included ? Math.round((l.price_subtotal / (l.quantity || 1)) * 10000) / 10000 : l.price_unit,
						discountPercent: included ? 0 : l.discount,
						priceIncludesTax: included,
						grossUnitPrice: l.price_unit,
						grossDiscountPercent: l.discount,
						taxes: lt.map((t) => ({ id: t.id, name: t.name, percent: t.amount_type === 'percent' ? t.amount : 0 })),
						subtotal: l.price_subtotal,
						total: l.price_total,
					};
				}),
				amountUntaxed: m.amount_untaxed,
				amountTax: m.amount_tax,
				amountTotal: m.amount_total,
			});
		}
	}
	return out;
}
