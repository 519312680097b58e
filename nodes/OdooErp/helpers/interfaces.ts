import type { IDataObject } from 'n8n-workflow';

/** What Upsert by External ID reports per input item. */
export interface UpsertResult extends IDataObject {
	id: number;
	model: string;
	externalId: string;
	action: 'created' | 'updated' | 'unchanged';
	archived?: boolean;
}

export interface LoadMessage {
	type: 'error' | 'warning';
	record: number;
	rows?: { from: number; to: number };
	field?: string;
	field_name?: string;
	message: string;
}

export interface LoadResult {
	ids: number[] | false;
	messages: LoadMessage[];
	nextrow: number;
}

export interface ExternalIdRow {
	id: number;
	module: string;
	name: string;
	model: string;
	res_id: number;
}
