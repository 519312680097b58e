/** The Codeplus middleware sandbox: PixelPoint data over the contract in shared/codeplus-api.md. */
import { DateTime } from 'luxon';
import { SandboxHttpServer, type JsonReply, type SandboxRequest } from '../common/http';
import {
	CATEGORIES,
	SALE_TYPES,
	chainStores,
	generateInvoices,
	generateProducts,
	germanPrices,
	germanTaxRate,
	methodsOf,
	type Invoice,
	type Product,
	type Store,
} from './data';

export interface CodeplusOptions {
	token: string;
	/** The last business date served is the day before this one (YYYY-MM-DD). */
	today: string;
	days: number;
	/**
	 * The restaurant group: two companies, each with its own Codeplus token (GROUP_TOKENS): the
	 * Finnish one sees Helsinki and Tampere, the German one the Berlin store, priced and taxed in
	 * Germany. Without it every store sells at Finnish prices and rates (the demo's simplification).
	 */
	group: boolean;
	/**
	 * How many stores the chain has (3 by default): stores 4 and up are more Finnish restaurants
	 * like Tampere's, each with its own sales, for benchmarks of a chain's history.
	 */
	stores: number;
}

/** The group's tokens (with `group`), one per company, and the stores each sees. */
export const GROUP_TOKENS = {
	fi: { token: 'codeplus-group-fi-3b81e0', stores: [1, 2] },
	de: { token: 'codeplus-group-de-92c4d7', stores: [3] },
} as const;

export const codeplusDefaults = (): CodeplusOptions => ({
	token: 'codeplus-demo-token-7f3a9c',
	today: DateTime.now().setZone('Europe/Helsinki').toISODate()!,
	days: 14,
	group: false,
	stores: 3,
});

type ErrorCode = 'INVALID_TOKEN' | 'NOT_FOUND' | 'BAD_REQUEST' | 'RATE_LIMITED' | 'UNAVAILABLE';

const fail = (status: number, code: ErrorCode, message: string): JsonReply => ({ status, body: { error: { code, message } } });

export class CodeplusSandbox {
	readonly options: CodeplusOptions;
	readonly http: SandboxHttpServer;
	stores: Store[] = [];
	/** Products per store; the chain shares one catalogue, so each store holds its own copy. */
	products = new Map<number, Product[]>();
	invoices = new Map<number, Invoice[]>();

	constructor(options: Partial<CodeplusOptions> = {}) {
		this.options = { ...codeplusDefaults(), ...options };
		this.reset();
		this.http = new SandboxHttpServer(
			'codeplus',
			(req) => this.route(req),
			(req) => this.control(req),
			(kind) => (kind === '429' ? { error: { code: 'RATE_LIMITED', message: 'Too many requests' } } : { error: { code: 'UNAVAILABLE', message: 'Bad gateway' } }),
			(text) => ({ status: 400, body: { error: { code: 'BAD_REQUEST', message: text } } }),
		);
	}

	reset(): void {
		this.stores = chainStores(this.options.stores);
		const catalogue = generateProducts();
		for (const s of this.stores) {
			const german = this.options.group && s.TimeZone === 'Europe/Berlin';
			const list = german ? germanPrices(catalogue) : catalogue.map((p) => ({ ...p }));
			this.products.set(s.StoreId, list);
			this.invoices.set(s.StoreId, generateInvoices(s, list, this.options.today, this.options.days, german ? germanTaxRate : undefined));
		}
	}

	async start(port = 0): Promise<string> {
		return this.http.listen(port);
	}

	async stop(): Promise<void> {
		await this.http.close();
	}

	get url(): string {
		return `${this.http.url}/api/v1`;
	}

	/** Changes a product in every store, as an edit in the PixelPoint back office does. */
	updateProduct(prodNum: number, changes: Partial<Product>, at = DateTime.now()): void {
		for (const list of this.products.values()) {
			const p = list.find((x) => x.ProdNum === prodNum);
			if (p) Object.assign(p, changes, { UpdatedAt: at.toISO({ suppressMilliseconds: true }) });
		}
	}

	addInvoice(inv: Invoice): void {
		const list = this.invoices.get(inv.StoreId);
		if (!list) throw new Error(`No store ${inv.StoreId}`);
		list.push(inv);
		list.sort((a, b) => Date.parse(a.CloseTime) - Date.parse(b.CloseTime) || a.TransactNum - b.TransactNum);
	}

	allInvoices(): Invoice[] {
		return [...this.invoices.values()].flat();
	}

	private control(req: SandboxRequest): JsonReply | undefined {
		if (req.method === 'POST' && req.path === '/__sandbox/codeplus/reset') {
			this.reset();
			return { status: 200, body: { ok: true } };
		}
		const m = /^\/__sandbox\/codeplus\/products\/(\d+)$/.exec(req.path);
		if (m && req.method === 'POST') {
			this.updateProduct(Number(m[1]), (req.body ?? {}) as Partial<Product>);
			return { status: 200, body: { ok: true } };
		}
		if (req.method === 'POST' && req.path === '/__sandbox/codeplus/invoices') {
			this.addInvoice(req.body as Invoice);
			return { status: 200, body: { ok: true } };
		}
		return undefined;
	}

	private page<T>(req: SandboxRequest, rows: T[]): JsonReply {
		const page = req.query.has('page') ? Number(req.query.get('page')) : 1;
		const pageSize = req.query.has('pageSize') ? Number(req.query.get('pageSize')) : 100;
		if (!Number.isInteger(page) || page < 1) return fail(400, 'BAD_REQUEST', `page must be a whole number from 1, got "${req.query.get('page')}"`);
		if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 500) {
			return fail(400, 'BAD_REQUEST', `pageSize must be a whole number from 1 to 500, got "${req.query.get('pageSize')}"`);
		}
		return { status: 200, body: { data: rows.slice((page - 1) * pageSize, page * pageSize), page, pageSize, total: rows.length } };
	}

	/** The stores a token sees: all with the sandbox's token, a company's with the group's. */
	private visible(auth: string): Store[] | undefined {
		if (auth === `Bearer ${this.options.token}`) return this.stores;
		if (!this.options.group) return undefined;
		const company = Object.values(GROUP_TOKENS).find((c) => auth === `Bearer ${c.token}`);
		return company && this.stores.filter((s) => (company.stores as readonly number[]).includes(s.StoreId));
	}

	/** A date means midnight in the store's zone; a datetime must carry its offset. */
	private instant(value: string, zone: string): number | undefined {
		if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
			const d = DateTime.fromISO(value, { zone });
			return d.isValid ? d.toMillis() : undefined;
		}
		if (!/[zZ]|[+-]\d{2}:?\d{2}$/.test(value)) return undefined;
		const d = DateTime.fromISO(value, { setZone: true });
		return d.isValid ? d.toMillis() : undefined;
	}

	private route(req: SandboxRequest): JsonReply {
		const path = req.path.replace(/^\/api\/v1/, '');
		const key = path.replace(/\/\d+/g, '/{id}');
		this.http.counter.add(`codeplus${key}`);
		if (req.path === path) return fail(404, 'NOT_FOUND', `No route ${req.path}: the API lives under /api/v1`);
		const auth = String(req.headers.authorization ?? '');
		const stores = this.visible(auth);
		if (!stores) return fail(401, 'INVALID_TOKEN', 'The token is missing or not valid for this company');
		if (req.method !== 'GET') return fail(400, 'BAD_REQUEST', `${req.method} is not supported`);

		if (path === '/health') return { status: 200, body: { status: 'ok', version: '2.4' } };
		if (path === '/stores') return this.page(req, stores);
		const m = /^\/stores\/([^/]+)(?:\/([a-z]+)(?:\/([^/]+))?)?$/.exec(path);
		if (!m) return fail(404, 'NOT_FOUND', `No route ${path}`);
		const store = stores.find((s) => String(s.StoreId) === m[1]);
		if (!store) return fail(404, 'NOT_FOUND', `Store ${m[1]} does not exist`);
		const [, , resource, id] = m;
		switch (resource) {
			case undefined:
				return { status: 200, body: store };
			case 'saletypes':
				return this.page(req, SALE_TYPES);
			case 'paymentmethods':
				return this.page(req, methodsOf(store.StoreId));
			case 'categories':
				return this.page(req, CATEGORIES);
			case 'products': {
				const list = this.products.get(store.StoreId)!;
				if (id !== undefined) {
					const p = list.find((x) => String(x.ProdNum) === id);
					return p ? { status: 200, body: p } : fail(404, 'NOT_FOUND', `Product ${id} does not exist in store ${store.StoreId}`);
				}
				const since = req.query.get('updatedSince');
				if (since) {
					const t = this.instant(since, store.TimeZone);
					if (t === undefined) return fail(400, 'BAD_REQUEST', `updatedSince "${since}" is not an ISO 8601 date or datetime with offset`);
					return this.page(req, list.filter((p) => Date.parse(p.UpdatedAt) >= t));
				}
				return this.page(req, list);
			}
			case 'invoices': {
				const list = this.invoices.get(store.StoreId)!;
				if (id !== undefined) {
					const inv = list.find((x) => String(x.TransactNum) === id);
					return inv ? { status: 200, body: inv } : fail(404, 'NOT_FOUND', `Invoice ${id} does not exist in store ${store.StoreId}`);
				}
				const from = req.query.get('from');
				const to = req.query.get('to');
				if (!from || !to) return fail(400, 'BAD_REQUEST', 'from and to are required');
				const a = this.instant(from, store.TimeZone);
				const b = this.instant(to, store.TimeZone);
				if (a === undefined) return fail(400, 'BAD_REQUEST', `from "${from}" is not an ISO 8601 date or datetime with offset`);
				if (b === undefined) return fail(400, 'BAD_REQUEST', `to "${to}" is not an ISO 8601 date or datetime with offset`);
				if (a > b) return fail(400, 'BAD_REQUEST', 'from is after to');
				return this.page(req, list.filter((x) => Date.parse(x.CloseTime) >= a && Date.parse(x.CloseTime) < b));
			}
			default:
				return fail(404, 'NOT_FOUND', `No route ${path}`);
		}
	}
}
