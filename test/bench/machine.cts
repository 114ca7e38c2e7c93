/** The machine a run happened on, and how busy it was (the figures are only as quiet as this). */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { N8N_VERSION, type Installation } from '../e2e/runner/index.cjs';
import { exec } from '../e2e/runner/util.cjs';

export interface MachineInfo {
	cpu: string;
	cores: number;
	ramGb: number;
	os: string;
	n8nNode: string;
	benchNode: string;
	n8n: string;
	postgres: string;
}

export async function machineInfo(inst: Installation | undefined, pgBin: string | undefined): Promise<MachineInfo> {
	const cpus = os.cpus();
	const version = async (bin: string | undefined, args: string[]) => {
		if (!bin) return 'n/a';
		try {
			return (await exec(bin, args)).stdout.trim();
		} catch {
			return 'n/a';
		}
	};
	let osName = `${os.type()} ${os.release()}`;
	try {
		const pretty = /^PRETTY_NAME="?([^"\n]*)"?/m.exec(fs.readFileSync('/etc/os-release', 'utf8'));
		if (pretty) osName = `${pretty[1]} (${os.release()})`;
	} catch {
		/* not Linux */
	}
	return {
		cpu: cpus[0]?.model.trim() ?? 'unknown',
		cores: cpus.length,
		ramGb: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
		os: osName,
		n8nNode: await version(inst?.node, ['--version']),
		benchNode: process.version,
		n8n: N8N_VERSION,
		postgres: (await version(pgBin, ['--version'])).replace(/^postgres \(PostgreSQL\)\s*/, ''),
	};
}

/** 1-minute load average and the number of cores, e.g. "1.84 on 2 cores". */
export function loadNow(): string {
	return `${os.loadavg()[0].toFixed(2)} on ${os.cpus().length} cores`;
}
