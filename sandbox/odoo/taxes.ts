/**
 * The sandbox's own `account.tax.compute_all`, written from Odoo 17's
 * `addons/account/models/account_tax.py` (`compute_all`, `_compute_amount`), independently of
 * the package's tax engine: the two must agree because both follow Odoo, not because one is the
 * other. Covers what the sandbox's taxes can be: percent, fixed, division, price-included,
 * `include_base_amount` / `is_base_affected`, one tax repartition line of factor 1 per tax.
 */

/** Odoo's float_round (precision_rounding, HALF-UP away from zero with its epsilon). */
export function floatRound(value: number, precisionRounding = 0.01): number {
	// Odoo: normalized = value / rounding, then round with an epsilon of 2**-53 scaled by magnitude.
	const normalized = value / precisionRounding;
	const epsilonMagnitude = Math.log2(Math.abs(normalized) || 1);
	const epsilon = 2 ** (epsilonMagnitude - 52);
	const rounded = Math.round(Math.abs(normalized) + epsilon) * Math.sign(normalized);
	// Back to the precision's decimals, so 0.1 + 0.2 style noise is not returned.
	const digits = Math.max(0, Math.ceil(-Math.log10(precisionRounding)));
	return Number((rounded * precisionRounding).toFixed(Math.min(digits + 5, 20)));
}

export interface SandboxTax {
	id: number;
	name: string;
	amount: number;
	amount_type: string;
	price_include: boolean;
	include_base_amount: boolean;
	is_base_affected: boolean;
	sequence: number;
	account_id: number | false;
	tax_exigibility: string;
	analytic: boolean;
	/** The tax-report grids of its tax repartition line. */
	tag_ids?: number[];
}

export interface SandboxTaxLine {
	id: number;
	name: string;
	amount: number;
	base: number;
	sequence: number;
	account_id: number | false;
	analytic: boolean;
	use_in_tax_closing: boolean;
	price_include: boolean;
	tax_exigibility: string;
	tax_repartition_line_id: number;
	group: null;
	tag_ids: number[];
	tax_ids: number[];
}

/** One tax of compute_all's answer. */
function taxLine(tax: SandboxTax, amount: number, base: number, taxIds: number[]): SandboxTaxLine {
	return {
		id: tax.id,
		name: tax.name,
		amount,
		base,
		sequence: tax.sequence,
		account_id: tax.account_id,
		analytic: tax.analytic,
		use_in_tax_closing: tax.account_id !== false,
		price_include: tax.price_include,
		tax_exigibility: tax.tax_exigibility,
		tax_repartition_line_id: tax.id * 4 - 2,
		group: null,
		tag_ids: tax.tag_ids ?? [],
		tax_ids: taxIds,
	};
}

/** `_compute_amount` of one tax. */
function computeAmount(tax: SandboxTax, baseAmount: number, quantity: number, priceInclude: boolean): number {
	if (tax.amount_type === 'fixed') return baseAmount ? Math.sign(baseAmount) * Math.abs(quantity) * tax.amount : quantity * tax.amount;
	if (tax.amount_type === 'percent' && !priceInclude) return (baseAmount * tax.amount) / 100;
	if (tax.amount_type === 'percent' && priceInclude) return baseAmount - baseAmount / (1 + tax.amount / 100);
	if (tax.amount_type === 'division' && !priceInclude) return 1 - tax.amount / 100 ? baseAmount / (1 - tax.amount / 100) - baseAmount : 0;
	if (tax.amount_type === 'division' && priceInclude) return baseAmount - baseAmount * (tax.amount / 100);
	return 0;
}

export function sandboxComputeAll(
	unsorted: SandboxTax[],
	priceUnit: number,
	quantity: number,
	/** `rawBase`: each tax's base and the void total unrounded, as Odoo 19 answers them (its totals stay rounded). */
	opts: { currencyRounding?: number; roundGlobally?: boolean; rawBase?: boolean } = {},
): { base_tags: number[]; taxes: SandboxTaxLine[]; total_excluded: number; total_included: number; total_void: number } {
	// flatten_taxes_hierarchy: by sequence, then id.
	const taxes = [...unsorted].sort((a, b) => a.sequence - b.sequence || a.id - b.id);
	const rounding = opts.currencyRounding ?? 0.01;
	const prec = opts.roundGlobally ? rounding * 1e-5 : rounding;
	const currencyRound = (v: number) => floatRound(v, rounding);

	let incl = { percent: 0, division: 0, fixed: 0 };
	const recomputeBase = (baseAmount: number) => {
		const r = ((baseAmount - incl.fixed) / (1 + incl.percent / 100)) * (100 - incl.division) / 100;
		incl = { percent: 0, division: 0, fixed: 0 };
		return r;
	};

	let base = currencyRound(priceUnit * quantity);
	let sign = 1;
	if (base === 0) sign = 1;
	else if (base < 0) {
		sign = -1;
		base = -base;
	}

	const checkpoints = new Map<number, number>();
	let storeIncludedTaxTotal = true;
	let isBaseAffected = true;
	for (let i = taxes.length - 1; i >= 0; i--) {
		const tax = taxes[i];
		if (tax.include_base_amount && isBaseAffected) {
			base = recomputeBase(base);
			storeIncludedTaxTotal = true;
		}
		if (tax.price_include) {
			if (tax.amount_type === 'percent') incl.percent += tax.amount;
			else if (tax.amount_type === 'division') incl.division += tax.amount;
			// Odoo assigns here (a later fixed included tax replaces an earlier one's amount).
			else if (tax.amount_type === 'fixed') incl.fixed = Math.abs(quantity) * tax.amount;
			if (storeIncludedTaxTotal && tax.amount) {
				checkpoints.set(i, base);
				storeIncludedTaxTotal = false;
			}
		}
		isBaseAffected = tax.is_base_affected;
	}

	const rawExcluded = recomputeBase(base);
	const totalExcluded = currencyRound(rawExcluded);
	const rawOffset = opts.rawBase ? rawExcluded - totalExcluded : 0;
	base = totalExcluded;
	let totalIncluded = totalExcluded;
	let totalVoid = totalExcluded;
	let skipCheckpoint = false;
	let cumulatedIncluded = 0;
	const lines: SandboxTaxLine[] = [];
	taxes.forEach((tax, i) => {
		const taxBase = tax.price_include || tax.is_base_affected ? base : totalExcluded;
		const checkpoint = checkpoints.get(i);
		let amount =
			!skipCheckpoint && tax.price_include && checkpoint !== undefined
				? checkpoint - (base + cumulatedIncluded)
				: computeAmount(tax, taxBase, quantity, false);
		if (!skipCheckpoint && tax.price_include && checkpoint !== undefined) cumulatedIncluded = 0;
		amount = floatRound(amount, prec);
		if (tax.price_include && checkpoint === undefined) cumulatedIncluded += amount;
		lines.push(
			taxLine(
				tax,
				sign * amount,
				opts.rawBase ? sign * (taxBase + rawOffset) : floatRound(sign * taxBase, prec),
				tax.include_base_amount ? taxes.slice(i + 1).filter((t) => t.is_base_affected).map((t) => t.id) : [],
			),
		);
		if (tax.account_id === false) totalVoid += amount;
		if (tax.include_base_amount) {
			base += amount;
			if (!tax.price_include) skipCheckpoint = true;
		}
		totalIncluded += amount;
	});
	return {
		base_tags: [],
		taxes: lines,
		total_excluded: sign * totalExcluded,
		total_included: sign * currencyRound(totalIncluded),
		total_void: opts.rawBase ? sign * (totalVoid + rawOffset) : sign * currencyRound(totalVoid),
	};
}

/**
 * One line as Odoo 19's `_get_tax_details` computes it, for what it is written here for:
 * percentages, none changing another's base, all price-included or all not (undefined
 * otherwise). round_globally keeps the line's amount (quantity × price) whole; round_per_line
 * rounds it and each tax first. Amounts are raw: compute_all and documents round them after.
 */
export function odoo19Line(
	taxes: SandboxTax[],
	priceUnit: number,
	quantity: number,
	opts: { currencyRounding?: number; roundGlobally?: boolean } = {},
): { excluded: number; included: number; taxes: Array<{ tax: SandboxTax; amount: number }> } | undefined {
	if (!taxes.length || taxes.some((t) => t.amount_type !== 'percent' || t.include_base_amount) || taxes.some((t) => t.price_include !== taxes[0].price_include)) return undefined;
	const rounding = opts.currencyRounding ?? 0.01;
	const amount = opts.roundGlobally ? priceUnit * quantity : floatRound(priceUnit * quantity, rounding);
	const included = taxes[0].price_include;
	const percent = taxes.reduce((s, t) => s + t.amount, 0) / 100;
	const amounts = taxes.map((t) => {
		const a = included ? (amount / (1 + percent)) * (t.amount / 100) : (amount * t.amount) / 100;
		return { tax: t, amount: opts.roundGlobally ? a : floatRound(a, rounding) };
	});
	const taxTotal = amounts.reduce((s, a) => s + a.amount, 0);
	return { excluded: included ? amount - taxTotal : amount, included: included ? amount : amount + taxTotal, taxes: amounts };
}

/** compute_all's answer on Odoo 19 from a line of odoo19Line: totals and tax amounts rounded, each tax's base and the void total raw. */
export function odoo19ComputeAll(line: NonNullable<ReturnType<typeof odoo19Line>>, currencyRounding = 0.01): ReturnType<typeof sandboxComputeAll> {
	const r = (v: number) => floatRound(v, currencyRounding);
	let totalVoid = line.excluded;
	const lines = line.taxes.map(({ tax, amount }) => {
		if (tax.account_id === false) totalVoid += amount;
		return taxLine(tax, r(amount), line.excluded, []);
	});
	return { base_tags: [], taxes: lines, total_excluded: r(line.excluded), total_included: r(line.included), total_void: totalVoid };
}

/**
 * A document's total as Odoo 19 rounds it "per tax" (`_round_base_lines_tax_details`, mode
 * "mixed"): each tax's raw amounts summed and rounded once; if every taxed line's taxes are
 * price-included, the raw total included rounded (the base takes up the difference), else the
 * raw total excluded rounded plus the taxes. Lines without tax count by their amount.
 */
export function odoo19DocumentTotal(lines: Array<{ excluded: number; taxes: Array<{ tax: SandboxTax; amount: number }> }>, currencyRounding = 0.01): number {
	const r = (v: number) => floatRound(v, currencyRounding);
	const perTax = new Map<number, number>();
	let excluded = 0;
	let included = 0;
	let allIncluded = true;
	for (const l of lines) {
		excluded += l.excluded;
		included += l.excluded;
		for (const { tax, amount } of l.taxes) {
			perTax.set(tax.id, (perTax.get(tax.id) ?? 0) + amount);
			included += amount;
			if (!tax.price_include) allIncluded = false;
		}
	}
	const tax = [...perTax.values()].reduce((s, t) => s + r(t), 0);
	return r(allIncluded ? included : r(excluded) + tax);
}
