/**
 * From an accounting invoice (the neutral shape the Odoo node exports) to a Procountor sales
 * invoice: the customer and products found or created, taxes mapped to vatPercent/vatStatus,
 * a credit note as a negative invoice carrying the original number.
 */
import type { IDataObject } from 'n8n-workflow';
import type { ProcountorClient } from '../transport';

import { InputError } from '../../shared/items';

export { InputError };

export interface AccountingLine {
	description: string;
	productCode?: string | null;
	quantity: number;
	/** Unit price without tax. */
	unitPrice: number;
	discountPercent: number;
	taxes: Array<{ id?: number; name: string; percent: number }>;
	subtotal: number;
	total: number;
	/** The line's Odoo price includes tax: grossUnitPrice and grossDiscountPercent are that price. */
	priceIncludesTax?: boolean;
	grossUnitPrice?: number;
	grossDiscountPercent?: number;
}

export interface AccountingInvoice {
	odooId: number;
	number: string;
	kind: 'invoice' | 'credit_note';
	date: string;
	dueDate?: string | null;
	currency: string;
	originalNumber?: string | null;
	reference?: string | null;
	partner: {
		odooId: number;
		name: string;
		businessId?: string | null;
		vatNumber?: string | null;
		email?: string | null;
		street?: string | null;
		zip?: string | null;
		city?: string | null;
		countryCode?: string | null;
		procountorId?: number | null;
	};
	lines: AccountingLine[];
	amountUntaxed: number;
	amountTax: number;
	amountTotal: number;
	/** Claimed again after a run stopped midway: it may already be in Procountor. */
	resumed?: boolean;
}

/** Odoo tax (by id or name) → Procountor VAT; the VAT sync writes it, the invoice flow reads it. */
export type VatMapping = Record<string, { vatPercent: number; vatStatus: number }>;

const COUNTRIES: Record<string, string> = { FI: 'FINLAND', SE: 'SWEDEN', EE: 'ESTONIA', DE: 'GERMANY', NO: 'NORWAY', DK: 'DENMARK' };

export function parseAccountingInvoice(json: IDataObject): AccountingInvoice {
	const inv = json as unknown as AccountingInvoice;
	if (!Number.isInteger(inv.odooId)) throw new InputError('odooId is missing: the item is not an accounting invoice from the Odoo node', 'odooId');
	const where = `Invoice ${inv.number ?? inv.odooId}`;
	if (!inv.number || inv.number === '/') throw new InputError(`${where}: has no number (a draft cannot be sent)`, 'number');
	if (!/^\d{4}-\d{2}-\d{2}$/.test(String(inv.date ?? ''))) throw new InputError(`${where}: date ${JSON.stringify(inv.date)} is not YYYY-MM-DD`, 'date');
	if (!/^[A-Z]{3}$/.test(String(inv.currency ?? ''))) throw new InputError(`${where}: currency ${JSON.stringify(inv.currency)} is not an ISO 4217 code`, 'currency');
	if (!inv.partner?.name) throw new InputError(`${where}: has no customer`, 'partner');
	if (!Array.isArray(inv.lines) || !inv.lines.length) throw new InputError(`${where}: has no lines`, 'lines');
	return inv;
}

/** The Procountor business partner of the customer: the one recorded, else by business ID or VAT number, else created. */
export async function ensurePartner(client: ProcountorClient, inv: AccountingInvoice, create: boolean, itemIndex: number): Promise<IDataObject> {
	const p = inv.partner;
	if (p.procountorId) return await client.request('GET', `/businesspartners/${p.procountorId}`, { itemIndex });
	const all = await client.getAll('/businesspartners', { type: 'CUSTOMER' }, Infinity, itemIndex);
	const norm = (v: unknown) => String(v ?? '').replace(/[\s-]/g, '').toUpperCase();
	const hit = p.businessId || p.vatNumber
		? all.find((b) => {
				const r = (b.registryInfo ?? {}) as IDataObject;
				return (p.businessId && norm(r.businessId) === norm(p.businessId)) || (p.vatNumber && norm(r.vatNumber) === norm(p.vatNumber));
			})
		: // Without a business ID or VAT number the name is the only key: a retried run must not create the customer twice.
			all.find((b) => String(b.name ?? '').trim().toLowerCase() === p.name.trim().toLowerCase() && !norm(((b.registryInfo ?? {}) as IDataObject).businessId));
	if (hit) return hit;
	if (!create) throw new InputError(`Customer "${p.name}" is not in Procountor (no partner with its business ID or VAT number) and creating partners is off`, 'partner');
	return await client.request('POST', '/businesspartners', {
		itemIndex,
		body: {
			type: 'CUSTOMER',
			name: p.name,
			address: { name: p.name, street: p.street ?? '', zip: p.zip ?? '', city: p.city ?? '', country: COUNTRIES[String(p.countryCode ?? 'FI')] ?? 'FINLAND' },
			registryInfo: { businessId: p.businessId ?? '', vatNumber: p.vatNumber ?? '' },
			paymentInfo: { paymentMethod: 'BANK_TRANSFER', currency: inv.currency },
			...(p.email ? { invoicingInfo: { email: p.email } } : {}),
		},
	});
}

/** Procountor product ids by code, creating missing ones when asked. */
export async function ensureProducts(client: ProcountorClient, lines: AccountingLine[], create: boolean, cache: Map<string, number>, itemIndex: number): Promise<void> {
	for (const l of lines) {
		const code = l.productCode ?? undefined;
		if (!code || cache.has(code)) continue;
		const found = await client.getAll('/products', { type: 'SALES', code }, 1, itemIndex);
		if (found[0]) cache.set(code, Number(found[0].id));
		else if (create) {
			const made = await client.request('POST', '/products', {
				itemIndex,
				body: { type: 'SALES', name: l.description.slice(0, 80), code, unit: 'PIECE', price: l.unitPrice, vat: l.taxes.reduce((s, t) => s + t.percent, 0), currency: 'EUR' },
			});
			cache.set(code, Number(made.id));
		}
	}
}

export function vatOf(line: AccountingLine, mapping: VatMapping, defaultStatus: number, where: string): { vatPercent: number; vatStatus: number } {
	if (!line.taxes.length) {
		const none = mapping.none;
		if (none) return none;
		return { vatPercent: 0, vatStatus: defaultStatus };
	}
	if (line.taxes.length > 1) throw new InputError(`${where}: line "${line.description}" has ${line.taxes.length} taxes; Procountor takes one VAT rate per row`, 'taxes');
	const t = line.taxes[0];
	const m = (t.id !== undefined ? mapping[String(t.id)] : undefined) ?? mapping[t.name];
	if (m) return m;
	throw new InputError(`${where}: Odoo tax "${t.name}" has no Procountor VAT in the mapping: run the Procountor master-data template (VAT sync)`, 'taxes');
}

export function procountorBody(inv: AccountingInvoice, partner: IDataObject, products: Map<string, number>, mapping: VatMapping, opts: { channel: string; language: string; defaultStatus: number }): IDataObject {
	const where = `Invoice ${inv.number}`;
	const sign = inv.kind === 'credit_note' ? -1 : 1;
	// All prices tax-included in Odoo: send them so, and the gross total is Odoo's to the cent.
	const gross = inv.lines.every((l) => l.priceIncludesTax && l.grossUnitPrice !== undefined);
	const rows = inv.lines.map((l) => {
		const vat = vatOf(l, mapping, opts.defaultStatus, where);
		const productId = l.productCode ? products.get(l.productCode) : undefined;
		return {
			product: l.description.slice(0, 200) || l.productCode || 'Item',
			...(productId ? { productId } : {}),
			...(l.productCode ? { productCode: l.productCode } : {}),
			quantity: sign * l.quantity,
			unit: 'PIECE',
			unitPrice: gross ? l.grossUnitPrice! : l.unitPrice,
			discountPercent: (gross ? l.grossDiscountPercent : l.discountPercent) ?? 0,
			vatPercent: vat.vatPercent,
			vatStatus: vat.vatStatus,
		};
	});
	const address = (partner.address ?? {}) as IDataObject;
	const notes = [inv.kind === 'credit_note' && inv.originalNumber ? `Credit note for invoice ${inv.originalNumber}` : '', `Odoo ${inv.number}`].filter(Boolean).join('. ');
	return {
		type: 'SALES_INVOICE',
		partnerId: partner.id,
		date: inv.date,
		counterParty: {
			contactPersonName: '',
			identifier: ((partner.registryInfo ?? {}) as IDataObject).businessId ?? '',
			counterPartyAddress: { name: partner.name ?? inv.partner.name, street: address.street ?? '', zip: address.zip ?? '', city: address.city ?? '', country: address.country ?? 'FINLAND' },
		},
		paymentInfo: { paymentMethod: 'BANK_TRANSFER', currency: inv.currency, currencyRate: 1, dueDate: inv.dueDate || inv.date },
		extraInfo: { accountingByRow: false, unitPricesIncludeVat: gross },
		discountPercent: 0,
		invoiceRows: rows,
		invoiceChannel: opts.channel,
		vatStatus: rows[0]?.vatStatus ?? opts.defaultStatus,
		language: opts.language,
		orderReference: inv.number,
		notes,
		...(inv.kind === 'credit_note' && inv.originalNumber ? { originalInvoiceNumber: inv.originalNumber } : {}),
	};
}
