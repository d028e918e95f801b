import { describe, expect, it } from 'vitest';
import { measured, verdict, type Measure, type SiteBenchReport } from '../../src/bench/site-bench.ts';

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

describe('verdict (the site benchmark against the issue’s targets)', () => {
  const measure = (kind: Measure['kind'], seconds: number, cpuSeconds: number, peakMb = 1000): Measure => ({ name: kind!, kind, seconds, cpuSeconds, peakMb });

  it('checks each target with this run’s ratios, and says when the required work alone exceeds what the targets allow', () => {
    const report: SiteBenchReport = {
      versions: 10,
      documents: 2,
      importSeconds: 1,
      analysisCpuSeconds: 20,
      measures: [
        measure('cold', 60, 100, 2000),
        measure('one-more', 5, 5),
        measure('one-more', 7, 7),
        measure('cold-without-version-images', 45, 70),
        measure('bare-cold', 30, 32, 4000),
        measure('hugo', 5, 9),
      ],
    };
    const lines = verdict(report, 2);
    expect(lines.find((l) => l.startsWith('cold build / bare Astro'))).toMatch(/2\.00\s+target ≤ 0\.5\s+NOT MET$/);
    expect(lines.find((l) => l.startsWith('peak memory'))).toMatch(/0\.50\s+target < 1\s+MET$/);
    expect(lines.find((l) => l.startsWith('cold build / Hugo'))).toMatch(/12\.00\s+target ≤ 3\s+NOT MET$/);
    expect(lines.find((l) => l.startsWith('rebuild after one new version'))).toMatch(/8\.3–11\.7 %\s+target ≤ 10 %\s+NOT MET$/);
    // (20 + (100 − 70)) / 2 = 25 s of required work against min(30 / 2, 5 × 3) = 15 s.
    expect(lines.join('\n')).toMatch(/analysis 20\.0 \+ version share images 30\.0 CPU s over 2 core\(s\) ≥ 25\.0 s,\n\s+against 15\.0 s allowed .*cannot be met/);
  });

  it('says the targets are met when they are, and leaves out what was not measured', () => {
    const lines = verdict({ versions: 1, documents: 1, importSeconds: 0, measures: [measure('cold', 10, 12, 500), measure('bare-cold', 30, 31, 900), measure('one-more', 0.5, 0.5)] }, 4);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/ MET$/);
    expect(lines.join('\n')).not.toMatch(/Hugo|required work/);
    expect(verdict({ versions: 0, documents: 0, importSeconds: 0, measures: [] }, 2)).toEqual([]);
  });
});
