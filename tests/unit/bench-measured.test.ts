import { describe, expect, it } from 'vitest';
import { measured } from '../../src/bench/site-bench.ts';

describe('measured (the benchmarks’ runner)', () => {
  it('reports the CPU time of the command, and its output without the shell’s accounting', async () => {
    const busy = "const end = process.cpuUsage().user + 400_000; let x = 0; while (process.cpuUsage().user < end) for (let i = 0; i < 1e6; i++) x += i; console.log('done')";
    const result = await measured('busy', process.execPath, ['-e', busy], { cwd: process.cwd() });
    expect(result.log.trim()).toBe('done');
    expect(result.cpuSeconds).toBeGreaterThanOrEqual(0.4);
    // A process cannot use more CPU than its wall time on this machine's cores.
    expect(result.cpuSeconds!).toBeLessThan(result.seconds * 8 + 0.5);
  });

  it('fails with the command’s exit code and output', async () => {
    await expect(measured('failing', process.execPath, ['-e', "console.error('broken'); process.exit(3)"], { cwd: process.cwd() })).rejects.toThrow(/failing exited with 3:\s*broken/);
  });
});
