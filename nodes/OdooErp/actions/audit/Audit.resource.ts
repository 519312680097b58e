import type { INodeProperties } from 'n8n-workflow';
import * as post from './post.operation';

export { post };

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['audit'] } },
		options: [{ name: 'Post', value: 'post', description: 'Post a run record in a Discuss channel', action: 'Post an audit record' }],
		default: 'post',
	},
	...post.description,
];
