import { mkdirSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';

// n8n-core's InstanceSettings writes a config file into the n8n user folder the first time a
// node context is built; keep tests out of the developer's real ~/.n8n.
if (!process.env.N8N_USER_FOLDER) {
	const folder = join(tmpdir(), 'n8n-nodes-huskyvoice-test');
	mkdirSync(folder, { recursive: true });
	process.env.N8N_USER_FOLDER = folder;
}
