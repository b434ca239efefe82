/** A measured number as people read it: four significant digits, Prometheus' spelling of infinities. */
export function formatValue(value: number): string {
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  if (Number.isNaN(value)) return 'NaN';
  return String(Number(value.toPrecision(4)));
}
