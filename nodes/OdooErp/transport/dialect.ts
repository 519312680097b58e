/**
 * What differs between the Odoo versions the package supports (16 to 19), in one place: an
 * operation asks the dialect what to call and how, never the version number. Each choice is
 * checked against the calls recorded from real Odoo 17, 18 and 19 (test/contract/dialect.test.ts).
 */
export interface OdooDialect {
	/** The server's major version. */
	readonly version: number;
	/**
	 * How orders made outside the POS front end enter a session: `create_from_ui` with an
	 * `{id, data}` envelope per order and `statement_ids` (16, 17); `sync_from_ui` with flat orders
	 * and `payment_ids` (18+), answering the records it touched by model.
	 */
	readonly orderSync: 'create_from_ui' | 'sync_from_ui';
	/**
	 * The sign an order's change (`amount_return`) is sent with: 16 to 18 take it positive and book
	 * a cash payment of -amount_return; 19 books amount_return as sent, so its front end sends it
	 * negative. Either way the drawer gives the change back.
	 */
	readonly changeSign: 1 | -1;
	/**
	 * How a new session waiting in opening control is opened: `set_cashbox_pos`, and only with cash
	 * control (16, 17; without it the session opens at once); `set_opening_control`, always, which
	 * also restarts the session's clock (18+).
	 */
	readonly sessionOpening: 'set_cashbox_pos' | 'set_opening_control';
	/** A product's POS categories: one (`pos_categ_id`, 16) or several (`pos_categ_ids`, 17+). */
	readonly posCategoryField: 'pos_categ_id' | 'pos_categ_ids';
	/** Discuss channels, where the audit trail posts: `mail.channel` (16), `discuss.channel` (17+). */
	readonly channelModel: 'mail.channel' | 'discuss.channel';
	/**
	 * How taxes are computed and rounded: a line's amount rounded first, its taxes by `_compute_all`,
	 * a globally rounding document's taxes summed from its lines (16 to 18, `line-first`); a line from
	 * its unrounded amount (`_get_tax_details`) and a globally rounding document rounded once per tax,
	 * keeping an all-price-included total (19, `per-tax`).
	 */
	readonly taxRounding: 'line-first' | 'per-tax';
	/** A payment's memo: its entry's `ref` through _inherits (16, 17), its own `memo` field (18+). */
	readonly paymentMemoField: 'ref' | 'memo';
	/**
	 * Whether a payment has a date of its own (18+), which Odoo writes back onto its entry whenever
	 * the payment is edited; up to 17 the payment's date is its entry's (_inherits).
	 */
	readonly paymentOwnDate: boolean;
	/** Whether an API key is sent over JSON-2 (`/json/2/<model>/<method>`, 19+) instead of JSON-RPC. */
	readonly json2: boolean;
}

/** The dialect of a major version; versions after 19 speak as 19 until they are proven otherwise. */
export function dialectFor(version: number): OdooDialect {
	return {
		version,
		orderSync: version >= 18 ? 'sync_from_ui' : 'create_from_ui',
		changeSign: version >= 19 ? -1 : 1,
		sessionOpening: version >= 18 ? 'set_opening_control' : 'set_cashbox_pos',
		posCategoryField: version <= 16 ? 'pos_categ_id' : 'pos_categ_ids',
		channelModel: version <= 16 ? 'mail.channel' : 'discuss.channel',
		taxRounding: version >= 19 ? 'per-tax' : 'line-first',
		paymentMemoField: version >= 18 ? 'memo' : 'ref',
		paymentOwnDate: version >= 18,
		json2: version >= 19,
	};
}
