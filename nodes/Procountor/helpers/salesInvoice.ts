/**
 * From an accounting invoice (the neutral shape the Odoo node exports) to a Procountor sales
 * invoice: the customer and products found or created, taxes mapped to vatPercent/vatStatus,
 * a credit note as a negative invoice carrying the original number.
 */
import type { IDataObject } from 'n8n-workflow';
import type { ProcountorClient } from '../transport';
import { type InvoiceChannel, procountorCountry, procountorLanguage } from './enums';

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
	/** Odoo's payment reference (a Finnish or RF reference with l10n_fi), sent when it is a valid one. */
	paymentReference?: string | null;
	/** The seller's account the customer pays to: the invoice's recipient bank, else the company's bank journal's. */
	sellerBankAccount?: { iban: string; bic: string | null } | null;
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
		/** Odoo's language code (fi_FI, sv_SE…). */
		lang?: string | null;
		einvoiceAddress?: string | null;
		einvoiceOperator?: string | null;
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

/** Procountor's country of the customer: every ISO code maps; none given is Finland (Procountor's home), an unknown one is an error. */
export function countryOf(inv: AccountingInvoice): string {
	const iso = inv.partner.countryCode;
	if (!iso) return 'FINLAND';
	const name = procountorCountry(iso);
	if (!name) throw new InputError(`Invoice ${inv.number}: customer "${inv.partner.name}" has country code ${JSON.stringify(iso)}, which is not an ISO country Procountor knows`, 'partner.countryCode');
	return name;
}

/** A Finnish business ID (1234567-8) with a valid check digit. */
export function isFinnishBusinessId(id: string): boolean {
	const m = /^(\d{7})-(\d)$/.exec(id.trim());
	if (!m) return false;
	const sum = m[1].split('').reduce((s, d, k) => s + Number(d) * [7, 9, 10, 5, 8, 4, 2][k], 0);
	const r = sum % 11;
	return r !== 1 && (r === 0 ? 0 : 11 - r) === Number(m[2]);
}

const norm = (v: unknown) => String(v ?? '').replace(/[\s-]/g, '').toUpperCase();

/** The business ID Procountor matches customers on: the company registry, else the VAT number. */
function identifierOf(p: AccountingInvoice['partner']): string | undefined {
	return (p.businessId || p.vatNumber || '').trim() || undefined;
}

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

/**
 * The Procountor business partner of the customer: the one recorded, else the one whose
 * identifier (invoicingInfo.identifier, searched in a header as Procountor wants) is the
 * customer's business ID or VAT number, else one of the same name without an identifier, else created.
 */
export async function ensurePartner(client: ProcountorClient, inv: AccountingInvoice, create: boolean, itemIndex: number): Promise<IDataObject> {
	const p = inv.partner;
	if (p.procountorId) return await client.request('GET', `/businesspartners/${p.procountorId}`, { itemIndex });
	const identifier = identifierOf(p);
	const keys = [...new Set([p.businessId, p.vatNumber].filter((x): x is string => !!x?.trim()))];
	for (const key of keys) {
		const found = await client.getAll('/businesspartners', { type: 'CUSTOMER' }, Infinity, itemIndex, { identifier: key.trim() });
		const hit = found.find((b) => norm((b.invoicingInfo as IDataObject | undefined)?.identifier) === norm(key));
		if (hit) return hit;
	}
	if (!identifier) {
		// Without a business ID or VAT number the name is the only key: a retried run must not create the customer twice.
		const named = await client.getAll('/businesspartners', { type: 'CUSTOMER' }, Infinity, itemIndex, { name: p.name.trim() });
		const hit = named.find((b) => String(b.name ?? '').trim().toLowerCase() === p.name.trim().toLowerCase() && !norm((b.invoicingInfo as IDataObject | undefined)?.identifier));
		if (hit) return hit;
	}
	if (!create) throw new InputError(`Customer "${p.name}" is not in Procountor (no partner with its business ID or VAT number) and creating partners is off`, 'partner');
	const country = countryOf(inv);
	const address = { name: p.name, street: p.street ?? '', zip: p.zip ?? '', city: p.city ?? '', country };
	const identifierType = identifier && isFinnishBusinessId(identifier) ? 'BUSINESS_ID' : identifier ? 'VAT_NUMBER' : undefined;
	return await client.request('POST', '/businesspartners', {
		itemIndex,
		body: {
			type: 'CUSTOMER',
			name: p.name,
			address,
			billingAddress: address,
			invoicingInfo: {
				...(identifier ? { identifier, identifierType } : {}),
				...(p.email ? { email: p.email } : {}),
				language: procountorLanguage(p.lang) ?? (country === 'FINLAND' ? 'FINNISH' : 'ENGLISH'),
			},
			paymentInfo: { paymentMethod: 'BANK_TRANSFER', currency: inv.currency },
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
				body: { type: 'SALES', name: l.description.slice(0, 80), code, unit: 'PIECE', price: l.unitPrice, discount: 0, active: true, vat: l.taxes.reduce((s, t) => s + t.percent, 0), currency: 'EUR' },
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

export interface SendOptions {
	/** A channel, or 'auto': the customer's e-invoice address, else its email, else `fallback`. */
	channel: InvoiceChannel | 'auto';
	fallback: InvoiceChannel;
	/** A language, or 'auto': the customer's own (Odoo's partner language), else Finnish. */
	language: string;
	defaultStatus: number;
}

/** How the invoice reaches the customer, and what that channel needs; a clear error when the customer lacks it. */
export function channelFor(inv: AccountingInvoice, opts: Pick<SendOptions, 'channel' | 'fallback'>): { invoiceChannel: InvoiceChannel; counterParty: IDataObject } {
	const p = inv.partner;
	const einvoice = p.einvoiceAddress?.trim() && p.einvoiceOperator?.trim() ? { operator: p.einvoiceOperator.trim(), address: p.einvoiceAddress.trim() } : undefined;
	const email = p.email?.trim() || undefined;
	const postal = !!(p.street?.trim() && p.zip?.trim() && p.city?.trim());
	const channel = opts.channel === 'auto' ? (einvoice ? 'ELECTRONIC_INVOICE' : email ? 'EMAIL' : opts.fallback) : opts.channel;
	const who = `Invoice ${inv.number}: customer "${p.name}" (Odoo partner ${p.odooId})`;
	if (channel === 'ELECTRONIC_INVOICE' && !einvoice) {
		const missing = [p.einvoiceAddress?.trim() ? '' : 'e-invoice address', p.einvoiceOperator?.trim() ? '' : 'e-invoice operator'].filter(Boolean).join(' and ');
		throw new InputError(`${who} has no ${missing}: set it on the partner in Odoo, or choose another invoice channel`, 'invoiceChannel');
	}
	if (channel === 'EMAIL' && !email) throw new InputError(`${who} has no email address: set it on the partner in Odoo, or choose another invoice channel`, 'invoiceChannel');
	if ((channel === 'MAIL' || channel === 'PAPER_INVOICE') && !postal) {
		throw new InputError(`${who} cannot be reached: no e-invoice address, no email and no full postal address (street, zip, city). Set one on the partner in Odoo`, 'invoiceChannel');
	}
	return { invoiceChannel: channel, counterParty: { ...(email ? { email } : {}), ...(einvoice && channel === 'ELECTRONIC_INVOICE' ? { einvoiceAddress: einvoice } : {}) } };
}

/** A Finnish reference (7-3-1 check digit) or an RF creditor reference (ISO 11649). */
export function referenceType(ref: string): 'FI' | 'RF' | undefined {
	const r = ref.replace(/\s/g, '').toUpperCase();
	if (/^RF\d{2}[0-9A-Z]{1,21}$/.test(r)) {
		const moved = `${r.slice(4)}${r.slice(0, 4)}`.replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
		let rem = 0;
		for (const d of moved) rem = (rem * 10 + Number(d)) % 97;
		return rem === 1 ? 'RF' : undefined;
	}
	if (!/^\d{4,20}$/.test(r)) return undefined;
	const sum = r.slice(0, -1).split('').reverse().reduce((s, d, k) => s + Number(d) * [7, 3, 1][k % 3], 0);
	return (10 - (sum % 10)) % 10 === Number(r.at(-1)) ? 'FI' : undefined;
}

/** Bank transfer to the seller's account, with Odoo's reference when it is a valid one, else one Procountor generates. */
function paymentInfoOf(inv: AccountingInvoice): IDataObject {
	const bank = inv.sellerBankAccount;
	if (!bank?.iban) {
		throw new InputError(
			`Invoice ${inv.number}: the company has no bank account to be paid to (Preparing Odoo: "a bank journal with the company's bank account"): set the bank account on the company's bank journal in Odoo (Accounting → Configuration → Journals → Bank → Bank Account), or the Recipient Bank on the invoice`,
			'sellerBankAccount',
		);
	}
	const ref = inv.paymentReference?.replace(/\s/g, '').toUpperCase() ?? '';
	const type = ref ? referenceType(ref) : undefined;
	return {
		paymentMethod: 'BANK_TRANSFER',
		currency: inv.currency,
		currencyRate: 1,
		dueDate: inv.dueDate || inv.date,
		bankAccount: { accountNumber: bank.iban, ...(bank.bic ? { bic: bank.bic } : {}) },
		// An empty reference asks Procountor to generate one.
		...(type ? { bankReferenceCode: ref, bankReferenceCodeType: type } : { bankReferenceCode: '' }),
	};
}

export function procountorBody(inv: AccountingInvoice, partner: IDataObject, products: Map<string, number>, mapping: VatMapping, opts: SendOptions): IDataObject {
	const where = `Invoice ${inv.number}`;
	const sign = inv.kind === 'credit_note' ? -1 : 1;
	const { invoiceChannel, counterParty } = channelFor(inv, opts);
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
	const address = (partner.billingAddress ?? partner.address ?? {}) as IDataObject;
	const invoicing = (partner.invoicingInfo ?? {}) as IDataObject;
	const notes = [inv.kind === 'credit_note' && inv.originalNumber ? `Credit note for invoice ${inv.originalNumber}` : '', `Odoo ${inv.number}`].filter(Boolean).join('. ');
	const language = opts.language === 'auto' ? (procountorLanguage(inv.partner.lang) ?? (typeof invoicing.language === 'string' ? invoicing.language : 'FINNISH')) : opts.language;
	return {
		type: 'SALES_INVOICE',
		partnerId: partner.id,
		date: inv.date,
		counterParty: {
			contactPersonName: '',
			...(identifierOf(inv.partner) ?? invoicing.identifier ? { identifier: identifierOf(inv.partner) ?? invoicing.identifier } : {}),
			...counterParty,
			counterPartyAddress: {
				name: partner.name ?? inv.partner.name,
				street: inv.partner.street ?? address.street ?? '',
				zip: inv.partner.zip ?? address.zip ?? '',
				city: inv.partner.city ?? address.city ?? '',
				country: inv.partner.countryCode ? countryOf(inv) : (address.country ?? 'FINLAND'),
			},
		},
		paymentInfo: paymentInfoOf(inv),
		extraInfo: { accountingByRow: false, unitPricesIncludeVat: gross },
		discountPercent: 0,
		invoiceRows: rows,
		invoiceChannel,
		vatStatus: rows[0]?.vatStatus ?? opts.defaultStatus,
		language,
		orderReference: inv.number,
		notes,
		...(inv.kind === 'credit_note' && inv.originalNumber ? { originalInvoiceNumber: inv.originalNumber } : {}),
	};
}
