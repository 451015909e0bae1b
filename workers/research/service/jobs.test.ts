import { describe, expect, it } from 'vitest';
import type { JobProgress } from '../api.js';
import { CancelledError } from '../backtest/errors.js';
import { JobRegistry } from './job-registry.js';
import { progressEventsPerSecond, throttleProgress } from './progress-throttle.js';
import { researchError } from './research-errors.js';

describe('progress throttle', () => {
  it('forwards at most 8 events a second, plus the first of each stage and the last', () => {
    let now = 0;
    const seen: JobProgress[] = [];
    const reporter = throttleProgress(
      (p) => void seen.push(p),
      () => now,
    );
    // 10,000 events over 2 seconds of one stage, then a second stage.
    for (let k = 1; k <= 10_000; k++) {
      now = k * 0.2;
      reporter.report({ done: k, total: 10_000, stage: 'Sweep' });
    }
    const sweep = seen.filter((p) => p.stage === 'Sweep');
    expect(sweep.length).toBeLessThanOrEqual(2 * progressEventsPerSecond + 2);
    expect(sweep.length).toBeGreaterThanOrEqual(2 * progressEventsPerSecond);
    expect(sweep[0]).toEqual({ done: 1, total: 10_000, stage: 'Sweep' });
    expect(sweep.at(-1)).toEqual({ done: 10_000, total: 10_000, stage: 'Sweep' });
    for (let i = 1; i < sweep.length - 1; i++)
      expect(sweep[i]!.done - sweep[i - 1]!.done).toBeGreaterThanOrEqual(625);
    reporter.report({ done: 0, total: 5, stage: 'Finish' });
    expect(seen.at(-1)).toEqual({ done: 0, total: 5, stage: 'Finish' });
  });

  it('keeps going when the listener throws or its promise rejects (the page went away)', () => {
    const reporter = throttleProgress(
      () => Promise.reject(new Error('port closed')) as never,
      () => 0,
    );
    expect(() => reporter.report({ done: 1, total: 1, stage: 'x' })).not.toThrow();
    const throwing = throttleProgress(
      () => {
        throw new Error('boom');
      },
      () => 0,
    );
    expect(() => throwing.report({ done: 1, total: 1, stage: 'x' })).not.toThrow();
  });
});

describe('job registry', () => {
  it('a cancelled job rejects with cancelled, whatever its work threw on the way out', async () => {
    const jobs = new JobRegistry(() => 0);
    let release: () => void = () => {};
    const running = jobs.run('a', undefined, async (job) => {
      await new Promise<void>((r) => (release = r));
      if (job.cancelled) throw new Error('worker terminated');
      return 1;
    });
    expect(jobs.running).toEqual(['a']);
    jobs.cancel('a');
    release();
    await expect(running.catch(researchError)).resolves.toMatchObject({ code: 'cancelled' });
    expect(jobs.running).toEqual([]);
  });

  it('a job cancelled just before its work finished still rejects: the page stopped waiting', async () => {
    const jobs = new JobRegistry(() => 0);
    const running = jobs.run('a', undefined, async (job) => {
      job.cancel();
      return 42;
    });
    await expect(running.catch(researchError)).resolves.toMatchObject({ code: 'cancelled' });
  });

  it("maps the engine's CancelledError and keeps other failures as they are", async () => {
    const jobs = new JobRegistry(() => 0);
    const failed = jobs.run('a', undefined, () => {
      throw new Error('disk full');
    });
    await expect(failed).rejects.toThrow('disk full');
    expect(researchError(new CancelledError())).toMatchObject({ code: 'cancelled' });
  });

  it('refuses an empty id and ignores a cancel for an unknown one', async () => {
    const jobs = new JobRegistry(() => 0);
    await expect(jobs.run('', undefined, () => 1).catch(researchError)).resolves.toMatchObject({
      code: 'invalid',
      details: { field: 'jobId' },
    });
    expect(() => jobs.cancel('nobody')).not.toThrow();
    await expect(jobs.run('b', undefined, () => 2)).resolves.toBe(2);
  });

  it('labels progress with the stage and throttles it per job', async () => {
    let now = 0;
    const seen: JobProgress[] = [];
    const jobs = new JobRegistry(() => now);
    await jobs.run(
      'a',
      (p) => void seen.push(p),
      (job) => {
        const hooks = job.stage('Backtest');
        for (let k = 1; k <= 100; k++) {
          now += 1;
          hooks.onProgress(k, 100);
        }
        expect(hooks.shouldStop()).toBe(false);
      },
    );
    expect(seen).toEqual([
      { done: 1, total: 100, stage: 'Backtest' },
      { done: 100, total: 100, stage: 'Backtest' },
    ]);
  });
});
