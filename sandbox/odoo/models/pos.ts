/** point_of_sale: configs, payment methods, sessions, orders, lines, payments. */
import { OdooError, userError, validationError } from '../errors';
import type { Database, Env, Rec } from '../orm';
import { activeCompany, mainCompany, roundTo } from '../orm';
import { INCOME_ACCOUNT, computeTaxes, createPayment, nextSequenceName, reconcile, taxLike } from './account';
import { type SandboxTax, floatRound, odoo19DocumentTotal, odoo19Line } from '../taxes';

const money = (v: number) => roundTo(v, 0.01);
export const POS_RECEIVABLE_ACCOUNT = 40;
export const TAX_ACCOUNT = 19;

const openSession = (env: Env, configId: number) =>
	[...env.db.table('pos.session').values()].find((s) => s.config_id === configId && s.state !== 'closed');

function checkCashMethods(env: Env, config: Rec): void {
	for (const mid of (config.payment_method_ids as number[]) ?? []) {
		const method = env.db.browse('pos.payment.method', mid);
		if (!method || !env.db.get(env, 'pos.payment.method', method, 'is_cash_count')) continue;
		for (const other of env.db.table('pos.config').values()) {
			if (other.id !== config.id && ((other.payment_method_ids as number[]) ?? []).includes(mid)) {
				throw validationError('This cash payment method is already used in another Point of Sale.\nA new cash payment method should be created for this Point of Sale.');
			}
		}
	}
}

export function definePos(db: Database): void {
	db.define({
		name: 'pos.payment.method',
		description: 'Point of Sale Payment Methods',
		order: 'sequence, id',
		fields: {
			name: { type: 'char', string: 'Method', required: true },
			sequence: { type: 'integer', string: 'Sequence', default: 1 },
			journal_id: { type: 'many2one', string: 'Journal', relation: 'account.journal' },
			is_cash_count: {
				type: 'boolean',
				string: 'Cash',
				compute: (env, r) => (r.journal_id ? env.db.browse('account.journal', r.journal_id as number)?.type === 'cash' : false),
			},
			type: {
				type: 'selection',
				string: 'Type',
				selection: ['cash', 'bank', 'pay_later'],
				compute: (env, r) => {
					if (!r.journal_id) return 'pay_later';
					return env.db.browse('account.journal', r.journal_id as number)?.type === 'cash' ? 'cash' : 'bank';
				},
			},
			split_transactions: { type: 'boolean', string: 'Identify Customer', default: false },
			receivable_account_id: { type: 'many2one', string: 'Intermediary Account', relation: 'account.account', default: POS_RECEIVABLE_ACCOUNT },
			outstanding_account_id: { type: 'many2one', string: 'Outstanding Account', relation: 'account.account' },
			config_ids: {
				type: 'many2many',
				string: 'Point of Sale',
				relation: 'pos.config',
				compute: (env, r) =>
					[...env.db.table('pos.config').values()].filter((c) => ((c.payment_method_ids as number[]) ?? []).includes(r.id)).map((c) => c.id),
			},
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company', default: (env: Env) => activeCompany(env) },
			active: { type: 'boolean', string: 'Active', default: true },
		},
		beforeCreate: (env, vals) => {
			if (!vals.journal_id) return;
			const j = env.db.mustBrowse(env, 'account.journal', [vals.journal_id as number])[0];
			if (j.type !== 'cash' && j.type !== 'bank') throw validationError("Only journals of type 'Cash' or 'Bank' could be used with payment methods.");
		},
		beforeWrite: (env, recs, vals) => {
			if (!('journal_id' in vals)) return;
			for (const r of recs) {
				const used = [...env.db.table('pos.session').values()].some(
					(s) => s.state !== 'closed' && ((env.db.browse('pos.config', s.config_id as number)?.payment_method_ids as number[]) ?? []).includes(r.id),
				);
				if (used) throw userError('You cannot modify a payment method that is used in an open session.');
			}
		},
	});

	db.define({
		name: 'pos.config',
		description: 'Point of Sale Configuration',
		displayName: (env, r) => {
			const s = openSession(env, r.id);
			if (!s) return String(r.name);
			const user = env.db.browse('res.users', s.user_id as number);
			return `${r.name} (${user?.name ?? ''})`;
		},
		fields: {
			name: { type: 'char', string: 'Point of Sale', required: true },
			journal_id: {
				type: 'many2one',
				string: 'Point of Sale Journal',
				relation: 'account.journal',
				default: (env: Env) => [...env.db.table('account.journal').values()].find((j) => j.code === 'POSS')?.id ?? false,
			},
			invoice_journal_id: { type: 'many2one', string: 'Invoice Journal', relation: 'account.journal', default: 1 },
			payment_method_ids: {
				type: 'many2many',
				string: 'Payment Methods',
				relation: 'pos.payment.method',
				// Odoo's default: every non-cash method, plus cash methods no other shop uses.
				default: (env: Env) => {
					const used = new Set([...env.db.table('pos.config').values()].flatMap((c) => (c.payment_method_ids as number[]) ?? []));
					return [...env.db.table('pos.payment.method').values()]
						.filter((m) => !m.split_transactions && m.active !== false)
						.filter((m) => !env.db.get(env, 'pos.payment.method', m, 'is_cash_count') || !used.has(m.id))
						.map((m) => m.id);
				},
			},
			current_session_id: {
				type: 'many2one',
				string: 'Current Session',
				relation: 'pos.session',
				compute: (env, r) => openSession(env, r.id)?.id ?? false,
			},
			current_session_state: {
				type: 'char',
				string: 'Current Session State',
				compute: (env, r) => openSession(env, r.id)?.state ?? false,
			},
			session_ids: { type: 'one2many', string: 'Sessions', relation: 'pos.session', inverseName: 'config_id' },
			iface_tipproduct: { type: 'boolean', string: 'Tips', default: false },
			tip_product_id: { type: 'many2one', string: 'Tip Product', relation: 'product.product' },
			// Computed from the payment methods on 17+ (a cash-count method means cash control); what is written is ignored.
			cash_control: {
				type: 'boolean',
				string: 'Advanced Cash Control',
				compute: (env, r) =>
					env.db.version >= 17
						? ((r.payment_method_ids as number[]) ?? []).some((m) => {
								const method = env.db.browse('pos.payment.method', m);
								return !!method && !!env.db.get(env, 'pos.payment.method', method, 'is_cash_count');
							})
						: !!r.cash_control_stored,
				inverse: (env, r, v) => {
					if (env.db.version < 17) env.db.updateRaw('pos.config', r, { cash_control_stored: !!v });
				},
			},
			iface_tax_included: { type: 'selection', string: 'Tax Display', selection: ['subtotal', 'total'], default: 'total' },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company', default: (env: Env) => activeCompany(env) },
			currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', compute: (env) => mainCompany(env.db).currency_id },
			pricelist_id: { type: 'many2one', string: 'Default Pricelist', relation: 'product.pricelist' },
			active: { type: 'boolean', string: 'Active', default: true },
		},
		afterCreate: (env, rec) => checkCashMethods(env, rec),
		afterWrite: (env, recs, vals) => {
			if ('payment_method_ids' in vals) for (const r of recs) checkCashMethods(env, r);
		},
	});

	db.define({
		name: 'pos.session',
		description: 'Point of Sale Session',
		order: 'id desc',
		fields: {
			name: { type: 'char', string: 'Session ID', default: '/' },
			config_id: { type: 'many2one', string: 'Point of Sale', relation: 'pos.config', required: true },
			statement_line_ids: {
				type: 'one2many',
				string: 'Cash Lines',
				relation: 'account.bank.statement.line',
				compute: (env, r) => [...env.db.table('account.bank.statement.line').values()].filter((l) => l.pos_session_id === r.id).map((l) => l.id),
			},
			user_id: { type: 'many2one', string: 'Opened By', relation: 'res.users', default: (env: Env) => env.uid },
			state: {
				type: 'selection',
				string: 'Status',
				selection: ['opening_control', 'opened', 'closing_control', 'closed'],
				default: 'opening_control',
				required: true,
			},
			start_at: { type: 'datetime', string: 'Opening Date', default: (env: Env) => env.db.now() },
			stop_at: { type: 'datetime', string: 'Closing Date' },
			currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', compute: (env) => mainCompany(env.db).currency_id },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company', default: (env: Env) => activeCompany(env) },
			move_id: { type: 'many2one', string: 'Journal Entry', relation: 'account.move' },
			order_ids: { type: 'one2many', string: 'Orders', relation: 'pos.order', inverseName: 'session_id' },
			order_count: {
				type: 'integer',
				string: 'Orders Count',
				compute: (env, r) => [...env.db.table('pos.order').values()].filter((o) => o.session_id === r.id).length,
			},
			cash_control: {
				type: 'boolean',
				string: 'Has Cash Control',
				compute: (env, r) => {
					const config = env.db.browse('pos.config', r.config_id as number);
					return !!config && !!env.db.get(env, 'pos.config', config, 'cash_control');
				},
			},
			payment_method_ids: {
				type: 'many2many',
				string: 'Payment Methods',
				relation: 'pos.payment.method',
				compute: (env, r) => (env.db.browse('pos.config', r.config_id as number)?.payment_method_ids as number[]) ?? [],
			},
			cash_register_balance_start: { type: 'monetary', string: 'Starting Balance', default: 0 },
			cash_register_balance_end_real: { type: 'monetary', string: 'Ending Balance', default: 0 },
			total_payments_amount: {
				type: 'float',
				string: 'Total Payments Amount',
				compute: (env, r) =>
					money([...env.db.table('pos.payment').values()].filter((p) => sessionOfPayment(env, p) === r.id).reduce((s, p) => s + (p.amount as number), 0)),
			},
			rescue: { type: 'boolean', string: 'Recovery Session', default: false },
		},
		beforeCreate: (env, vals) => {
			const configId = vals.config_id as number;
			if (!configId) return;
			const config = env.db.mustBrowse(env, 'pos.config', [configId])[0];
			if (openSession(env, configId) && !vals.rescue) throw validationError('Another session is already opened for this point of sale.');
			// The opening cash is what the previous session of this shop ended with.
			const previous = [...env.db.table('pos.session').values()]
				.filter((s) => s.config_id === configId && s.state === 'closed')
				.sort((a, b) => b.id - a.id)[0];
			if (env.db.get(env, 'pos.config', config, 'cash_control') && previous && vals.cash_register_balance_start === undefined) {
				vals.cash_register_balance_start = previous.cash_register_balance_end_real;
			}
		},
		afterCreate: (env, rec) => {
			if (rec.name === '/') env.db.updateRaw('pos.session', rec, { name: `POS/${String(rec.id).padStart(5, '0')}` });
			// A session created over the API waits in opening control (recorded on a real Odoo 17); orders
			// are accepted there. 17 opens it with set_cashbox_pos, 18 with set_opening_control.
		},
		methods: {
			set_opening_control: {
				onRecords: true,
				params: ['cashbox_value', 'notes'],
				versions: [18, 99],
				fn: (env, ids, p) => {
					for (const s of env.db.mustBrowse(env, 'pos.session', ids)) {
						if (s.state !== 'opening_control') continue;
						// Odoo 18 restarts the session's clock here.
						env.db.updateRaw('pos.session', s, { state: 'opened', start_at: env.db.now(), cash_register_balance_start: Number(p.cashbox_value ?? 0), write_date: env.db.now() });
					}
					return undefined;
				},
			},
			set_cashbox_pos: {
				onRecords: true,
				params: ['cashbox_value', 'notes'],
				versions: [0, 17],
				fn: (env, ids, p) => {
					for (const s of env.db.mustBrowse(env, 'pos.session', ids)) {
						if (s.state === 'closed') throw userError('This session is already closed.');
						env.db.updateRaw('pos.session', s, { state: 'opened', cash_register_balance_start: Number(p.cashbox_value ?? 0), write_date: env.db.now() });
					}
					return undefined;
				},
			},
			action_pos_session_open: {
				onRecords: true,
				params: [],
				fn: (env, ids) => {
					for (const s of env.db.mustBrowse(env, 'pos.session', ids)) {
						if (s.state === 'opening_control') env.db.updateRaw('pos.session', s, { state: 'opened', write_date: env.db.now() });
					}
					return true;
				},
			},
			post_closing_cash_details: {
				onRecords: true,
				params: ['counted_cash'],
				fn: (env, ids, p) => {
					const [s] = env.db.mustBrowse(env, 'pos.session', ids);
					if (s.state === 'closed') {
						return { successful: false, message: 'This session is already closed.', redirect: true };
					}
					env.db.updateRaw('pos.session', s, { cash_register_balance_end_real: Number(p.counted_cash ?? 0), state: 'closing_control' });
					return { successful: true };
				},
			},
			close_session_from_ui: {
				onRecords: true,
				params: ['bank_payment_method_diff_pairs'],
				fn: (env, ids) => {
					const [s] = env.db.mustBrowse(env, 'pos.session', ids);
					return closeSession(env, s);
				},
			},
		},
	});

	db.define({
		name: 'pos.order',
		description: 'Point of Sale Orders',
		order: 'date_order desc, name desc, id desc',
		fields: {
			name: { type: 'char', string: 'Order Ref', default: '/' },
			pos_reference: { type: 'char', string: 'Receipt Number' },
			uuid: { type: 'char', string: 'Uuid' },
			session_id: { type: 'many2one', string: 'Session', relation: 'pos.session', required: true },
			config_id: {
				type: 'many2one',
				string: 'Point of Sale',
				relation: 'pos.config',
				compute: (env, r) => env.db.browse('pos.session', r.session_id as number)?.config_id ?? false,
			},
			user_id: { type: 'many2one', string: 'Employee', relation: 'res.users', default: (env: Env) => env.uid },
			partner_id: { type: 'many2one', string: 'Customer', relation: 'res.partner' },
			date_order: { type: 'datetime', string: 'Date', default: (env: Env) => env.db.now() },
			state: { type: 'selection', string: 'Status', selection: ['draft', 'cancel', 'paid', 'done', 'invoiced'], default: 'draft' },
			sequence_number: { type: 'integer', string: 'Sequence Number', default: 1 },
			amount_total: { type: 'float', string: 'Total', default: 0 },
			amount_tax: { type: 'float', string: 'Taxes', default: 0 },
			amount_paid: { type: 'float', string: 'Paid', default: 0 },
			amount_return: { type: 'float', string: 'Returned', default: 0 },
			is_tipped: { type: 'boolean', string: 'Is this already tipped?', default: false },
			tip_amount: { type: 'float', string: 'Tip Amount', default: 0 },
			lines: { type: 'one2many', string: 'Order Lines', relation: 'pos.order.line', inverseName: 'order_id' },
			payment_ids: { type: 'one2many', string: 'Payments', relation: 'pos.payment', inverseName: 'pos_order_id' },
			fiscal_position_id: { type: 'many2one', string: 'Fiscal Position', relation: 'account.fiscal.position' },
			pricelist_id: { type: 'many2one', string: 'Pricelist', relation: 'product.pricelist' },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company', default: (env: Env) => activeCompany(env) },
			currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', compute: (env) => mainCompany(env.db).currency_id },
			to_invoice: { type: 'boolean', string: 'To invoice', default: false },
			account_move: { type: 'many2one', string: 'Invoice', relation: 'account.move' },
			note: { type: 'text', string: 'Internal Notes' },
		},
		methods: {
			create_from_ui: {
				onRecords: false,
				params: ['orders', 'draft'],
				versions: [0, 17],
				fn: (env, _ids, p) => createFromUi(env, (p.orders as unknown[]) ?? [], !!p.draft),
			},
			sync_from_ui: {
				onRecords: false,
				params: ['orders'],
				versions: [18, 99],
				fn: (env, _ids, p) => syncFromUi(env, (p.orders as unknown[]) ?? []),
			},
		},
	});

	db.define({
		name: 'pos.order.line',
		description: 'Point of Sale Order Lines',
		fields: {
			name: { type: 'char', string: 'Line No' },
			order_id: { type: 'many2one', string: 'Order Ref', relation: 'pos.order', required: true, ondelete: 'cascade' },
			product_id: { type: 'many2one', string: 'Product', relation: 'product.product', required: true },
			full_product_name: { type: 'char', string: 'Full Product Name' },
			qty: { type: 'float', string: 'Quantity', default: 1 },
			price_unit: { type: 'float', string: 'Unit Price', default: 0 },
			discount: { type: 'float', string: 'Discount (%)', default: 0 },
			price_subtotal: { type: 'float', string: 'Subtotal w/o Tax', default: 0 },
			price_subtotal_incl: { type: 'float', string: 'Subtotal', default: 0 },
			tax_ids: { type: 'many2many', string: 'Taxes', relation: 'account.tax' },
			uuid: { type: 'char', string: 'Uuid' },
		},
	});

	db.define({
		name: 'pos.payment',
		description: 'Point of Sale Payments',
		order: 'id desc',
		fields: {
			name: { type: 'char', string: 'Label' },
			pos_order_id: { type: 'many2one', string: 'Order', relation: 'pos.order', required: true, ondelete: 'cascade' },
			amount: { type: 'monetary', string: 'Amount', required: true },
			payment_method_id: { type: 'many2one', string: 'Payment Method', relation: 'pos.payment.method', required: true },
			payment_date: { type: 'datetime', string: 'Date', default: (env: Env) => env.db.now() },
			session_id: {
				type: 'many2one',
				string: 'Session',
				relation: 'pos.session',
				compute: (env, r) => sessionOfPayment(env, r),
			},
			is_change: { type: 'boolean', string: 'Is this payment change?', default: false },
		},
	});
}

function sessionOfPayment(env: Env, p: Rec): number | false {
	const order = env.db.browse('pos.order', p.pos_order_id as number);
	return (order?.session_id as number) ?? false;
}

interface UiLine {
	product_id: number;
	qty: number;
	price_unit: number;
	discount?: number;
	tax_ids?: unknown;
	price_subtotal?: number;
	price_subtotal_incl?: number;
	full_product_name?: string;
	uuid?: string;
}

interface UiPayment {
	name?: string;
	payment_method_id: number;
	amount: number;
	payment_date?: string;
}

/** A session for a closed one: the order lands in a rescue session, as Odoo does. */
function validSession(env: Env, sessionId: number): Rec {
	const s = env.db.mustBrowse(env, 'pos.session', [sessionId])[0];
	if (s.state !== 'closed' && s.state !== 'closing_control') return s;
	const open = openSession(env, s.config_id as number);
	if (open && open.state !== 'closing_control') return open;
	const rescue = env.db.create(env, 'pos.session', { config_id: s.config_id, rescue: true, name: `(RESCUE FOR ${s.name})`, state: 'opened' });
	return rescue;
}

function orderName(env: Env, configId: number): string {
	const config = env.db.browse('pos.config', configId)!;
	return nextSequenceName(env, 'pos.order', `${config.name}/`, 4);
}

/** Stores one order with its lines and payments; marks it paid when payments cover the total. */
function storeOrder(
	env: Env,
	data: {
		name: string;
		uuid?: string;
		session_id: number;
		user_id?: number;
		partner_id?: number | false;
		date_order: string;
		sequence_number?: number;
		amount_total: number;
		amount_tax: number;
		amount_return: number;
		is_tipped?: boolean;
		tip_amount?: number;
		to_invoice?: boolean;
		fiscal_position_id?: number | false;
		pricelist_id?: number | false;
		lines: UiLine[];
		payments: UiPayment[];
	},
	draft: boolean,
): Rec {
	const db = env.db;
	const session = validSession(env, data.session_id);
	const configId = session.config_id as number;
	const order = db.create(env, 'pos.order', {
		name: orderName(env, configId),
		pos_reference: data.name,
		uuid: data.uuid ?? false,
		session_id: session.id,
		user_id: data.user_id || env.uid,
		partner_id: data.partner_id || false,
		date_order: data.date_order.replace('T', ' ').slice(0, 19),
		sequence_number: data.sequence_number ?? 1,
		amount_total: data.amount_total,
		amount_tax: data.amount_tax,
		// (19 recomputes it from the change payment: the change given back, positive)
		amount_return: env.db.version >= 19 ? Math.max(0, -(data.amount_return ?? 0)) : (data.amount_return ?? 0),
		to_invoice: !!data.to_invoice,
		fiscal_position_id: data.fiscal_position_id || false,
		pricelist_id: data.pricelist_id || false,
		is_tipped: !!data.is_tipped,
		tip_amount: Number(data.tip_amount ?? 0),
	});
	data.lines.forEach((l, i) => {
		db.create(env, 'pos.order.line', {
			order_id: order.id,
			name: `${order.name}/${i + 1}`,
			product_id: l.product_id,
			full_product_name: l.full_product_name ?? false,
			qty: l.qty,
			price_unit: l.price_unit,
			discount: l.discount ?? 0,
			price_subtotal: l.price_subtotal ?? 0,
			price_subtotal_incl: l.price_subtotal_incl ?? 0,
			tax_ids: l.tax_ids ?? [],
			uuid: l.uuid ?? false,
		});
	});
	let paid = 0;
	for (const p of data.payments) {
		db.create(env, 'pos.payment', {
			pos_order_id: order.id,
			name: p.name ?? false,
			amount: p.amount,
			payment_method_id: p.payment_method_id,
			payment_date: (p.payment_date ?? data.date_order).replace('T', ' ').slice(0, 19),
		});
		paid += p.amount;
	}
	if (!draft && data.amount_return) {
		const cash = (db.get(env, 'pos.session', session, 'payment_method_ids') as number[])
			.map((id) => db.browse('pos.payment.method', id)!)
			.find((m) => db.get(env, 'pos.payment.method', m, 'is_cash_count'));
		if (!cash) throw userError('No cash statement found for this session. Unable to record returned cash.');
		// Odoo 19 records the change with the sign the client sent (its front end sends it negative);
		// 17 and 18 record the opposite of amount_return.
		const amount = env.db.version >= 19 ? data.amount_return : -data.amount_return;
		db.create(env, 'pos.payment', {
			pos_order_id: order.id,
			name: 'return',
			amount,
			payment_method_id: cash.id,
			payment_date: db.now(),
			is_change: true,
		});
		paid += amount;
	}
	db.updateRaw('pos.order', order, { amount_paid: paid });
	// Odoo 19 recomputes the total from the lines when it books change (_compute_prices), rounding
	// the document as the company says; then it refuses an order its payments do not cover.
	const total = !draft && env.db.version >= 19 && data.amount_return ? linesTotal(env, order.id) : data.amount_total;
	if (total !== data.amount_total) db.updateRaw('pos.order', order, { amount_total: total });
	if (!draft && env.db.version >= 19 && Math.abs(money(total - paid)) >= 0.005) throw userError('Order / is not fully paid.');
	// Like Odoo: an order whose payments do not cover its total silently stays in draft.
	if (!draft && Math.abs(money(data.amount_total - paid)) < 0.005) db.updateRaw('pos.order', order, { state: 'paid' });
	return order;
}

/** Each line of an order with its taxes (sorted ids), its discounted price, and Odoo's computation of it. */
function orderLineTaxes(env: Env, orderId: number): Array<{ taxIds: number[]; price: number; qty: number; res: ReturnType<typeof computeTaxes> }> {
	const out: Array<{ taxIds: number[]; price: number; qty: number; res: ReturnType<typeof computeTaxes> }> = [];
	for (const l of env.db.table('pos.order.line').values()) {
		if (l.order_id !== orderId) continue;
		const taxIds = ((l.tax_ids as number[]) ?? []).slice().sort((a, b) => a - b);
		const price = (l.price_unit as number) * (1 - ((l.discount as number) || 0) / 100);
		out.push({ taxIds, price, qty: l.qty as number, res: computeTaxes(env, taxIds, price, l.qty as number) });
	}
	return out;
}

/**
 * An order's total from its lines as Odoo 19 recomputes it (`_compute_prices`, used here only on
 * 19): per line, or (round_globally) "per tax" as `odoo19DocumentTotal` says, from each line's
 * raw amounts; a line without tax counts by its amount.
 */
function linesTotal(env: Env, orderId: number): number {
	const company = mainCompany(env.db);
	const rounding = (env.db.browse('res.currency', company.currency_id as number)?.rounding as number) || 0.01;
	const globally = company.tax_calculation_rounding_method === 'round_globally';
	const raw: Array<{ excluded: number; taxes: Array<{ tax: SandboxTax; amount: number }> }> = [];
	let perLine = 0;
	for (const l of env.db.table('pos.order.line').values()) {
		if (l.order_id !== orderId) continue;
		const price = (l.price_unit as number) * (1 - ((l.discount as number) || 0) / 100);
		const taxes = env.db.mustBrowse(env, 'account.tax', (l.tax_ids as number[]) ?? []).map((t) => taxLike(env, t));
		const line = taxes.length ? odoo19Line(taxes, price, l.qty as number, { currencyRounding: rounding, roundGlobally: globally }) : { excluded: price * (l.qty as number), included: price * (l.qty as number), taxes: [] };
		if (!line) {
			// (a tax set odoo19Line is not written for: its rounded line, as the sandbox computes it)
			const r = computeTaxes(env, taxes.map((t) => t.id), price, l.qty as number);
			raw.push({ excluded: r.total_excluded, taxes: r.taxes.map((t) => ({ tax: taxes.find((x) => x.id === t.id)!, amount: t.amount })) });
			perLine += r.total_included;
			continue;
		}
		raw.push(line);
		perLine += floatRound(line.included, rounding);
	}
	return globally ? odoo19DocumentTotal(raw, rounding) : money(perLine);
}

function isSameOrder(env: Env, existing: Rec, payments: UiPayment[]): boolean {
	const have = [...env.db.table('pos.payment').values()]
		.filter((p) => p.pos_order_id === existing.id && !p.is_change)
		.map((p) => `${money(p.amount as number)}:${p.payment_method_id}`)
		.sort();
	const got = payments.map((p) => `${money(p.amount)}:${p.payment_method_id}`).sort();
	return JSON.stringify(have) === JSON.stringify(got);
}

/** An unknown product or session aborts the whole batch, as the foreign key does in PostgreSQL. */
function asFailedTransaction<T>(fn: () => T): T {
	try {
		return fn();
	} catch (e) {
		if (e instanceof OdooError && e.odooName === 'odoo.exceptions.MissingError') {
			throw new OdooError('psycopg2.errors.InFailedSqlTransaction', 'current transaction is aborted, commands ignored until end of transaction block\n');
		}
		throw e;
	}
}

function requireKey<T>(obj: Record<string, unknown>, key: string): T {
	if (!(key in obj)) throw new OdooError('builtins.KeyError', `'${key}'`);
	return obj[key] as T;
}

function linesFromCommands(cmds: unknown): UiLine[] {
	return ((cmds as unknown[][]) ?? []).map((c) => (Array.isArray(c) ? c[2] : c) as UiLine);
}

function createFromUi(env: Env, orders: unknown[], draft: boolean) {
	return asFailedTransaction(() => {
		const ids: number[] = [];
		for (const o of orders) {
			const data = requireKey<Record<string, unknown>>(o as Record<string, unknown>, 'data');
			const name = requireKey<string>(data, 'name');
			const payments = ((requireKey<unknown[][]>(data, 'statement_ids') ?? []) as unknown[]).map((c) => (Array.isArray(c) ? c[2] : c) as UiPayment);
			const existing = [...env.db.table('pos.order').values()].filter((x) => x.pos_reference === name);
			const draftOne = existing.find((x) => x.state === 'draft');
			if (draftOne) env.db.unlink(env, 'pos.order', [draftOne.id]);
			else if (existing.some((x) => isSameOrder(env, x, payments))) continue;
			const order = storeOrder(
				env,
				{
					name,
					session_id: requireKey<number>(data, 'pos_session_id'),
					user_id: data.user_id as number,
					partner_id: data.partner_id as number | false,
					date_order: requireKey<string>(data, 'creation_date'),
					sequence_number: data.sequence_number as number,
					amount_total: Number(requireKey(data, 'amount_total')),
					amount_tax: Number(requireKey(data, 'amount_tax')),
					amount_return: Number(requireKey(data, 'amount_return')),
					is_tipped: !!data.is_tipped,
					tip_amount: Number(data.tip_amount ?? 0),
					to_invoice: !!(o as Record<string, unknown>).to_invoice,
					fiscal_position_id: data.fiscal_position_id as number | false,
					pricelist_id: data.pricelist_id as number | false,
					lines: linesFromCommands(requireKey(data, 'lines')),
					payments,
				},
				draft,
			);
			ids.push(order.id);
		}
		return env.db.read(env, 'pos.order', env.db.sortRecs(env, 'pos.order', ids.map((id) => env.db.browse('pos.order', id)!)).map((r) => r.id), ['id', 'pos_reference', 'account_move'], false);
	});
}

/** Odoo 18: plain order dicts keyed by uuid; existing paid orders are returned untouched. */
function syncFromUi(env: Env, orders: unknown[]) {
	return asFailedTransaction(() => {
		const ids: number[] = [];
		for (const raw of orders) {
			const o = raw as Record<string, unknown>;
			const uuid = requireKey<string>(o, 'uuid');
			const existing = [...env.db.table('pos.order').values()].find((x) => x.uuid === uuid);
			if (existing && existing.state !== 'draft') {
				ids.push(existing.id);
				continue;
			}
			if (existing) env.db.unlink(env, 'pos.order', [existing.id]);
			const order = storeOrder(
				env,
				{
					name: (o.name as string) || (o.pos_reference as string) || uuid,
					uuid,
					session_id: requireKey<number>(o, 'session_id'),
					user_id: o.user_id as number,
					partner_id: o.partner_id as number | false,
					date_order: (o.date_order as string) ?? env.db.now(),
					amount_total: Number(requireKey(o, 'amount_total')),
					amount_tax: Number(requireKey(o, 'amount_tax')),
					amount_return: Number(o.amount_return ?? 0),
					is_tipped: !!o.is_tipped,
					tip_amount: Number(o.tip_amount ?? 0),
					to_invoice: !!o.to_invoice,
					lines: linesFromCommands(requireKey(o, 'lines')),
					payments: ((requireKey<unknown[]>(o, 'payment_ids') ?? []) as unknown[]).map((c) => (Array.isArray(c) ? c[2] : c) as UiPayment),
				},
				o.state === 'draft',
			);
			ids.push(order.id);
		}
		const fields = ['id', 'uuid', 'name', 'pos_reference', 'state', 'session_id', 'amount_total', 'amount_paid', 'account_move'];
		return {
			'pos.order': env.db.read(env, 'pos.order', ids, fields, false),
			'pos.session': [],
			'pos.payment': env.db.read(
				env,
				'pos.payment',
				[...env.db.table('pos.payment').values()].filter((p) => ids.includes(p.pos_order_id as number)).map((p) => p.id),
				['id', 'pos_order_id', 'amount', 'payment_method_id'],
				false,
			),
			// Odoo 18 answers every POS model the sync wrote.
			'pos.order.line': env.db.read(
					env,
					'pos.order.line',
					[...env.db.table('pos.order.line').values()].filter((l) => ids.includes(l.order_id as number)).map((l) => l.id),
					['id', 'qty', 'price_unit', 'uuid', 'price_subtotal', 'price_subtotal_incl', 'order_id', 'write_date', 'product_id', 'discount', 'tax_ids', 'full_product_name'],
					false,
				),
			'pos.pack.operation.lot': [],
			'product.attribute.custom.value': [],
			// Odoo 19 also answers the invoices made at the sync (none: no order asks for one) and
			// pos_restaurant's courses.
			...(env.db.version >= 19 ? { 'account.move': [], 'restaurant.order.course': [] } : {}),
		};
	});
}

/**
 * Odoo's _post_statement_difference at the close of a cash-control session: the cash counted
 * (cash_register_balance_end_real) against the expected drawer (the opening balance plus the cash
 * payments); a difference becomes a statement line of the cash journal against its loss or profit
 * account, "Cash difference observed during the counting (Loss) - closing".
 */
function postCashDifference(env: Env, s: Rec, date: string): void {
	const db = env.db;
	if (!db.get(env, 'pos.session', s, 'cash_control')) return;
	const cashMethods = [...db.table('pos.payment.method').values()].filter((m) => db.get(env, 'pos.payment.method', m, 'is_cash_count'));
	const orders = new Set([...db.table('pos.order').values()].filter((o) => o.session_id === s.id).map((o) => o.id));
	const takings = [...db.table('pos.payment').values()].filter((p) => orders.has(p.pos_order_id as number) && cashMethods.some((m) => m.id === p.payment_method_id)).reduce((a, p) => a + (p.amount as number), 0);
	const expected = money(Number(s.cash_register_balance_start ?? 0) + takings);
	const difference = money(Number(s.cash_register_balance_end_real ?? 0) - expected);
	const journal = cashMethods.map((m) => m.journal_id && db.browse('account.journal', m.journal_id as number)).find((j): j is Rec => !!j);
	if (!difference || !journal) return;
	const counterpart = ((difference < 0 ? journal.loss_account_id : journal.profit_account_id) as number) || INCOME_ACCOUNT;
	const label = `Cash difference observed during the counting (${difference < 0 ? 'Loss' : 'Profit'}) - closing`;
	const move = db.create(env, 'account.move', {
		move_type: 'entry',
		journal_id: journal.id,
		date,
		ref: false,
		line_ids: [
			[0, 0, { account_id: journal.default_account_id, name: label, debit: difference > 0 ? difference : 0, credit: difference < 0 ? -difference : 0 }],
			[0, 0, { account_id: counterpart, name: label, debit: difference < 0 ? -difference : 0, credit: difference > 0 ? difference : 0 }],
		],
	});
	db.call(env, 'account.move', 'action_post', [move.id], {});
	db.create(env, 'account.bank.statement.line', { move_id: move.id, journal_id: journal.id, amount: difference, payment_ref: label, pos_session_id: s.id });
}

/** Posts the session entry (sales by tax set, taxes, receivable per method) and one combined bank payment per bank method. */
function closeSession(env: Env, s: Rec) {
	const db = env.db;
	if (s.state === 'closed') {
		return {
			successful: false,
			type: 'alert',
			title: 'Session already closed',
			message:
				"The session has been already closed by another User. All sales completed in the meantime have been saved in a Rescue Session, which can be reviewed anytime and posted to Accounting from Point of Sale's dashboard.",
			redirect: true,
		};
	}
	const orders = [...db.table('pos.order').values()].filter((o) => o.session_id === s.id);
	if (orders.some((o) => o.state === 'draft')) {
		return { successful: false, message: 'You cannot close the POS when orders are still in draft', redirect: false };
	}
	try {
		return db.savepoint(() => {
			const config = db.browse('pos.config', s.config_id as number)!;
			// fields.Date.context_today: the date in the context's (or the user's) time zone.
			const today = db.todayIn(env.context.tz);
			if (orders.length) {
				// As Odoo's _accumulate_amounts: the orders newest first; sales by taxes and sign, taxes
				// by tax and by whether they are refunds (a refund has its own repartition line).
				const sales = new Map<string, { taxIds: number[]; amount: number }>();
				const taxes = new Map<string, { taxId: number; amount: number }>();
				const sorted = db.sortRecs(env, 'pos.order', orders);
				// Odoo 19 rounds each order as a document (_round_base_lines_tax_details) before adding it up.
				const perOrder = env.db.version >= 19;
				for (const o of sorted) {
					const orderSales = new Map<string, { taxIds: number[]; amount: number }>();
					const orderTaxes = new Map<string, { taxId: number; amount: number }>();
					for (const { taxIds, price, qty, res } of orderLineTaxes(env, o.id)) {
						const key = `${taxIds.join(',')}|${res.total_excluded < 0 ? -1 : 1}`;
						const cur = orderSales.get(key) ?? { taxIds, amount: 0 };
						cur.amount += res.total_excluded;
						orderSales.set(key, cur);
						const refund = qty * price < 0;
						for (const t of res.taxes) {
							const tk = `${t.id}|${refund}`;
							orderTaxes.set(tk, { taxId: t.id, amount: (orderTaxes.get(tk)?.amount ?? 0) + t.amount });
						}
					}
					const r = (v: number) => (perOrder ? money(v) : v);
					for (const [k, v] of orderSales) sales.set(k, { taxIds: v.taxIds, amount: (sales.get(k)?.amount ?? 0) + r(v.amount) });
					for (const [k, v] of orderTaxes) taxes.set(k, { taxId: v.taxId, amount: (taxes.get(k)?.amount ?? 0) + r(v.amount) });
				}
				// By method in the order Odoo meets them: the session's orders newest first (pos.order's
				// _order), each order's payments by id; the combined payments are made in that order.
				const byMethod = new Map<number, number>();
				for (const o of sorted) {
					for (const p of db.table('pos.payment').values()) {
						if (p.pos_order_id !== o.id) continue;
						const mid = p.payment_method_id as number;
						byMethod.set(mid, (byMethod.get(mid) ?? 0) + (p.amount as number));
					}
				}
				const lines: unknown[] = [];
				const line = (vals: Record<string, unknown>, balance: number) => {
					balance = money(balance);
					if (!balance) return;
					lines.push([0, 0, { ...vals, debit: balance > 0 ? balance : 0, credit: balance < 0 ? -balance : 0 }]);
				};
				for (const { taxId, amount } of taxes.values()) {
					const tax = db.browse('account.tax', taxId)!;
					line({ account_id: TAX_ACCOUNT, name: tax.name, tax_line_id: taxId, display_type: 'tax' }, -amount);
				}
				for (const { taxIds, amount } of sales.values()) {
					const names = taxIds.map((id) => db.browse('account.tax', id)!.name).join(', ');
					line({ account_id: INCOME_ACCOUNT, name: taxIds.length ? `Sales with ${names}` : 'Sales untaxed', tax_ids: [[6, 0, taxIds]] }, -amount);
				}
				// Odoo writes the bank receivable lines before the cash ones, each in the order met.
				const methods = [...byMethod.keys()]
					.map((mid) => db.browse('pos.payment.method', mid)!)
					.sort((a, b) => Number(db.get(env, 'pos.payment.method', a, 'is_cash_count')) - Number(db.get(env, 'pos.payment.method', b, 'is_cash_count')));
				for (const m of methods) {
					const amount = byMethod.get(m.id)!;
					line({ account_id: POS_RECEIVABLE_ACCOUNT, name: `${s.name} - ${m.name}`, display_type: 'payment_term' }, amount);
				}
				const move = db.create(env, 'account.move', {
					move_type: 'entry',
					journal_id: config.journal_id,
					date: today,
					ref: s.name,
					line_ids: lines,
				});
				db.call(env, 'account.move', 'action_post', [move.id], {});
				db.updateRaw('pos.session', s, { move_id: move.id });
				// Each method's receivable line is settled: bank methods by one combined payment, cash by a
				// cash statement line, each reconciled with it on the POS receivable account.
				const receivableOf = (mid: number) =>
					[...db.table('account.move.line').values()].find((l) => l.move_id === move.id && l.account_id === POS_RECEIVABLE_ACCOUNT && String(l.name).endsWith(` - ${db.browse('pos.payment.method', mid)!.name}`));
				// The bank methods' combined payments first, then the cash statements (as Odoo does).
				for (const m of methods) {
					const mid = m.id;
					const amount = byMethod.get(mid)!;
					if (!money(amount) || !m.journal_id) continue;
					const type = db.get(env, 'pos.payment.method', m, 'type');
					let settle: Rec | undefined;
					if (type === 'bank') {
						const pay = createPayment(env, {
							amount,
							journal_id: m.journal_id as number,
							date: today,
							partner_id: false,
							ref: `Combine ${m.name} POS payments from ${s.name}`,
							payment_type: amount >= 0 ? 'inbound' : 'outbound',
							pos_session_id: s.id,
							pos_payment_method_id: m.id,
							destination_account_id: POS_RECEIVABLE_ACCOUNT,
							force_outstanding_account_id: (m.outstanding_account_id as number) || false,
						});
						settle = [...db.table('account.move.line').values()].find((l) => l.move_id === pay.move_id && l.account_id === POS_RECEIVABLE_ACCOUNT);
					} else if (type === 'cash') {
						const journal = db.browse('account.journal', m.journal_id as number)!;
						const a = money(amount);
						const cash = db.create(env, 'account.move', {
							move_type: 'entry',
							journal_id: journal.id,
							date: today,
							// A statement line's entry has no reference of its own; its label says what it is.
							ref: false,
							line_ids: [
								[0, 0, { account_id: journal.default_account_id, name: `${s.name} - ${m.name}`, debit: a > 0 ? a : 0, credit: a < 0 ? -a : 0 }],
								[0, 0, { account_id: POS_RECEIVABLE_ACCOUNT, name: `${s.name} - ${m.name}`, debit: a < 0 ? -a : 0, credit: a > 0 ? a : 0 }],
							],
						});
						db.call(env, 'account.move', 'action_post', [cash.id], {});
						db.create(env, 'account.bank.statement.line', { move_id: cash.id, journal_id: journal.id, amount: a, payment_ref: `${s.name} - ${m.name}`, pos_session_id: s.id });
						settle = [...db.table('account.move.line').values()].find((l) => l.move_id === cash.id && l.account_id === POS_RECEIVABLE_ACCOUNT);
					}
					const own = receivableOf(mid);
					if (settle && own) reconcile(env, [own, settle]);
				}
				for (const o of orders) if (o.state === 'paid') db.updateRaw('pos.order', o, { state: 'done' });
			}
			postCashDifference(env, s, today);
			db.updateRaw('pos.session', s, { state: 'closed', stop_at: db.now(), write_date: db.now() });
			return { successful: true };
		});
	} catch (e) {
		if (e instanceof OdooError && (e.odooName === 'odoo.exceptions.UserError' || e.odooName === 'odoo.exceptions.ValidationError')) {
			return { successful: false, message: e.message, redirect: false };
		}
		throw e;
	}
}
