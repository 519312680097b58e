/**
 * A PixelPoint invoice as the POS order Odoo's front end would send: its lines with the taxes
 * Odoo computes, the drift to FinalTotal on the rounding product, tips on the tip product and in
 * their payments, and the envelope this Odoo version takes (the dialect).
 */
import { createHash } from 'crypto';
import type { IDataObject } from 'n8n-workflow';
import type { OdooDialect } from '../transport';
import { type Invoice, type Tender, discountPercent, invoiceLabel } from './pixelpointInvoice';
import type { PpXids } from './pixelpoint';
import type { LineInput, TaxBook } from './taxBook';
import { roundTo } from './taxEngine';
import { InputError } from './utils';

export interface BuiltOrder {
	inv: Invoice;
	payload: IDataObject;
	/** FinalTotal and the tip. */
	amountTotal: number;
	rounding: number;
	tip: number;
}

/** What every order of a run is built with. */
export interface OrderContext {
	x: PpXids;
	/** External ids of the shops, products, tenders and sale types, resolved. */
	refs: Map<string, number>;
	/** Each product's sale taxes. */
	productTaxes: Map<number, number[]>;
	/** Lines and totals as Odoo computes them (the run's TaxBook). */
	taxes: Pick<TaxBook, 'compute' | 'totals'>;
	dialect: OdooDialect;
	/** The largest drift to FinalTotal that goes on the rounding product. */
	tolerance: number;
	importTips: boolean;
	roundingProductId: number;
	/** Set when some invoice of the run has a tip. */
	tipProductId?: number;
}

const uuidOf = (text: string) => {
	const h = createHash('sha1').update(text).digest('hex');
	return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
};

/** One invoice's order; an invoice Odoo would total otherwise than PixelPoint (beyond the tolerance) fails. */
export function buildOrder(inv: Invoice, c: OrderContext): BuiltOrder {
	const where = invoiceLabel(inv);
	const inputs: LineInput[] = [];
	const lines: IDataObject[] = inv.lines.map((l, k) => {
		const pid = c.refs.get(c.x.product(l.ProdNum))!;
		const taxIds = c.productTaxes.get(pid) ?? [];
		const discount = discountPercent(l);
		const input = { taxIds, priceUnit: l.UnitPrice * (1 - discount / 100), quantity: l.Quantity };
		inputs.push(input);
		const r = c.taxes.compute(input);
		return {
			product_id: pid,
			qty: l.Quantity,
			price_unit: l.UnitPrice,
			discount,
			tax_ids: [[6, 0, taxIds]],
			price_subtotal: r.total_excluded,
			price_subtotal_incl: r.total_included,
			full_product_name: l.Description,
			uuid: uuidOf(`${inv.ref}/${k}`),
		};
	});
	// The order's total as Odoo computes it from these lines (per line, or globally).
	const { total, tax } = c.taxes.totals(inputs);
	const drift = roundTo(inv.finalTotal - total);
	if (Math.abs(drift) > c.tolerance + 1e-9) {
		throw new InputError(
			`${where}: Odoo computes ${total.toFixed(2)} but PixelPoint's FinalTotal is ${inv.finalTotal.toFixed(2)}; the difference ${drift.toFixed(2)} is above the rounding tolerance ${c.tolerance}`,
			'FinalTotal',
		);
	}
	if (drift) {
		lines.push({
			product_id: c.roundingProductId,
			qty: 1,
			price_unit: drift,
			discount: 0,
			tax_ids: [[6, 0, []]],
			price_subtotal: drift,
			price_subtotal_incl: drift,
			full_product_name: 'Rounding difference',
			uuid: uuidOf(`${inv.ref}/rounding`),
		});
	}
	// Tips: a line of their own, without tax, and in the payments they came with.
	const tipOf = (p: Tender) => (c.importTips ? p.Tip : 0);
	const tips = roundTo(inv.payments.reduce((s, p) => s + tipOf(p), 0));
	if (tips) {
		// Set whenever an invoice of the run has a tip.
		if (c.tipProductId === undefined) throw new InputError(`${where}: no tip product for its tip`);
		lines.push({
			product_id: c.tipProductId,
			qty: 1,
			price_unit: tips,
			discount: 0,
			tax_ids: [[6, 0, []]],
			price_subtotal: tips,
			price_subtotal_incl: tips,
			full_product_name: 'Tip',
			uuid: uuidOf(`${inv.ref}/tip`),
		});
	}
	const change = roundTo(inv.payments.reduce((s, p) => s + p.Change, 0));
	const paid = roundTo(inv.payments.reduce((s, p) => s + p.Amount + tipOf(p), 0) - change);
	const method = (p: Tender) => c.refs.get(c.x.tender(inv.storeId, p.MethodNum)) ?? c.refs.get(c.x.cardMethod(p.MethodNum))!;
	const pricelist = c.refs.get(c.x.saleType(inv.saleType)) ?? false;
	// The change as this version takes it: positive up to 18, negative on 19 (dialect.ts).
	const amountReturn = c.dialect.changeSign * change;
	const amountTotal = roundTo(inv.finalTotal + tips);
	const common = {
		amount_total: amountTotal,
		amount_tax: tax,
		amount_paid: paid,
		amount_return: amountReturn,
		pricelist_id: pricelist,
		partner_id: false,
		fiscal_position_id: false,
		is_tipped: tips > 0,
		tip_amount: tips,
	};
	const payload: IDataObject =
		c.dialect.orderSync === 'sync_from_ui'
			? {
					...common,
					uuid: uuidOf(inv.ref),
					name: inv.ref,
					pos_reference: inv.ref,
					date_order: inv.closeUtc,
					state: 'paid',
					lines: lines.map((l) => [0, 0, l]),
					payment_ids: inv.payments.map((p) => [0, 0, { payment_method_id: method(p), amount: roundTo(p.Amount + tipOf(p)), payment_date: inv.closeUtc }]),
				}
			: {
					id: inv.ref,
					to_invoice: false,
					data: {
						...common,
						name: inv.ref,
						uid: `${inv.storeId}-${inv.transact}`,
						sequence_number: inv.transact,
						user_id: false,
						date_order: inv.closeUtc,
						creation_date: inv.closeUtc,
						lines: lines.map((l) => [0, 0, { ...l, pack_lot_ids: [] }]),
						statement_ids: inv.payments.map((p) => [0, 0, { name: inv.closeUtc, payment_method_id: method(p), amount: roundTo(p.Amount + tipOf(p)) }]),
					},
				};
	return { inv, payload, amountTotal, rounding: drift, tip: tips };
}

/** The order as sent to its session: `session_id` on the order (sync_from_ui), `pos_session_id` in its data (create_from_ui). */
export function inSession(b: BuiltOrder, dialect: OdooDialect, sessionId: number): IDataObject {
	return dialect.orderSync === 'sync_from_ui' ? { ...b.payload, session_id: sessionId } : { ...b.payload, data: { ...(b.payload.data as IDataObject), pos_session_id: sessionId } };
}
