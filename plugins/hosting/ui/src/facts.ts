/**
 * A server's facts (`server.facts` op: os, nginx, php versions, mariadb, ips, free disk) as
 * label/value rows. Lists are joined, nested objects flattened one level; empty values dropped.
 */
export function factRows(facts: Record<string, unknown> | null | undefined): Array<{ key: string; value: string }> {
  if (!facts) return [];
  const rows: Array<{ key: string; value: string }> = [];
  const add = (key: string, v: unknown) => {
    if (v === null || v === undefined || v === '') return;
    if (Array.isArray(v)) {
      if (v.length) rows.push({ key, value: v.map((x) => (typeof x === 'object' ? JSON.stringify(x) : String(x))).join(', ') });
    } else if (typeof v === 'object') {
      for (const [k, inner] of Object.entries(v as Record<string, unknown>)) add(`${key}.${k}`, inner);
    } else rows.push({ key, value: String(v) });
  };
  for (const [k, v] of Object.entries(facts)) add(k, v);
  return rows;
}
