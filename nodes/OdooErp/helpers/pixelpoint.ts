/** How PixelPoint records are keyed in Odoo: every external id the package creates, in one place. */
export function ppXids(ns: string) {
	return {
		store: (storeId: number) => `${ns}.store_${storeId}`,
		cashJournal: (storeId: number) => `${ns}.cash_journal_store_${storeId}`,
		cashMethod: (storeId: number) => `${ns}.cash_method_store_${storeId}`,
		cardJournal: () => `${ns}.card_journal`,
		cardMethod: (methodNum: number) => `${ns}.paymethod_${methodNum}`,
		/** A store's tender → its Odoo method: for cash, the store's own cash method. */
		tender: (storeId: number, methodNum: number) => `${ns}.tender_${storeId}_${methodNum}`,
		category: (categoryNum: number) => `${ns}.category_${categoryNum}`,
		product: (prodNum: number) => `${ns}.product_${prodNum}`,
		saleType: (saleTypeNum: number) => `${ns}.saletype_${saleTypeNum}`,
		rounding: () => `${ns}.rounding_product`,
		/** The tip product: the shops' (as Odoo's POS has one) and the orders' tip lines. */
		tip: () => `${ns}.tip_product`,
		order: (storeId: number, transactNum: number) => `${ns}.order_${storeId}_${transactNum}`,
		session: (storeId: number, businessDate: string) => `${ns}.session_${storeId}_${businessDate.replace(/-/g, '')}`,
	};
}

export type PpXids = ReturnType<typeof ppXids>;

/**
 * The products the package itself keeps per namespace, as load rows: the rounding product (the
 * drift to PixelPoint's total) and the tip product. Neither carries a tax; both live in the
 * company. The same cells wherever they are upserted, so no run undoes another's.
 */
export function ownProducts(x: PpXids, companyId: number): { rounding: { xid: string; cells: Record<string, string> }; tip: { xid: string; cells: Record<string, string> } } {
	const common = { list_price: '0', type: 'service', 'taxes_id/.id': '', 'company_id/.id': String(companyId) };
	return {
		rounding: { xid: x.rounding(), cells: { name: 'Rounding difference (PixelPoint)', default_code: 'PP-ROUNDING', ...common, available_in_pos: '0', sale_ok: '0' } },
		// Available in the POS as Odoo's own tip product is: a shop's tip button adds it.
		tip: { xid: x.tip(), cells: { name: 'Tips (PixelPoint)', default_code: 'PP-TIPS', ...common, available_in_pos: '1', sale_ok: '0' } },
	};
}
