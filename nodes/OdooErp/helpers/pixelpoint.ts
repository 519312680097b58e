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
		order: (storeId: number, transactNum: number) => `${ns}.order_${storeId}_${transactNum}`,
		session: (storeId: number, businessDate: string) => `${ns}.session_${storeId}_${businessDate.replace(/-/g, '')}`,
	};
}

export type PpXids = ReturnType<typeof ppXids>;
