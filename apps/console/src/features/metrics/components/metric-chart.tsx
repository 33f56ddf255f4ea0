import { useId } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface ChartSeries {
  readonly key: string;
  readonly name: string;
  readonly color: string;
  /** Dashed lines tell series apart without colour. */
  readonly dashed?: boolean;
}

export interface MetricChartProps {
  readonly title: string;
  readonly description: string;
  readonly kind: 'line' | 'bar' | 'stacked-bar';
  /** One row per bucket: `label` plus a number per series key (null: nothing measured, a gap). */
  readonly rows: ReadonlyArray<{ readonly label: string } & Record<string, number | string | null>>;
  readonly series: readonly ChartSeries[];
  readonly format: (value: number) => string;
  /** Sample size per row, shown in the data table ("n"). */
  readonly samples?: readonly number[];
  /** Rates: a 0–100% axis, so an all-zero period does not read as "up to 400%". */
  readonly rate?: boolean;
}

/**
 * One chart with its title, a short description and its data as a table (in a disclosure), so
 * the figures are readable without seeing the chart. Animations are off: a leadership screen
 * should show the numbers at once (and screenshots should show them too).
 */
export function MetricChart({ title, description, kind, rows, series, format, samples, rate = false }: MetricChartProps) {
  const titleId = useId();
  const descriptionId = useId();
  const data = rows as unknown as Array<Record<string, number | string | null>>;
  const axisProps = {
    xAxis: <XAxis dataKey="label" tick={{ fontSize: 11 }} interval="preserveStartEnd" minTickGap={16} />,
    yAxis: <YAxis tick={{ fontSize: 11 }} tickFormatter={(v: number) => format(v)} width={64} domain={rate ? [0, 1] : [0, 'auto']} allowDecimals />,
    grid: <CartesianGrid strokeDasharray="3 3" stroke="#d0d7de" />,
    tooltip: <Tooltip formatter={(v) => (typeof v === 'number' ? format(v) : String(v))} />,
    legend: <Legend wrapperStyle={{ fontSize: 12 }} />,
  };
  return (
    <figure className="mx-chart" aria-labelledby={titleId} aria-describedby={descriptionId} data-chart={title}>
      <figcaption>
        <h3 id={titleId} className="mx-chart__title">
          {title}
        </h3>
        <p id={descriptionId} className="mx-chart__description">
          {description}
        </p>
      </figcaption>
      <div className="mx-chart__plot">
        <ResponsiveContainer width="100%" height={220}>
          {kind === 'line' ? (
            <LineChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              {axisProps.grid}
              {axisProps.xAxis}
              {axisProps.yAxis}
              {axisProps.tooltip}
              {axisProps.legend}
              {series.map((s) => (
                <Line
                  key={s.key}
                  // Straight segments, gaps where a bucket had no sample: no invented in-between values.
                  type="linear"
                  connectNulls={false}
                  dataKey={s.key}
                  name={s.name}
                  stroke={s.color}
                  strokeWidth={2}
                  strokeDasharray={s.dashed ? '6 3' : undefined}
                  dot={rows.length <= 31}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          ) : (
            <BarChart data={data} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
              {axisProps.grid}
              {axisProps.xAxis}
              {axisProps.yAxis}
              {axisProps.tooltip}
              {axisProps.legend}
              {series.map((s) => (
                <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.color} stackId={kind === 'stacked-bar' ? 'stack' : undefined} isAnimationActive={false} />
              ))}
            </BarChart>
          )}
        </ResponsiveContainer>
      </div>
      <details className="mx-chart__data">
        <summary>Data table</summary>
        <table className="console-table mx-table">
          <caption className="gh-visually-hidden">{title}</caption>
          <thead>
            <tr>
              <th scope="col">Bucket (UTC)</th>
              {series.map((s) => (
                <th key={s.key} scope="col">
                  {s.name}
                </th>
              ))}
              {samples ? <th scope="col">n</th> : null}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, i) => (
              <tr key={`${row.label}-${i}`}>
                <th scope="row">{row.label}</th>
                {series.map((s) => (
                  <td key={s.key}>{typeof row[s.key] === 'number' ? format(row[s.key] as number) : '—'}</td>
                ))}
                {samples ? <td>{(samples[i] ?? 0).toLocaleString('en-US')}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
