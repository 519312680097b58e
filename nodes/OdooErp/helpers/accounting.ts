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
	payment_reference: string | false;
	partner_bank_id: M2o;
	company_id: M2o;
	reversed_entry_id: M2o;
	amount_untaxed: number;
	amount_tax: number;
	amount_total: number;
	invoice_line_ids: number[];
}

const id = (v: M2o) => (v ? v[0] : undefined);
const text = (v: unknown) => (v === false || v === undefined || v === null ? null : String(v));

/** Where a customer takes e-invoices: read from these res.partner fields when the server has them. */
export interface EinvoiceFields {
	/** The e-invoice address (OVT / Peppol endpoint); Odoo's own is peppol_endpoint. */
	address: string;
	/** The customer's e-invoice operator (intermediator) code: Odoo has no field of its own for it. */
	operator: string;
}

/** The seller's bank accounts by id: IBAN and BIC. */
async function bankAccounts(client: OdooClient, ids: number[]): Promise<Map<number, { iban: string; bic: string | null }>> {
	if (!ids.length) return new Map();
	const rows = await client.call<Array<{ id: number; acc_number: string; bank_id: M2o }>>('res.partner.bank', 'read', { ids, kwargs: { fields: ['acc_number', 'bank_id'], context: { active_test: false } } });
	const bankIds = [...new Set(rows.map((r) => id(r.bank_id)).filter((x): x is number => !!x))];
	const banks = bankIds.length ? await client.call<Array<{ id: number; bic: string | false }>>('res.bank', 'read', { ids: bankIds, kwargs: { fields: ['bic'] } }) : [];
	const bic = new Map(banks.map((b) => [b.id, text(b.bic)]));
	return new Map(rows.map((r) => [r.id, { iban: String(r.acc_number).replace(/\s/g, ''), bic: id(r.bank_id) ? (bic.get(id(r.bank_id)!) ?? null) : null }]));
}

export async function readAccountingInvoices(client: OdooClient, ids: number[], namespace: string, einvoice: Partial<EinvoiceFields> = {}): Promise<IDataObject[]> {
	const out: IDataObject[] = [];
	// Optional partner fields (e-invoice address and operator) are read only where the server has them.
	const wanted = [einvoice.address ?? 'peppol_endpoint', einvoice.operator ?? ''].filter(Boolean);
	const has = wanted.length && ids.length ? await client.call<Record<string, unknown>>('res.partner', 'fields_get', { args: [wanted], kwargs: { attributes: ['type'] } }) : {};
	const addressField = has[einvoice.address ?? 'peppol_endpoint'] ? (einvoice.address ?? 'peppol_endpoint') : undefined;
	const operatorField = einvoice.operator && has[einvoice.operator] ? einvoice.operator : undefined;
	const companyBanks = new Map<number, number | undefined>();
	for (const part of chunk(ids, 200)) {
		const moves = await client.call<MoveRow[]>('account.move', 'read', {
			ids: part,
			kwargs: {
				fields: [
					'name',
					'move_type',
					'state',
					'invoice_date',
					'invoice_date_due',
					'currency_id',
					'partner_id',
					'commercial_partner_id',
					'ref',
					'payment_reference',
					'partner_bank_id',
					'company_id',
					'reversed_entry_id',
					'amount_untaxed',
					'amount_tax',
					'amount_total',
					'invoice_line_ids',
				],
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
			? await client.call<IDataObject[]>('res.partner', 'read', {
					ids: partnerIds,
					kwargs: { fields: ['name', 'vat', 'company_registry', 'email', 'street', 'zip', 'city', 'country_code', 'lang', ...(addressField ? [addressField] : []), ...(operatorField ? [operatorField] : [])] },
				})
			: [];
		// The account the customer pays to: the invoice's own (Odoo's "Recipient Bank"), else the company's bank journal's.
		for (const companyId of new Set(moves.filter((m) => !m.partner_bank_id).map((m) => id(m.company_id)).filter((x): x is number => !!x))) {
			if (companyBanks.has(companyId)) continue;
			const [journal] = await client.call<Array<{ bank_account_id: M2o }>>('account.journal', 'search_read', {
				args: [[['type', '=', 'bank'], ['company_id', '=', companyId], ['bank_account_id', '!=', false]]],
				kwargs: { fields: ['bank_account_id'], limit: 1, order: 'sequence, id' },
			});
			companyBanks.set(companyId, journal ? id(journal.bank_account_id) : undefined);
		}
		const bankOf = (m: MoveRow) => id(m.partner_bank_id) ?? (id(m.company_id) ? companyBanks.get(id(m.company_id)!) : undefined);
		const banks = await bankAccounts(client, [...new Set(moves.map(bankOf).filter((x): x is number => !!x))]);
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
				paymentReference: text(m.payment_reference),
				sellerBankAccount: bankOf(m) ? (banks.get(bankOf(m)!) ?? null) : null,
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
					lang: text(p.lang),
					einvoiceAddress: addressField ? text(p[addressField]) : null,
					einvoiceOperator: operatorField ? text(p[operatorField]) : null,
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
