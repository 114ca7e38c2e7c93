import type { IExecuteFunctions } from 'n8n-workflow';
import type { FieldContext } from '../../../shared/validation';
import { requireString } from '../../../shared/validation';

/** A resource locator's value (whatever its mode), trimmed; '' when left empty. */
export function locatorValue(this: IExecuteFunctions, name: string, itemIndex: number): string {
	const value = this.getNodeParameter(name, itemIndex, '', { extractValue: true });
	return typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
}

export function requireLocator(this: IExecuteFunctions, ctx: FieldContext, name: string, label: string): string {
	return requireString(ctx, label, locatorValue.call(this, name, ctx.itemIndex));
}
