/**
 * The Grafana dashboard and the Prometheus rules in docs/monitoring must only name metrics this server
 * really exports: a renamed metric would otherwise leave an empty panel or an alert that never fires.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFullTestApp, type FullTestApp } from './app-test-support.js';
import { silentLog } from './sandbox/test-support.js';

const dashboardPath = new URL('../docs/monitoring/grafana-dashboard.json', import.meta.url);
const rulesPath = new URL('../docs/monitoring/prometheus-rules.yml', import.meta.url);
/** Recorded by Prometheus itself for every scrape target, never by the target. */
const prometheusOwn = new Set(['up']);

type Yaml = string | Yaml[] | { [key: string]: Yaml };

/**
 * Reads the YAML subset the rules file is written in: block mappings and sequences by indentation,
 * plain, single- and double-quoted scalars, whole-line comments. Anything else is an error with its line.
 */
export function readYamlSubset(text: string): Yaml {
  const lines = text
    .split('\n')
    .map((raw, i) => ({ n: i + 1, indent: raw.search(/\S/), body: raw.trim() }))
    .filter((l) => l.indent >= 0 && !l.body.startsWith('#'));
  let at = 0;
  const scalar = (s: string, n: number): string => {
    if (s.startsWith("'")) {
      if (!s.endsWith("'") || s.length < 2) throw new Error(`line ${n}: unterminated single-quoted string`);
      return s.slice(1, -1).replaceAll("''", "'");
    }
    if (s.startsWith('"')) {
      if (!s.endsWith('"') || s.length < 2) throw new Error(`line ${n}: unterminated double-quoted string`);
      return JSON.parse(s) as string;
    }
    if (/^[|>&*!%@`{[]/.test(s) || / #/.test(s))
      throw new Error(`line ${n}: outside the supported subset: ${s}`);
    return s;
  };
  const block = (indent: number): Yaml => {
    const first = lines[at]!;
    if (first.body.startsWith('- ')) {
      const items: Yaml[] = [];
      while (at < lines.length && lines[at]!.indent === indent && lines[at]!.body.startsWith('- ')) {
        const line = lines[at]!;
        // "- key: value" opens a mapping whose keys sit two columns in.
        lines[at] = { n: line.n, indent: indent + 2, body: line.body.slice(2).trim() };
        items.push(block(indent + 2));
      }
      return items;
    }
    const map: { [key: string]: Yaml } = {};
    while (at < lines.length && lines[at]!.indent === indent && !lines[at]!.body.startsWith('- ')) {
      const { n, body } = lines[at]!;
      const m = /^([A-Za-z_][\w.-]*):(?:\s+(.*))?$/.exec(body);
      if (!m) throw new Error(`line ${n}: expected "key: value", got: ${body}`);
      if (m[1]! in map) throw new Error(`line ${n}: duplicate key ${m[1]}`);
      at++;
      if (m[2] !== undefined && m[2] !== '') map[m[1]!] = scalar(m[2], n);
      else if (at < lines.length && lines[at]!.indent > indent) map[m[1]!] = block(lines[at]!.indent);
      else if (at < lines.length && lines[at]!.indent === indent && lines[at]!.body.startsWith('- '))
        map[m[1]!] = block(indent);
      else throw new Error(`line ${n}: key ${m[1]} has no value`);
    }
    if (at < lines.length && lines[at]!.indent > indent)
      throw new Error(`line ${lines[at]!.n}: unexpected indentation`);
    return map;
  };
  const doc = block(0);
  if (at < lines.length) throw new Error(`line ${lines[at]!.n}: unexpected content`);
  return doc;
}

/**
 * Metric names in a PromQL expression: identifiers outside strings, label sets and grouping clauses that
 * are not called as functions, not aggregations (`sum by (x) (...)`) and not keywords.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, '{}')
    .replace(/\[[^\]]*\]/g, '[]')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const keywords = new Set(['and', 'or', 'unless', 'bool', 'offset', 'by', 'without', 'on', 'ignoring']);
  const names = new Set<string>();
  for (const m of bare.matchAll(/(?<![\w.])[a-zA-Z_:][\w:]*/g)) {
    const after = bare.slice(m.index + m[0].length).trimStart();
    if (after.startsWith('(') || keywords.has(m[0])) continue;
    names.add(m[0]);
  }
  return [...names];
}

function exprsOfDashboard(d: unknown): string[] {
  const out: string[] = [];
  const walk = (x: unknown) => {
    if (Array.isArray(x)) x.forEach(walk);
    else if (x && typeof x === 'object')
      for (const [k, v] of Object.entries(x)) {
        // Template variables use Grafana's label_values(metric, label): the metric is the first argument.
        if ((k === 'expr' || k === 'definition') && typeof v === 'string')
          out.push(v.replace(/^label_values\((.*),\s*\w+\)$/, '$1'));
        else walk(v);
      }
  };
  walk(d);
  return out;
}

let t: FullTestApp;
let exported: Set<string>;

beforeAll(async () => {
  t = await startFullTestApp({ log: silentLog });
  const res = await t.app.request('/metrics');
  expect(res.status).toBe(200);
  const text = await res.text();
  exported = new Set<string>();
  for (const line of text.split('\n')) {
    const typed = /^# TYPE (\S+) (\w+)/.exec(line);
    if (!typed) continue;
    exported.add(typed[1]!);
    // A histogram or summary is queried through its series.
    if (typed[2] === 'histogram') for (const s of ['_bucket', '_sum', '_count']) exported.add(typed[1]! + s);
    if (typed[2] === 'summary') for (const s of ['_sum', '_count']) exported.add(typed[1]! + s);
  }
});

afterAll(async () => {
  await t?.close();
});

describe('docs/monitoring', () => {
  it('the dashboard is importable: JSON, a Prometheus datasource input, panels with queries', () => {
    const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as {
      __inputs: Array<{ name: string; pluginId: string }>;
      panels: Array<{ type: string; datasource?: { uid: string } }>;
    };
    expect(dashboard.__inputs).toEqual([
      expect.objectContaining({ name: 'DS_PROMETHEUS', pluginId: 'prometheus' }),
    ]);
    const charts = dashboard.panels.filter((p) => p.type !== 'row');
    expect(charts.length).toBeGreaterThan(10);
    for (const p of charts) expect(p.datasource?.uid).toBe('${DS_PROMETHEUS}');
  });

  it('the dashboard names only metrics the server exports', () => {
    const dashboard = JSON.parse(readFileSync(dashboardPath, 'utf8')) as unknown;
    const names = exprsOfDashboard(dashboard).flatMap(metricNames);
    expect(names.length).toBeGreaterThan(20);
    const missing = names.filter((n) => !exported.has(n) && !prometheusOwn.has(n));
    expect(missing, 'metrics the dashboard queries but /metrics does not export').toEqual([]);
    // Every concern the issue asks for has a panel.
    for (const family of [
      'lyra_http_',
      'lyra_relay_',
      'lyra_backup_',
      'lyra_sandbox_',
      'lyra_process_',
      'lyra_nodejs_eventloop',
    ])
      expect(
        names.some((n) => n.startsWith(family)),
        family,
      ).toBe(true);
  });

  it('the rules parse, have what Prometheus needs, and name only exported metrics', () => {
    const doc = readYamlSubset(readFileSync(rulesPath, 'utf8')) as {
      groups: Array<{ name: string; rules: Array<Record<string, unknown>> }>;
    };
    const rules = doc.groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.alert)).toEqual(
      expect.arrayContaining([
        'LyraServerDown',
        'LyraHigh5xxRate',
        'LyraSlowRequests',
        'LyraRelayFailing',
        'LyraHighMemory',
      ]),
    );
    for (const r of rules) {
      expect(typeof r.alert, JSON.stringify(r)).toBe('string');
      expect(typeof r.expr).toBe('string');
      expect(r.for).toMatch(/^\d+[smh]$/);
      expect((r.annotations as Record<string, string>).summary).toBeTruthy();
      const missing = metricNames(r.expr as string).filter((n) => !exported.has(n) && !prometheusOwn.has(n));
      expect(missing, `${String(r.alert)} names metrics /metrics does not export`).toEqual([]);
    }
  });

  it('the name check finds metric names, and only them', () => {
    expect(
      metricNames(
        'sum by (route) (rate(lyra_http_requests_totl{route="/x", a=~"b|c"}[5m])) / clamp_min(up, 1e-9) > 1.5e9',
      ),
    ).toEqual(['lyra_http_requests_totl', 'up']);
    expect(metricNames('histogram_quantile(0.99, sum by (le) (rate(x_bucket[$__rate_interval])))')).toEqual([
      'x_bucket',
    ]);
  });

  it('the YAML reader refuses what it does not understand, with the line', () => {
    expect(() => readYamlSubset('a: 1\n  b: 2\n')).toThrow(/line 2/);
    expect(() => readYamlSubset("a: 'open\n")).toThrow(/line 1: unterminated/);
    expect(() => readYamlSubset('a: |\n  text\n')).toThrow(/line 1/);
    expect(readYamlSubset("g:\n  - name: x\n    n: 'it''s'\n  - name: y\n")).toEqual({
      g: [{ name: 'x', n: "it's" }, { name: 'y' }],
    });
  });
});
