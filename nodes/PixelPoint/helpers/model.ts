/**
 * PixelPoint records as the Codeplus contract names them. Every read goes through the
 * normalisers below: a deployment whose Codeplus names or shapes a field differently
 * adapts it here, in one place, and the rest of the package keeps working.
 */
import type { IDataObject } from 'n8n-workflow';

export interface PpStore extends IDataObject {
	StoreId: number;
	StoreName: string;
	Currency: string;
	TimeZone: string;
	Active: boolean;
}

export interface PpSaleType extends IDataObject {
	StoreId: number;
	SaleTypeNum: number;
	Description: string;
	Active: boolean;
}

export interface PpPaymentMethod extends IDataObject {
	StoreId: number;
	MethodNum: number;
	Description: string;
	IsCash: boolean;
	Active: boolean;
}

export interface PpCategory extends IDataObject {
	StoreId: number;
	CategoryNum: number;
	Description: string;
	ParentCategoryNum: number | null;
}

export interface PpProduct extends IDataObject {
	StoreId: number;
	ProdNum: number;
	Name: string;
	CategoryNum: number | null;
	Price: number;
	PriceIncludesTax: boolean;
	Barcode: string | null;
	Active: boolean;
	UpdatedAt: string;
}

export interface PpInvoiceLine extends IDataObject {
	LineNum: number;
	ProdNum: number;
	Description: string;
	Quantity: number;
	UnitPrice: number;
	Discount: number;
	LineTotal: number;
}

export interface PpInvoicePayment extends IDataObject {
	MethodNum: number;
	Amount: number;
	Tip: number;
	Change: number;
}

export interface PpInvoice extends IDataObject {
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
	Lines: PpInvoiceLine[];
	Payments: PpInvoicePayment[];
	/** Added by "Attach product details": the full product of every ProdNum in Lines. */
	Products?: PpProduct[];
}

const num = (v: unknown): number => (typeof v === 'number' ? v : Number(v));
const bool = (v: unknown): boolean => v === true || v === 1 || v === 'true' || v === '1';
const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const optNum = (v: unknown): number | null => (v === null || v === undefined || v === '' ? null : num(v));

export function normalizeStore(r: IDataObject): PpStore {
	return { StoreId: num(r.StoreId), StoreName: str(r.StoreName), Currency: str(r.Currency), TimeZone: str(r.TimeZone), Active: bool(r.Active) };
}

export function normalizeSaleType(r: IDataObject, storeId: number): PpSaleType {
	return { StoreId: storeId, SaleTypeNum: num(r.SaleTypeNum), Description: str(r.Description), Active: bool(r.Active) };
}

export function normalizePaymentMethod(r: IDataObject, storeId: number): PpPaymentMethod {
	return { StoreId: storeId, MethodNum: num(r.MethodNum), Description: str(r.Description), IsCash: bool(r.IsCash), Active: bool(r.Active) };
}

export function normalizeCategory(r: IDataObject, storeId: number): PpCategory {
	return { StoreId: storeId, CategoryNum: num(r.CategoryNum), Description: str(r.Description), ParentCategoryNum: optNum(r.ParentCategoryNum) };
}

export function normalizeProduct(r: IDataObject, storeId: number): PpProduct {
	return {
		StoreId: storeId,
		ProdNum: num(r.ProdNum),
		Name: str(r.Name),
		CategoryNum: optNum(r.CategoryNum),
		Price: num(r.Price),
		PriceIncludesTax: bool(r.PriceIncludesTax),
		Barcode: r.Barcode === null || r.Barcode === undefined || r.Barcode === '' ? null : str(r.Barcode),
		Active: bool(r.Active),
		UpdatedAt: str(r.UpdatedAt),
	};
}

export function normalizeInvoice(r: IDataObject): PpInvoice {
	const lines = (r.Lines as IDataObject[] | undefined) ?? [];
	const payments = (r.Payments as IDataObject[] | undefined) ?? [];
	return {
		TransactNum: num(r.TransactNum),
		StoreId: num(r.StoreId),
		BusinessDate: str(r.BusinessDate),
		OpenTime: str(r.OpenTime),
		CloseTime: str(r.CloseTime),
		SaleTypeNum: num(r.SaleTypeNum),
		Status: str(r.Status).toUpperCase() as PpInvoice['Status'],
		CustomerRef: r.CustomerRef === null || r.CustomerRef === undefined || r.CustomerRef === '' ? null : str(r.CustomerRef),
		SubTotal: num(r.SubTotal),
		TaxTotal: num(r.TaxTotal),
		FinalTotal: num(r.FinalTotal),
		Lines: lines.map((l) => ({
			LineNum: num(l.LineNum),
			ProdNum: num(l.ProdNum),
			Description: str(l.Description),
			Quantity: num(l.Quantity),
			UnitPrice: num(l.UnitPrice),
			Discount: num(l.Discount ?? 0),
			LineTotal: num(l.LineTotal),
		})),
		Payments: payments.map((p) => ({ MethodNum: num(p.MethodNum), Amount: num(p.Amount), Tip: num(p.Tip ?? 0), Change: num(p.Change ?? 0) })),
	};
}
