/**
 * n8n Data Tables through the internal REST API (session cookie), the same endpoints the editor
 * uses: `/rest/projects/<project>/data-tables`. Checked on n8n 2.41.1 and 1.123.81 (Data Tables
 * exist since 1.113). A table belongs to a project; ours go into the owner's personal project.
 */
import type { N8nApi } from './api.cjs';

export type DataTableColumnType = 'string' | 'number' | 'boolean' | 'date';

export interface DataTableColumn {
	name: string;
	type: DataTableColumnType;
}

export interface DataTable {
	id: string;
	name: string;
	projectId: string;
	columns: Array<DataTableColumn & { id: string; index: number }>;
	[k: string]: unknown;
}

export type DataTableRow = Record<string, unknown> & { id: number; createdAt: string; updatedAt: string };

/** The signed-in user's personal project (where the editor puts a new data table). */
export async function personalProjectId(api: N8nApi): Promise<string> {
	const project = await api.rest<{ id: string }>('GET', '/projects/personal');
	return project.id;
}

/** Creates a table with its columns (besides n8n's own `id`, `createdAt`, `updatedAt`). */
export async function createDataTable(api: N8nApi, name: string, columns: DataTableColumn[]): Promise<DataTable> {
	const projectId = await personalProjectId(api);
	const table = await api.rest<DataTable>('POST', `/projects/${projectId}/data-tables`, { name, columns });
	return { ...table, projectId };
}

/** Inserts rows; answers the inserted rows with their ids. */
export async function insertDataTableRows(api: N8nApi, table: Pick<DataTable, 'id' | 'projectId'>, rows: Array<Record<string, unknown>>): Promise<DataTableRow[]> {
	return api.rest<DataTableRow[]>('POST', `/projects/${table.projectId}/data-tables/${table.id}/insert`, { data: rows, returnType: 'all' });
}

/** Every row of a table, in id order (pages of 500). */
export async function dataTableRows(api: N8nApi, table: Pick<DataTable, 'id' | 'projectId'>): Promise<DataTableRow[]> {
	const rows: DataTableRow[] = [];
	for (;;) {
		const page = await api.rest<{ count: number; data: DataTableRow[] }>(
			'GET',
			`/projects/${table.projectId}/data-tables/${table.id}/rows?take=500&skip=${rows.length}&sortBy=id:asc`,
		);
		rows.push(...page.data);
		if (page.data.length === 0 || rows.length >= page.count) return rows;
	}
}
