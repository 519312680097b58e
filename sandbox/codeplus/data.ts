/**
 * Deterministic PixelPoint demo data as the Codeplus middleware serves it: 3 stores (one in
 * another time zone), sale types, tenders, a category tree, 320 products (catering priced
 * without tax), and 14 business days of invoices with refunds, voids, night-shift sales after
 * midnight, multi-tender payments with change and tips, and excluded-tax invoices whose
 * PixelPoint tax rounding (once per invoice) differs from per-line rounding by a cent or two.
 */
import { DateTime } from 'luxon';
import { rng } from '../common/http';

export interface Store {
	StoreId: number;
	StoreName: string;
	Currency: string;
	TimeZone: string;
	Active: boolean;
}
export interface SaleType {
	SaleTypeNum: number;
	Description: string;
	Active: boolean;
}
export interface PaymentMethod {
	MethodNum: number;
	Description: string;
	IsCash: boolean;
	Active: boolean;
}
export interface Category {
	CategoryNum: number;
	Description: string;
	ParentCategoryNum: number | null;
}
export interface Product {
	ProdNum: number;
	Name: string;
	CategoryNum: number;
	Price: number;
	PriceIncludesTax: boolean;
	Barcode: string | null;
	Active: boolean;
	UpdatedAt: string;
}
export interface InvoiceLine {
	LineNum: number;
	ProdNum: number;
	Description: string;
	Quantity: number;
	UnitPrice: number;
	Discount: number;
	LineTotal: number;
}
export interface InvoicePayment {
	MethodNum: number;
	Amount: number;
	Tip: number;
	Change: number;
}
export interface Invoice {
	TransactNum: number;
	StoreId: number;
	BusinessDate: string;
	OpenTime: string;
	CloseTime: string;
	SaleTypeNum: number;
	Status: 'CLOSED' | 'VOID' | 'REFUND';
	CustomerRef: string | null;
	SubTotal: number;
	TaxTotal: number;
	FinalTotal: number;
	Lines: InvoiceLine[];
	Payments: InvoicePayment[];
}

export const round2 = (v: number) => Math.round((v + Math.sign(v) * 1e-9) * 100) / 100;

/** The VAT rate PixelPoint applies to a category in Finland: alcohol 25.5 %, everything else 14 %. */
export function taxRate(categoryNum: number): number {
	return categoryNum === 23 ? 25.5 : 14;
}

/** In Germany (from 2026): food 7 % also when eaten in, every drink 19 %. */
export function germanTaxRate(categoryNum: number): number {
	return categoryNum >= 20 && categoryNum < 30 ? 19 : 7;
}

export type RateOf = (categoryNum: number) => number;

/** The Berlin store's catalogue in the restaurant group: the chain's products at German prices. */
export function germanPrices(products: Product[]): Product[] {
	return products.map((p) => ({ ...p, Price: Math.max(0.5, round2(Math.round(p.Price * 0.92 * 10) / 10 - 0.01)) }));
}

export const STORES: Store[] = [
	{ StoreId: 1, StoreName: 'Helsinki Kamppi', Currency: 'EUR', TimeZone: 'Europe/Helsinki', Active: true },
	{ StoreId: 2, StoreName: 'Tampere Keskusta', Currency: 'EUR', TimeZone: 'Europe/Helsinki', Active: true },
	{ StoreId: 3, StoreName: 'Berlin Mitte', Currency: 'EUR', TimeZone: 'Europe/Berlin', Active: true },
];

const MORE_STORES = ['Espoo Tapiola', 'Vantaa Tikkurila', 'Turku Kauppatori', 'Oulu Rotuaari', 'Jyväskylä Kompassi', 'Kuopio Tori', 'Lahti Aleksi', 'Pori Itätori', 'Joensuu Torikatu', 'Vaasa Hovioikeudenpuistikko'];

/** The chain's first `n` stores: the three demo stores, then more Finnish ones (numbered past the names above). */
export function chainStores(n = STORES.length): Store[] {
	const out = STORES.slice(0, Math.max(1, n)).map((s) => ({ ...s }));
	for (let id = STORES.length + 1; id <= n; id++) {
		const name = MORE_STORES[id - STORES.length - 1] ?? `Ravintola ${id}`;
		out.push({ StoreId: id, StoreName: name, Currency: 'EUR', TimeZone: 'Europe/Helsinki', Active: true });
	}
	return out;
}

export const SALE_TYPES: SaleType[] = [
	{ SaleTypeNum: 1, Description: 'Dine In', Active: true },
	{ SaleTypeNum: 2, Description: 'Take Out', Active: true },
	{ SaleTypeNum: 3, Description: 'Delivery', Active: true },
	{ SaleTypeNum: 4, Description: 'Catering', Active: false },
];

const ALL_METHODS: PaymentMethod[] = [
	{ MethodNum: 1, Description: 'Cash', IsCash: true, Active: true },
	{ MethodNum: 2, Description: 'Visa', IsCash: false, Active: true },
	{ MethodNum: 3, Description: 'Mastercard', IsCash: false, Active: true },
	{ MethodNum: 4, Description: 'MobilePay', IsCash: false, Active: true },
	{ MethodNum: 9, Description: 'Gift Card', IsCash: false, Active: false },
];

export function methodsOf(storeId: number): PaymentMethod[] {
	// MobilePay is Nordic only: the Berlin store does not take it.
	return ALL_METHODS.filter((m) => !(storeId === 3 && m.MethodNum === 4));
}

export const CATEGORIES: Category[] = [
	{ CategoryNum: 10, Description: 'Food', ParentCategoryNum: null },
	{ CategoryNum: 11, Description: 'Burgers', ParentCategoryNum: 10 },
	{ CategoryNum: 12, Description: 'Sides', ParentCategoryNum: 10 },
	{ CategoryNum: 13, Description: 'Salads', ParentCategoryNum: 10 },
	{ CategoryNum: 20, Description: 'Drinks', ParentCategoryNum: null },
	{ CategoryNum: 21, Description: 'Soft Drinks', ParentCategoryNum: 20 },
	{ CategoryNum: 22, Description: 'Hot Drinks', ParentCategoryNum: 20 },
	{ CategoryNum: 23, Description: 'Beer & Wine', ParentCategoryNum: 20 },
	{ CategoryNum: 30, Description: 'Desserts', ParentCategoryNum: null },
	{ CategoryNum: 40, Description: 'Catering', ParentCategoryNum: null },
];

const NAMES: Record<number, { words: string[]; kinds: string[]; min: number; max: number }> = {
	11: { words: ['Classic', 'Cheese', 'Bacon', 'Veggie', 'Chicken', 'Double', 'BBQ', 'Spicy', 'Halloumi', 'Mushroom', 'Truffle', 'Kid'], kinds: ['Burger', 'Burger Meal'], min: 8.9, max: 16.9 },
	12: { words: ['French', 'Sweet Potato', 'Garlic', 'Cajun', 'Loaded', 'Onion'], kinds: ['Fries', 'Rings', 'Wedges', 'Bites'], min: 3.5, max: 6.9 },
	13: { words: ['Caesar', 'Greek', 'Garden', 'Quinoa', 'Chicken', 'Tuna'], kinds: ['Salad', 'Bowl'], min: 7.9, max: 13.9 },
	21: { words: ['Cola', 'Lemonade', 'Orange Soda', 'Iced Tea', 'Sparkling Water', 'Apple Juice', 'Ginger Ale'], kinds: ['0.33 l', '0.5 l', '1.0 l'], min: 2.9, max: 5.9 },
	22: { words: ['Espresso', 'Cappuccino', 'Latte', 'Tea', 'Hot Chocolate', 'Americano'], kinds: ['Small', 'Large'], min: 2.5, max: 5.5 },
	23: { words: ['Lager', 'IPA', 'Stout', 'Cider', 'Red Wine', 'White Wine', 'Rosé'], kinds: ['0.33 l', '0.5 l', 'Glass'], min: 6.5, max: 9.9 },
	30: { words: ['Brownie', 'Cheesecake', 'Ice Cream', 'Apple Pie', 'Waffle', 'Sundae'], kinds: ['', 'with Berries', 'Deluxe'], min: 4.5, max: 7.9 },
	40: { words: ['Burger Platter', 'Salad Platter', 'Finger Food', 'Dessert Tray', 'Drinks Package'], kinds: ['S', 'M', 'L', 'XL'], min: 45, max: 120 },
};

export const PRODUCTS_UPDATED_AT = '2026-10-01T08:00:00+03:00';

export function generateProducts(): Product[] {
	const r = rng(42);
	const out: Product[] = [];
	let num = 1001;
	const seen = new Set<string>();
	for (const [cat, spec] of Object.entries(NAMES)) {
		const categoryNum = Number(cat);
		for (const word of spec.words) {
			for (const kind of spec.kinds) {
				const name = `${word} ${kind}`.trim();
				if (seen.has(name)) continue;
				seen.add(name);
				const price = round2(Math.round((spec.min + r() * (spec.max - spec.min)) * 10) / 10 - 0.1 + 0.1 * Math.round(r()));
				out.push({
					ProdNum: num,
					Name: name,
					CategoryNum: categoryNum,
					Price: Math.max(0.5, round2(price)),
					PriceIncludesTax: categoryNum !== 40,
					Barcode: categoryNum === 21 || categoryNum === 23 ? `64${String(100000000 + num * 7).padStart(11, '0')}` : null,
					Active: true,
					UpdatedAt: PRODUCTS_UPDATED_AT,
				});
				num++;
			}
		}
	}
	// Fill the catalogue to 320 with seasonal specials, a few of them discontinued.
	while (out.length < 320) {
		const k = out.length - 300;
		const categoryNum = [11, 12, 21, 30][Math.abs(k) % 4];
		out.push({
			ProdNum: num,
			Name: `Seasonal Special ${num}`,
			CategoryNum: categoryNum,
			Price: round2(4 + (num % 9) * 0.8),
			PriceIncludesTax: true,
			Barcode: null,
			Active: num % 5 !== 0,
			UpdatedAt: PRODUCTS_UPDATED_AT,
		});
		num++;
	}
	for (const p of out.slice(0, 300)) if (p.ProdNum % 47 === 0) p.Active = false;
	return out;
}

interface GenContext {
	store: Store;
	rate: RateOf;
	products: Product[];
	byNum: Map<number, Product>;
	next: () => number;
}

function pick<T>(r: () => number, list: T[]): T {
	return list[Math.floor(r() * list.length)];
}

/** Lines, totals and tax the way PixelPoint computes them. */
export function priceInvoice(lines: InvoiceLine[], byNum: Map<number, Product>, rateOf: RateOf = taxRate): { SubTotal: number; TaxTotal: number; FinalTotal: number } {
	let included = 0;
	let includedTax = 0;
	const excludedNetByRate = new Map<number, number>();
	for (const l of lines) {
		const p = byNum.get(l.ProdNum)!;
		const rate = rateOf(p.CategoryNum);
		if (p.PriceIncludesTax) {
			included += l.LineTotal;
			includedTax += l.LineTotal - l.LineTotal / (1 + rate / 100);
		} else {
			excludedNetByRate.set(rate, (excludedNetByRate.get(rate) ?? 0) + l.LineTotal);
		}
	}
	let excludedNet = 0;
	let excludedTax = 0;
	// PixelPoint rounds tax once per rate on the invoice; Odoo rounds per line.
	for (const [rate, net] of excludedNetByRate) {
		excludedNet += net;
		excludedTax += round2((net * rate) / 100);
	}
	const FinalTotal = round2(included + excludedNet + excludedTax);
	const TaxTotal = round2(includedTax + excludedTax);
	return { SubTotal: round2(FinalTotal - TaxTotal), TaxTotal, FinalTotal };
}

function cashTender(total: number): number {
	for (const note of [5, 10, 20, 50, 100, 200, 500]) if (note >= total) return note;
	return Math.ceil(total / 100) * 100;
}

function makeInvoice(ctx: GenContext, r: () => number, businessDate: string, close: DateTime, kind: 'CLOSED' | 'VOID' | 'REFUND', refundOf?: Invoice): Invoice {
	const active = ctx.products.filter((p) => p.Active && p.CategoryNum !== 40);
	const catering = ctx.products.filter((p) => p.Active && p.CategoryNum === 40);
	const isCatering = !refundOf && kind === 'CLOSED' && r() < 0.06;
	let lines: InvoiceLine[] = [];
	if (refundOf) {
		lines = refundOf.Lines.map((l) => ({ ...l, Quantity: -l.Quantity, Discount: -l.Discount, LineTotal: -l.LineTotal }));
	} else {
		const n = isCatering ? 2 + Math.floor(r() * 3) : 1 + Math.floor(r() * 5);
		for (let k = 0; k < n; k++) {
			const p = isCatering ? pick(r, catering) : pick(r, active);
			const qty = isCatering ? 1 + Math.floor(r() * 6) : 1 + Math.floor(r() * (r() < 0.8 ? 1 : 3));
			const discount = !isCatering && r() < 0.08 ? round2(qty * p.Price * 0.1) : 0;
			lines.push({ LineNum: k + 1, ProdNum: p.ProdNum, Description: p.Name, Quantity: qty, UnitPrice: p.Price, Discount: discount, LineTotal: round2(qty * p.Price - discount) });
		}
	}
	const totals = kind === 'VOID' ? { SubTotal: 0, TaxTotal: 0, FinalTotal: 0 } : priceInvoice(lines, ctx.byNum, ctx.rate);
	const open = close.minus({ minutes: 5 + Math.floor(r() * 50) });
	const methods = methodsOf(ctx.store.StoreId).filter((m) => m.Active);
	const cards = methods.filter((m) => !m.IsCash);
	const payments: InvoicePayment[] = [];
	const total = totals.FinalTotal;
	if (kind === 'VOID') {
		// no money changes hands
	} else if (kind === 'REFUND') {
		payments.push({ MethodNum: refundOf!.Payments[0]?.MethodNum ?? 1, Amount: total, Tip: 0, Change: 0 });
	} else {
		const roll = r();
		if (roll < 0.25) {
			const tendered = cashTender(total);
			payments.push({ MethodNum: 1, Amount: tendered, Tip: 0, Change: round2(tendered - total) });
		} else if (roll < 0.4 && total > 10) {
			const cashPart = round2(Math.min(total - 1, 5 * (1 + Math.floor(r() * 3))));
			payments.push({ MethodNum: 1, Amount: 20, Tip: 0, Change: round2(20 - cashPart) });
			payments.push({ MethodNum: pick(r, cards).MethodNum, Amount: round2(total - cashPart), Tip: 0, Change: 0 });
		} else {
			payments.push({ MethodNum: pick(r, cards).MethodNum, Amount: total, Tip: r() < 0.2 ? 1 + Math.floor(r() * 3) : 0, Change: 0 });
		}
	}
	return {
		TransactNum: ctx.next(),
		StoreId: ctx.store.StoreId,
		BusinessDate: businessDate,
		OpenTime: open.toISO({ suppressMilliseconds: true })!,
		CloseTime: close.toISO({ suppressMilliseconds: true })!,
		SaleTypeNum: isCatering ? 3 : refundOf ? refundOf.SaleTypeNum : r() < 0.5 ? 1 : r() < 0.7 ? 2 : 3,
		Status: kind,
		CustomerRef: isCatering ? `CUST-${String(1 + Math.floor(r() * 20)).padStart(3, '0')}` : null,
		...totals,
		Lines: kind === 'VOID' ? lines.map((l) => ({ ...l, LineTotal: 0 })) : lines,
		Payments: payments,
	};
}

/** Invoices of the 14 business days before `today` (a date in the store's zone), taxed at `rate`. */
export function generateInvoices(store: Store, products: Product[], today: string, days = 14, rate: RateOf = taxRate): Invoice[] {
	const r = rng(1000 + store.StoreId);
	const byNum = new Map(products.map((p) => [p.ProdNum, p]));
	let transact = 100000 * store.StoreId;
	const ctx: GenContext = { store, rate, products, byNum, next: () => ++transact };
	const out: Invoice[] = [];
	const first = DateTime.fromISO(today, { zone: store.TimeZone }).minus({ days });
	for (let d = 0; d < days; d++) {
		const day = first.plus({ days: d });
		const businessDate = day.toISODate()!;
		const count = 25 + Math.floor(r() * 20);
		const closing = store.StoreId === 1 ? 26 : 22; // Kamppi runs a night shift until 02:00
		const dayInvoices: Invoice[] = [];
		for (let k = 0; k < count; k++) {
			const minutes = Math.floor(((11 * 60 + ((closing - 11) * 60 * (k + r() * 0.9)) / count)));
			const close = day.startOf('day').plus({ minutes });
			const roll = r();
			const kind = roll < 0.03 ? 'VOID' : 'CLOSED';
			dayInvoices.push(makeInvoice(ctx, r, businessDate, close, kind));
		}
		// A refund or two of the day's sales, rung up a little later.
		for (const victim of dayInvoices.filter((x) => x.Status === 'CLOSED').filter(() => r() < 0.04).slice(0, 2)) {
			const close = DateTime.fromISO(victim.CloseTime, { setZone: true }).plus({ minutes: 10 });
			dayInvoices.push(makeInvoice(ctx, r, businessDate, close, 'REFUND', victim));
		}
		out.push(...dayInvoices);
	}
	return out.sort((a, b) => Date.parse(a.CloseTime) - Date.parse(b.CloseTime) || a.TransactNum - b.TransactNum);
}
