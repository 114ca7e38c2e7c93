import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';
import type { ErrorMessages } from './errors';
import { huskyVoiceApiRequest } from './transport';

/** HuskyVoice's largest page (`limit` max 200). */
export const MAX_PAGE_SIZE = 200;

/**
 * The records of a list answer: `{ data: [...] }` as documented, or a bare array. Totals and page
 * counts are not documented, so they are ignored; a page shorter than `limit` is the last one.
 */
export function recordsOf(body: unknown): IDataObject[] {
	if (Array.isArray(body)) return body as IDataObject[];
	const data = (body as IDataObject | null)?.data;
	return Array.isArray(data) ? (data as IDataObject[]) : [];
}

export interface PagedRequest {
	path: string;
	qs?: IDataObject;
	itemIndex: number;
	messages?: ErrorMessages;
}

/**
 * n8n's Return All / Limit over HuskyVoice's `page`/`limit` paging. Return All asks for pages of
 * 200 until a short (or empty) page; Limit asks for pages of at most `limit` until it has enough.
 */
export async function getPaged(
	this: IExecuteFunctions,
	request: PagedRequest,
	wanted: { returnAll: true } | { returnAll: false; limit: number },
): Promise<IDataObject[]> {
	const pageSize = wanted.returnAll ? MAX_PAGE_SIZE : Math.min(Math.max(1, wanted.limit), MAX_PAGE_SIZE);
	const records: IDataObject[] = [];
	let previousFirst: string | undefined;
	for (let page = 1; ; page++) {
		const body = await huskyVoiceApiRequest.call(this, {
			method: 'GET',
			path: request.path,
			qs: { ...request.qs, page, limit: pageSize },
			itemIndex: request.itemIndex,
			messages: request.messages,
		});
		const batch = recordsOf(body);
		// A server that ignored `page` would hand out page 1 forever.
		const first = batch.length > 0 ? JSON.stringify(batch[0]) : undefined;
		if (first !== undefined && first === previousFirst) {
			throw new NodeApiError(
				this.getNode(),
				{ message: 'repeated page' },
				{ message: `HuskyVoice answered page ${page} with the same records as page ${page - 1}; stopped paging`, itemIndex: request.itemIndex },
			);
		}
		previousFirst = first;
		records.push(...batch);
		if (!wanted.returnAll && records.length >= wanted.limit) return records.slice(0, wanted.limit);
		if (batch.length < pageSize) return records;
	}
}
