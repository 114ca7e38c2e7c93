import type { INodeProperties } from 'n8n-workflow';

/**
 * What an AI model is told about an operation when the node runs as a tool (n8n's AI Agent, its
 * MCP Server Trigger). Without it n8n tells the model only "<action> in HuskyVoice"
 * (n8n-workflow's makeDescription); a node that defines `toolDescription` itself gets no
 * "Set Automatically" option and n8n hands this text to the model. `@tool` shows the field only
 * in the tool variant of the node; each operation adds its own, so the text follows the operation.
 */
export function toolDescriptionField(text: string): INodeProperties {
	return {
		displayName: 'Tool Description',
		name: 'toolDescription',
		type: 'string',
		typeOptions: { rows: 6 },
		default: text,
		displayOptions: { show: { '@tool': [true] } },
		description:
			'What the AI model is told about this tool: what it is for, the formats of its inputs and what to do when it fails. Add your own rules to it rather than replacing it.',
	};
}
