/**
 * A PixelPoint invoice as the order import reads it: checked field by field (an error names the
 * store, the transaction, the line or payment and the field), amounts as numbers, times in UTC.
 */
import type { IDataObject } from 'n8n-workflow';
import { roundTo } from './taxEngine';
import { InputError } from './utils';

export interface Tender {
	MethodNum: number;
	Amount: number;
	/** Given on top of Amount (PixelPoint's FinalTotal leaves it out). */
	Tip: number;
	Change: number;
}

export interface Line {
	ProdNum: number;
	Description: string;
	Quantity: number;
	UnitPrice: number;
	Discount: number;
}

export interface Invoice {
	i: number;
	storeId: number;
	transact: number;
	businessDate: string;
	closeUtc: string;
	openUtc: string;
	status: 'CLOSED' | 'REFUND' | 'VOID';
	saleType: number;
	finalTotal: number;
	lines: Line[];
	payments: Tender[];
	products: IDataObject[];
	ref: string;
}

const num = (v: unknown, field: string, where: string): number => {
	const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
	if (!Number.isFinite(n)) throw new InputError(`${where}: ${field} is missing or not a number (got ${JSON.stringify(v)})`, field);
	return n;
};

const utc = (iso: unknown, field: string, where: string): string => {
	const t = Date.parse(String(iso ?? ''));
	if (typeof iso !== 'string' || Number.isNaN(t) || !/([zZ]|[+-]\d{2}:?\d{2})$/.test(iso)) {
		throw new InputError(`${where}: ${field} ${JSON.stringify(iso)} is not an ISO 8601 time with offset`, field);
	}
	return new Date(t).toISOString().slice(0, 19).replace('T', ' ');
};

/** How an error names an invoice: "Store 1, transaction 100001". */
export const invoiceLabel = (inv: Pick<Invoice, 'storeId' | 'transact'>): string => `Store ${inv.storeId}, transaction ${inv.transact}`;

/** Checks one PixelPoint invoice and reads it into what the import needs. */
export function parseInvoice(json: IDataObject, i: number): Invoice {
	const storeId = Number(json.StoreId);
	const transact = Number(json.TransactNum);
	if (!Number.isInteger(storeId) || storeId <= 0) throw new InputError(`StoreId is missing or not a store number (got ${JSON.stringify(json.StoreId)})`, 'StoreId');
	if (!Number.isInteger(transact) || transact <= 0) throw new InputError(`Store ${storeId}: TransactNum is missing or not a number (got ${JSON.stringify(json.TransactNum)})`, 'TransactNum');
	const where = invoiceLabel({ storeId, transact });
	const status = String(json.Status ?? '').toUpperCase();
	if (!['CLOSED', 'REFUND', 'VOID'].includes(status)) throw new InputError(`${where}: Status ${JSON.stringify(json.Status)} is not CLOSED, REFUND or VOID`, 'Status');
	const businessDate = String(json.BusinessDate ?? '');
	if (!/^\d{4}-\d{2}-\d{2}$/.test(businessDate) || Number.isNaN(Date.parse(businessDate))) {
		throw new InputError(`${where}: BusinessDate ${JSON.stringify(json.BusinessDate)} is not a date (YYYY-MM-DD)`, 'BusinessDate');
	}
	const closeUtc = utc(json.CloseTime, 'CloseTime', where);
	const openUtc = json.OpenTime ? utc(json.OpenTime, 'OpenTime', where) : closeUtc;
	if (!Array.isArray(json.Lines)) throw new InputError(`${where}: Lines is missing`, 'Lines');
	if (!Array.isArray(json.Payments)) throw new InputError(`${where}: Payments is missing`, 'Payments');
	const lines = (json.Lines as IDataObject[]).map((l, k) => {
		const lw = `${where}, line ${k + 1}`;
		const prod = Number(l.ProdNum);
		if (!Number.isInteger(prod) || prod <= 0) throw new InputError(`${lw}: ProdNum is missing or not a product number (got ${JSON.stringify(l.ProdNum)})`, 'ProdNum');
		const qty = num(l.Quantity, 'Quantity', lw);
		if (status !== 'VOID' && qty === 0) throw new InputError(`${lw}: Quantity is zero`, 'Quantity');
		if (status === 'REFUND' && qty > 0) throw new InputError(`${lw}: a refund line must have a negative Quantity (got ${qty})`, 'Quantity');
		if (status === 'CLOSED' && qty < 0) throw new InputError(`${lw}: a sale line must have a positive Quantity (got ${qty}); returns are REFUND invoices`, 'Quantity');
		return { ProdNum: prod, Description: String(l.Description ?? ''), Quantity: qty, UnitPrice: num(l.UnitPrice, 'UnitPrice', lw), Discount: num(l.Discount ?? 0, 'Discount', lw) };
	});
	const payments = (json.Payments as IDataObject[]).map((p, k) => {
		const pw = `${where}, payment ${k + 1}`;
		const method = Number(p.MethodNum);
		if (!Number.isInteger(method)) throw new InputError(`${pw}: MethodNum is missing (got ${JSON.stringify(p.MethodNum)})`, 'MethodNum');
		const change = num(p.Change ?? 0, 'Change', pw);
		if (change < 0) throw new InputError(`${pw}: Change is negative (${change})`, 'Change');
		const tip = num(p.Tip ?? 0, 'Tip', pw);
		if (tip < 0) throw new InputError(`${pw}: Tip is negative (${tip})`, 'Tip');
		return { MethodNum: method, Amount: num(p.Amount, 'Amount', pw), Tip: tip, Change: change };
	});
	const finalTotal = num(json.FinalTotal, 'FinalTotal', where);
	if (status === 'CLOSED' && finalTotal < 0) throw new InputError(`${where}: a sale cannot have a negative FinalTotal (${finalTotal})`, 'FinalTotal');
	if (status === 'REFUND' && finalTotal > 0) throw new InputError(`${where}: a refund must have a FinalTotal of zero or less (${finalTotal})`, 'FinalTotal');
	if (status !== 'VOID') {
		const paid = roundTo(payments.reduce((s, p) => s + p.Amount - p.Change, 0));
		if (Math.abs(paid - finalTotal) > 0.005) throw new InputError(`${where}: the payments come to ${paid} (amounts less change) but FinalTotal is ${finalTotal}`, 'Payments');
	}
	return {
		i,
		storeId,
		transact,
		businessDate,
		closeUtc,
		openUtc,
		status: status as Invoice['status'],
		saleType: Number(json.SaleTypeNum ?? 0),
		finalTotal,
		lines,
		payments,
		products: Array.isArray(json.Products) ? (json.Products as IDataObject[]) : [],
		ref: posReference(storeId, transact),
	};
}

/** The order's reference in Odoo (`pos.order.pos_reference`): how an imported invoice is found again. */
export function posReference(storeId: number, transact: number): string {
	return `PixelPoint ${storeId}-${transact}`;
}

/** Odoo stores discounts as percentages with two decimals: PixelPoint's discount amount, as such. */
export function discountPercent(line: Line): number {
	const gross = line.Quantity * line.UnitPrice;
	if (!gross || !line.Discount) return 0;
	return roundTo((line.Discount / gross) * 100, 0.01);
}

