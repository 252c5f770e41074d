import { useLayoutEffect, useRef, useState } from 'react';
import { DEFAULT_METRICS, type LogMetrics } from '../components/logLayout.ts';

/** Measures a character, a line and the wrapping columns, again whenever one of them resizes. */
export function useLogMetrics() {
  const service = useRef<HTMLSpanElement>(null);
  const reason = useRef<HTMLSpanElement>(null);
  const probe = useRef<HTMLSpanElement>(null);
  const [metrics, setMetrics] = useState<LogMetrics>(DEFAULT_METRICS);
  useLayoutEffect(() => {
    const els = [service.current, reason.current, probe.current];
    if (els.some((el) => !el)) return;
    const measure = () => {
      const [s, r, p] = els as HTMLSpanElement[];
      const box = p!.getBoundingClientRect();
      const next: LogMetrics = {
        charWidth: box.width / 10,
        lineHeight: box.height,
        serviceWidth: s!.clientWidth,
        reasonWidth: r!.clientWidth,
      };
      // Hidden (another dock tab): keep the last good measure.
      if (next.charWidth === 0 || next.serviceWidth === 0) return;
      setMetrics((m) =>
        (Object.keys(m) as (keyof LogMetrics)[]).every((k) => Math.abs(m[k] - next[k]) < 0.25)
          ? m
          : next,
      );
    };
    measure();
    const observer = new ResizeObserver(measure);
    for (const el of els) observer.observe(el!);
    return () => observer.disconnect();
  }, []);
  return { metrics, service, reason, probe };
}
