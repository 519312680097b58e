/**
 * Line taxes for the POS import, exact to the cent as Odoo computes them. Tax definitions and
 * the company's rounding come from Odoo; lines are computed with Odoo's algorithm (taxEngine),
 * and every run cross-checks each distinct tax set against the server's own
 * account.tax.compute_all. A tax set whose results differ in any way (another Odoo version,
 * a customised tax, group taxes) is computed by Odoo itself, line by line, with a cache.
 */
import type { OdooClient } from '../transport';
import { type ComputeAllResult, type TaxLike, computeAll, roundTo } from './taxEngine';

export interface LineInput {
	taxIds: number[];
	priceUnit: number;
	quantity: number;
}

interface TaxRow {
	id: number;
	name: string;
	amount: number;
	amount_type: TaxLike['amount_type'];
	price_include: boolean;
	include_base_amount: boolean;
	is_base_affected: boolean;
	sequence: number;
}

const setKey = (ids: number[]) => [...ids].sort((a, b) => a - b).join(',');
const lineKey = (l: LineInput) => `${setKey(l.taxIds)}|${l.priceUnit}|${l.quantity}`;
const close = (a: number, b: number) => Math.abs(a - b) < 0.0001;

export class TaxBook {
	private readonly taxes = new Map<number, TaxLike>();
	/** Tax sets computed by Odoo for every line (their local result differed). */
	private readonly remoteSets = new Set<string>();
	private readonly remote = new Map<string, ComputeAllResult>();
	/**
	 * Tax sets whose lines Odoo's compute_all rounds although the company rounds globally (Odoo 19
	 * rounds each line there and rounds the document globally elsewhere).
	 */
	private readonly roundedLines = new Set<string>();
	private currencyRounding = 0.01;
	private roundGlobally = false;
	/**
	 * Odoo 19 computes a line from its unrounded amount (quantity × price) and rounds a document
	 * "per tax": each tax's total once, and the base so that a document whose taxes are all
	 * price-included keeps its rounded total (account.tax._round_base_lines_tax_details, mode
	 * "mixed"). Odoo 17 and 18 round the line's amount first.
	 */
	private perTax = false;
	/** compute_all calls made, for tests and benchmarks. */
	odooCalls = 0;

	constructor(private readonly client: OdooClient) {}

	private async loadTaxes(ids: number[]): Promise<void> {
		const missing = ids.filter((id) => !this.taxes.has(id));
		if (!missing.length) return;
		const rows = await this.client.call<TaxRow[]>('account.tax', 'read', {
			ids: missing,
			kwargs: { fields: ['name', 'amount', 'amount_type', 'price_include', 'include_base_amount', 'is_base_affected', 'sequence'] },
		});
		for (const t of rows) {
			this.taxes.set(t.id, {
				id: t.id,
				name: t.name,
				amount: t.amount,
				amount_type: t.amount_type,
				price_include: !!t.price_include,
				include_base_amount: !!t.include_base_amount,
				is_base_affected: !!t.is_base_affected,
				sequence: t.sequence,
				account_id: false,
				tax_exigibility: 'on_invoice',
				analytic: false,
			});
		}
	}

	private async odoo(line: LineInput): Promise<ComputeAllResult> {
		const key = lineKey(line);
		let r = this.remote.get(key);
		if (!r) {
			this.odooCalls++;
			r = await this.client.call<ComputeAllResult>('account.tax', 'compute_all', { ids: line.taxIds, args: [line.priceUnit], kwargs: { quantity: line.quantity } });
			this.remote.set(key, r);
		}
		return r;
	}

	/**
	 * A line as Odoo 19's _get_tax_details computes it, for the tax sets it is written for here
	 * (percentages, none changing another's base, all price-included or all not): undefined for
	 * any other set. Amounts unrounded with `raw`, else each rounded as compute_all answers them.
	 */
	private odoo19Line(line: LineInput, raw: boolean): ComputeAllResult | undefined {
		const taxes = line.taxIds.map((id) => this.taxes.get(id)!);
		if (!taxes.length || taxes.some((t) => t.amount_type !== 'percent' || t.include_base_amount) || taxes.some((t) => t.price_include !== taxes[0].price_include)) return undefined;
		const rate = this.currencyRounding;
		const r = (v: number) => (raw ? v : roundTo(v, rate));
		// round_per_line rounds the line's amount first; round_globally keeps it whole.
		const amount = this.roundGlobally ? line.priceUnit * line.quantity : roundTo(line.priceUnit * line.quantity, rate);
		const percent = taxes.reduce((s, t) => s + t.amount, 0) / 100;
		const amounts = taxes.map((t) => (taxes[0].price_include ? (amount / (1 + percent)) * (t.amount / 100) : (amount * t.amount) / 100));
		const rounded = this.roundGlobally ? amounts : amounts.map((a) => roundTo(a, rate));
		const taxTotal = rounded.reduce((s, a) => s + a, 0);
		const excluded = taxes[0].price_include ? amount - taxTotal : amount;
		const included = taxes[0].price_include ? amount : amount + taxTotal;
		return {
			base_tags: [],
			taxes: taxes.map((t, k) => ({
				id: t.id,
				name: t.name,
				amount: r(rounded[k]),
				base: excluded,
				sequence: t.sequence,
				account_id: false,
				analytic: false,
				use_in_tax_closing: false,
				price_include: t.price_include,
				tax_exigibility: t.tax_exigibility,
				tax_repartition_line_id: 0,
				group: null,
				tag_ids: [],
				tax_ids: [],
			})),
			total_excluded: r(excluded),
			total_included: r(included),
			total_void: r(excluded),
		};
	}

	/** One line by Odoo's algorithm: `raw` keeps the amounts unrounded (round_globally), else each is rounded. */
	private local(line: LineInput, raw = this.roundGlobally): ComputeAllResult {
		if (this.perTax) {
			// compute_all rounds its answer (totals and tax amounts) whatever the company's method.
			const own = this.odoo19Line(line, raw);
			if (own) return own;
		}
		return computeAll(
			line.taxIds.map((id) => this.taxes.get(id)!),
			line.priceUnit,
			line.quantity,
			{ currencyRounding: this.currencyRounding, roundGlobally: raw },
		);
	}

	/**
	 * Loads what the lines need and cross-checks each tax set on up to `samples` of its lines
	 * (the ones with the most decimals first: where rounding can differ).
	 */
	async prepare(lines: LineInput[], samples = 2): Promise<void> {
		const company = await this.client.company();
		this.roundGlobally = company.roundGlobally;
		this.perTax = (await this.client.dialect()).taxRounding === 'per-tax';
		const [cur] = await this.client.call<Array<{ rounding: number }>>('res.currency', 'read', { ids: [company.currencyId], kwargs: { fields: ['rounding'] } });
		this.currencyRounding = cur?.rounding || 0.01;
		await this.loadTaxes([...new Set(lines.flatMap((l) => l.taxIds))]);
		const bySet = new Map<string, LineInput[]>();
		for (const l of lines) {
			const k = setKey(l.taxIds);
			if (!l.taxIds.length) continue;
			bySet.set(k, [...(bySet.get(k) ?? []), l]);
		}
		const decimals = (l: LineInput) => String(l.priceUnit * l.quantity).split('.')[1]?.length ?? 0;
		for (const [k, list] of bySet) {
			if (list[0].taxIds.some((id) => this.taxes.get(id)?.amount_type === 'group' || !this.taxes.has(id))) {
				this.remoteSets.add(k);
				continue;
			}
			const picks = [...new Map(list.map((l) => [lineKey(l), l])).values()].sort((a, b) => decimals(b) - decimals(a)).slice(0, samples);
			const agree = (mine: ComputeAllResult, theirs: ComputeAllResult) =>
				close(mine.total_excluded, theirs.total_excluded) &&
				close(mine.total_included, theirs.total_included) &&
				mine.taxes.length === theirs.taxes.length &&
				mine.taxes.every((t, n) => t.id === theirs.taxes[n].id && close(t.amount, theirs.taxes[n].amount));
			for (const [n, l] of picks.entries()) {
				const theirs = await this.odoo(l);
				if (n === 0 && this.roundGlobally && !this.perTax && !agree(this.local(l), theirs) && agree(this.local(l, false), theirs)) this.roundedLines.add(k);
				if (!agree(this.local(l, this.rawLines(k)), theirs)) {
					this.remoteSets.add(k);
					this.roundedLines.delete(k);
					break;
				}
			}
		}
		// Sets that disagreed are computed by Odoo, once per distinct line.
		for (const l of lines) if (this.remoteSets.has(setKey(l.taxIds))) await this.odoo(l);
	}

	/** Totals of one line as Odoo computes them; `prepare` must have seen the line. */
	compute(line: LineInput): ComputeAllResult {
		if (!line.taxIds.length) return computeAll([], line.priceUnit, line.quantity, { currencyRounding: this.currencyRounding });
		if (this.remoteSets.has(setKey(line.taxIds))) {
			const r = this.remote.get(lineKey(line));
			if (!r) throw new Error(`Tax computation of a line that was not prepared: ${lineKey(line)}`);
			return r;
		}
		return this.local(line, this.rawLines(setKey(line.taxIds)));
	}

	/**
	 * Whether a set's lines are kept unrounded: round_globally on 17 and 18, unless Odoo rounded
	 * them after all; never on 19, whose compute_all and order lines are rounded (its document is not).
	 */
	private rawLines(set: string): boolean {
		return this.roundGlobally && !this.perTax && !this.roundedLines.has(set);
	}

	/**
	 * A document's taxes and total as Odoo computes them from its lines: the sum of the rounded
	 * lines (round_per_line), or (round_globally, Odoo 18+'s _round_base_lines_tax_details) the
	 * unrounded amounts summed per tax set (bases) and per tax, each sum rounded — a cent away from
	 * the sum of rounded lines now and then.
	 */
	totals(lines: LineInput[]): { tax: number; total: number } {
		if (this.perTax && this.roundGlobally) return this.totals19(lines);
		if (!this.roundGlobally) {
			const results = lines.map((l) => this.compute(l));
			return { tax: roundTo(results.reduce((s, r) => s + r.total_included - r.total_excluded, 0)), total: roundTo(results.reduce((s, r) => s + r.total_included, 0)) };
		}
		const bases = new Map<string, number>();
		const taxes = new Map<number, number>();
		for (const l of lines) {
			const r = this.unrounded(l);
			const k = setKey(l.taxIds);
			bases.set(k, (bases.get(k) ?? 0) + r.total_excluded);
			for (const t of r.taxes) taxes.set(t.id, (taxes.get(t.id) ?? 0) + t.amount);
		}
		const untaxed = [...bases.values()].reduce((s, b) => s + roundTo(b), 0);
		const tax = roundTo([...taxes.values()].reduce((s, t) => s + roundTo(t), 0));
		return { tax, total: roundTo(untaxed + tax) };
	}

	/** A line for a document's rounding: unrounded where the engine is ours; a set Odoo computes is as Odoo gives it. */
	private unrounded(line: LineInput): ComputeAllResult {
		return line.taxIds.length && !this.remoteSets.has(setKey(line.taxIds)) ? this.local(line, true) : this.compute(line);
	}

	/**
	 * Odoo 19's document rounding "per tax" (mode "mixed"): each tax's amount is its raw sum rounded;
	 * when every taxed line's taxes are price-included the total is the raw total included rounded
	 * (the base takes up the difference), else the raw total excluded rounded plus the taxes.
	 */
	private totals19(lines: LineInput[]): { tax: number; total: number } {
		const perTax = new Map<number, number>();
		let excluded = 0;
		let included = 0;
		let allIncluded = true;
		for (const l of lines) {
			const r = this.unrounded(l);
			excluded += r.total_excluded;
			included += r.total_excluded + r.taxes.reduce((s, t) => s + t.amount, 0);
			for (const t of r.taxes) perTax.set(t.id, (perTax.get(t.id) ?? 0) + t.amount);
			if (l.taxIds.some((id) => !this.isPriceIncluded(id))) allIncluded = false;
		}
		const tax = roundTo([...perTax.values()].reduce((s, t) => s + roundTo(t), 0));
		return { tax, total: allIncluded ? roundTo(included) : roundTo(roundTo(excluded) + tax) };
	}

	isPriceIncluded(taxId: number): boolean {
		return !!this.taxes.get(taxId)?.price_include;
	}
}
