/**
 * account.tax.compute_all, following Odoo 17's `_compute_all` step by step: reverse pass
 * to strip price-included taxes (with checkpoints so included totals are reproduced to the
 * cent), forward pass for amounts with cascading bases, fixed amounts per unit, and the sign
 * trick for negative prices. Pure: the sandbox answers compute_all with it (checked against
 * the calls recorded from a real Odoo), and the POS import uses it between cross-checks
 * against the server's own compute_all.
 */

/** Odoo's float_round with precision_rounding, half away from zero. */
export function roundTo(value: number, precision = 0.01): number {
	const digits = Math.max(0, Math.round(-Math.log10(precision)));
	const factor = 10 ** digits;
	// Epsilon nudge as in Odoo's float_round, so 2.675 rounds to 2.68 despite binary floats.
	const scaled = value * factor;
	const sign = Math.sign(scaled) || 1;
	const nudged = Math.abs(scaled) * (1 + 2 ** -50);
	return (sign * Math.round(nudged)) / factor;
}

export interface TaxLike {
	id: number;
	name: string;
	amount: number;
	amount_type: 'percent' | 'fixed' | 'division' | 'group';
	price_include: boolean;
	include_base_amount: boolean;
	is_base_affected: boolean;
	sequence: number;
	/** Account of the invoice tax repartition line; false for a tax with none. */
	account_id: number | false;
	tax_exigibility: string;
	analytic: boolean;
}

export interface TaxResultLine {
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

export interface ComputeAllResult {
	base_tags: number[];
	taxes: TaxResultLine[];
	total_excluded: number;
	total_included: number;
	total_void: number;
}

export function sortTaxes<T extends { sequence: number; id: number }>(taxes: T[]): T[] {
	return [...taxes].sort((a, b) => a.sequence - b.sequence || a.id - b.id);
}

function taxAmount(tax: TaxLike, base: number, quantity: number, priceInclude: boolean): number {
	switch (tax.amount_type) {
		case 'fixed':
			return base ? Math.sign(base) * Math.abs(quantity) * tax.amount : quantity * tax.amount;
		case 'percent':
			return priceInclude ? base - base / (1 + tax.amount / 100) : (base * tax.amount) / 100;
		case 'division':
			if (priceInclude) return base - base * (tax.amount / 100);
			return 1 - tax.amount / 100 ? base / (1 - tax.amount / 100) - base : 0;
		default:
			return 0;
	}
}

export function computeAll(
	inputTaxes: TaxLike[],
	priceUnit: number,
	quantity: number,
	opts: { currencyRounding?: number; roundGlobally?: boolean } = {},
): ComputeAllResult {
	const taxes = sortTaxes(inputTaxes);
	const currencyRounding = opts.currencyRounding ?? 0.01;
	const prec = opts.roundGlobally ? currencyRounding * 1e-5 : currencyRounding;
	const cround = (v: number) => roundTo(v, currencyRounding);

	let base = cround(priceUnit * quantity);
	let sign = 1;
	if (base < 0) {
		sign = -1;
		base = -base;
	}

	const recomputeBase = (b: number, fixed: number, percent: number, division: number) =>
		(((b - fixed) / (1 + percent / 100)) * (100 - division)) / 100;

	const checkpoints = new Map<number, number>();
	let storeIncluded = true;
	let inclFixed = 0;
	let inclPercent = 0;
	let inclDivision = 0;
	for (let i = taxes.length - 1; i >= 0; i--) {
		const tax = taxes[i];
		if (tax.include_base_amount) {
			base = recomputeBase(base, inclFixed, inclPercent, inclDivision);
			inclFixed = inclPercent = inclDivision = 0;
			storeIncluded = true;
		}
		if (tax.price_include) {
			if (tax.amount_type === 'percent') inclPercent += tax.amount;
			else if (tax.amount_type === 'division') inclDivision += tax.amount;
			else if (tax.amount_type === 'fixed') inclFixed += Math.abs(quantity) * tax.amount;
			if (storeIncluded && tax.amount) {
				checkpoints.set(i, base);
				storeIncluded = false;
			}
		}
	}

	const totalExcluded = cround(recomputeBase(base, inclFixed, inclPercent, inclDivision));
	base = totalExcluded;
	let totalIncluded = totalExcluded;
	let totalVoid = totalExcluded;
	let skipCheckpoint = false;
	let cumulatedIncluded = 0;
	const out: TaxResultLine[] = [];

	taxes.forEach((tax, i) => {
		const taxBase = tax.price_include || tax.is_base_affected ? base : totalExcluded;
		let amount: number;
		const cp = checkpoints.get(i);
		if (!skipCheckpoint && tax.price_include && cp !== undefined) {
			amount = cp - (base + cumulatedIncluded);
			cumulatedIncluded = 0;
		} else {
			// The base is positive here (the sign was factored out), as in Odoo.
			amount = taxAmount(tax, taxBase, quantity, false);
		}
		amount = roundTo(amount, prec);
		if (tax.price_include && cp === undefined) cumulatedIncluded += amount;

		const subsequent = tax.include_base_amount ? taxes.slice(i + 1).filter((t) => t.is_base_affected).map((t) => t.id) : [];
		out.push({
			id: tax.id,
			name: tax.name,
			amount: sign * amount,
			base: roundTo(sign * taxBase, prec),
			sequence: tax.sequence,
			account_id: tax.account_id,
			analytic: tax.analytic,
			use_in_tax_closing: tax.account_id !== false,
			price_include: tax.price_include,
			tax_exigibility: tax.tax_exigibility,
			tax_repartition_line_id: tax.id * 4 - 2,
			group: null,
			tag_ids: [],
			tax_ids: subsequent,
		});
		if (tax.account_id === false) totalVoid += amount;
		if (tax.include_base_amount) {
			base += amount;
			if (!tax.price_include) skipCheckpoint = true;
		}
		totalIncluded += amount;
	});

	return {
		base_tags: [],
		taxes: out,
		total_excluded: sign * totalExcluded,
		total_included: sign * cround(totalIncluded),
		total_void: sign * cround(totalVoid),
	};
}
