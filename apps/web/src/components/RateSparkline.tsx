/** A lane's connection attempts per second over the window, as bars (unknown time left blank). */
export function RateSparkline({
  rates,
  peak: scale,
  label,
}: {
  rates: readonly (number | null)[];
  /** The rate of a full-height bar. */
  peak: number;
  label: string;
}) {
  const peak = Math.max(1, scale);
  const w = 100 / Math.max(1, rates.length);
  return (
    <svg
      className="class-spark"
      viewBox="0 0 100 20"
      preserveAspectRatio="none"
      role="img"
      aria-label={label}
    >
      <line x1="0" y1="19.5" x2="100" y2="19.5" className="class-spark-base" />
      {rates.map((r, i) =>
        r === null || r === 0 ? null : (
          <rect
            key={i}
            x={i * w + w * 0.1}
            width={w * 0.8}
            y={20 - (r / peak) * 19}
            height={(r / peak) * 19}
          />
        ),
      )}
    </svg>
  );
}
