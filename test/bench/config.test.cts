import { readConfig } from './config.cjs';

describe('bench settings', () => {
	it('runs every benchmark and all three trigger engine settings by default', () => {
		const cfg = readConfig([], {});
		expect([...cfg.only].sort()).toEqual(['campaign', 'get', 'lookup', 'package', 'queue', 'rate', 'trigger', 'wait']);
		expect(cfg.triggerEngines).toEqual(['vm', 'vm-lazy', 'legacy']);
		expect(cfg).toMatchObject({ n: 300, limit: 10, windowMs: 1000, triggerEvents: 1000, triggerRate: 20, triggerControl: 200, triggerLowRate: 5, triggerLowEvents: 300 });
	});

	it('takes flags over BENCH_* variables and keeps the engines in the order asked for', () => {
		const cfg = readConfig(['--n=50', '--trigger-engines=legacy,vm'], { BENCH_N: '70', BENCH_TRIGGER_RATE: '5' });
		expect(cfg.n).toBe(50);
		expect(cfg.triggerRate).toBe(5);
		expect(cfg.triggerEngines).toEqual(['legacy', 'vm']);
	});

	it('--queue runs the queue-mode part on its own', () => {
		const cfg = readConfig(['--queue', '--queue-workers=2'], {});
		expect([...cfg.only]).toEqual(['queue']);
		expect(cfg).toMatchObject({ queueWorkers: 2, queueExecutions: 6, queueItems: 100, queueEvents: 1000, queueEventRate: 20 });
	});

	it('--lookup runs the in-call lookup part on its own, at 2, 5 and 10 requests per second by default', () => {
		const cfg = readConfig(['--lookup'], {});
		expect([...cfg.only]).toEqual(['lookup']);
		expect(cfg).toMatchObject({ lookupRates: [2, 5, 10], lookupRequests: 100, lookupBlock: 25 });
		expect(readConfig(['--lookup', '--lookup-rates=5'], {}).lookupRates).toEqual([5]);
		expect(() => readConfig(['--lookup-rates=5,fast'], {})).toThrow('--lookup-rates must be a positive integer, got "fast"');
	});

	it('--campaign runs the campaign part on its own: 300 contacts, clock ×10 by default', () => {
		const cfg = readConfig(['--campaign'], {});
		expect([...cfg.only]).toEqual(['campaign']);
		expect(cfg).toMatchObject({ campaignContacts: 300, campaignSpeed: 10 });
		expect(readConfig(['--campaign', '--campaign-speed=5'], {}).campaignSpeed).toBe(5);
	});

	it('names the flag and the accepted values when an engine setting is unknown', () => {
		expect(() => readConfig(['--trigger-engines=vm,quickjs'], {})).toThrow('--trigger-engines: any of vm, vm-lazy, legacy, got "quickjs"');
	});

	it('refuses unknown flags and malformed n8n environment', () => {
		expect(() => readConfig(['--fast=1'], {})).toThrow('unknown argument "--fast=1"');
		expect(() => readConfig(['--n8n-env=NOVALUE'], {})).toThrow('--n8n-env: expected KEY=VALUE, got "NOVALUE"');
	});
});
