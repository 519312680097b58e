/** account.*: journals, taxes, moves and lines, partial reconciliation, payments, the payment wizard. */
import { userError, validationError } from '../errors';
import type { Database, Env, Rec } from '../orm';
import { activeCompany, mainCompany, roundTo } from '../orm';
import { type SandboxTax, odoo19ComputeAll, odoo19Line, sandboxComputeAll } from '../taxes';

export const RECEIVABLE_ACCOUNT = 6;
export const INCOME_ACCOUNT = 24;

const money = (v: number) => roundTo(v, 0.01);

/** Next number of a sequence prefix, from the highest name in use (so rollbacks leave no gaps). */
export function nextSequenceName(env: Env, model: string, prefix: string, digits: number): string {
	let max = 0;
	for (const r of env.db.table(model).values()) {
		const n = r.name as string;
		if (typeof n === 'string' && n.startsWith(prefix)) {
			const num = Number(n.slice(prefix.length));
			if (Number.isInteger(num) && num > max) max = num;
		}
	}
	return `${prefix}${String(max + 1).padStart(digits, '0')}`;
}

/** Odoo's _constrains_date_sequence: a posted entry's date must lie in the period its number names (…/2026/01/0003 monthly, …/2026/0003 yearly). */
function checkDateMatchesNumber(name: string, date: string): void {
	if (!name || name === '/') return;
	const period = /\/(\d{4})\/(\d{2})\/\d+$/.exec(name) ?? /\/(\d{4})\/\d+$/.exec(name);
	if (period && (period[1] !== date.slice(0, 4) || (period[2] && period[2] !== date.slice(5, 7)))) {
		const [y, m, d] = date.split('-');
		throw validationError(`The Date (${m}/${d}/${y}) doesn't match the sequence number of the related Journal Entry (${name})\nYou will need to clear the Journal Entry's Number to proceed.`);
	}
}

function journalOf(env: Env, id: unknown): Rec {
	return env.db.mustBrowse(env, 'account.journal', [id as number])[0];
}

export function taxLike(env: Env, tax: Rec): SandboxTax {
	const repart = [...env.db.table('account.tax.repartition.line').values()].find(
		(l) => l.tax_id === tax.id && l.repartition_type === 'tax' && l.document_type === 'invoice',
	);
	return {
		id: tax.id,
		tag_ids: (repart?.tag_ids as number[] | undefined) ?? [],
		name: tax.name as string,
		amount: tax.amount as number,
		amount_type: tax.amount_type as string,
		price_include: env.db.get(env, 'account.tax', tax, 'price_include') as boolean,
		include_base_amount: !!tax.include_base_amount,
		is_base_affected: !!tax.is_base_affected,
		sequence: tax.sequence as number,
		account_id: (repart?.account_id as number) || false,
		tax_exigibility: (tax.tax_exigibility as string) || 'on_invoice',
		analytic: !!tax.analytic,
	};
}

/**
 * `perLine`: rounded line by line whatever the company says, with each tax's base and the void
 * total unrounded (Odoo 19's compute_all answers so).
 */
export function computeTaxes(env: Env, taxIds: number[], priceUnit: number, quantity: number, perLine = false) {
	const taxes = env.db.mustBrowse(env, 'account.tax', taxIds).map((t) => taxLike(env, t));
	const company = mainCompany(env.db);
	const currency = env.db.browse('res.currency', company.currency_id as number)!;
	if (perLine && env.db.version >= 19) {
		// Odoo 19 computes a round_globally company's line from its whole amount (17 and 18 round it first).
		const line = odoo19Line(taxes, priceUnit, quantity, { currencyRounding: currency.rounding as number, roundGlobally: company.tax_calculation_rounding_method === 'round_globally' });
		if (line) return odoo19ComputeAll(line, currency.rounding as number);
	}
	return sandboxComputeAll(taxes, priceUnit, quantity, {
		currencyRounding: currency.rounding as number,
		roundGlobally: !perLine && company.tax_calculation_rounding_method === 'round_globally',
		rawBase: perLine,
	});
}

const isInvoice = (t: unknown) => ['out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'out_receipt', 'in_receipt'].includes(t as string);

/** Residual of a move line, signed like its balance, after partial reconciliations. */
function lineResidual(env: Env, line: Rec): number {
	const balance = (line.debit as number) - (line.credit as number);
	let matched = 0;
	for (const p of env.db.table('account.partial.reconcile').values()) {
		if (p.debit_move_id === line.id) matched += p.amount as number;
		if (p.credit_move_id === line.id) matched -= p.amount as number;
	}
	return money(balance - matched);
}

function linesOf(env: Env, moveId: number): Rec[] {
	return [...env.db.table('account.move.line').values()].filter((l) => l.move_id === moveId).sort((a, b) => a.id - b.id);
}

function receivableLines(env: Env, moveId: number): Rec[] {
	return linesOf(env, moveId).filter((l) => l.account_id === RECEIVABLE_ACCOUNT);
}

/** Rebuilds an invoice's tax and receivable lines from its product lines, as Odoo's dynamic lines do. */
function syncInvoice(env: Env, move: Rec): void {
	if (!isInvoice(move.move_type)) return;
	const db = env.db;
	const outbound = move.move_type === 'out_invoice' || move.move_type === 'in_refund' || move.move_type === 'out_receipt';
	const sign = outbound ? -1 : 1; // balance sign of income lines: credit on a customer invoice
	const lines = linesOf(env, move.id);
	for (const l of lines) if (l.display_type === 'tax' || l.display_type === 'payment_term') db.deleteRaw('account.move.line', l.id);
	const taxTotals = new Map<number, { amount: number; base: number; account: number | false }>();
	let total = 0;
	for (const l of lines.filter((x) => x.display_type === 'product')) {
		const price = (l.price_unit as number) * (1 - ((l.discount as number) || 0) / 100);
		const res = computeTaxes(env, (l.tax_ids as number[]) ?? [], price, l.quantity as number);
		const balance = sign * res.total_excluded;
		db.updateRaw('account.move.line', l, {
			price_subtotal: res.total_excluded,
			price_total: res.total_included,
			debit: balance > 0 ? balance : 0,
			credit: balance < 0 ? -balance : 0,
			account_id: l.account_id || INCOME_ACCOUNT,
			partner_id: move.partner_id || false,
		});
		total += res.total_included;
		for (const t of res.taxes) {
			const cur = taxTotals.get(t.id) ?? { amount: 0, base: 0, account: t.account_id };
			cur.amount += t.amount;
			cur.base += t.base;
			taxTotals.set(t.id, cur);
		}
	}
	for (const [taxId, t] of taxTotals) {
		const balance = money(sign * t.amount);
		if (!balance) continue;
		const tax = db.browse('account.tax', taxId)!;
		db.create(env, 'account.move.line', {
			move_id: move.id,
			display_type: 'tax',
			name: tax.name,
			account_id: t.account || INCOME_ACCOUNT,
			tax_line_id: taxId,
			debit: balance > 0 ? balance : 0,
			credit: balance < 0 ? -balance : 0,
			partner_id: move.partner_id || false,
		});
	}
	const receivable = money(-sign * total);
	db.create(env, 'account.move.line', {
		move_id: move.id,
		display_type: 'payment_term',
		name: (move.name as string) !== '/' ? move.name : '',
		account_id: RECEIVABLE_ACCOUNT,
		debit: receivable > 0 ? receivable : 0,
		credit: receivable < 0 ? -receivable : 0,
		partner_id: move.partner_id || false,
	});
}

function moveAmounts(env: Env, move: Rec) {
	const lines = linesOf(env, move.id);
	if (isInvoice(move.move_type)) {
		const products = lines.filter((l) => l.display_type === 'product');
		const untaxed = money(products.reduce((s, l) => s + ((l.price_subtotal as number) || 0), 0));
		const total = money(products.reduce((s, l) => s + ((l.price_total as number) || 0), 0));
		const residual = money(Math.abs(receivableLines(env, move.id).reduce((s, l) => s + lineResidual(env, l), 0)));
		return { untaxed, tax: money(total - untaxed), total, residual };
	}
	const total = money(lines.reduce((s, l) => s + (l.debit as number), 0));
	return { untaxed: total, tax: 0, total, residual: 0 };
}

function paymentState(env: Env, move: Rec): string {
	if (!isInvoice(move.move_type) || move.state !== 'posted') return 'not_paid';
	const a = moveAmounts(env, move);
	if (a.total === 0 || a.residual === 0) return 'paid';
	if (a.residual < a.total) return 'partial';
	return 'not_paid';
}

function postMove(env: Env, move: Rec): void {
	const db = env.db;
	if (move.state === 'posted') throw userError(`The entry ${move.name} (id ${move.id}) is already posted.`);
	const lines = linesOf(env, move.id);
	if (isInvoice(move.move_type)) {
		if (!move.partner_id) throw userError("The field 'Customer' is required, please complete it to validate the Customer Invoice.");
		if (!lines.some((l) => l.display_type === 'product')) throw userError('You need to add a line before posting.');
	}
	const debit = money(lines.reduce((s, l) => s + (l.debit as number), 0));
	const credit = money(lines.reduce((s, l) => s + (l.credit as number), 0));
	if (debit !== credit) {
		throw userError(`The move (${move.name}) is not balanced.\nThe total of debits equals ${debit} and the total of credits equals ${credit}.`);
	}
	const changes: Record<string, unknown> = { state: 'posted' };
	// A number keeps its period: an entry numbered in one month and re-dated to another is refused (Odoo's _constrains_date_sequence).
	checkDateMatchesNumber(String(move.name ?? ''), String((isInvoice(move.move_type) && move.invoice_date) || move.date));
	if (isInvoice(move.move_type)) {
		const invoiceDate = (move.invoice_date as string) || db.today();
		changes.invoice_date = invoiceDate;
		changes.date = invoiceDate;
		if (!move.invoice_date_due) changes.invoice_date_due = invoiceDate;
	}
	if (!move.name || move.name === '/') {
		const journal = db.browse('account.journal', move.journal_id as number)!;
		const date = (changes.date as string) ?? (move.date as string);
		const [y, m] = date.split('-');
		const refund = move.move_type === 'out_refund' || move.move_type === 'in_refund';
		// A payment's entry keeps the journal's payment sequence (P<code>/<year>/<n>), also when renumbered.
		const ofPayment = [...db.table('account.payment').values()].some((p) => p.move_id === move.id);
		if (ofPayment) changes.name = nextSequenceName(env, 'account.payment', `P${journal.code}/${y}/`, 5);
		else {
			const prefix = journal.type === 'general' ? `${journal.code}/${y}/${m}/` : `${refund ? 'R' : ''}${journal.code}/${y}/`;
			changes.name = nextSequenceName(env, 'account.move', prefix, journal.type === 'general' ? 4 : 5);
		}
	}
	// A customer invoice's payment reference is its number unless one was given (journal reference type "invoice").
	if (move.move_type === 'out_invoice' && !move.payment_reference) changes.payment_reference = changes.name ?? move.name;
	db.updateRaw('account.move', move, changes);
	for (const l of linesOf(env, move.id)) if (!l.name && l.display_type === 'payment_term') db.updateRaw('account.move.line', l, { name: changes.name ?? move.name });
	syncPaymentState(env, move);
}

/**
 * Where a payment's money waits for the bank statement (Odoo's _compute_outstanding_account_id):
 * the forced one (POS combined payments), else the company's Outstanding Receipts / Payments.
 */
function outstandingAccount(env: Env, p: Rec): number | false {
	if (p.force_outstanding_account_id) return p.force_outstanding_account_id as number;
	const journal = journalOf(env, p.journal_id);
	const company = env.db.browse('res.company', (journal.company_id as number) || 1) ?? env.db.browse('res.company', 1);
	const account = p.payment_type === 'outbound' ? company?.account_journal_payment_credit_account_id : company?.account_journal_payment_debit_account_id;
	return (account as number) || (journal.default_account_id as number) || false;
}

/** What Odoo 18 will not change on a posted entry (account.move.write's unmodifiable_fields). */
const POSTED_READONLY = ['invoice_line_ids', 'line_ids', 'invoice_date', 'date', 'partner_id', 'invoice_payment_term_id', 'currency_id', 'fiscal_position_id', 'invoice_cash_rounding_id'];

/**
 * A payment's state follows its entry's (account.payment delegates to account.move). On 17 that is
 * draft/posted/cancel; Odoo 18's own states (_compute_state): a posted payment is `paid` once its
 * money is matched (the liquidity line settled, or on an account that is not reconciled) or every
 * invoice it pays is paid, else `in_process`; a cancelled one is `canceled`.
 */
function paymentStateOf(env: Env, p: Rec, move: Rec): string {
	if (env.db.version < 18) return move.state as string;
	if (move.state === 'draft') return 'draft';
	if (move.state === 'cancel') return 'canceled';
	const liquidity = linesOf(env, move.id).filter((l) => l.account_id === outstandingAccount(env, p));
	const account = liquidity[0] && env.db.browse('account.account', liquidity[0].account_id as number);
	if (!account?.reconcile || money(liquidity.reduce((sum, l) => sum + lineResidual(env, l), 0)) === 0) return 'paid';
	const invoices = env.db.get(env, 'account.payment', p, 'reconciled_invoice_ids') as number[];
	return invoices.length && invoices.every((id) => paymentState(env, env.db.browse('account.move', id)!) === 'paid') ? 'paid' : 'in_process';
}

/** The payment fields whose writing makes Odoo 18+ rewrite the payment's entry (_get_trigger_fields_to_synchronize). */
const PAYMENT_SYNC_FIELDS = ['date', 'amount', 'payment_type', 'partner_type', 'payment_reference', 'currency_id', 'partner_id', 'destination_account_id', 'partner_bank_id', 'journal_id'];

/** Whether a payment's state is a posted one (17: posted; 18: in_process or paid). */
const isPostedPayment = (state: unknown): boolean => state === 'posted' || state === 'in_process' || state === 'paid';

function syncPaymentState(env: Env, move: Rec): void {
	for (const p of env.db.table('account.payment').values()) {
		if (p.move_id !== move.id) continue;
		const state = paymentStateOf(env, p, move);
		// Up to 17 the payment's date is its entry's (_inherits); from 18 it is the payment's own and stays.
		const date = env.db.version < 18 ? move.date : p.date;
		if (p.state !== state || p.name !== move.name || p.date !== date) env.db.updateRaw('account.payment', p, { state, name: move.name, date });
	}
}

/** Matches debit and credit lines as far as their residuals allow. */
export function reconcile(env: Env, lines: Rec[]): void {
	const debits = lines.filter((l) => lineResidual(env, l) > 0);
	const credits = lines.filter((l) => lineResidual(env, l) < 0);
	const touched = new Set<number>();
	for (const d of debits) {
		for (const c of credits) {
			const amount = money(Math.min(lineResidual(env, d), -lineResidual(env, c)));
			if (amount <= 0) continue;
			env.db.create(env, 'account.partial.reconcile', { debit_move_id: d.id, credit_move_id: c.id, amount });
			touched.add(d.move_id as number).add(c.move_id as number);
		}
	}
	// Odoo stores payment_state and amount_residual; recomputing them bumps the moves' write_date.
	const now = env.db.now();
	for (const id of touched) {
		const move = env.db.browse('account.move', id);
		if (move) env.db.updateRaw('account.move', move, { write_date: now, write_uid: env.uid });
	}
	// On 18 a payment's state follows its matching (in_process → paid), its own and its invoices'.
	if (env.db.version >= 18) {
		for (const p of env.db.table('account.payment').values()) {
			const move = p.move_id ? env.db.browse('account.move', p.move_id as number) : undefined;
			if (move && isPostedPayment(p.state)) syncPaymentState(env, move);
		}
	}
}

/** Creates and posts a payment; its journal entry is made by the model's afterCreate. */
export function createPayment(
	env: Env,
	vals: {
		amount: number;
		journal_id: number;
		date: string;
		partner_id: number | false;
		ref: string;
		payment_type: 'inbound' | 'outbound';
		pos_session_id?: number;
		pos_payment_method_id?: number;
		/** The counterpart account (Odoo's destination_account_id): the POS receivable for combined POS payments. */
		destination_account_id?: number;
		/** Where the money waits (the POS payment method's outstanding account). */
		force_outstanding_account_id?: number | false;
	},
): Rec {
	const methodLine = [...env.db.table('account.payment.method.line').values()].find(
		(l) => l.journal_id === vals.journal_id && l.payment_type === vals.payment_type,
	);
	const { ref, ...rest } = vals;
	const pay = env.db.create(env, 'account.payment', {
		...rest,
		// The memo: `ref` (the entry's, through _inherits) up to 17, the payment's own `memo` from 18.
		[env.db.version >= 18 ? 'memo' : 'ref']: ref,
		amount: money(Math.abs(vals.amount)),
		partner_type: 'customer',
		payment_method_line_id: methodLine?.id ?? false,
	});
	postPayment(env, pay);
	return pay;
}

/** Payments are numbered P<journal code>/<year>/<n>, and their entry carries the same name. */
function postPayment(env: Env, p: Rec): void {
	const move = env.db.browse('account.move', p.move_id as number)!;
	let name = p.name as string;
	if (!name || name === '/') {
		const journal = journalOf(env, p.journal_id);
		name = nextSequenceName(env, 'account.payment', `P${journal.code}/${String(p.date).slice(0, 4)}/`, 5);
	}
	env.db.updateRaw('account.move', move, { name });
	if (move.state !== 'posted') postMove(env, move);
	env.db.updateRaw('account.payment', p, { state: paymentStateOf(env, p, env.db.browse('account.move', move.id)!), name, write_date: env.db.now() });
}

export function defineAccount(db: Database): void {
	db.define({
		name: 'account.account',
		description: 'Account',
		order: 'code, id',
		displayName: (_e, r) => `${r.code} ${r.name}`,
		fields: {
			code: { type: 'char', string: 'Code', required: true },
			name: { type: 'char', string: 'Account Name', required: true },
			account_type: {
				type: 'selection',
				string: 'Type',
				selection: ['asset_receivable', 'asset_cash', 'asset_current', 'liability_current', 'liability_payable', 'income', 'expense', 'equity'],
				required: true,
			},
			reconcile: { type: 'boolean', string: 'Allow Reconciliation', default: false },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company', default: (env: Env) => activeCompany(env) },
		},
	});

	db.define({
		name: 'account.journal',
		description: 'Journal',
		order: 'sequence, type, code',
		fields: {
			name: { type: 'char', string: 'Journal Name', required: true },
			code: { type: 'char', string: 'Short Code', required: true },
			type: { type: 'selection', string: 'Type', selection: ['sale', 'purchase', 'cash', 'bank', 'general'], required: true },
			sequence: { type: 'integer', string: 'Sequence', default: 10 },
			default_account_id: { type: 'many2one', string: 'Default Account', relation: 'account.account' },
			currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency' },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company', default: (env: Env) => activeCompany(env) },
			bank_account_id: { type: 'many2one', string: 'Bank Account', relation: 'res.partner.bank' },
			inbound_payment_method_line_ids: {
				type: 'one2many',
				string: 'Inbound Payment Methods',
				relation: 'account.payment.method.line',
				inverseName: 'journal_id',
			},
			active: { type: 'boolean', string: 'Active', default: true },
		},
		beforeCreate: (env, vals) => {
			const code = String(vals.code ?? '');
			if (code.length > 5) throw validationError('The journal short code must be 5 characters or fewer.');
			for (const j of env.db.table('account.journal').values()) {
				if (j.code === code) throw validationError('Journal codes must be unique per company.');
			}
		},
		afterCreate: (env, rec) => {
			if ((rec.type === 'cash' || rec.type === 'bank') && !rec.default_account_id) {
				const prefix = rec.type === 'cash' ? '1015' : '1014';
				const n = [...env.db.table('account.account').values()].filter((a) => String(a.code).startsWith(prefix)).length;
				const acc = env.db.create(env, 'account.account', {
					code: `${prefix}${String(n + 1).padStart(2, '0')}`,
					name: rec.name,
					account_type: 'asset_cash',
				});
				env.db.updateRaw('account.journal', rec, { default_account_id: acc.id });
			}
			if (rec.type === 'cash' || rec.type === 'bank') {
				for (const payment_type of ['inbound', 'outbound']) {
					env.db.create(env, 'account.payment.method.line', { name: 'Manual', journal_id: rec.id, payment_type });
				}
			}
		},
	});

	db.define({
		name: 'account.payment.method.line',
		description: 'Payment Methods',
		fields: {
			name: { type: 'char', string: 'Name', required: true },
			journal_id: { type: 'many2one', string: 'Journal', relation: 'account.journal', ondelete: 'cascade' },
			payment_type: { type: 'selection', string: 'Payment Type', selection: ['inbound', 'outbound'], required: true },
		},
	});

	db.define({
		name: 'account.fiscal.position',
		description: 'Fiscal Position',
		fields: {
			name: { type: 'char', string: 'Fiscal Position', required: true },
			active: { type: 'boolean', string: 'Active', default: true },
		},
	});

	db.define({
		name: 'account.tax',
		description: 'Tax',
		order: 'sequence, id',
		fields: {
			name: { type: 'char', string: 'Tax Name', required: true },
			amount: { type: 'float', string: 'Amount', default: 0 },
			amount_type: { type: 'selection', string: 'Tax Computation', selection: ['group', 'fixed', 'percent', 'division'], default: 'percent' },
			type_tax_use: { type: 'selection', string: 'Tax Type', selection: ['sale', 'purchase', 'none'], default: 'sale' },
			// Odoo 18 replaced the writable flag by price_include_override; price_include became computed.
			price_include: { type: 'boolean', string: 'Included in Price', default: false, versions: [0, 17] },
			price_include_override: {
				type: 'selection',
				string: 'Included in Price',
				selection: ['tax_included', 'tax_excluded'],
				versions: [18, 99],
			},
			price_include_computed: {
				type: 'boolean',
				string: 'Included in Price',
				versions: [18, 99],
				compute: (_e, r) => r.price_include_override === 'tax_included',
			},
			include_base_amount: { type: 'boolean', string: 'Affect Base of Subsequent Taxes', default: false },
			is_base_affected: { type: 'boolean', string: 'Base Affected by Previous Taxes', default: true },
			sequence: { type: 'integer', string: 'Sequence', default: 1 },
			description: { type: 'char', string: 'Label on Invoices' },
			tax_exigibility: { type: 'selection', string: 'Tax Exigibility', selection: ['on_invoice', 'on_payment'], default: 'on_invoice' },
			analytic: { type: 'boolean', string: 'Include in Analytic Cost', default: false },
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company', default: (env: Env) => activeCompany(env) },
			active: { type: 'boolean', string: 'Active', default: true },
		},
		beforeCreate: (env, vals) => {
			for (const t of env.db.table('account.tax').values()) {
				if (t.name === vals.name && t.type_tax_use === (vals.type_tax_use ?? 'sale') && t.company_id === (vals.company_id ?? 1)) {
					throw validationError('Tax names must be unique!');
				}
			}
		},
		afterCreate: (env, rec) => {
			for (const document_type of ['invoice', 'refund']) {
				for (const repartition_type of ['base', 'tax']) {
					env.db.create(env, 'account.tax.repartition.line', { tax_id: rec.id, document_type, repartition_type, factor_percent: 100 });
				}
			}
		},
		methods: {
			compute_all: {
				onRecords: true,
				params: ['price_unit', 'currency', 'quantity', 'product', 'partner', 'is_refund', 'handle_price_include', 'include_caba_tags', 'fixed_multiplicator'],
				fn: (env, ids, p) => {
					// Odoo 19 rounds each line here even when the company rounds globally (the document is rounded elsewhere).
					const res = computeTaxes(env, ids, Number(p.price_unit), p.quantity === undefined ? 1 : Number(p.quantity), env.db.version >= 19);
					// Odoo 18 tells of each tax line whether it is a reverse charge, and its group is an
					// (empty) recordset that JSON-RPC answers as its text.
					return env.db.version >= 18 ? { ...res, taxes: res.taxes.map((t) => ({ ...t, is_reverse_charge: false, group: 'account.tax()' })) } : res;
				},
			},
		},
	});
	// On 18+, read price_include through the computed field while keeping the public name.
	const tax = db.models.get('account.tax')!;
	tax.fields.price_include = {
		...tax.fields.price_include,
		versions: undefined,
		compute: (env, r) => (env.db.version >= 18 ? r.price_include_override === 'tax_included' : !!r.price_include_stored),
		inverse: (env, r, v) => {
			if (env.db.version >= 18) throw validationError('price_include is computed on Odoo 18+: write price_include_override instead.');
			env.db.updateRaw('account.tax', r, { price_include_stored: !!v });
		},
	};
	delete tax.fields.price_include_computed;

	db.define({
		name: 'account.tax.repartition.line',
		description: 'Tax Repartition Line',
		fields: {
			tax_id: { type: 'many2one', string: 'Tax', relation: 'account.tax', ondelete: 'cascade' },
			document_type: { type: 'selection', string: 'Related to', selection: ['invoice', 'refund'] },
			repartition_type: { type: 'selection', string: 'Based On', selection: ['base', 'tax'] },
			factor_percent: { type: 'float', string: '%', default: 100 },
			account_id: { type: 'many2one', string: 'Account', relation: 'account.account' },
			tag_ids: { type: 'many2many', string: 'Tax Grids', relation: 'account.account.tag' },
		},
	});

	db.define({
		name: 'account.account.tag',
		description: 'Account Tag',
		fields: {
			name: { type: 'char', string: 'Tag Name', required: true },
			applicability: { type: 'selection', string: 'Applicability', selection: ['accounts', 'taxes', 'products'], default: 'taxes' },
		},
	});

	db.define({
		name: 'account.move',
		description: 'Journal Entry',
		order: 'date desc, name desc, id desc',
		displayName: (env, r) => {
			if (!r.name || r.name === '/') return isInvoice(r.move_type) ? `Draft Invoice (* ${r.id})` : `Draft Entry (* ${r.id})`;
			return r.ref && !isInvoice(r.move_type) ? `${r.name} (${r.ref})` : String(r.name);
		},
		fields: {
			name: { type: 'char', string: 'Number', default: '/' },
			ref: { type: 'char', string: 'Reference' },
			payment_reference: { type: 'char', string: 'Payment Reference' },
			partner_bank_id: { type: 'many2one', string: 'Recipient Bank', relation: 'res.partner.bank' },
			move_type: {
				type: 'selection',
				string: 'Type',
				selection: ['entry', 'out_invoice', 'out_refund', 'in_invoice', 'in_refund', 'out_receipt', 'in_receipt'],
				default: 'entry',
				required: true,
			},
			state: { type: 'selection', string: 'Status', selection: ['draft', 'posted', 'cancel'], default: 'draft', required: true },
			date: { type: 'date', string: 'Date', default: (env: Env) => env.db.today(), required: true },
			invoice_date: { type: 'date', string: 'Invoice/Bill Date' },
			invoice_date_due: { type: 'date', string: 'Due Date' },
			invoice_origin: { type: 'char', string: 'Origin' },
			reversed_entry_id: { type: 'many2one', string: 'Reversal of', relation: 'account.move' },
			partner_id: { type: 'many2one', string: 'Partner', relation: 'res.partner' },
			commercial_partner_id: {
				type: 'many2one',
				string: 'Commercial Entity',
				relation: 'res.partner',
				compute: (env, r) => {
					const p = r.partner_id ? env.db.browse('res.partner', r.partner_id as number) : undefined;
					return p ? env.db.get(env, 'res.partner', p, 'commercial_partner_id') : false;
				},
			},
			currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', default: 1, required: true },
			journal_id: {
				type: 'many2one',
				string: 'Journal',
				relation: 'account.journal',
				required: true,
				default: (env: Env, vals: Record<string, unknown>) => {
					const type = String(vals.move_type ?? 'entry');
					const want = type.startsWith('out_') ? 'sale' : type.startsWith('in_') ? 'purchase' : 'general';
					const j = env.db.sortRecs(env, 'account.journal', [...env.db.table('account.journal').values()].filter((x) => x.type === want))[0];
					return j?.id ?? false;
				},
			},
			company_id: { type: 'many2one', string: 'Company', relation: 'res.company', default: (env: Env) => activeCompany(env) },
			line_ids: { type: 'one2many', string: 'Journal Items', relation: 'account.move.line', inverseName: 'move_id' },
			invoice_line_ids: {
				type: 'one2many',
				string: 'Invoice lines',
				relation: 'account.move.line',
				compute: (env, r) => linesOf(env, r.id).filter((l) => l.display_type === 'product').map((l) => l.id),
				inverse: (env, r, value) => {
					if (r.state !== 'draft') throw userError('You cannot modify the lines of a posted entry.');
					for (const cmd of (value as unknown[][]) ?? []) {
						const [op, id, vals] = cmd as [number, number, Record<string, unknown>];
						if (op === 0) {
							const v = { ...vals };
							if (!v.name && v.product_id) {
								const prod = env.db.browse('product.product', v.product_id as number);
								if (prod) v.name = env.db.displayName(env, 'product.product', prod);
							}
							if (v.tax_ids === undefined && v.product_id) {
								const prod = env.db.browse('product.product', v.product_id as number);
								if (prod) v.tax_ids = env.db.get(env, 'product.product', prod, 'taxes_id');
							}
							env.db.create(env, 'account.move.line', { quantity: 1, ...v, move_id: r.id, display_type: 'product' });
						} else if (op === 1) env.db.write(env, 'account.move.line', [id], vals);
						else if (op === 2) env.db.unlink(env, 'account.move.line', [id]);
					}
					syncInvoice(env, r);
				},
			},
			amount_untaxed: { type: 'monetary', string: 'Untaxed Amount', compute: (env, r) => moveAmounts(env, r).untaxed },
			amount_tax: { type: 'monetary', string: 'Tax', compute: (env, r) => moveAmounts(env, r).tax },
			amount_total: { type: 'monetary', string: 'Total', compute: (env, r) => moveAmounts(env, r).total },
			amount_residual: { type: 'monetary', string: 'Amount Due', compute: (env, r) => moveAmounts(env, r).residual },
			amount_total_signed: {
				type: 'monetary',
				string: 'Total Signed',
				compute: (env, r) => (r.move_type === 'out_refund' || r.move_type === 'in_invoice' ? -1 : 1) * moveAmounts(env, r).total,
			},
			payment_state: {
				type: 'selection',
				string: 'Payment Status',
				selection: ['not_paid', 'in_payment', 'paid', 'partial', 'reversed'],
				compute: (env, r) => paymentState(env, r),
			},
			pos_session_ids: {
				type: 'one2many',
				string: 'POS Sessions',
				relation: 'pos.session',
				compute: (env, r) => [...env.db.table('pos.session').values()].filter((s) => s.move_id === r.id).map((s) => s.id),
			},
		},
		beforeCreate: (env, vals) => {
			// Where the customer pays a customer invoice: the company's own bank account (Odoo's _compute_partner_bank_id).
			if (vals.move_type === 'out_invoice' && !vals.partner_bank_id) {
				const partner = mainCompany(env.db).partner_id;
				vals.partner_bank_id = [...env.db.table('res.partner.bank').values()].find((b) => b.partner_id === partner)?.id ?? false;
			}
		},
		beforeWrite: (env, recs, vals) => {
			// Odoo 18 refuses these on a posted entry outright, before any other check.
			const readonlyPosted = env.db.version >= 18 ? Object.keys(vals).filter((k) => POSTED_READONLY.includes(k)) : [];
			for (const r of recs) {
				if (readonlyPosted.length && (vals.state ?? r.state) === 'posted') {
					throw userError(`You cannot modify the following readonly fields on a posted move: ${readonlyPosted.join(', ')}`);
				}
				if (r.state === 'posted' && ('invoice_line_ids' in vals || 'line_ids' in vals)) {
					throw userError('You cannot modify the lines of a posted entry.');
				}
				// A posted entry keeps the period of its number (Odoo's _constrains_date_sequence): another month's date is refused.
				if (r.state === 'posted' && typeof vals.date === 'string' && !('name' in vals)) checkDateMatchesNumber(String(r.name), vals.date);
			}
		},
		afterWrite: (env, recs, vals) => {
			// Lines follow the header's partner, as on a real invoice.
			if ('partner_id' in vals) for (const r of recs) if (r.state === 'draft') syncInvoice(env, r);
		},
		beforeUnlink: (_env, recs) => {
			for (const r of recs) if (r.state === 'posted') throw userError('You cannot delete an entry which has been posted once.');
		},
		methods: {
			action_post: {
				onRecords: true,
				params: [],
				fn: (env, ids) => {
					// Numbered in Odoo's _compute_name order: by date, then reference, then id.
					const moves = env.db.mustBrowse(env, 'account.move', ids);
					const key = (m: Rec) => [String(m.date ?? ''), String(m.ref || ''), m.id] as const;
					moves.sort((a, b) => {
						const [x, y] = [key(a), key(b)];
						return x[0].localeCompare(y[0]) || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0) || x[2] - y[2];
					});
					for (const m of moves) postMove(env, m);
					return false;
				},
			},
			button_draft: {
				onRecords: true,
				params: [],
				fn: (env, ids) => {
					const moves = env.db.mustBrowse(env, 'account.move', ids);
					if (moves.some((m) => m.state === 'draft')) throw userError('Only posted/cancelled journal entries can be reset to draft.');
					for (const m of moves) {
						// Odoo 17 and 18 remove the entry's reconciliation when it goes back to draft; 19
						// keeps it (its button_draft no longer calls remove_move_reconcile).
						const lineIds = new Set(env.db.version >= 19 ? [] : linesOf(env, m.id).map((l) => l.id));
						for (const part of [...env.db.table('account.partial.reconcile').values()]) {
							if (lineIds.has(part.debit_move_id as number) || lineIds.has(part.credit_move_id as number)) env.db.deleteRaw('account.partial.reconcile', part.id);
						}
						env.db.updateRaw('account.move', m, { state: 'draft', write_date: env.db.now() });
						syncPaymentState(env, m);
					}
					return undefined;
				},
			},
			button_cancel: {
				onRecords: true,
				params: [],
				fn: (env, ids) => {
					for (const m of env.db.mustBrowse(env, 'account.move', ids)) {
						if (m.state !== 'draft') throw userError('Only draft journal entries can be cancelled.');
						env.db.updateRaw('account.move', m, { state: 'cancel', write_date: env.db.now() });
					}
					return undefined;
				},
			},
		},
	});

	db.define({
		name: 'account.move.line',
		description: 'Journal Item',
		order: 'date desc, move_name desc, id',
		fields: {
			move_id: { type: 'many2one', string: 'Journal Entry', relation: 'account.move', required: true, ondelete: 'cascade' },
			move_name: {
				type: 'char',
				string: 'Number',
				compute: (env, r) => (env.db.browse('account.move', r.move_id as number)?.name as string) ?? false,
			},
			date: { type: 'date', string: 'Date', compute: (env, r) => env.db.browse('account.move', r.move_id as number)?.date ?? false },
			parent_state: { type: 'char', string: 'Status', compute: (env, r) => env.db.browse('account.move', r.move_id as number)?.state ?? false },
			display_type: {
				type: 'selection',
				string: 'Display Type',
				selection: ['product', 'tax', 'payment_term', 'line_section', 'line_note', 'rounding', 'cogs'],
				default: 'product',
			},
			name: { type: 'char', string: 'Label' },
			account_id: { type: 'many2one', string: 'Account', relation: 'account.account' },
			partner_id: { type: 'many2one', string: 'Partner', relation: 'res.partner' },
			product_id: { type: 'many2one', string: 'Product', relation: 'product.product' },
			quantity: { type: 'float', string: 'Quantity', default: 1 },
			price_unit: { type: 'float', string: 'Unit Price', default: 0 },
			discount: { type: 'float', string: 'Discount (%)', default: 0 },
			price_subtotal: { type: 'monetary', string: 'Subtotal', default: 0 },
			price_total: { type: 'monetary', string: 'Total', default: 0 },
			tax_ids: { type: 'many2many', string: 'Taxes', relation: 'account.tax' },
			tax_line_id: { type: 'many2one', string: 'Originator Tax', relation: 'account.tax' },
			debit: { type: 'monetary', string: 'Debit', default: 0 },
			credit: { type: 'monetary', string: 'Credit', default: 0 },
			balance: { type: 'monetary', string: 'Balance', compute: (_e, r) => money((r.debit as number) - (r.credit as number)) },
			// Odoo keeps a residual only on reconcilable accounts and cash accounts; other lines read 0.
			amount_residual: {
				type: 'monetary',
				string: 'Residual Amount',
				compute: (env, r) => {
					const account = env.db.browse('account.account', r.account_id as number);
					return account && (account.reconcile || account.account_type === 'asset_cash' || account.account_type === 'liability_credit_card') ? lineResidual(env, r) : 0;
				},
			},
			reconciled: {
				type: 'boolean',
				string: 'Reconciled',
				compute: (env, r) => !!env.db.browse('account.account', r.account_id as number)?.reconcile && lineResidual(env, r) === 0,
			},
		},
		methods: {
			reconcile: {
				onRecords: true,
				params: [],
				fn: (env, ids) => {
					const lines = env.db.mustBrowse(env, 'account.move.line', ids);
					if (new Set(lines.map((l) => l.account_id)).size > 1) throw userError('Entries are not from the same account.');
					if (lines.some((l) => env.db.browse('account.move', l.move_id as number)?.state !== 'posted')) throw userError('You can only reconcile posted entries.');
					if (!env.db.browse('account.account', lines[0]?.account_id as number)?.reconcile) throw userError('Account is not reconcilable.');
					reconcile(env, lines);
					// Odoo returns None: its JSON-RPC answer has no result.
					return undefined;
				},
			},
		},
	});

	db.define({
		name: 'account.bank.statement.line',
		description: 'Bank Statement Line',
		order: 'date desc, id desc',
		fields: {
			move_id: { type: 'many2one', string: 'Journal Entry', relation: 'account.move', required: true, ondelete: 'cascade' },
			journal_id: { type: 'many2one', string: 'Journal', relation: 'account.journal' },
			date: { type: 'date', string: 'Date', compute: (env, r) => env.db.browse('account.move', r.move_id as number)?.date ?? false },
			amount: { type: 'monetary', string: 'Amount', default: 0 },
			payment_ref: { type: 'char', string: 'Label' },
			pos_session_id: { type: 'many2one', string: 'Session', relation: 'pos.session' },
		},
	});

	db.define({
		name: 'account.partial.reconcile',
		description: 'Partial Reconcile',
		fields: {
			debit_move_id: { type: 'many2one', string: 'Debit line', relation: 'account.move.line', required: true, ondelete: 'cascade' },
			credit_move_id: { type: 'many2one', string: 'Credit line', relation: 'account.move.line', required: true, ondelete: 'cascade' },
			amount: { type: 'monetary', string: 'Amount', default: 0 },
		},
	});

	const paymentLines = (env: Env, p: Rec) => (p.move_id ? linesOf(env, p.move_id as number).filter((l) => l.account_id === RECEIVABLE_ACCOUNT) : []);
	db.define({
		name: 'account.payment',
		description: 'Payments',
		order: 'date desc, name desc',
		fields: {
			name: { type: 'char', string: 'Number', default: '/' },
			date: { type: 'date', string: 'Date', default: (env: Env) => env.db.today(), required: true },
			amount: { type: 'monetary', string: 'Amount', default: 0 },
			currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', default: 1 },
			journal_id: { type: 'many2one', string: 'Journal', relation: 'account.journal', required: true },
			payment_type: { type: 'selection', string: 'Payment Type', selection: ['inbound', 'outbound'], default: 'inbound', required: true },
			partner_type: { type: 'selection', string: 'Partner Type', selection: ['customer', 'supplier'], default: 'customer' },
			partner_id: { type: 'many2one', string: 'Customer/Vendor', relation: 'res.partner' },
			// The memo: the entry's ref through _inherits up to 17, a field of the payment's own from 18.
			ref: { type: 'char', string: 'Memo', versions: [0, 17] },
			memo: { type: 'char', string: 'Memo', versions: [18, 99] },
			state: { type: 'selection', string: 'Status', selection: ['draft', 'posted', 'cancel'], default: 'draft', required: true },
			move_id: { type: 'many2one', string: 'Journal Entry', relation: 'account.move', ondelete: 'cascade' },
			payment_method_line_id: { type: 'many2one', string: 'Payment Method', relation: 'account.payment.method.line' },
			pos_session_id: { type: 'many2one', string: 'POS Session', relation: 'pos.session' },
			pos_payment_method_id: { type: 'many2one', string: 'POS Payment Method', relation: 'pos.payment.method' },
			destination_account_id: { type: 'many2one', string: 'Destination Account', relation: 'account.account' },
			force_outstanding_account_id: { type: 'many2one', string: 'Forced Outstanding Account', relation: 'account.account' },
			outstanding_account_id: {
				type: 'many2one',
				string: 'Outstanding Account',
				relation: 'account.account',
				compute: (env, p) => outstandingAccount(env, p),
			},
			reconciled_invoice_ids: {
				type: 'many2many',
				string: 'Reconciled Invoices',
				relation: 'account.move',
				unsearchable: true,
				compute: (env, p) => {
					const mine = new Set(paymentLines(env, p).map((l) => l.id));
					const out = new Set<number>();
					for (const part of env.db.table('account.partial.reconcile').values()) {
						const other = mine.has(part.credit_move_id as number) ? part.debit_move_id : mine.has(part.debit_move_id as number) ? part.credit_move_id : undefined;
						if (other === undefined) continue;
						const line = env.db.browse('account.move.line', other as number);
						const move = line && env.db.browse('account.move', line.move_id as number);
						if (move && isInvoice(move.move_type)) out.add(move.id);
					}
					return [...out].sort((a, b) => a - b);
				},
			},
			is_reconciled: {
				type: 'boolean',
				string: 'Is Reconciled',
				compute: (env, p) => {
					const lines = paymentLines(env, p);
					return lines.length > 0 && lines.every((l) => lineResidual(env, l) === 0) && (p.amount as number) > 0 &&
						[...env.db.table('account.partial.reconcile').values()].some((x) => lines.some((l) => l.id === x.credit_move_id || l.id === x.debit_move_id));
				},
			},
		},
		beforeCreate: (env, vals) => {
			// A payment created directly (not through the wizard) gets its journal entry here.
			if (vals.move_id) return;
			const journal = journalOf(env, vals.journal_id);
			if (journal.type !== 'bank' && journal.type !== 'cash') throw validationError('A payment must belong to a bank or cash journal.');
		},
		afterCreate: (env, rec) => {
			if (rec.move_id) return;
			const inbound = rec.payment_type !== 'outbound';
			const journal = journalOf(env, rec.journal_id);
			const amount = money(rec.amount as number);
			const move = env.db.create(env, 'account.move', {
				move_type: 'entry',
				journal_id: journal.id,
				date: rec.date,
				ref: rec.ref || rec.memo || false,
				partner_id: rec.partner_id || false,
				line_ids: [
					[0, 0, { account_id: outstandingAccount(env, rec), debit: inbound ? amount : 0, credit: inbound ? 0 : amount, partner_id: rec.partner_id || false }],
					[0, 0, { account_id: (rec.destination_account_id as number) || RECEIVABLE_ACCOUNT, debit: inbound ? 0 : amount, credit: inbound ? amount : 0, partner_id: rec.partner_id || false }],
				],
			});
			env.db.updateRaw('account.payment', rec, { move_id: move.id });
		},
		beforeWrite: (env, recs, vals) => {
			// Real 18 refuses a field that rewrites the entry while the entry is posted (recorded: a payment
			// reference written on a posted combined payment); such an edit goes through draft.
			if (env.db.version < 18 || !PAYMENT_SYNC_FIELDS.some((f) => f in vals)) return;
			for (const p of recs) {
				const move = p.move_id ? env.db.browse('account.move', p.move_id as number) : undefined;
				if (move?.state === 'posted') throw userError('You cannot modify the following readonly fields on a posted move: date, partner_id, currency_id, line_ids');
			}
		},
		afterWrite: (env, recs, vals) => {
			// Up to 17 a payment's date is its entry's. From 18 Odoo's _synchronize_to_moves rewrites the
			// entry from the payment whenever one of these fields is written: its date becomes the
			// payment's own, and on 18 its name the payment's (19 keeps the entry's name).
			const triggers = env.db.version >= 18 ? PAYMENT_SYNC_FIELDS : ['date'];
			if (!triggers.some((f) => f in vals)) return;
			for (const p of recs) {
				const move = p.move_id ? env.db.browse('account.move', p.move_id as number) : undefined;
				if (move) env.db.updateRaw('account.move', move, { date: p.date, ...(env.db.version === 18 && p.name && p.name !== '/' ? { name: p.name } : {}) });
			}
		},
		methods: {
			action_post: {
				onRecords: true,
				params: [],
				fn: (env, ids) => {
					for (const p of env.db.mustBrowse(env, 'account.payment', ids)) if (!isPostedPayment(p.state)) postPayment(env, p);
					return false;
				},
			},
			action_draft: {
				onRecords: true,
				params: [],
				fn: (env, ids) => {
					for (const p of env.db.mustBrowse(env, 'account.payment', ids)) {
						const move = env.db.browse('account.move', p.move_id as number);
						if (move) env.db.updateRaw('account.move', move, { state: 'draft' });
						env.db.updateRaw('account.payment', p, { state: 'draft', write_date: env.db.now() });
					}
					return undefined;
				},
			},
		},
	});

	if (db.version >= 18) {
		// Odoo 18's payment states (see paymentStateOf).
		const payment = db.models.get('account.payment')!;
		payment.fields.state = { ...payment.fields.state, selection: ['draft', 'in_process', 'paid', 'canceled', 'rejected'] };
	}

	db.define({
		name: 'account.payment.register',
		description: 'Pay',
		fields: {
			line_ids: { type: 'many2many', string: 'Journal items', relation: 'account.move.line' },
			amount: { type: 'monetary', string: 'Amount' },
			journal_id: { type: 'many2one', string: 'Journal', relation: 'account.journal' },
			payment_date: { type: 'date', string: 'Payment Date', default: (env: Env) => env.db.today(), required: true },
			payment_method_line_id: {
				type: 'many2one',
				string: 'Payment Method',
				relation: 'account.payment.method.line',
				compute: (env, w) =>
					[...env.db.table('account.payment.method.line').values()].find((l) => l.journal_id === w.journal_id && l.payment_type === 'inbound')?.id ??
					false,
			},
			payment_difference: {
				type: 'monetary',
				string: 'Payment Difference',
				compute: (env, w) => money(wizardResidual(env, w) - (w.amount as number)),
			},
			payment_difference_handling: { type: 'selection', string: 'Payment Difference Handling', selection: ['open', 'reconcile'], default: 'open' },
			communication: { type: 'char', string: 'Memo' },
			currency_id: { type: 'many2one', string: 'Currency', relation: 'res.currency', default: 1 },
			partner_id: { type: 'many2one', string: 'Customer/Vendor', relation: 'res.partner' },
		},
		beforeCreate: (env, vals) => {
			const activeModel = env.context.active_model;
			const activeIds = (env.context.active_ids as number[]) ?? [];
			let lines: Rec[] = [];
			if (activeModel === 'account.move') {
				const moves = env.db.mustBrowse(env, 'account.move', activeIds);
				for (const m of moves) if (m.state !== 'posted') throw userError('You can only register payment for posted journal entries.');
				lines = moves.flatMap((m) => receivableLines(env, m.id));
			} else if (activeModel === 'account.move.line') {
				lines = env.db.mustBrowse(env, 'account.move.line', activeIds);
			} else {
				throw userError("The register payment wizard should only be called on account.move or account.move.line records.");
			}
			lines = lines.filter((l) => lineResidual(env, l) !== 0);
			if (!lines.length) throw userError("You can't register a payment because there is nothing left to pay on the selected journal items.");
			vals.line_ids = lines.map((l) => l.id);
			const residual = money(Math.abs(lines.reduce((s, l) => s + lineResidual(env, l), 0)));
			if (vals.amount === undefined || vals.amount === false) vals.amount = residual;
			if (!vals.journal_id) {
				const bank = env.db.sortRecs(env, 'account.journal', [...env.db.table('account.journal').values()].filter((j) => j.type === 'bank'))[0];
				vals.journal_id = bank?.id ?? false;
			} else {
				const j = journalOf(env, vals.journal_id);
				if (j.type !== 'bank' && j.type !== 'cash') throw userError(`The journal ${j.name} is not a bank or cash journal.`);
			}
			const moveIds = [...new Set(lines.map((l) => l.move_id as number))];
			const moves = moveIds.map((id) => env.db.browse('account.move', id)!);
			if (vals.communication === undefined) vals.communication = moves.map((m) => m.name).join(' ');
			vals.partner_id = moves[0]?.partner_id ? env.db.get(env, 'account.move', moves[0], 'commercial_partner_id') : false;
		},
		methods: {
			action_create_payments: {
				onRecords: true,
				params: [],
				fn: (env, ids) => {
					const created: number[] = [];
					for (const w of env.db.mustBrowse(env, 'account.payment.register', ids)) {
						const amount = w.amount as number;
						if (!(amount > 0)) throw userError('The payment amount must be strictly positive.');
						const lines = env.db.mustBrowse(env, 'account.move.line', w.line_ids as number[]);
						const pay = createPayment(env, {
							amount,
							journal_id: w.journal_id as number,
							date: w.payment_date as string,
							partner_id: (w.partner_id as number) || false,
							ref: (w.communication as string) || '',
							payment_type: 'inbound',
						});
						const payLines = linesOf(env, pay.move_id as number).filter((l) => l.account_id === RECEIVABLE_ACCOUNT);
						reconcile(env, [...lines, ...payLines]);
						created.push(pay.id);
					}
					if (created.length === 1) {
						return { name: 'Payments', type: 'ir.actions.act_window', res_model: 'account.payment', context: { create: false }, view_mode: 'form', res_id: created[0] };
					}
					return {
						name: 'Payments',
						type: 'ir.actions.act_window',
						res_model: 'account.payment',
						context: { create: false },
						view_mode: 'tree,form',
						domain: [['id', 'in', created]],
					};
				},
			},
		},
	});
}

function wizardResidual(env: Env, w: Rec): number {
	const lines = ((w.line_ids as number[]) ?? []).map((id) => env.db.browse('account.move.line', id)).filter((l): l is Rec => !!l);
	return money(Math.abs(lines.reduce((s, l) => s + lineResidual(env, l), 0)));
}
